"""Fixtures shared by every test.

A fresh data folder and database, workflows imported and a clock running over
them, a `cueflow runner` subprocess, real SMTP and HTTP servers on loopback,
the command line in this process.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import keyring
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from app.engine.events import EventBus
from app.storage import settings
from app.storage.db import Database, init_db
from tests.support.postgres import PostgresServer, postgres_server
from tests.support.waiting import eventually

if TYPE_CHECKING:
    from app.scheduling.clock import Clock
    from tests.support.processes import RunnerProcess

StartClock = Callable[..., "Clock"]
"""The type of `running_clock`: import workflow text if given, start a clock, return it."""

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "resources" / "examples"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def test_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test (and every cueflow subprocess) uses a file keyring in tmp_path."""
    from tests.support.keyring_backend import FileKeyring

    path = tmp_path / "keyring.json"
    monkeypatch.setenv("CUEFLOW_TEST_KEYRING", str(path))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.support.keyring_backend.FileKeyring")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    yield path
    keyring.set_keyring(previous)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("CUEFLOW_DATA_DIR", str(folder))
    return folder


# --- the database: SQLite, or PostgreSQL where a module runs on both --------------

BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests under tests/storage, and modules marked `both_databases`, run once per
    database (ids `sqlite`, `postgresql`), as huey's backend tests do."""
    if "backend" not in metafunc.fixturenames:
        return
    in_storage = Path(str(metafunc.definition.path)).parent.name == "storage"
    if in_storage or metafunc.definition.get_closest_marker("both_databases"):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the test's `db` is: `sqlite` unless parametrized."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer | str]:
    """The session's PostgreSQL server (tests/support/postgres.py), or why there is none."""
    with postgres_server() as server:
        yield server


def postgres_or_skip(request: pytest.FixtureRequest) -> PostgresServer:
    """The server, or skip the test (no server; or its `sqlite_only` marker's reason)."""
    only = request.node.get_closest_marker("sqlite_only")
    if only is not None:
        pytest.skip(f"SQLite only: {only.kwargs.get('reason') or only.args[0]}")
    server = request.getfixturevalue("pg_server")
    if isinstance(server, str):
        pytest.skip(server)
    return server


