"""Faults of the outside world: each ends a run failed (or retried) with a clear reason.

A real clock runs in this process over a real SQLite file; the mail and web
servers are real sockets on loopback. After every fault, a later run still
succeeds: the scheduler survived.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest

from app.core.types import utcnow
from app.engine.service import Service
from app.scheduling.clock import Clock
from app.storage import ledger, secrets, settings
from app.storage.db import Database
from tests.conftest import Mailbox, StartClock, WebServer, _free_port
from tests.support.reliability import TERMINAL
from tests.support.waiting import wait_until

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = [pytest.mark.timeout(60), pytest.mark.both_databases]


class ClosingSmtpServer:
    """Speaks just enough SMTP to get a message started, then hangs up during DATA."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.host, self.port = self.sock.getsockname()
        self.connections = 0
        self.data_started = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _talk(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rb") as reader:
            conn.sendall(b"220 closing.test ESMTP\r\n")
            while True:
                line = reader.readline()
                if not line:
                    return
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    conn.sendall(b"250-closing.test\r\n250 8BITMIME\r\n")
                elif verb == b"DATA":
                    conn.sendall(b"354 go ahead\r\n")
                    reader.readline()  # the first line of the message, then hang up
                    self.data_started += 1
                    conn.shutdown(socket.SHUT_RDWR)
                    return
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:
                    conn.sendall(b"250 ok\r\n")

    def close(self) -> None:
        self.sock.close()


FLOWS = """
cueflow: 1
workflows:
  mail:
    RETRIES
    steps:
      - action: send_email
        with: {to: someone@example.com, subject: "fault test", body: "hello"}
  call:
    parameters: {url: {type: text}, timeout: {type: number}}
    RETRIES
    steps:
      - action: http_request
        with: {url: "{{ url }}", timeout: "{{ timeout }}"}
  note:
    steps:
      - action: log
        with: {message: "still alive"}
"""


@dataclass
class World:
    db: Database
    service: Service
    clock: Clock
    smtp: Mailbox
    web: WebServer
    closing: ClosingSmtpServer

    def smtp_at(self, host: str, port: int, username: str = "") -> None:
        with self.db.write() as session:
            settings.set_value(session, "smtp.host", host)
            settings.set_value(session, "smtp.port", str(port))
            settings.set_value(session, "smtp.from", "cueflow@example.com")
            settings.set_value(session, "smtp.username", username)
            settings.set_value(session, "smtp.timeout", "5")

    def finish(self, run_id: str, timeout: float = 20) -> ledger.m.Run:
        def done() -> ledger.m.Run | None:
            with self.db.read() as session:
                row = ledger.get_run(session, run_id)
            return row if row.status in TERMINAL else None

        return wait_until(done, timeout)

    def log(self, run_id: str) -> list[str]:
        with self.db.read() as session:
            return [line.message for line in ledger.log_lines(session, run_id)]

    def still_runs_a_later_run(self) -> None:
        later = self.service.schedule("note", {}, at=utcnow() + timedelta(seconds=0.2))
        assert self.finish(later).status == "succeeded"
        assert all(thread.is_alive() for thread in self.clock._threads), "a clock thread died"


@pytest.fixture(params=[0, 2], ids=["no-retries", "2-retries"])
def retries(request: pytest.FixtureRequest) -> int:
    return int(request.param)


@pytest.fixture
def world(
    db: Database,
    smtp_server: Mailbox,
    http_server: WebServer,
    retries: int,
    running_clock: StartClock,
) -> Iterator[World]:
    policy = f"retries: {{attempts: {retries}, backoff: 0.05}}" if retries else ""
    clock = running_clock(FLOWS.replace("RETRIES", policy), stop_timeout=5)
    closing = ClosingSmtpServer()
    try:
        yield World(db, Service(db, clock.events), clock, smtp_server, http_server, closing)
    finally:
        clock.stop(timeout=5)
        closing.close()


def _smtp_down(w: World) -> tuple[str, dict[str, object]]:
    port = _free_port()  # nothing listens there: connection refused
    w.smtp_at("127.0.0.1", port)
    return "mail", {}


def _smtp_refuses_login(w: World) -> tuple[str, dict[str, object]]:
    w.smtp_at(w.smtp.host, w.smtp.port, username="user")
    secrets.set_secret("smtp.password", "not-the-password")
    return "mail", {}


def _smtp_hangs_up(w: World) -> tuple[str, dict[str, object]]:
    w.smtp_at(w.closing.host, w.closing.port)
    return "mail", {}


def _http_500(w: World) -> tuple[str, dict[str, object]]:
    return "call", {"url": f"{w.web.url}/no-such-route", "timeout": 5}


def _http_slow(w: World) -> tuple[str, dict[str, object]]:
    return "call", {"url": f"{w.web.url}/slow", "timeout": 0.3}


def _http_invalid_json(w: World) -> tuple[str, dict[str, object]]:
    return "call", {"url": f"{w.web.url}/broken-json", "timeout": 5}


FAULTS: dict[str, tuple[Callable[[World], tuple[str, dict[str, object]]], str]] = {
    "smtp-down": (_smtp_down, "cannot reach SMTP server 127.0.0.1:"),
    "smtp-refuses-login": (_smtp_refuses_login, "refused the login"),
    "smtp-closes-mid-message": (_smtp_hangs_up, "SMTP server 127.0.0.1:"),
    "http-500": (_http_500, "answered 500"),
    "http-slower-than-timeout": (_http_slow, "no answer within 0.3 s"),
    "http-invalid-json": (_http_invalid_json, "invalid JSON"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_an_outside_fault_fails_the_run_with_a_reason_and_the_clock_goes_on(
    world: World, fault: str, retries: int
) -> None:
    setup, reason = FAULTS[fault]
    workflow, params = setup(world)
    action = "send_email" if workflow == "mail" else "http_request"
    run_id = world.service.schedule(workflow, params)

    run = world.finish(run_id)

    assert run.status == "failed", (run.status, run.error)
    assert run.error is not None
    assert run.error.startswith(f"step 1 ({action}): "), run.error
    assert reason in run.error, run.error
    assert "\n" not in run.error and "Traceback" not in run.error
    assert run.attempt == retries + 1
    log = world.log(run_id)
    assert sum("retrying in" in line for line in log) == retries, log
    if fault == "smtp-closes-mid-message":
        assert world.closing.data_started == retries + 1
    if fault == "smtp-refuses-login":
        assert world.smtp.logins[-1] == ("user", "not-the-password")
    assert not world.smtp.messages
    world.still_runs_a_later_run()


def test_every_fault_at_once_then_a_healthy_run(world: World, retries: int) -> None:
    """Many failing runs in flight together do not starve or kill the workers."""
    if retries:
        pytest.skip("one variant is enough")
    ids = [
        world.service.schedule("call", {"url": f"{world.web.url}/{path}", "timeout": 0.3})
        for path in ("no-such-route", "slow", "broken-json") * 4
    ]
    for run_id in ids:
        assert world.finish(run_id).status == "failed"
    world.still_runs_a_later_run()
