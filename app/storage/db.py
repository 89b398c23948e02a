"""The database handle: engine, sessions and schema upgrades, on SQLite or PostgreSQL.

SQLite runs in WAL mode with a busy timeout and foreign keys. Writers begin
with `BEGIN IMMEDIATE` so two writers queue on the lock up front instead of
failing half-way with "database is locked"; readers use deferred transactions
and never block writers. PostgreSQL (a `postgresql://` URL) is reached with
psycopg 3, its sessions in UTC. What differs between the two beyond this file
is in app.storage.dialects.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import DatabaseProblem, one_line
from app.storage.dialects import SIDES, PostgresSide, Raw, Side

log = logging.getLogger(__name__)
DB_FILENAME = "cueflow.db"
SCHEMA_HEAD = "0009"
BUSY_TIMEOUT_MS = 15000
_DRIVER = "cueflow_driver"  # session.info key: (transaction, its driver connection)
_SIDE = "cueflow_side"  # session.info key: its database's dialects.Side
_ANNOUNCE = "cueflow_announce"  # session.info key: NOTIFY the ledger's listeners at commit
NOTIFY_CHANNEL = "cueflow_ledger"
CONNECT_TIMEOUT = 10  # seconds to reach a PostgreSQL server before saying so
LISTEN_SECONDS = 0.5  # the listener looks at its stop flag this often
IDLE_TX_MS = 5000  # PostgreSQL ends a transaction idle this long (a frozen scheduler's)
POOL_SIZE = 8  # connections to a server kept open per process (more are opened as needed)
# SQLite: how often a scheduler's process copies the WAL back into the database
# (Database.checkpoint_apart), and the WAL size (pages) at which a commit still
# does it itself should that thread fall behind (SQLite's own default is 1,000).
CHECKPOINT_SECONDS = 0.5
WAL_BACKSTOP_PAGES = 10_000


class TransactionFailed(Exception):
    """A statement failed inside a PostgreSQL transaction and no savepoint undid it:
    the server will commit none of it (COMMIT would quietly roll back)."""

    def __str__(self) -> str:
        return "a statement failed inside the transaction: the database kept none of it"


def _refuse_failed_commit(session: Session) -> None:
    """Before a commit on PostgreSQL: a transaction left failed is an error, not a
    quiet rollback (SQLite undoes only the failed statement; the server all of it).
    A transaction that scheduled or cancelled runs (announce) notifies the other
    schedulers' listeners, once, as it commits."""
    announced = session.info.pop(_ANNOUNCE, False)
    if session.in_transaction():
        from psycopg.pq import TransactionStatus

        connection: Any = session.connection().connection.driver_connection
        if connection.info.transaction_status == TransactionStatus.INERROR:
            raise TransactionFailed()
        if announced:
            connection.execute(f"SELECT pg_notify('{NOTIFY_CHANNEL}', '')")


def commit_if(session: Session, check: str, parameters: Any) -> bool:
    """PostgreSQL: commit the session's transaction in one round trip with `check`, a
    statement that fails with division_by_zero when it must not commit (see
    dialects._PostgresRaw.commit_if), and the NOTIFY of an announcing transaction.
    False: nothing committed, the transaction is failed and must be rolled back.
    The session's own commit then has nothing left to send."""
    session.flush()
    connection: Any = session.connection().connection.driver_connection
    from psycopg.pq import TransactionStatus

    if connection.info.transaction_status == TransactionStatus.INERROR:
        raise TransactionFailed()
    then = (
        [f"SELECT pg_notify('{NOTIFY_CHANNEL}', '')"] if session.info.pop(_ANNOUNCE, False) else []
    )
    forms = side(session)
    assert isinstance(forms, PostgresSide)
    return forms.commit_if(driver(session), check, parameters, then)


def announce(session: Session) -> None:
    """Mark the transaction as one other schedulers should hear of at once (runs
    scheduled, cancelled or moved; the pause switch): on PostgreSQL it sends one
    NOTIFY as it commits, a wake-up hint; their 4-per-second poll stays the rule.
    Run claims and finishes do not announce: NOTIFY takes a server-wide lock at
    commit, which the hot path must not queue on."""
    session.info[_ANNOUNCE] = True


