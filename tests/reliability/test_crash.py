"""Crash safety: 500 runs, the runner killed with SIGKILL at random moments, nothing lost.

Each run calls a slow web API, sends an email through a slow SMTP server and
calls the API again. The runner process is killed at least 10 times while
runs are in flight and restarted each time; a final runner finishes the rest.
Then the ledger is audited: every run is accounted for, none is left running
or scheduled, and an external step (email, HTTP) was only ever repeated for a
run whose log says so.

Run with: python -m pytest -m fault tests/reliability -s
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from aiosmtpd.controller import Controller

from app.core.types import utcnow
from app.engine.service import Service
from app.storage import settings
from app.storage.db import Database
from app.workflow_file import import_text
from tests.conftest import _free_port
from tests.support.processes import RunnerProcess
from tests.support.reliability import EXTERNAL_ACTIONS, integrity, query
from tests.support.waiting import eventually

pytestmark = [pytest.mark.fault, pytest.mark.timeout(600)]

SEED = 20240611
RUNS = 500
SPREAD_SECONDS = 20.0
MIN_KILLS = 10
STEP_SECONDS = 0.3

FLOWS = """
cueflow: 1
workflows:
  deliver:
    parameters: {n: {type: text}, api: {type: text}}
    retries: {attempts: 3, backoff: 0.2}
    timeout: 60
    steps:
      - action: http_request
        with: {method: POST, url: "{{ api }}/reserve?n={{ n }}&run={{ run.id }}", timeout: 10}
      - action: send_email
        with:
          to: "customer{{ n }}@example.com"
          subject: "order {{ n }} run {{ run.id }}"
          body: "Your order {{ n }} is on its way."
      - action: http_request
        with: {method: POST, url: "{{ api }}/confirm?n={{ n }}&run={{ run.id }}", timeout: 10}
      - action: log
        with: {message: "delivered {{ n }}"}
"""


class SlowApi:
    """A threaded web server whose every answer takes STEP_SECONDS; it counts calls per run."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                url = urlparse(self.path)
                run = parse_qs(url.query).get("run", ["?"])[0]
                with lock:
                    api.calls[(run, url.path)] += 1
                time.sleep(STEP_SECONDS)  # time is the point: a step in flight for the kills
                body = json.dumps({"ok": True}).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the runner was killed meanwhile

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class SlowMailbox:
    """An SMTP server that takes the message first, then STEP_SECONDS to say so.

    A kill during that pause is the at-least-once case: the message arrived,
    but Cueflow never heard that it did.
    """

    def __init__(self) -> None:
        self.per_run: Counter[str] = Counter()
        self.port = _free_port()
        box = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                subject = str(message_from_bytes(envelope.content)["Subject"])
                found = re.search(r"run (\w+)", subject)
                box.per_run[found.group(1) if found else subject] += 1
                await asyncio.sleep(STEP_SECONDS)
                return "250 accepted"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()


@pytest.fixture
def api() -> Iterator[SlowApi]:
    server = SlowApi()
    yield server
    server.close()


@pytest.fixture
def mailbox() -> Iterator[SlowMailbox]:
    box = SlowMailbox()
    yield box
    box.close()


def _count(data_dir: Path, where: str) -> int:
    return int(query(data_dir, f"SELECT count(*) AS n FROM runs WHERE {where}")[0]["n"])


