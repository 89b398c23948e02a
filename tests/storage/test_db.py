"""app/storage/db.py: the process's write lock: reentrant, and runs make way for other writers."""

from __future__ import annotations

import sqlite3
import threading
import time

import psycopg
import pytest

from app.storage.db import Database, TransactionFailed, WriteLock, driver
from tests.support.waiting import wait_until


def _thread(lock: WriteLock, urgent: bool, order: list[str], name: str) -> threading.Thread:
    def take() -> None:
        lock.acquire(urgent=urgent)
        order.append(name)
        lock.release()

    thread = threading.Thread(target=take)
    thread.start()
    return thread


def test_a_waiting_writer_goes_before_runs_that_come_after_it() -> None:
    lock = WriteLock()
    order: list[str] = []
    lock.acquire(urgent=False)  # a worker holding it for a batch of runs
    lock.acquire(urgent=False)  # reentrant
    assert not lock.wanted
    editor = _thread(lock, True, order, "edit")
    wait_until(lambda: lock.wanted, timeout=5, every=0.002)  # the worker sees it and ends its batch
    worker = _thread(lock, False, order, "run")
    # The second worker is held back at the gate. No state shows that it got there
    # (it blocks inside acquire()), so this gives it the time to.
    time.sleep(0.05)
    lock.release()
    assert order == []  # still held once
    lock.release()
    editor.join(5)
    worker.join(5)
    assert order == ["edit", "run"]
    assert not lock.wanted


def test_a_waiting_writer_goes_before_runs_already_queued_at_the_lock() -> None:
    """Workers blocked on the lock itself before an urgent writer came (a batch each
    to wait behind) let it go first as the lock comes free."""
    lock = WriteLock()
    order: list[str] = []
    lock.acquire(urgent=False)  # a worker holding it for a batch of runs
    workers = [_thread(lock, False, order, f"run {n}") for n in range(3)]
    # They pass the gate (nobody urgent yet) and block inside acquire(); no state
    # shows that they got there, so this gives them the time to.
    time.sleep(0.05)
    editor = _thread(lock, True, order, "edit")
    wait_until(lambda: lock.wanted, timeout=5, every=0.002)
    lock.release()
    for thread in (*workers, editor):
        thread.join(5)
    assert order[0] == "edit", order
    assert sorted(order[1:]) == ["run 0", "run 1", "run 2"]


def test_a_holder_may_take_it_again_while_a_writer_waits() -> None:
    lock = WriteLock()
    order: list[str] = []
    lock.acquire(urgent=False)
    editor = _thread(lock, True, order, "edit")
    wait_until(lambda: lock.wanted, timeout=5, every=0.002)
    lock.acquire(urgent=False)  # must not wait for the writer that waits for it
    lock.release()
    lock.release()
    editor.join(5)
    assert order == ["edit"]


def test_a_write_whose_statement_failed_is_never_taken_for_committed(
    db: Database, backend: str
) -> None:
    """SQLite undoes only the failed statement and keeps the rest; PostgreSQL keeps
    none of the transaction, and that is an error rather than a quiet rollback."""

    def write() -> None:
        with db.write() as session:
            conn = driver(session)
            conn.execute("INSERT INTO settings (key, value) VALUES ('a', '1')")
            with pytest.raises((sqlite3.IntegrityError, psycopg.errors.UniqueViolation)):
                conn.execute("INSERT INTO settings (key, value) VALUES ('a', '2')")

    if backend == "postgresql":
        with pytest.raises(TransactionFailed):
            write()
        kept: list[object] = []
    else:
        write()
        kept = [("a", "1")]
    with db.read() as session:
        assert [
            tuple(r) for r in driver(session).execute("SELECT key, value FROM settings")
        ] == kept


def test_the_change_probe_notices_another_connections_commit(db: Database) -> None:
    """It never misses a commit. On SQLite it also stays quiet otherwise; a server's
    snapshot may move for other databases' writes (or autovacuum): a needless look."""
    from tests.support.postgres import OtherConnection

    probe = db.change_probe()
    other = OtherConnection(db)
    exact = other.kind == "sqlite"
    try:
        assert probe.changed()  # the first look: nothing known yet
        with db.read() as session:  # reading changes nothing
            driver(session).execute("SELECT count(*) FROM runs").fetchone()
        assert not probe.changed() or not exact
        other.execute("INSERT INTO settings (key, value) VALUES ('probe', '1')")
        if exact:
            other._conn.commit()  # (sqlite3 opened a transaction for the INSERT)
        assert probe.changed()
        assert not probe.changed() or not exact
    finally:
        other.close()
        probe.close()


@pytest.mark.sqlite_only(reason="SQLite's WAL and its checkpoints")
def test_a_scheduler_copies_the_wal_back_apart_from_the_commits(db: Database) -> None:
    """Commits no longer copy the WAL back themselves (it held the write lock for
    10-60 ms) up to WAL_BACKSTOP_PAGES; a thread of its own does, meanwhile."""
    from pathlib import Path

    from sqlalchemy import text

    from app.storage.db import WAL_BACKSTOP_PAGES

    def autocheckpoint() -> int:
        with db.read() as session:
            return int(session.execute(text("PRAGMA wal_autocheckpoint")).scalar_one())

    path = Path(str(db.engine.url.database))
    assert autocheckpoint() == 1000  # SQLite's own: in the commit that passes it
    stop = db.checkpoint_apart(every=0.05)
    try:
        assert autocheckpoint() == WAL_BACKSTOP_PAGES
        with db.write() as session:
            driver(session).execute("CREATE TABLE filler (text TEXT)")
        before = path.stat().st_size
        for _ in range(20):  # ~2,500 pages of WAL: below the backstop, above SQLite's 1,000
            with db.write() as session:
                driver(session).executemany(
                    "INSERT INTO filler (text) VALUES (?)", [("x" * 4000,) for _ in range(120)]
                )
        # The rows reach the database file itself, copied by no commit.
        assert wait_until(lambda: path.stat().st_size > before + 8_000_000, timeout=10)
    finally:
        stop()
    assert autocheckpoint() == 1000
