"""Runs of data steps only are exactly-once, even when the runner is killed.

Such a run writes through one transaction (its claim, its steps with their
records, its end) and its worker lets queued runs share it (group commit).
A SIGKILL in the middle must never create a thing twice, record a step
twice or lose a run. A run still in its first transaction is wholly undone
(still scheduled, to run after the restart). One that committed part-way
(its transaction grew older than SEGMENT_SECONDS, or another writer asked
for the lock, both of which a loaded machine makes likely) is interrupted
and resumes under its retries after the step that was committed: its data
steps still happen once each.
"""

from __future__ import annotations

import random
import signal
import time
from datetime import timedelta
from pathlib import Path

from app.core.types import utcnow
from app.engine.service import Service
from app.storage.db import Database
from app.workflow_file import import_text
from tests.support.processes import RunnerProcess
from tests.support.reliability import integrity, query
from tests.support.waiting import eventually

SEED = 7
RUNS = 4000
KILLS = 4

FLOWS = """
cueflow: 1
data_types:
  Member: {fields: {name: text, visits: number}}
workflows:
  touch:
    retries: {attempts: 3, backoff: 0}
    parameters: {name: {type: text}}
    steps:
      - action: create_thing
        with: {type: Member, fields: {name: "{{ name }}", visits: 0}}
      - action: modify_thing
        with: {thing: "{{ step1 }}", fields: {visits: 1}}
      - action: log
        with: {message: "touched {{ step2.name }}"}
"""


def _open(data_dir: Path) -> int:
    rows = query(data_dir, "SELECT count(*) AS n FROM runs WHERE status IN ('scheduled','running')")
    return int(rows[0]["n"])


def test_data_runs_are_exactly_once_across_sigkills(db: Database, data_dir: Path) -> None:
    rng = random.Random(SEED)
    import_text(db, FLOWS)
    names = [f"member {n}" for n in range(RUNS)]
    Service(db).schedule_on_list(
        "touch", names, "name", {}, at=utcnow() + timedelta(seconds=1), interval=0.001
    )
    db.dispose()

    runner = RunnerProcess(data_dir)
    killed_with_work_left = 0
    try:
        for _ in range(KILLS):
            runner.start()
            time.sleep(rng.uniform(0.8, 1.6))  # time is the point: a kill at a random moment
            left = _open(data_dir)
            assert runner.kill() == -signal.SIGKILL
            killed_with_work_left += left > 0
            print(f"killed with {left} of {RUNS} runs still to do")
        runner.start()
        eventually(lambda: not _open(data_dir), timeout=120, every=0.2)
        assert runner.stop() == 0
    finally:
        runner.close()

    assert integrity(data_dir / "cueflow.db") == "ok"
    assert killed_with_work_left >= 1  # the kills did land while runs were going on
    runs = query(data_dir, "SELECT status, count(*) AS n FROM runs GROUP BY 1")
    assert runs == [{"status": "succeeded", "n": RUNS}]
    resumed = query(data_dir, "SELECT count(*) AS n FROM runs WHERE attempt > 1")[0]["n"]
    print(f"{resumed} runs were committed part-way when killed and resumed")
    things = query(
        data_dir,
        "SELECT json_extract(data, '$.name') AS name, count(*) AS n, "
        "min(json_extract(data, '$.visits')) AS visits FROM things GROUP BY 1",
    )
    assert len(things) == RUNS
    assert {(t["n"], t["visits"]) for t in things} == {(1, 1)}
    steps = query(
        data_dir,
        "SELECT run_id, position, count(*) AS n FROM step_results WHERE status = 'succeeded' "
        "GROUP BY run_id, position HAVING n != 1",
    )
    assert steps == []
    done = query(
        data_dir, "SELECT count(DISTINCT run_id || ':' || position) AS n FROM step_results"
    )
    assert done[0]["n"] == 3 * RUNS
    lines = query(data_dir, "SELECT count(*) AS n FROM log_lines WHERE message LIKE 'touched %'")
    assert lines[0]["n"] == RUNS
