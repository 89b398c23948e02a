"""The database handle: engine, sessions and schema upgrades.

SQLite runs in WAL mode with a busy timeout and foreign keys. Writers begin
with `BEGIN IMMEDIATE` so two writers queue on the lock up front instead of
failing half-way with "database is locked"; readers use deferred transactions
and never block writers.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

DB_FILENAME = "cueflow.db"
SCHEMA_HEAD = "0003"
BUSY_TIMEOUT_MS = 15000
_DRIVER = "cueflow_driver"  # session.info key: (transaction, its sqlite3 connection)


class WriteLockBusy(Exception):
    """Another thread of this process held the write lock longer than a writer would wait."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the write lock stayed taken for {seconds:g} s")


class WriteLock:
    """The process's write lock (reentrant), with way made for writers who wait.

    Writers that are not executing runs (the window saving an edit, a
    command) are `urgent`: while one waits, runs take the lock no more, and a
    worker holding it for a batch of runs commits after its current step
    (see engine.runner.Batch and `wanted`). Among themselves the workers
    take it as it comes: handing it over in turn would cost a thread switch
    per batch for nothing.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._gate = threading.Condition(threading.Lock())
        self._urgent = 0
        self._owner: int | None = None
        self._depth = 0

    def acquire(self, *, urgent: bool = True, timeout: float | None = None) -> None:
        """Take the lock; an urgent writer may give up after `timeout` seconds
        (WriteLockBusy), as the clock's stop does rather than hang on a stuck run."""
        me = threading.get_ident()
        if self._owner != me:  # (a holder taking it again must never wait)
            if urgent:
                with self._gate:
                    self._urgent += 1
                try:
                    if not self._lock.acquire(timeout=-1 if timeout is None else timeout):
                        raise WriteLockBusy(timeout or 0.0)
                finally:
                    with self._gate:
                        self._urgent -= 1
                        if not self._urgent:
                            self._gate.notify_all()
            else:
                with self._gate:
                    while self._urgent:
                        self._gate.wait()
                self._lock.acquire()
        else:
            self._lock.acquire()
        self._owner = me
        self._depth += 1

    def release(self) -> None:
        self._depth -= 1
        if not self._depth:
            self._owner = None
        self._lock.release()

    @property
    def wanted(self) -> bool:
        """Whether a writer that is not executing runs waits for the lock."""
        return self._urgent > 0


class Database:
    """One engine per database; a session per unit of work, per thread."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        )
        _configure_sqlite(self.engine)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self.write_lock = WriteLock()
        self._writer = sessionmaker(
            self.engine.execution_options(cueflow_immediate=True), expire_on_commit=False
        )

    @classmethod
    def in_folder(cls, folder: Path) -> Database:
        folder.mkdir(parents=True, exist_ok=True)
        return cls(f"sqlite:///{folder / DB_FILENAME}")

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work; its objects stay readable after it ends."""
        with self._reader() as session:
            yield session

    @contextmanager
    def write(self, *, urgent: bool = True, timeout: float | None = None) -> Iterator[Session]:
        """A unit of work that commits on success and rolls back on error.

        Writers of this process queue on a lock first: SQLite lets one writer
        at a time anyway, and its busy handler waits by sleeping, which with
        several worker threads costs far more than the writes themselves.
        Other processes are still kept in line by the busy timeout. Runs are
        written with `urgent=False`: they make way for any other writer.
        An urgent writer given a `timeout` raises WriteLockBusy after waiting
        that long for this process's other writers.
        """
        self.write_lock.acquire(urgent=urgent, timeout=timeout)
        try:
            with self._writer.begin() as session:
                yield session
        finally:
            self.write_lock.release()

    def checkpoint(self) -> None:
        """Copy the WAL into the database and truncate it (frees disk space)."""
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception:  # best effort: the caller reports its own error
            return

    def dispose(self) -> None:
        self.engine.dispose()


def driver(session: Session) -> sqlite3.Connection:
    """The session's own sqlite3 connection, inside the session's transaction.

    For the statements a run makes by the dozen (claim, step records, log
    lines, things): there the ORM's per-statement bookkeeping costs ten times
    what SQLite does. Rows written this way are not in the session's identity
    map, so callers use plain values, not ORM objects, for them.
    """
    transaction = session.get_transaction()
    cached = session.info.get(_DRIVER)
    if cached is not None and transaction is not None and cached[0] is transaction:
        return cached[1]  # type: ignore[no-any-return]
    connection = session.connection().connection.driver_connection
    assert isinstance(connection, sqlite3.Connection)
    session.info[_DRIVER] = (session.get_transaction(), connection)
    return connection


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("cueflow_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        exists = conn.execute(
            text("SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'")
        ).first()
        if not exists:
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        conn.rollback()
        return str(row[0]) if row else None


def upgrade(db: Database) -> None:
    """Bring the schema to the newest revision (Alembic; skipped when current).

    An existing database is first copied beside itself
    (`cueflow.db.bak-<old revision>`) with SQLite's online backup.
    """
    revision = current_revision(db)
    if revision == SCHEMA_HEAD:
        return
    if revision is not None:
        backup(db, revision)
    from alembic import command

    with db.engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def backup(db: Database, revision: str) -> Path | None:
    path = db.engine.url.database
    if not path:
        return None
    target = Path(f"{path}.bak-{revision}")
    source = sqlite3.connect(path)
    try:
        copy = sqlite3.connect(target)
        with copy:
            source.backup(copy)
        copy.close()
    finally:
        source.close()
    return target


def alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    location = resources.files("app.storage") / "migrations"
    config.set_main_option("script_location", str(location))
    return config


def init_db(url: str) -> Database:
    """Open (creating and migrating as needed) the database at `url`."""
    db = Database(url)
    upgrade(db)
    return db
