"""Concurrency: one scheduler per data folder; parallel `cueflow schedule` all land, run once."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Result, cueflow_process
from tests.support.processes import RunnerProcess
from tests.support.reliability import TERMINAL, query
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.timeout(90)]

FLOWS = """
cueflow: 1
workflows:
  note:
    parameters: {n: {type: text}}
    steps:
      - action: log
        with: {message: "note {{ n }} ran"}
"""


@pytest.fixture
def flows(tmp_path: Path, cli: Any) -> None:
    """The workflows imported (in this process: the runners are the processes tested)."""
    path = tmp_path / "flows.yaml"
    path.write_text(FLOWS)
    assert cli("import", str(path)).code == 0


def test_two_runners_started_together_exactly_one_owns_the_folder(
    data_dir: Path, flows: None, cli: Any
) -> None:
    first = cueflow_process(data_dir, "runner")
    second = cueflow_process(data_dir, "runner")
    procs = [first, second]
    try:
        wait_until(
            lambda: any(p.poll() is not None for p in procs),
            timeout=20,
            every=0.05,
            message="neither runner gave way",
        )
        exited = [p for p in procs if p.poll() is not None]
        assert len(exited) == 1, "neither runner gave way"
        loser = exited[0]
        winner = second if loser is first else first
        assert loser.returncode == 2
        err = loser.stderr.read() if loser.stderr else ""
        assert f"already runs for this data folder (process {winner.pid})" in err, err
        assert winner.stdout is not None
        assert winner.stdout.readline().startswith("Cueflow runner for")
        # The one scheduler stays and really runs things.
        run_id = cli("schedule", "note", "-p", "n=x").out.strip()
        wait_until(
            lambda: (
                query(data_dir, "SELECT status FROM runs WHERE id=?", run_id)[0]["status"]
                == "succeeded"
            ),
            timeout=10,
        )
        assert winner.poll() is None
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
            proc.wait(timeout=20)
            for stream in (proc.stdout, proc.stderr):
                if stream:
                    stream.close()
    assert winner.returncode == 0


def test_twenty_parallel_schedules_against_a_running_runner_each_run_once(
    data_dir: Path, flows: None, runner: RunnerProcess
) -> None:
    runner.start()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app",
                "--data-dir",
                str(data_dir),
                "schedule",
                "note",
                "-p",
                f"n={n}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for n in range(20)
    ]
    ids = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        ids.append(out.strip())
    assert len(set(ids)) == 20

    def all_done() -> bool:
        rows = query(data_dir, "SELECT status FROM runs")
        return len(rows) == 20 and all(r["status"] in TERMINAL for r in rows)

    wait_until(all_done, timeout=30, every=0.1)
    runner.stop()  # settles anything still in flight: a second execution would show below

    rows = query(data_dir, "SELECT id, status, attempt, params FROM runs")
    assert sorted(r["id"] for r in rows) == sorted(ids)
    assert {r["status"] for r in rows} == {"succeeded"}
    assert {r["attempt"] for r in rows} == {1}
    steps = Counter(
        r["run_id"]
        for r in query(data_dir, "SELECT run_id FROM step_results WHERE status='succeeded'")
    )
    assert steps == Counter(dict.fromkeys(ids, 1))
    lines = Counter(
        r["message"]
        for r in query(data_dir, "SELECT message FROM log_lines WHERE message LIKE 'note % ran'")
    )
    assert lines == Counter({f"note {n} ran": 1 for n in range(20)})


def test_runs_prints_the_scheduler_state_first(
    flows: None, runner: RunnerProcess, cli: Any
) -> None:
    """The runner's heartbeat shows in `cueflow runs` (its stderr): running while it runs.
    (`runs` in this process: the runner is the other process.)"""
    idle = cli("runs")
    assert idle.code == 0
    runner.start()

    def heartbeat_shown() -> Result | None:
        result = cli("runs")
        first = result.err.splitlines()[0] if result.err else ""  # status: on stderr
        return result if "running" in first.lower() and "not" not in first.lower() else None

    busy = wait_until(heartbeat_shown, timeout=10, every=0.1)
    assert busy.code == 0
    runner.stop()
    stopped = cli("runs")
    first_lines = [r.err.splitlines()[0] if r.err else "" for r in (idle, busy, stopped)]
    assert all("scheduler" in line.lower() for line in first_lines), first_lines
    assert "running" in first_lines[1].lower(), first_lines
    assert first_lines[1] != first_lines[0] and first_lines[1] != first_lines[2], first_lines
    words = ("not running", "stopped", "no scheduler", "not started")
    assert any(word in first_lines[2].lower() for word in words), first_lines


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_the_runner_that_gives_way_names_the_winner_even_before_it_wrote_its_pid(
    tmp_path: Path,
) -> None:
    import fcntl
    import threading

    from app.errors import AlreadyRunning
    from app.scheduling.lock import LOCK_NAME, FolderLock

    # The winner has the lock but has not written its PID yet (two starting together).
    winner = open(tmp_path / LOCK_NAME, "a+", encoding="utf-8")  # noqa: SIM115
    fcntl.flock(winner.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    winner.truncate(0)

    def write_pid_late() -> None:
        time.sleep(0.2)  # time is the point: the PID comes after the loser first looks
        winner.write("4242\n")
        winner.flush()

    writer = threading.Thread(target=write_pid_late)
    writer.start()
    try:
        with pytest.raises(AlreadyRunning, match=r"\(process 4242\)"):
            FolderLock(tmp_path).acquire()
    finally:
        writer.join()
        winner.close()