@pytest.fixture
def db(data_dir: Path, backend: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A fresh, migrated database: a SQLite file in the data folder, or a PostgreSQL
    database of the test's own."""
    if backend == "postgresql":
        server = postgres_or_skip(request)
        url = server.create()
        database = init_db(url)
        yield database
        database.dispose()
        server.drop(url)
        return
    database = init_db(f"sqlite:///{fresh_sqlite(request, data_dir / 'cueflow.db')}")
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the newest schema, made once per session (as the
    PostgreSQL side copies its migrated template): migrating takes ~40 ms, a copy ~2 ms.
    tests/storage/test_migrations.py still migrates real files from scratch."""
    path = tmp_path_factory.mktemp("sqlite-template") / "cueflow.db"
    database = init_db(f"sqlite:///{path}")
    database.checkpoint()
    database.dispose()
    leftover = path.with_name(path.name + "-wal")
    assert not leftover.exists() or leftover.stat().st_size == 0, "template's WAL not emptied"
    return path


def fresh_sqlite(request: pytest.FixtureRequest, path: Path) -> Path:
    """`path`, a copy of the session's migrated template (`init_db` then finds it current)."""
    shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
    return path


@pytest.fixture
def events() -> EventBus:
    return EventBus()


@pytest.fixture
def imported(db: Database) -> Callable[..., Database]:
    """`imported(text, replace=False)`: import workflow-file text into the test's database."""
    from app.workflow_file import import_text

    def load(text: str, *, replace: bool = False) -> Database:
        import_text(db, text, replace=replace)
        return db

    return load


@pytest.fixture
def running_clock(
    db: Database, events: EventBus, imported: Callable[..., Database]
) -> Iterator[StartClock]:
    """`running_clock(flows=None, *, events=…, stop_timeout=2, **options)`: import
    `flows` (workflow-file text) if given, start a `Clock` over the test's
    database and return it; every clock still running is stopped at teardown.
    """
    from app.scheduling.clock import Clock

    started: list[tuple[Clock, float]] = []

    def start(
        flows: str | None = None,
        *,
        events: EventBus = events,
        stop_timeout: float = 2.0,
        **options: Any,
    ) -> Clock:
        if flows is not None:
            imported(flows)
        clock = Clock(db, events, **options)
        clock.start()
        started.append((clock, stop_timeout))
        return clock

    yield start
    for clock, timeout in reversed(started):
        if not clock._stop.is_set():
            clock.stop(timeout=timeout)


@pytest.fixture
def runner(data_dir: Path) -> Iterator[RunnerProcess]:
    """A `cueflow runner` subprocess over the data folder (not started); killed at teardown."""
    from tests.support.processes import RunnerProcess

    process = RunnerProcess(data_dir)
    yield process
    process.close()


# --- SMTP -----------------------------------------------------------------------


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list[dict[str, Any]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        eventually(lambda: len(self.messages) >= count, timeout=timeout)
        return self.messages

    def configure(self, db: Database, username: str = "") -> None:
        with db.write() as session:
            settings.set_value(session, "smtp.host", self.host)
            settings.set_value(session, "smtp.port", str(self.port))
            settings.set_value(session, "smtp.from", "cueflow@example.com")
            settings.set_value(session, "smtp.username", username)


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email import message_from_bytes

        message = message_from_bytes(envelope.content)
        self.box.messages.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "subject": message["Subject"],
                "message_id": message["Message-ID"],
                "body": message.get_payload(decode=False),
            }
        )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    """A real SMTP server on loopback (aiosmtpd), accepting logins as user/secret-pw."""
    box = Mailbox("127.0.0.1", _free_port())

    def authenticate(
        server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            user, password = auth_data.login.decode(), auth_data.password.decode()
            box.logins.append((user, password))
            return AuthResult(success=(user, password) == ("user", "secret-pw"), handled=False)
        return AuthResult(success=False, handled=False)

    controller = Controller(
        _Handler(box),
        hostname=box.host,
        port=box.port,
        authenticator=authenticate,
        auth_require_tls=False,
        auth_exclude_mechanism=["LOGIN"],
    )
    controller.start()
    yield box
    controller.stop()


# --- HTTP -------------------------------------------------------------------------


@dataclass
class WebServer:
    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def http_server() -> Iterator[WebServer]:
    """A real HTTP server on loopback with a few fixed routes."""
    server_box = WebServer("")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _reply(self, status: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)  # the client may have given up (a timeout test)

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            server_box.requests.append(
                {
                    "method": self.command,
                    "path": self.path,
                    "body": body.decode(),
                    "headers": dict(self.headers),
                }
            )
            path = self.path.split("?")[0]
            if path == "/items":
                self._reply(200, json.dumps([{"title": "one"}, {"title": "two"}]).encode())
            elif path == "/echo":
                self._reply(
                    201,
                    json.dumps(
                        {"got": json.loads(body or b"null"), "query": self.path.partition("?")[2]}
                    ).encode(),
                )
            elif path == "/slow":
                time.sleep(2)  # time is the point: a server slower than a step's timeout
                self._reply(200, b"{}")
            elif path == "/broken-json":
                self._reply(200, b"{not json", "application/json")
            elif path == "/text":
                self._reply(200, b"plain words", "text/plain")
            else:
                self._reply(500, b'{"error": "boom"}')

        do_GET = do_POST = do_PUT = do_DELETE = _handle

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server_box.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server_box
    server.shutdown()
    server.server_close()


# --- the command line -----------------------------------------------------------------


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def cli(data_dir: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest) -> Any:
    """Run `cueflow …` in this process against the test's data folder (and, when the
    test runs on PostgreSQL, its database: --database-url), or against `folder=`.

    The same main() as `python -m app` with its output and exit code, without a
    process start-up (~1 s): for tests that are not about the process boundary."""
    from app.cli import main

    where = ["--data-dir", str(data_dir)]
    if "backend" in request.fixturenames and request.getfixturevalue("backend") == "postgresql":
        url = request.getfixturevalue("db").engine.url
        where += ["--database-url", url.render_as_string(hide_password=False)]

    def run(*args: str, stdin: str | None = None, folder: Path | None = None) -> Result:
        argv = [*(where if folder is None else ["--data-dir", str(folder)]), *args]
        capsys.readouterr()
        if stdin is not None:
            import io

            old = sys.stdin
            sys.stdin = io.StringIO(stdin)
            try:
                code = main(argv)
            finally:
                sys.stdin = old
        else:
            code = main(argv)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def cueflow_process(data_dir: Path, *args: str, **kwargs: Any) -> subprocess.Popen[str]:
    """Start `python -m app …` as a real separate process."""
    return subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        **kwargs,
    )


def cueflow_run(data_dir: Path, *args: str, stdin: str | None = None) -> Result:
    done = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        input=stdin,
        timeout=60,
    )
    return Result(done.returncode, done.stdout, done.stderr)
