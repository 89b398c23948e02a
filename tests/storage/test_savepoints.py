"""app/storage/db.py savepoints on both databases. On PostgreSQL a SAVEPOINT or
RELEASE is held back and sent with the transaction's next statement (one round
trip fewer each, dialects._PostgresRaw): what it guards must stay exactly what
it was when each statement cost its own round trip."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import select

from app.storage import models as m
from app.storage.db import Database, driver, release, rollback_to, savepoint, transaction_alive


def _values(db: Database) -> dict[str, str]:
    with db.read() as session:
        return {row.key: row.value for row in session.scalars(select(m.Setting))}


def _put(session: object, key: str) -> None:
    driver(session).execute(  # type: ignore[arg-type]
        "INSERT INTO settings (key, value) VALUES (?, ?)", (key, key)
    )


def test_rolling_back_to_a_savepoint_undoes_raw_and_orm_writes_after_it(db: Database) -> None:
    with db.write() as session:
        _put(session, "t.before")
        savepoint(session, "step")
        _put(session, "t.raw_after")
        session.add(m.Setting(key="t.orm_after", value="x"))
        session.flush()  # (the ORM's INSERT goes after the held-back SAVEPOINT)
        rollback_to(session, "step")
        _put(session, "t.kept")
    values = _values(db)
    assert "t.before" in values and "t.kept" in values
    assert "t.raw_after" not in values and "t.orm_after" not in values


def test_an_orm_statement_right_after_a_savepoint_is_inside_it(db: Database) -> None:
    with db.write() as session:
        savepoint(session, "step")
        session.add(m.Setting(key="t.orm_first", value="x"))
        session.flush()
        rollback_to(session, "step")
    assert "t.orm_first" not in _values(db)


def test_a_failing_statement_after_a_savepoint_is_undone_to_it(db: Database) -> None:
    """A step's failure: the error is raised by its own statement, and rolling back to
    the savepoint leaves the transaction usable with what came before."""
    with db.write() as session:
        _put(session, "t.one")
        savepoint(session, "step")
        with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
            _put(session, "t.one")  # the same key again
        rollback_to(session, "step")
        assert transaction_alive(session)
        savepoint(session, "step")
        _put(session, "t.two")
        release(session, "step")
    assert {"t.one", "t.two"} <= set(_values(db))


def test_a_transaction_opened_by_a_held_back_savepoint_is_alive_and_commits(db: Database) -> None:
    with db.write() as session:
        savepoint(session, "segment")
        assert transaction_alive(session)
        _put(session, "t.first")
        release(session, "segment")
    assert "t.first" in _values(db)


def test_nothing_held_back_outlives_its_transaction(db: Database) -> None:
    """A SAVEPOINT or RELEASE still held back when the transaction commits or rolls back
    is dropped (it had nothing left to do): the connection's next transaction does not
    begin with a RELEASE of a savepoint it never had."""
    if db.side.name != "postgresql":
        pytest.skip("SQLite executes savepoints at once: nothing is held back")
    connections: list[psycopg.Connection[object]] = []
    with db.write() as session:
        savepoint(session, "a")
        _put(session, "t.committed")
        release(session, "a")  # held back at the commit
        connections.append(session.connection().connection.driver_connection)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError), db.write() as session:
        savepoint(session, "b")  # held back at the rollback
        connections.append(session.connection().connection.driver_connection)  # type: ignore[arg-type]
        raise RuntimeError
    for connection in connections:
        assert not getattr(connection, "_cueflow_later", None)
        assert connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    for _ in range(3):  # (the pool hands its connections out again)
        with db.write() as session:
            _put(session, f"t.next{_}")
    assert "t.committed" in _values(db)


def test_a_held_back_savepoint_is_sent_with_the_next_statement(db: Database) -> None:
    """The round trip saved: nothing reaches the server until the next statement."""
    if db.side.name != "postgresql":
        pytest.skip("SQLite executes savepoints at once: no round trip to save")
    with db.write() as session:
        connection = session.connection().connection.driver_connection
        assert connection is not None
        savepoint(session, "segment")
        assert connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        _put(session, "t.sent")
        assert connection.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
        rollback_to(session, "segment")  # the SAVEPOINT was there, before the INSERT
    assert "t.sent" not in _values(db)
