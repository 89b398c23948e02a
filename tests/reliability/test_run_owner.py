"""A run belongs to the process executing it: a runner takes it over only once
that process is gone (`runs.owner_pid`, checked with a portable process test).

Real processes: `cueflow run` executes a workflow whose web call a loopback
server holds; `cueflow runner` starts meanwhile.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from app.engine.runner import Runner
from app.engine.service import Service
from app.errors import BadInput
from app.scheduling.process import owner_alive, process_alive, process_started
from app.storage import ledger
from app.storage import models as m
from app.storage.db import Database
from app.workflow_file import import_text
from tests.conftest import cueflow_process
from tests.support.processes import RunnerProcess
from tests.support.reliability import query
from tests.support.waiting import wait_until

FLOWS = """
cueflow: 1
workflows:
  held_call:
    parameters: {url: {type: text}}
    retries: {attempts: 1, backoff: 1}
    steps:
      - action: http_request
        with: {url: "{{ url }}/held", timeout: 120}
"""


@dataclass
class HoldingServer:
    """Holds the first request until `release` is set; answers later ones at once."""

    url: str = ""
    requests: list[float] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def holding_server() -> Iterator[HoldingServer]:
    box = HoldingServer()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            with lock:
                box.requests.append(datetime.now(UTC).timestamp())
                first = len(box.requests) == 1
            if first:
                box.release.wait(120)
            body = json.dumps({"ok": True}).encode()
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the client was killed meanwhile

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    box.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box
    box.release.set()
    server.shutdown()
    server.server_close()


def _run(data_dir: Path) -> dict[str, Any]:
    rows = query(data_dir, "SELECT id, status, attempt, owner_pid FROM runs")
    assert len(rows) == 1, rows
    return rows[0]


def _log(data_dir: Path, run_id: str) -> list[str]:
    rows = query(data_dir, "SELECT message FROM log_lines WHERE run_id = ? ORDER BY id", run_id)
    return [row["message"] for row in rows]


def _beat(data_dir: Path) -> str | None:
    try:
        return str(json.loads((data_dir / "scheduler.heartbeat").read_text())["at"])
    except (OSError, ValueError, KeyError):
        return None


def test_a_runner_leaves_a_live_run_alone_and_takes_it_over_when_its_process_dies(
    data_dir: Path, tmp_path: Path, holding_server: HoldingServer, cli: Any
) -> None:
    flows = tmp_path / "flows.yaml"
    flows.write_text(FLOWS)
    assert cli("import", str(flows)).code == 0  # (in this process; the run and runner are not)
    run = cueflow_process(data_dir, "run", "held_call", "-p", f"url={holding_server.url}")
    runner = RunnerProcess(data_dir)
    try:
        wait_until(lambda: len(holding_server.requests) == 1, timeout=30)
        live = _run(data_dir)
        assert (live["status"], live["owner_pid"]) == ("running", run.pid)

        runner.start()
        # Two heartbeats: the start's recovery and at least one health check
        # after it have looked at the running run.
        first = wait_until(lambda: _beat(data_dir), timeout=30)
        wait_until(lambda: _beat(data_dir) not in (None, first), timeout=30)
        assert _run(data_dir)["status"] == "running"
        assert len(holding_server.requests) == 1  # the outside step was not repeated
        assert run.poll() is None

        run.kill()  # kill -9 while its step is in progress
        run.wait(timeout=10)
        wait_until(lambda: _run(data_dir)["status"] == "succeeded", timeout=60)
        done = _run(data_dir)
        assert done["attempt"] == 2
        assert len(holding_server.requests) == 2  # taken over once, after the owner died
        log = _log(data_dir, done["id"])
        assert "interrupted: the process running it ended" in log
        assert "resuming as attempt 2" in log
        assert runner.stop() == 0
    finally:
        holding_server.release.set()
        if run.poll() is None:
            run.kill()
        run.wait(timeout=10)
        for stream in (run.stdout, run.stderr):
            if stream is not None:
                stream.close()
        runner.close()


def test_a_run_whose_process_ends_normally_is_not_taken_over(
    data_dir: Path, tmp_path: Path, holding_server: HoldingServer, cli: Any
) -> None:
    flows = tmp_path / "flows.yaml"
    flows.write_text(FLOWS)
    assert cli("import", str(flows)).code == 0  # (in this process; the run and runner are not)
    runner = RunnerProcess(data_dir)
    runner.start()
    try:
        run = cueflow_process(data_dir, "run", "held_call", "-p", f"url={holding_server.url}")
        wait_until(lambda: len(holding_server.requests) == 1, timeout=30)
        first = wait_until(lambda: _beat(data_dir), timeout=30)
        wait_until(lambda: _beat(data_dir) not in (None, first), timeout=30)
        assert _run(data_dir)["status"] == "running"
        holding_server.release.set()
        out, _ = run.communicate(timeout=60)
        assert run.returncode == 0, out
        assert _run(data_dir)["status"] == "succeeded"
        assert len(holding_server.requests) == 1
    finally:
        runner.close()


# --- the process check itself -----------------------------------------------------


def test_process_alive_for_this_process_an_ended_one_and_a_zombie() -> None:
    assert process_alive(os.getpid())
    assert not process_alive(0)
    assert not process_alive(-1)
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # reaped: the PID is free
    assert not process_alive(child.pid)
    if sys.platform.startswith("linux"):
        zombie = subprocess.Popen([sys.executable, "-c", "pass"])
        # Not reaped: the process ended but its entry stays until wait().
        wait_until(
            lambda: Path(f"/proc/{zombie.pid}/stat").read_text().split(")")[-1].split()[0] == "Z",
            timeout=30,
        )
        assert not process_alive(zombie.pid)
        zombie.wait()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="start time from /proc")
def test_a_reused_pid_is_not_taken_for_the_runs_owner() -> None:
    started = process_started(os.getpid())
    assert started is not None
    assert abs(started - datetime.now(UTC).timestamp()) < 24 * 3600 * 365
    now = datetime.now(UTC)
    assert owner_alive(os.getpid(), now)  # claimed after this process started: the owner
    # A claim from before this process existed was made by another process that
    # had the same PID: that owner is gone.
    long_ago = datetime.fromtimestamp(started, UTC) - timedelta(hours=1)
    assert not owner_alive(os.getpid(), long_ago)
    assert not owner_alive(None, now)


# --- a run left running with no scheduler to notice -----------------------------------


TICK = """
cueflow: 1
workflows:
  tick:
    steps: [{action: log, with: {message: t}}]
"""


def _left_running(db: Database, owner_pid: int) -> str:
    import_text(db, TICK)
    run_id = Runner(db).run_now("tick", {})
    with db.write() as session:  # what a `cueflow run` killed mid-run leaves
        session.execute(
            update(m.Run)
            .where(m.Run.id == run_id)
            .values(status="running", finished_at=None, owner_pid=owner_pid)
        )
    return run_id


def test_resume_by_hand_takes_over_a_run_whose_process_is_gone(db: Database) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    run_id = _left_running(db, gone.pid)
    Service(db).resume(run_id)
    with db.read() as session:
        run = ledger.get_run(session, run_id)
        log = [line.message for line in ledger.log_lines(session, run_id)]
    assert (run.status, run.attempt) == ("scheduled", 2)
    assert "interrupted: the process running it ended" in log


def test_resume_by_hand_leaves_a_run_whose_process_lives(db: Database) -> None:
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        run_id = _left_running(db, alive.pid)
        with pytest.raises(BadInput, match="is running"):
            Service(db).resume(run_id)
        with db.read() as session:
            assert ledger.get_run(session, run_id).status == "running"
    finally:
        alive.kill()
        alive.wait()