def test_500_runs_survive_repeated_sigkill(
    db: Database, data_dir: Path, api: SlowApi, mailbox: SlowMailbox
) -> None:
    rng = random.Random(SEED)
    import_text(db, FLOWS)
    with db.write() as session:
        settings.set_value(session, "smtp.host", "127.0.0.1")
        settings.set_value(session, "smtp.port", str(mailbox.port))
        settings.set_value(session, "smtp.from", "shop@example.com")
        settings.set_value(session, "smtp.timeout", "10")
        settings.set_value(session, "runner.max_concurrent_runs", "16")
    ids = Service(db).schedule_on_list(
        "deliver",
        [str(n) for n in range(RUNS)],
        "n",
        {"api": api.url},
        at=utcnow() + timedelta(seconds=2),
        interval=SPREAD_SECONDS / RUNS,
    )
    db.dispose()
    assert len(set(ids)) == RUNS

    runner = RunnerProcess(data_dir)
    kills = 0
    started = time.monotonic()
    try:
        while kills < MIN_KILLS or (
            kills < 3 * MIN_KILLS and _count(data_dir, "status IN ('scheduled','running')") > 40
        ):
            runner.start()
            time.sleep(rng.uniform(0.6, 3.0))  # time is the point: a kill at a random moment
            in_flight = _count(data_dir, "status = 'running'")
            assert runner.kill() == -signal.SIGKILL
            kills += 1
            print(f"kill {kills}: {in_flight} run(s) in flight")
        runner.start()
        eventually(
            lambda: not _count(data_dir, "status IN ('scheduled','running')"),
            timeout=300,
            every=0.5,
        )
        assert runner.stop() == 0
    finally:
        runner.close()
    elapsed = time.monotonic() - started

    # --- the audit ---------------------------------------------------------------------------
    assert integrity(data_dir / "cueflow.db") == "ok"
    runs = {r["id"]: r for r in query(data_dir, "SELECT id, status, error, attempt FROM runs")}
    missing = set(ids) - set(runs)
    assert not missing, f"{len(missing)} run(s) lost"
    assert len(runs) == RUNS
    by_status = Counter(r["status"] for r in runs.values())
    assert by_status["running"] == 0 and by_status["scheduled"] == 0, by_status
    assert set(by_status) <= {"succeeded", "failed", "interrupted"}, by_status
    unexplained = [
        r for r in runs.values() if r["status"] in ("failed", "interrupted") and not r["error"]
    ]
    assert not unexplained, unexplained[:5]

    # No external step succeeded twice within one attempt.
    placeholders = ",".join("?" for _ in EXTERNAL_ACTIONS)
    doubled = query(
        data_dir,
        "SELECT run_id, attempt, position, count(*) AS n FROM step_results "
        f"WHERE status = 'succeeded' AND action IN ({placeholders}) "
        "GROUP BY run_id, attempt, position HAVING count(*) > 1",
        *EXTERNAL_ACTIONS,
    )
    assert not doubled, doubled[:5]

    # Every repeated side effect is announced in that run's log.
    logs: dict[str, list[str]] = {}
    for row in query(data_dir, "SELECT run_id, message FROM log_lines ORDER BY id"):
        logs.setdefault(row["run_id"], []).append(row["message"])

    def announced(run_id: str, position: int, action: str) -> int:
        pattern = f"step {position} ({action}) was in progress when Cueflow stopped"
        return sum(pattern in line and "again" in line for line in logs.get(run_id, []))

    effects = {
        (2, "send_email"): lambda run_id: mailbox.per_run[run_id],
        (1, "http_request"): lambda run_id: api.calls[(run_id, "/reserve")],
        (3, "http_request"): lambda run_id: api.calls[(run_id, "/confirm")],
    }
    silent_repeats: list[str] = []
    repeats_announced = 0
    emails_repeated = 0
    for run_id, run in runs.items():
        for (position, action), count in effects.items():
            done = count(run_id)
            said = announced(run_id, position, action)
            if done > 1 + said:
                silent_repeats.append(f"{run_id} step {position} ({action}) done {done}x")
            repeats_announced += min(said, max(done - 1, 0))
            if action == "send_email":
                emails_repeated += max(done - 1, 0)
        if run["status"] == "succeeded":
            assert mailbox.per_run[run_id] >= 1, f"{run_id} succeeded without its email"
    resumed = sum(1 for r in runs.values() if r["attempt"] > 1)

    figures = {
        "runs": RUNS,
        "kills survived": kills,
        "runs lost": len(missing),
        "succeeded": by_status["succeeded"],
        "failed": by_status["failed"],
        "interrupted (retries used up)": by_status["interrupted"],
        "runs resumed after an interruption or retried": resumed,
        "emails sent": sum(mailbox.per_run.values()),
        "emails repeated (all announced in the run log)": emails_repeated,
        "repeated external steps announced": repeats_announced,
        "silent repeats": len(silent_repeats),
        "seconds": round(elapsed, 1),
    }
    print("\ncrash-safety figures: " + json.dumps(figures))
    assert not silent_repeats, silent_repeats[:10]
    assert kills >= MIN_KILLS
    assert by_status["succeeded"] >= RUNS * 0.9, by_status