class WriteLockBusy(Exception):
    """Another thread of this process held the write lock longer than a writer would wait."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the write lock stayed taken for {seconds:g} s")


class WriteLock:
    """The process's write lock (reentrant), with way made for writers who wait.

    Writers that are not executing runs (the window saving an edit, a
    command) are `urgent`: while one waits, runs take the lock no more, and a
    worker holding it for a batch of runs commits after its current step
    (see engine.transactions.Batch and `wanted`). Among themselves the workers
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
                while True:
                    with self._gate:
                        while self._urgent:
                            self._gate.wait()
                    self._lock.acquire()
                    if not self._urgent:
                        break
                    # An urgent writer came while this run waited for the lock: it
                    # goes first (it would otherwise wait behind every worker queued
                    # at the lock, a batch each: 6-10 ms for the workflow API's starts).
                    self._lock.release()
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

    def __init__(self, url: str | URL) -> None:
        self.url = url
        parsed = parse_url(url)
        self.side: Side = SIDES[parsed.get_backend_name()]
        if self.side.name == "postgresql":
            self.engine = create_engine(
                parsed.set(drivername="postgresql+psycopg"),
                connect_args={
                    "connect_timeout": CONNECT_TIMEOUT,
                    # A transaction left idle this long belongs to a frozen or lost
                    # process (Cueflow's commit every few milliseconds): the server
                    # ends it, so its locks never hold a dead scheduler's runs.
                    "options": "-c TimeZone=UTC "
                    f"-c idle_in_transaction_session_timeout={IDLE_TX_MS}",
                },
                # No ping per checkout: it cost a third of a run's time. A connection a
                # restarted server dropped fails once, and SQLAlchemy then renews the pool.
                pool_pre_ping=False,
                # Kept open: a runner's workers write side by side (one connection
                # each, see write), beside its watcher, lease thread and readers.
                pool_size=POOL_SIZE,
                max_overflow=64,
            )
            self.side.configure(self.engine)
        else:
            self.engine = create_engine(
                parsed,
                connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            )
            _configure_sqlite(self.engine, self)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self.write_lock = WriteLock()
        # SQLite: the WAL pages at which a commit copies the WAL back itself (None:
        # SQLite's default); raised while a thread does it apart (checkpoint_apart).
        self.wal_autocheckpoint: int | None = None
        self._writer = sessionmaker(
            self.engine.execution_options(cueflow_immediate=True), expire_on_commit=False
        )
        if self.side.name == "postgresql":
            event.listen(self._writer, "before_commit", _refuse_failed_commit)

    @property
    def folder(self) -> Path | None:
        """The data folder holding the SQLite file; None on a database server."""
        database = self.engine.url.database
        return Path(database).parent if self.side.name == "sqlite" and database else None

    @property
    def where(self) -> str:
        """The database named for people: the file's path, or the URL without password."""
        if self.side.name == "sqlite":
            return self.engine.url.database or DB_FILENAME
        return str(self.engine.url.set(drivername="postgresql"))

    def change_probe(self) -> ChangeProbe:
        """A probe telling whether anyone committed since it last looked (see ChangeProbe)."""
        return ChangeProbe(self)

    @classmethod
    def in_folder(cls, folder: Path) -> Database:
        folder.mkdir(parents=True, exist_ok=True)
        return cls(sqlite_url(folder / DB_FILENAME))

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work; its objects stay readable after it ends."""
        with self._reader() as session:
            yield session

    @contextmanager
    def write(self, *, urgent: bool = True, timeout: float | None = None) -> Iterator[Session]:
        """A unit of work that commits on success and rolls back on error.

        On SQLite, writers of this process queue on a lock first: it lets one
        writer at a time anyway, and its busy handler waits by sleeping, which with
        several worker threads costs far more than the writes themselves.
        Other processes are still kept in line by the busy timeout. Runs are
        written with `urgent=False`: they make way for any other writer.
        An urgent writer given a `timeout` raises WriteLockBusy after waiting
        that long for this process's other writers.
        """
        if not self.side.one_writer:
            # On a server the row locks keep writers apart, as they do between
            # processes: a run's round trips overlap the other workers' (one lock
            # for the process made a runner's four workers one, waiting on the network).
            with self._writer.begin() as session:
                yield session
            return
        self.write_lock.acquire(urgent=urgent, timeout=timeout)
        try:
            with self._writer.begin() as session:
                yield session
        finally:
            self.write_lock.release()

    def warm(self, connections: int) -> None:
        """On a server: open up to `connections` pooled connections now (a scheduler
        starting, its workers about to write side by side), not when the first due
        runs need them: a new server session took tens of milliseconds each, all
        added to those runs' lateness."""
        if self.side.one_writer:
            return
        opened = [self.engine.connect() for _ in range(min(connections, POOL_SIZE))]
        for connection in opened:
            connection.close()

    def checkpoint(self) -> None:
        """Copy the WAL into the database and truncate it (frees disk space; SQLite)."""
        if self.side.name != "sqlite":
            return
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception:  # best effort: the caller reports its own error
            return

    def checkpoint_apart(self, every: float = CHECKPOINT_SECONDS) -> Callable[[], None]:
        """SQLite: copy the WAL back into the database from a thread of its own every
        `every` seconds (a PASSIVE checkpoint: it blocks no writer nor reader),
        rather than in the commit that passes 1,000 WAL pages, SQLite's automatic
        checkpoint: that commit wrote the pages back and synced the file while it
        held the process write lock, 10-60 ms during which every other writer
        (the window, the workflow API, the other runs) waited. A commit still does
        it past WAL_BACKSTOP_PAGES. Returns the function that stops it; on a
        database server it does nothing."""
        path = self.engine.url.database
        if self.side.name != "sqlite" or not path:
            return lambda: None
        stop = threading.Event()
        self.wal_autocheckpoint = WAL_BACKSTOP_PAGES
        self.engine.dispose()  # (connections are opened again with the backstop)

        def copy_back() -> None:
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                while not stop.wait(every):
                    try:
                        connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    except sqlite3.Error as exc:
                        log.warning("could not copy the WAL back (%s); trying again", exc)
            finally:
                connection.close()

        thread = threading.Thread(target=copy_back, name="cueflow-checkpoints", daemon=True)
        thread.start()

        def stopped() -> None:
            stop.set()
            thread.join(5)
            self.wal_autocheckpoint = None
            self.engine.dispose()

        return stopped

    def dispose(self) -> None:
        self.engine.dispose()


