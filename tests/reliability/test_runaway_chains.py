"""Runaway fan-out chains in a real `cueflow runner` (issue 12, "Runaway work").

`runner.max_chain_depth` bounds a chain's length, not its width: a workflow
whose two steps each schedule it again doubles every generation (an attacker
made 8,915 runs in 8 s). `runner.max_chain_runs` bounds a chain's unfinished
runs; the step that would pass it fails, saying why, and the chain is stopped
for good: its upcoming runs are cancelled and it schedules nothing again.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from app.engine.runner import Runner
from app.engine.service import Service
from app.storage import settings
from app.storage.db import Database
from tests.support.processes import RunnerProcess
from tests.support.reliability import query
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

LIMIT = 50
STOPPED = "runaway chain stopped: its runs would exceed runner.max_chain_runs"

FLOWS = """
cueflow: 1
data_types:
  Counter:
    fields: {n: number}
triggers:
  counter_changed:
    data_type: Counter
    on: [modified]
    workflow: item
    params: {n: "{{ thing_now.n }}"}
workflows:
  touch_all:
    steps:
      - action: modify_thing
        with: {thing: "{{ search('Counter') }}", fields: {n: 1}}
  fan:
    steps:
      - action: schedule_workflow
        with: {workflow: fan}
      - action: schedule_workflow
        with: {workflow: fan}
  fan_list:
    parameters: {n: {type: number, optional: true}}
    steps:
      - action: schedule_workflow_on_list
        with: {workflow: fan_list, list: "{{ [1, 2] }}", item_param: n}
  fan_later:
    steps:
      - action: schedule_workflow
        with: {workflow: fan_later, at: "{{ now | add_minutes(2 / 60) }}"}
      - action: schedule_workflow
        with: {workflow: fan_later, at: "{{ now | add_minutes(2 / 60) }}"}
  fan_retry:
    retries: {attempts: 1, backoff: 0}
    steps:
      - action: schedule_workflow
        with: {workflow: fan_retry}
      - action: schedule_workflow
        with: {workflow: fan_retry}
  again:
    parameters: {n: {type: number}}
    steps:
      - action: schedule_workflow
        only_when: "n < 20"
        with: {workflow: again, params: {n: "{{ n + 1 }}"}}
  many:
    steps:
      - action: schedule_workflow_on_list
        with: {workflow: item, list: "{{ range(1000) | list }}", item_param: n}
  item:
    parameters: {n: {type: number}}
    steps:
      - action: log
        with: {message: "item {{ n }}"}
  tree:
    parameters: {n: {type: number}}
    steps:
      - action: run_workflow
        only_when: "n > 0"
        with: {workflow: tree, params: {n: "{{ n - 1 }}"}}
      - action: run_workflow
        only_when: "n > 0"
        with: {workflow: tree, params: {n: "{{ n - 1 }}"}}
