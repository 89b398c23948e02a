"""open_database: a data folder or a postgresql:// URL; what cannot be used is
refused with one line naming the database and the reason, and left unchanged."""

from __future__ import annotations

import socket
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import URL

from app.errors import DatabaseProblem
from app.storage.db import DB_FILENAME, SCHEMA_HEAD, current_revision, open_database
from tests.conftest import postgres_or_skip
from tests.support.postgres import OtherConnection, PostgresServer


def _refusal(target: str | URL | Path) -> str:
    with pytest.raises(DatabaseProblem) as caught:
        open_database(target).dispose()
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


@pytest.fixture
def server(request: pytest.FixtureRequest) -> PostgresServer:
    return postgres_or_skip(request)


@pytest.fixture
def empty_pg(server: PostgresServer) -> Iterator[URL]:
    url = server.create(migrated=False)
    yield url
    server.drop(url)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens there once it is closed


def test_a_folder_and_a_url_open_the_same_schema(tmp_path: Path, empty_pg: URL) -> None:
    for target in (tmp_path, empty_pg.render_as_string(hide_password=False)):
        db = open_database(target)
        try:
            assert current_revision(db) == SCHEMA_HEAD
        finally:
            db.dispose()
    assert (tmp_path / DB_FILENAME).exists()


def test_an_unreachable_server_is_one_line_naming_it() -> None:
    port = _closed_port()
    message = _refusal(f"postgresql://cueflow:s3cret@127.0.0.1:{port}/cueflow")
    assert f"127.0.0.1:{port}/cueflow" in message and "refused" in message.lower()
    assert "s3cret" not in message  # the password is never shown


def test_an_unknown_host_is_one_line() -> None:
    message = _refusal("postgresql://cueflow@no-such-host.invalid/cueflow")
    assert "no-such-host.invalid" in message


def test_an_unknown_user_or_database_is_one_line(server: PostgresServer, empty_pg: URL) -> None:
    message = _refusal(empty_pg.set(username="nobody_here", password="pw"))
    assert "nobody_here" in message and "pw@" not in message
    message = _refusal(server.url_of("no_such_database_at_all"))
    assert "no_such_database_at_all" in message and "does not exist" in message


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://root@localhost/db", "not supported"),
        ("postgresql://cueflow@localhost", "names no database"),
        ("postgresql://cueflow@localhost:notaport/db", "not a database URL"),
        ("postgresql://u:p@[::1/db\udcff", "not a database URL"),
    ],
)
def test_a_url_cueflow_cannot_use_is_refused_before_connecting(url: str, words: str) -> None:
    assert words in _refusal(url)


def test_another_applications_database_is_refused_untouched(
    server: PostgresServer, empty_pg: URL
) -> None:
    from app.storage.db import Database

    probe = Database(empty_pg)
    other = OtherConnection(probe)
    try:
        other.execute("CREATE TABLE invoices (id integer primary key, total numeric)")
        other.execute("INSERT INTO invoices VALUES (1, 9.5)")
        message = _refusal(empty_pg)
        assert "invoices" in message and "not Cueflow's" in message
        with probe.engine.connect() as conn:
            assert inspect(conn).get_table_names() == ["invoices"]  # nothing added
        assert other.execute("SELECT total FROM invoices").fetchone()[0] == 9.5
    finally:
        other.close()
        probe.dispose()


def test_a_sqlite_file_of_another_application_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / DB_FILENAME
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (body text)")
        conn.execute("INSERT INTO notes VALUES ('keep me')")
    conn.close()
    assert "notes" in _refusal(tmp_path)
    with sqlite3.connect(path) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master")]
        assert tables == ["notes"]  # no table of Cueflow's beside them
        assert conn.execute("SELECT body FROM notes").fetchall() == [("keep me",)]
    conn.close()


def test_processes_starting_at_once_upgrade_a_new_database_once(empty_pg: URL) -> None:
    url = empty_pg.render_as_string(hide_password=False)
    gate = threading.Barrier(4)
    failures: list[BaseException] = []

    def start() -> None:
        gate.wait()
        try:
            open_database(url).dispose()
        except BaseException as exc:  # (reported below)
            failures.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    probe = open_database(url)
    other = OtherConnection(probe)
    try:
        assert other.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (SCHEMA_HEAD,)
        ]
    finally:
        other.close()
        probe.dispose()


def test_the_keychain_password_is_used_only_when_nothing_else_gives_one(
    tmp_path: Path,
) -> None:
    """PRODUCT §7: the URL, PGPASSWORD or .pgpass first, then database.password."""
    from sqlalchemy.engine import make_url

    from app.storage import secrets
    from app.storage.db import with_password

    url = make_url("postgresql://cueflow@db.example.com/cueflow")
    none = {"PGPASSFILE": str(tmp_path / "absent")}
    assert with_password(url, none).password is None
    secrets.set_secret("database.password", "from-keychain")
    assert with_password(url, none).password == "from-keychain"
    given = make_url("postgresql://cueflow:own@db.example.com/cueflow")
    assert with_password(given, none).password == "own"
    assert with_password(url, {**none, "PGPASSWORD": "env"}).password is None  # libpq's
    pgpass = tmp_path / "pgpass"
    pgpass.write_text("*:*:*:*:file\n", encoding="utf-8")
    assert with_password(url, {"PGPASSFILE": str(pgpass)}).password is None  # libpq's