def driver(session: Session) -> Raw:
    """The session's own driver connection, inside the session's transaction.

    For the statements a run makes by the dozen (claim, step records, log
    lines, things): there the ORM's per-statement bookkeeping costs ten times
    what SQLite does. On SQLite it is the sqlite3 connection itself; on
    PostgreSQL psycopg's, taking the same `?` statements (dialects.Raw). Rows
    written this way are not in the session's identity map, so callers use
    plain values, not ORM objects, for them. Storage only: the engine asks for
    what it needs through the functions below (savepoints, transaction_alive).
    """
    transaction = session.get_transaction()
    cached = session.info.get(_DRIVER)
    if cached is not None and transaction is not None and cached[0] is transaction:
        return cached[1]  # type: ignore[no-any-return]
    raw = side(session).raw(session.connection().connection.driver_connection)
    session.info[_DRIVER] = (session.get_transaction(), raw)
    return raw


def side(session: Session) -> Side:
    """The forms of the session's database (app.storage.dialects)."""
    try:
        found: Side = session.info[_SIDE]
    except KeyError:
        found = session.info[_SIDE] = SIDES[session.get_bind().dialect.name]
    return found


def savepoint(session: Session, name: str) -> None:
    """Open a savepoint `name` (an SQL identifier, quoted if need be) in the transaction."""
    side(session).execute_later(driver(session), f"SAVEPOINT {name}")  # (PostgreSQL: with the
    # next statement, see dialects._PostgresRaw)


def release(session: Session, name: str) -> None:
    side(session).execute_later(driver(session), f"RELEASE SAVEPOINT {name}")


def rollback_to(session: Session, name: str) -> None:
    """Undo what was written since savepoint `name`, and end it."""
    conn = driver(session)
    conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
    side(session).execute_later(conn, f"RELEASE SAVEPOINT {name}")


def rollback_within(session: Session, name: str) -> None:
    """Undo what was written since savepoint `name`, which stays open."""
    driver(session).execute(f"ROLLBACK TO SAVEPOINT {name}")


def changes(session: Session) -> int | None:
    """The connection's count of rows written so far (Side.changes), or None."""
    return side(session).changes(driver(session))


def ended_idle(exc: BaseException) -> bool:
    """Whether `exc` (or what it was raised from) is PostgreSQL ending the session
    because its transaction stayed idle over IDLE_TX_MS (a step computing in Python
    between two statements, or a frozen process): none of that transaction is kept."""
    seen: set[int] = set()
    waiting: list[BaseException] = [exc]
    while waiting:  # (its causes and contexts: a rollback failing on the lost connection
        current = waiting.pop()  # is raised from it while handling it)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if type(current).__name__ == "IdleInTransactionSessionTimeout":  # (psycopg.errors)
            return True
        for linked in (getattr(current, "orig", None), current.__cause__, current.__context__):
            if isinstance(linked, BaseException):
                waiting.append(linked)
    return False


