"""Team crash test (PRODUCT §7): three `cueflow runner` processes on one PostgreSQL
database, runs mixing data steps and an HTTP step to a local server, runners
SIGKILLed and restarted at random (at least 10 kills), and one runner SIGSTOPped
past its lease and then continued.

Then the ledger is audited: every run accounted for, each data step's thing
made exactly once per run, every repeated HTTP call announced in its run's
log, no run executed by two schedulers at once (no two HTTP calls of one run
overlap; no step recorded twice in one attempt), each occurrence of a
recurring schedule made once, and the frozen runner noticed it lost its
lease (it registered again under a new identity).

Run with: python -m pytest -m fault tests/reliability/test_team_crash.py -s
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from app.core.recurrence import Recurrence
from app.core.types import utcnow
from app.engine.service import Service
from app.storage import settings
from app.storage.db import init_db
from app.workflow_file import import_text
from tests.conftest import ROOT, postgres_or_skip
from tests.support.postgres import PostgresServer
from tests.support.waiting import eventually

pytestmark = [pytest.mark.fault, pytest.mark.timeout(900)]

SEED = 20261201
RUNS = int(os.environ.get("CUEFLOW_TEAM_CRASH_RUNS", "3000"))
SPREAD_SECONDS = 30.0
MIN_KILLS = 10
LEASE = 3
STEP_SECONDS = 0.05
RUNNERS = 3

FLOWS = """
cueflow: 1
data_types:
  Note: {fields: {text: text}}
workflows:
  job:
    parameters: {n: {type: text}, api: {type: text}}
    retries: {attempts: 10, backoff: 0.2}
    steps:
      - action: create_thing
        with: {type: Note, fields: {text: "a{{ n }}"}}
      - action: http_request
        with: {method: POST, url: "{{ api }}/call?n={{ n }}&run={{ run.id }}", timeout: 10}
      - action: create_thing
        with: {type: Note, fields: {text: "b{{ n }}"}}
  tick:
    steps:
      - action: log
        with: {message: tick}