"""


@pytest.fixture
def flows(tmp_path: Path, cli: Any) -> None:
    """The workflows imported. The commands here run in this process (`cli`): the
    runner processes are what these tests are about."""
    path = tmp_path / "flows.yaml"
    path.write_text(FLOWS)
    result = cli("import", str(path))
    assert result.code == 0, result.err


def limit_chains(cli: Any, limit: int) -> None:
    result = cli("settings", "set", "runner.max_chain_runs", str(limit))
    assert result.code == 0, result.err


def total(data_dir: Path) -> int:
    return int(query(data_dir, "SELECT count(*) AS n FROM runs")[0]["n"])


def settled(data_dir: Path, bound: int) -> bool:
    """Nothing scheduled or running; fails at once if the chain passes `bound` runs."""
    made = total(data_dir)
    assert made <= bound, f"the chain keeps growing: {made} runs"
    unfinished = query(
        data_dir, "SELECT count(*) AS n FROM runs WHERE status IN ('scheduled', 'running')"
    )[0]["n"]
    return made > 1 and unfinished == 0


def by_status(data_dir: Path) -> dict[str, int]:
    rows = query(data_dir, "SELECT status, count(*) AS n FROM runs GROUP BY status")
    return {row["status"]: row["n"] for row in rows}


def check_stopped(data_dir: Path, limit: int) -> None:
    """The chain was stopped once, by a failed run saying why, and stays stopped."""
    failed = query(data_dir, "SELECT error FROM runs WHERE status = 'failed'")
    assert failed, by_status(data_dir)
    reasons = [row["error"] for row in failed]
    assert any(f"{STOPPED} ({limit:,})" in reason for reason in reasons), reasons
    assert all("runaway chain stopped" in reason for reason in reasons), reasons
    said = re.compile(r"; cancelled (1 upcoming run|\d+ upcoming runs) of the chain")
    assert any(said.search(reason) for reason in reasons), reasons
    assert not any("(s)" in reason for reason in reasons), reasons
    cancelled = query(data_dir, "SELECT error FROM runs WHERE status = 'cancelled'")
    assert all(row["error"].startswith(STOPPED) for row in cancelled), cancelled
    assert set(by_status(data_dir)) <= {"succeeded", "failed", "cancelled"}
    # Every run of the chain knows its root: the run scheduled from the command line.
    roots = query(data_dir, "SELECT DISTINCT coalesce(root_id, id) AS root FROM runs")
    assert len(roots) == 1


@pytest.mark.parametrize("workflow", ["fan", "fan_list"])
def test_a_fan_out_settles_within_max_chain_runs(
    data_dir: Path, flows: None, runner: RunnerProcess, cli: Any, workflow: str
) -> None:
    limit_chains(cli, LIMIT)
    assert cli("schedule", workflow).code == 0
    runner.start()
    # Each run adds one unfinished run net (two children, itself ends): the
    # chain stops after about 2 × LIMIT runs, whatever the workers' timing.
    wait_until(lambda: settled(data_dir, 4 * LIMIT), timeout=60)
    check_stopped(data_dir, LIMIT)
    made = total(data_dir)
    assert runner.stop() == 0
    assert total(data_dir) == made  # stopped for good: nothing was made after settling


def test_a_fan_out_of_runs_scheduled_ahead_settles(
    data_dir: Path, flows: None, runner: RunnerProcess, cli: Any
) -> None:
    """Children 2 s ahead start a new chain depth each time; they stay in the chain."""
    limit_chains(cli, 10)
    assert cli("schedule", "fan_later").code == 0
    runner.start()
    wait_until(lambda: settled(data_dir, 40), timeout=60)
    check_stopped(data_dir, 10)
    assert runner.stop() == 0


def test_legitimate_chains_are_unaffected(
    data_dir: Path, flows: None, runner: RunnerProcess, cli: Any
) -> None:
    """A workflow rescheduling itself 20 times needs 2 or 3 unfinished runs at a time;
    a list of 1,000 from a step fits the default."""
    limit_chains(cli, 5)
    assert cli("schedule", "again", "-p", "n=0").code == 0
    runner.start()
    wait_until(lambda: settled(data_dir, 21) and total(data_dir) == 21, timeout=60)
    assert by_status(data_dir) == {"succeeded": 21}
    assert runner.stop() == 0
    limit_chains(cli, 100_000)  # the default
    assert cli("schedule", "many").code == 0
    runner.start()
    wait_until(lambda: settled(data_dir, 21 + 1001) and total(data_dir) == 21 + 1001, timeout=90)
    assert by_status(data_dir) == {"succeeded": 21 + 1001}
    assert runner.stop() == 0


def test_inline_runs_under_one_run_are_counted(data_dir: Path, db: Database, flows: None) -> None:
    """Two run_workflow steps per level make 2^(n+1) - 1 runs (2^20 at the nesting limit)."""
    with db.write() as session:
        settings.set_value(session, "runner.max_chain_runs", str(LIMIT))
    runner = Runner(db)
    top = runner.run_now("tree", {"n": 8})  # 511 runs unbounded
    rows: list[dict[str, Any]] = query(data_dir, "SELECT id, status, error FROM runs")
    assert len(rows) <= LIMIT + 1
    [root] = [row for row in rows if row["id"] == top]
    assert root["status"] == "failed"
    assert "run_workflow runs already started inline under one run" in "".join(
        row["error"] or "" for row in rows
    )
    # A later top-level run has its own count.
    with db.write() as session:
        settings.set_value(session, "runner.max_chain_runs", "100000")
    assert runner.run_now("tree", {"n": 3}) and total(data_dir) == len(rows) + 15


def test_a_stopped_chain_stays_stopped(data_dir: Path, db: Database, flows: None) -> None:
    """A stop frees slots (its upcoming runs are cancelled, its failed run retries):
    the chain must not start growing again in them."""
    with db.write() as session:
        settings.set_value(session, "runner.max_chain_runs", "3")
    Service(db).schedule("fan_retry", {})
    runner = Runner(db)
    executed = 0
    while executed < 100:
        due = query(data_dir, "SELECT id FROM runs WHERE status = 'scheduled'")
        if not due:
            break
        for row in due:
            runner.execute(row["id"])
            executed += 1
    assert executed < 100, by_status(data_dir)
    failed = query(data_dir, "SELECT error, attempt FROM runs WHERE status = 'failed'")
    assert [row["attempt"] for row in failed] == [2]  # its retry failed too
    assert "was stopped before" in failed[0]["error"]
    assert set(by_status(data_dir)) == {"succeeded", "failed", "cancelled"}


def test_triggers_fired_by_a_run_count_in_its_chain(
    data_dir: Path, db: Database, flows: None
) -> None:
    """A step changing many things starts a trigger run per thing, in its chain."""
    service = Service(db)
    for n in range(5):
        service.create_thing("Counter", {"n": n + 10})
    with db.write() as session:
        settings.set_value(session, "runner.max_chain_runs", "3")
    top = Runner(db).run_now("touch_all", {})
    rows = query(data_dir, "SELECT status, error, root_id FROM runs WHERE workflow = 'item'")
    assert len(rows) == 5 and all(row["root_id"] == top for row in rows)
    assert sorted(row["status"] for row in rows) == ["cancelled"] * 2 + ["failed"] * 3
    assert all("runaway chain stopped" in row["error"] for row in rows)
    assert query(data_dir, "SELECT status FROM runs WHERE id = ?", top)[0]["status"] == "succeeded"