def idle_reason() -> str:
    """What a run ended by ended_idle says."""
    return (
        "the database server ended the run's transaction: it stayed idle in its "
        f"transaction over {IDLE_TX_MS / 1000:g} s (a step computing, or the process "
        "stalled; idle_in_transaction_session_timeout); none of its writes were kept"
    )


def transaction_alive(session: Session) -> bool:
    """Whether the session's transaction is still open on the database: SQLite rolls
    it back itself on a full disk or an I/O error; PostgreSQL's may have broken."""
    return driver(session).in_transaction


class ChangeProbe:
    """Tells whether any process committed a change since the last look (cheap: the
    clock asks four times a second).

    SQLite: `PRAGMA data_version` on a connection of its own. PostgreSQL: the
    server's transaction snapshot (`pg_current_snapshot()`), which moves when a
    writing transaction starts or ends anywhere on the server: a change is
    never missed, and another database's writes only cost a needless look.
    """

    def __init__(self, db: Database) -> None:
        self._last: object = None
        self._listener: threading.Thread | None = None
        self._closing = threading.Event()
        self._sqlite: sqlite3.Connection | None = None
        self._engine: Engine | None = None
        if db.side.name == "sqlite":
            path = db.engine.url.database
            if path:
                self._sqlite = sqlite3.connect(path, check_same_thread=False)
        else:
            self._engine = db.engine

    def changed(self) -> bool:
        if self._sqlite is not None:
            current: object = self._sqlite.execute("PRAGMA data_version").fetchone()[0]
        elif self._engine is not None:
            with self._engine.connect() as conn:
                current = conn.exec_driver_sql("SELECT pg_current_snapshot()::text").scalar()
        else:
            return False
        changed, self._last = current != self._last, current
        return changed

    def listen(self, wake: Callable[[], None]) -> None:
        """On PostgreSQL: call `wake` as soon as another process announces a change
        (LISTEN on a dedicated connection, in a thread of its own; reconnecting after
        a failure, and waking once then, since a notice may have been missed). A hint
        only: `changed()` polled is still the rule, so PgBouncer in transaction mode
        (no LISTEN) costs only latency. Nothing on SQLite."""
        if self._engine is None or self._listener is not None:
            return
        uri = self._engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._listener = threading.Thread(
            target=self._listen, args=(uri, wake), name="cueflow-ledger-listen", daemon=True
        )
        self._listener.start()

    def _listen(self, uri: str, wake: Callable[[], None]) -> None:
        import psycopg

        while not self._closing.is_set():
            try:
                with psycopg.connect(uri, autocommit=True, connect_timeout=CONNECT_TIMEOUT) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    wake()
                    while not self._closing.is_set():
                        for _ in conn.notifies(timeout=LISTEN_SECONDS, stop_after=1):
                            wake()
            except Exception as exc:
                log.warning("listening for ledger changes failed (%s); polling meanwhile", exc)
                self._closing.wait(1.0)

    def close(self) -> None:
        self._closing.set()
        if self._listener is not None:
            self._listener.join(timeout=LISTEN_SECONDS + 2)
            self._listener = None
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None