"""


class Api:
    """A threaded web server that records, per run, when each call began and ended."""

    def __init__(self) -> None:
        self.calls: defaultdict[str, list[tuple[float, float]]] = defaultdict(list)
        lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                began = time.monotonic()
                run = parse_qs(urlparse(self.path).query).get("run", ["?"])[0]
                time.sleep(STEP_SECONDS)  # time is the point: a call in flight for the kills
                body = b'{"ok": true}'
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the runner was killed meanwhile
                with lock:
                    api.calls[run].append((began, time.monotonic()))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def api() -> Iterator[Api]:
    server = Api()
    yield server
    server.close()


@pytest.fixture
def url(request: pytest.FixtureRequest) -> Iterator[str]:
    server: PostgresServer = postgres_or_skip(request)
    made = server.create()
    yield made.render_as_string(hide_password=False)
    server.drop(made)


def query(url: str, sql: str, *args: Any) -> list[dict[str, Any]]:
    """The ledger read raw with psycopg (not the app's own queries)."""
    import psycopg
    from psycopg.rows import dict_row

    with psycopg.connect(url, row_factory=dict_row, autocommit=True) as conn:
        return list(conn.execute(sql.replace("?", "%s"), args))


def count(url: str, where: str) -> int:
    return int(query(url, f"SELECT count(*) AS n FROM runs WHERE {where}")[0]["n"])


APP = (sys.executable, "-m", "app")


class Runner:
    def __init__(self, data_dir: Path, url: str) -> None:
        self.data_dir, self.url = data_dir, url
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [*APP, "--data-dir", str(self.data_dir), "--database-url", self.url, "runner"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line.startswith("Cueflow runner for"), line

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=30)
        self.close()

    def stop(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        self.close()
        return code

    def close(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            if self.proc.stdout is not None:
                self.proc.stdout.close()
            self.proc = None


def test_three_runners_on_one_database_survive_kills_and_a_frozen_one(
    url: str, data_dir: Path, api: Api
) -> None:
    rng = random.Random(SEED)
    db = init_db(url)
    import_text(db, FLOWS)
    with db.write() as session:
        settings.set_value(session, "runner.lease", str(LEASE))
        settings.set_value(session, "runner.max_concurrent_runs", "8")
    service = Service(db)
    ids = service.schedule_on_list(
        "job",
        [str(n) for n in range(RUNS)],
        "n",
        {"api": api.url},
        at=utcnow() + timedelta(seconds=3),
        interval=SPREAD_SECONDS / RUNS,
    )
    service.schedule("tick", {}, every=Recurrence.parse("2 seconds"))
    db.dispose()
    assert len(set(ids)) == RUNS

    runners = [Runner(data_dir, url) for _ in range(RUNNERS)]
    kills = 0
    frozen_pid = 0
    started = time.monotonic()
    try:
        for runner in runners:
            runner.start()
        while kills < MIN_KILLS or (
            kills < 3 * MIN_KILLS and count(url, "status IN ('scheduled','running')") > 60
        ):
            time.sleep(rng.uniform(0.5, 2.0))  # time is the point: a kill at a random moment
            victim = rng.choice(runners[1:])  # runners[0] is frozen once, below
            in_flight = count(url, "status = 'running'")
            victim.kill()
            kills += 1
            print(f"kill {kills}: {in_flight} run(s) in flight")
            victim.start()
            if kills == MIN_KILLS // 2:
                frozen = runners[0]
                assert frozen.proc is not None
                frozen_pid = frozen.proc.pid
                frozen.signal(signal.SIGSTOP)
                time.sleep(LEASE + 4)  # time is the point: frozen past its lease
                frozen.signal(signal.SIGCONT)
                print(f"froze runner {frozen_pid} for {LEASE + 4} s")
        eventually(
            lambda: not count(url, "status IN ('scheduled','running') AND schedule_id IS NULL"),
            timeout=300,
            every=0.5,
        )
        # The frozen one noticed it lost its lease: it registered again, same process.
        eventually(
            lambda: len(query(url, "SELECT id FROM schedulers WHERE pid = ?", frozen_pid)) >= 2,
            timeout=LEASE + 10,
        )
        for runner in runners:
            assert runner.stop() == 0
    finally:
        for runner in runners:
            runner.close()
    elapsed = time.monotonic() - started

    # --- the audit ---------------------------------------------------------------------------
    runs = {
        r["id"]: r
        for r in query(url, "SELECT id, status, error, attempt FROM runs WHERE workflow = 'job'")
    }
    assert set(runs) == set(ids), "runs lost or made up"
    by_status = Counter(r["status"] for r in runs.values())
    assert by_status == Counter({"succeeded": RUNS}), by_status

    # Data steps exactly once per run.
    notes = Counter(r["text"] for r in query(url, "SELECT data->>'text' AS text FROM things"))
    wrong = [(k, notes[f"{k}{n}"]) for n in range(RUNS) for k in "ab" if notes[f"{k}{n}"] != 1]
    assert not wrong, wrong[:10]

    # No step recorded twice within one attempt (two schedulers on one run).
    doubled = query(
        url,
        "SELECT run_id, attempt, position, count(*) AS n FROM step_results "
        "WHERE status = 'succeeded' GROUP BY run_id, attempt, position HAVING count(*) > 1",
    )
    assert not doubled, doubled[:5]

    # No two HTTP calls of one run at the same time.
    overlapping = [
        run
        for run, calls in api.calls.items()
        for (a0, a1), (b0, b1) in zip(sorted(calls), sorted(calls)[1:], strict=False)
        if b0 < a1
    ]
    assert not overlapping, overlapping[:5]

    # Every repeated HTTP call is announced in its run's log.
    logs: defaultdict[str, list[str]] = defaultdict(list)
    for row in query(url, "SELECT run_id, message FROM log_lines ORDER BY id"):
        logs[row["run_id"]].append(row["message"])
    pattern = "step 2 (http_request) was in progress when Cueflow stopped"  # (1-based)
    silent = [
        run
        for run in runs
        if len(api.calls[run]) > 1 + sum(pattern in m and "again" in m for m in logs[run])
    ]
    assert not silent, [(run, len(api.calls[run]), logs[run]) for run in silent[:3]]

    # Each occurrence of the recurring schedule made once.
    ticks = query(
        url,
        "SELECT scheduled_for, count(*) AS n FROM runs WHERE workflow = 'tick' "
        "GROUP BY scheduled_for HAVING count(*) > 1",
    )
    assert not ticks, ticks[:5]
    made = count(url, "workflow = 'tick'")
    assert made >= 2

    figures = {
        "runs": RUNS,
        "runners": RUNNERS,
        "kills survived": kills,
        "frozen past its lease": 1,
        "runs resumed or retried": sum(1 for r in runs.values() if r["attempt"] > 1),
        "HTTP calls repeated (all announced)": sum(max(len(c) - 1, 0) for c in api.calls.values()),
        "occurrences of the 2 s schedule": made,
        "schedulers registered": len(query(url, "SELECT id FROM schedulers")),
        "seconds": round(elapsed, 1),
    }
    print("\nteam crash figures: " + json.dumps(figures))
    assert kills >= MIN_KILLS
