"""Runaway expressions end to end: a real `cueflow runner` and real commands beside it.

An expression that would compute for minutes is stopped after 2 s (or the
workflow's `timeout`), fails its step with one line, and never holds the write
lock meanwhile: other processes write while it computes. SIGTERM still stops
the runner in time.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import cueflow_run
from tests.support.processes import RunnerProcess
from tests.support.reliability import TERMINAL, query
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

# Python-level loops: each computes for a minute or more unless stopped.
SELECT = "range(100000) | select('in', range(100000) | list) | list | length"
LOOP = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"

FLOWS = f"""
cueflow: 1
data_types:
  Note:
    fields: {{text: text}}
workflows:
  note:
    steps:
      - action: log
        with: {{message: "a note"}}
  runaway_select:
    steps:
      - action: log
        with: {{message: "{{{{ {SELECT} }}}}"}}
  runaway_loop:
    steps:
      - action: log
        with: {{message: "{LOOP}done"}}
  slow_select:
    timeout: 1
    steps:
      - action: log
        with: {{message: "{{{{ {SELECT} }}}}"}}
  slow_loop:
    timeout: 1
    steps:
      - action: log
        with: {{message: "{LOOP}done"}}
  slow_condition:
    timeout: 1
    only_when: "{SELECT} > 0"
    steps:
      - action: log
        with: {{message: "never"}}
"""


@pytest.fixture
def flows(tmp_path: Path, cli: Any) -> None:
    """The workflows imported (in this process: the runner is the process tested)."""
    path = tmp_path / "flows.yaml"
    path.write_text(FLOWS)
    result = cli("import", str(path))
    assert result.code == 0, result.err


def run_row(data_dir: Path, run_id: str) -> dict[str, Any]:
    return query(data_dir, "SELECT * FROM runs WHERE id = ?", run_id)[0]


def status(data_dir: Path, run_id: str) -> str:
    return str(run_row(data_dir, run_id)["status"])


def test_runaway_steps_fail_alone_while_other_processes_write(
    data_dir: Path, flows: None, runner: RunnerProcess, cli: Any
) -> None:
    # One worker: the two runaway runs go one after the other (about 4 s in all).
    assert cli("settings", "set", "runner.max_concurrent_runs", "1").code == 0
    runner.start()
    runaways = [cli("schedule", name).out.strip() for name in ("runaway_select", "runaway_loop")]
    # Claimed (the claim is committed before the expression gets more time).
    wait_until(lambda: status(data_dir, runaways[0]) != "scheduled", timeout=20)
    written: list[str] = []
    while any(status(data_dir, run_id) not in TERMINAL for run_id in runaways):
        command = (
            ("thing", "add", "Note", "-f", f"text=n{len(written)}")
            if len(written) % 2 == 0
            else ("schedule", "note")
        )
        result = cueflow_run(data_dir, *command)
        assert (result.code, result.err) == (0, ""), result.err
        written.append(result.out.strip())
        assert len(written) < 100, "the runaway runs did not end"

    reasons = {}
    for run_id, name in zip(runaways, ("runaway_select", "runaway_loop"), strict=True):
        row = run_row(data_dir, run_id)
        assert row["status"] == "failed"
        assert "\n" not in row["error"]
        reasons[name] = row["error"]
        step = query(data_dir, "SELECT status, error FROM step_results WHERE run_id = ?", run_id)
        assert [s["status"] for s in step] == ["failed"]
    assert reasons == {
        name: f"step 1 (log): workflow {name}, step 1 (log), input message: "
        "the expression ran longer than 2 s"
        for name in reasons
    }
    # Some write committed while a runaway run was running (between its claim and
    # its end): the runner did not hold the write lock while evaluating.
    moments = [r["created_at"] for r in query(data_dir, "SELECT created_at FROM things")] + [
        r["created_at"]
        for r in query(data_dir, "SELECT created_at FROM runs WHERE workflow = 'note'")
    ]
    spans = [
        (run_row(data_dir, i)["started_at"], run_row(data_dir, i)["finished_at"]) for i in runaways
    ]
    assert any(start < moment < end for moment in moments for start, end in spans), (
        moments,
        spans,
    )
    # The notes scheduled meanwhile ran too.
    notes = written[1::2]
    wait_until(lambda: all(status(data_dir, i) == "succeeded" for i in notes), timeout=20)
    assert runner.stop() == 0


@pytest.mark.parametrize("workflow", ["slow_select", "slow_loop", "slow_condition"])
def test_the_workflow_timeout_stops_a_slow_evaluation(
    data_dir: Path, flows: None, runner: RunnerProcess, workflow: str, cli: Any
) -> None:
    runner.start()
    run_id = cli("schedule", workflow).out.strip()
    wait_until(lambda: status(data_dir, run_id) in TERMINAL, timeout=20)
    row = run_row(data_dir, run_id)
    assert row["status"] == "interrupted", row["error"]
    # Stopped by the workflow's 1 s timeout, not by EVAL_SECONDS (2 s), which
    # would say so. (Both budgets count the thread's CPU time: the wall-clock
    # span between the run's start and end says nothing on a loaded machine,
    # where it passed 1.9 s in 2 of 7 runs.)
    assert row["error"].startswith("timed out after 1 s"), row["error"]
    assert "longer than 2 s" not in row["error"], row["error"]
    assert "\n" not in row["error"]
    assert runner.stop() == 0


def test_sigterm_during_a_runaway_evaluation_stops_the_runner(
    data_dir: Path, flows: None, runner: RunnerProcess, cli: Any
) -> None:
    runner.start()
    run_id = cli("schedule", "runaway_loop").out.strip()
    wait_until(lambda: status(data_dir, run_id) == "running", timeout=20)
    assert runner.stop(signal.SIGTERM, timeout=15) == 0
    row = run_row(data_dir, run_id)
    # Let finish within the stop timeout (its expression stopped at 2 s), or
    # marked interrupted: never left running.
    assert row["status"] in ("failed", "interrupted"), row
    assert row["finished_at"] is not None