def _configure_sqlite(engine: Engine, db: Database) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        if db.wal_autocheckpoint is not None:  # (see Database.checkpoint_apart)
            cursor.execute(f"PRAGMA wal_autocheckpoint={int(db.wal_autocheckpoint)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("cueflow_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        revision = _revision_in(conn)
        if revision is None:
            try:
                _check_empty(db, conn)
            except DatabaseProblem:
                # Tables seen after no alembic_version: another process's upgrade
                # may have committed in between (both appear at its commit).
                revision = _revision_in(conn)
                if revision is None:
                    raise
        conn.rollback()
        return revision


def _check_empty(db: Database, conn: Connection) -> None:
    """Refuse a database holding tables that are not Cueflow's (another application's):
    Cueflow neither adds its tables beside them nor touches them."""
    tables = sorted(inspect(conn).get_table_names())
    conn.rollback()
    if tables:
        shown = ", ".join(tables[:5]) + (f" and {len(tables) - 5} more" if len(tables) > 5 else "")
        raise DatabaseProblem(
            f"{db.where} holds tables that are not Cueflow's ({shown}); Cueflow leaves it "
            "unchanged. Give Cueflow an empty database of its own"
        )


def upgrade(db: Database) -> None:
    """Bring the schema to the newest revision (Alembic; skipped when current).

    An existing SQLite file is first copied beside itself
    (`cueflow.db.bak-<old revision>`) with SQLite's online backup. On a
    server, processes starting at once upgrade it once: each takes the
    side's schema lock in the upgrade's transaction and looks again.
    """
    revision = current_revision(db)
    if revision == SCHEMA_HEAD:
        return
    if revision is not None:
        _check_known(db, revision)
        backup(db, revision)
    from alembic import command

    with db.engine.begin() as conn:
        if db.side.schema_lock:
            conn.exec_driver_sql(db.side.schema_lock)
            if _revision_in(conn) == SCHEMA_HEAD:
                return  # another process upgraded it while this one waited
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def _revision_in(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return str(row[0]) if row else None


def _check_known(db: Database, revision: str) -> None:
    """Refuse a schema revision no migration here knows (a newer Cueflow wrote it).

    Checked before the backup and the upgrade, so such a database is left as it is.
    """
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    known = {script.revision for script in scripts.walk_revisions()}
    if revision in known:
        return
    raise DatabaseProblem(
        f"{db.where} has schema revision {revision!r}, which this Cueflow does not know (it reads "
        f"up to {SCHEMA_HEAD}): it was probably written by a newer Cueflow; Cueflow leaves it "
        "unchanged. Use that newer Cueflow, or choose another --data-dir"
    )


def backup(db: Database, revision: str) -> Path | None:
    """A SQLite file's copy before an upgrade (a server's backups are its own)."""
    path = db.engine.url.database
    if not path or db.side.name != "sqlite":
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


def init_db(url: str | URL) -> Database:
    """Open (creating and migrating as needed) the database at `url`."""
    db = Database(url)
    try:
        upgrade(db)
    except BaseException:
        db.dispose()
        raise
    return db


def parse_url(url: str | URL) -> URL:
    """`url` read, or DatabaseProblem naming what is wrong with it (never the password)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # (ValueError: a port that is no number)
        shown = str(url).split("@")[-1] if "@" in str(url) else str(url)
        raise DatabaseProblem(
            f"'{one_line(shown)[:200]}' is not a database URL (for example "
            "postgresql://user@host/database)"
        ) from None
    if parsed.get_backend_name() not in SIDES:
        raise DatabaseProblem(
            f"{parsed.get_backend_name()!r} databases are not supported: give a "
            "postgresql:// URL, or a data folder for the SQLite file"
        )
    if parsed.get_backend_name() == "postgresql" and not parsed.database:
        raise DatabaseProblem(
            f"{parsed.render_as_string(hide_password=True)} names no database "
            "(add /DATABASE after the host)"
        )
    return parsed


def open_database(target: str | URL | Path) -> Database:
    """What every front end opens: a `postgresql://` URL, or a data folder (its SQLite file).

    Created and upgraded as needed; a database Cueflow cannot use (a server it
    cannot reach or log in to, a bad URL, a damaged file, another application's
    tables) raises DatabaseProblem with one line saying which and why.
    """
    if isinstance(target, URL) or (isinstance(target, str) and "://" in target):
        parsed = parse_url(target)
        if parsed.get_backend_name() == "sqlite":
            return open_folder(Path(parsed.database or ".").parent)
        db = Database(with_password(parsed))
        try:
            upgrade(db)
        except Exception as exc:
            db.dispose()
            reason = explain_server(exc, db.where)
            if reason is None:
                raise
            raise DatabaseProblem(reason) from None
        return db
    return open_folder(Path(target))


PASSWORD_SECRET = "database.password"


def with_password(url: URL, environ: Any = os.environ) -> URL:
    """The URL with the keychain's `database.password` when nothing else gives one
    (PRODUCT §7: the URL, PGPASSWORD or a .pgpass file come first)."""
    if url.password is not None or environ.get("PGPASSWORD"):
        return url
    pgpass = environ.get("PGPASSFILE") or str(Path.home() / ".pgpass")
    if Path(pgpass).is_file():
        return url
    from app.storage.secrets import get_secret

    password = get_secret(PASSWORD_SECRET)
    return url if not password else url.set(password=password)


def explain_server(exc: BaseException, where: str) -> str | None:
    """One line on why a database server cannot be used (unreachable, refused the
    login, no such database …); None when `exc` is no such error."""
    import psycopg

    original = getattr(exc, "orig", None) or exc
    if not isinstance(original, psycopg.OperationalError):
        return None
    text = " ".join(str(original).split())
    return f"cannot use the database {where}: {text}"


def sqlite_url(path: Path) -> URL:
    """The URL of the SQLite file at `path`, whatever its characters (`?`, `%`, `#` …).

    Never a path pasted into "sqlite:///…": a URL parser reads `?` as the start of the
    query and `%` as an escape, and would open a database somewhere else.
    """
    return URL.create("sqlite", database=str(path))


def open_folder(folder: Path) -> Database:
    """The database of a data folder (created and upgraded as needed).

    A file or folder Cueflow cannot use raises DatabaseProblem naming the
    file, the cause and the way out.
    """
    path = folder / DB_FILENAME
    try:
        return init_db(sqlite_url(path))
    except Exception as exc:
        reason = explain(exc, path)
        if reason is None:
            raise
        raise DatabaseProblem(reason) from None


def check_intact(db: Database) -> None:
    """Refuse a damaged database (SQLite's quick_check), e.g. before a scheduler runs on it.

    A server checks its own pages: there this only asks that it answers."""
    if db.side.name != "sqlite":
        try:
            with db.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except Exception as exc:
            reason = explain_server(exc, db.where)
            if reason is None:
                raise
            raise DatabaseProblem(reason) from None
        return
    path = Path(db.engine.url.database or DB_FILENAME)
    try:
        with db.engine.connect() as conn:
            rows = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA quick_check(3)")]
    except Exception as exc:
        reason = explain(exc, path)
        if reason is None:
            raise
        raise DatabaseProblem(reason) from None
    if rows != ["ok"]:
        raise DatabaseProblem(damaged(path, "; ".join(rows)))


_DAMAGED = ("not a database", "malformed", "corrupt")
_FULL = ("disk is full", "database or disk is full", "no space")
_READ_ONLY = ("readonly", "read-only")
_CANNOT_OPEN = ("unable to open", "disk i/o error", "cannot open")


def explain(exc: BaseException, path: Path) -> str | None:
    """One line on a database error of the file at `path`: what is wrong, what to do.

    None when `exc` is no error of the database file itself (a bug, a
    constraint): the caller reports it as it is.
    """
    original = getattr(exc, "orig", None) or exc
    if not isinstance(original, sqlite3.Error | OSError):
        return None
    text = " ".join(str(original).split())
    lower = text.lower()
    if any(word in lower for word in _DAMAGED):
        return damaged(path, text)
    if any(word in lower for word in _FULL) or _disk_full(path.parent):
        return f"cannot write {path}: the disk is full ({text}); free some space and try again"
    if any(word in lower for word in _READ_ONLY + _CANNOT_OPEN):
        folder = _folder_problem(path.parent)
        if folder is not None:
            return f"cannot open {path}: {folder}"
        if any(word in lower for word in _READ_ONLY):
            return (
                f"cannot write {path}: the file is read-only ({text}); make it writable "
                "(chmod u+w, or chattr -i if it was made immutable)"
            )
        return f"cannot open {path}: {text}"
    return None


def damaged(path: Path, detail: str) -> str:
    backups = sorted(path.parent.glob(f"{glob_escape(path.name)}.bak-*"))
    restore = f"copy back a backup ({', '.join(str(b) for b in backups)}) or " if backups else ""
    return (
        f"{path} is damaged ({detail}); Cueflow will not use it. To recover: stop Cueflow, "
        f"move it aside to {path.name}.damaged, then {restore}rebuild it with "
        f"'sqlite3 {path}.damaged .recover | sqlite3 {path}'"
    )


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _disk_full(folder: Path) -> bool:
    try:
        stats = os.statvfs(folder)
    except (OSError, AttributeError):  # (no statvfs on Windows)
        return False
    return stats.f_bavail * stats.f_frsize < 64 * 1024


def _folder_problem(folder: Path) -> str | None:
    """Why Cueflow cannot write in `folder`, or None when it can."""
    if not folder.exists():
        return f"the folder {folder} does not exist"
    if not folder.is_dir():
        return f"{folder} is not a folder"
    try:
        handle, name = tempfile.mkstemp(prefix=".cueflow-", dir=folder)
    except OSError as exc:
        return f"cannot write in the folder {folder} ({exc.strerror or exc})"
    os.close(handle)
    os.unlink(name)
    return None
