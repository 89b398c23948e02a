"""Migration 0009: the clock's read of the next due runs comes from one index, in
order, however many runs share a time (a list scheduled for one moment)."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy import event, inspect, text

from app.core.types import utcnow
from app.storage import ledger
from app.storage.db import Database, alembic_config, upgrade
from tests.storage.conftest import new_run


def _to(db: Database, revision: str) -> None:
    from alembic import command

    with db.engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def _index_columns(db: Database) -> list[str]:
    with db.engine.connect() as conn:
        [found] = [
            index
            for index in inspect(conn).get_indexes("runs")
            if index["name"] == "ix_runs_status_scheduled_for"
        ]
    return list(found["column_names"])


def test_the_next_due_runs_of_one_time_come_in_id_order(flows: Database) -> None:
    at = utcnow()
    with flows.write() as session:
        ids = ledger.insert_runs(session, [new_run(at=at) for _ in range(50)])
    with flows.read() as session:
        due = ledger.next_due(session, 20)
    assert [run_id for run_id, _ in due] == sorted(ids)[:20]


@pytest.mark.sqlite_only(reason="reads SQLite's query plan")
def test_sqlite_reads_the_next_due_runs_from_the_index_without_sorting(
    flows: Database,
) -> None:
    seen: list[str] = []

    def tracing(dbapi_connection: sqlite3.Connection, *_: Any) -> None:
        dbapi_connection.set_trace_callback(seen.append)

    event.listen(flows.engine, "checkout", tracing)
    try:
        with flows.read() as session:
            ledger.next_due(session, 200)
    finally:
        event.remove(flows.engine, "checkout", tracing)
    [query] = [sql for sql in seen if sql.startswith("SELECT id, scheduled_for FROM runs")]
    with flows.engine.connect() as conn:
        plan = " / ".join(row[3] for row in conn.execute(text(f"EXPLAIN QUERY PLAN {query}")))
    assert "COVERING INDEX ix_runs_status_scheduled_for" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


def test_0009_adds_id_to_the_index_and_back_keeping_the_runs(flows: Database) -> None:
    with flows.write() as session:
        run_id = ledger.insert_run(session, new_run(at=utcnow()))
    assert _index_columns(flows) == ["status", "scheduled_for", "id"]
    _to(flows, "0008")
    assert _index_columns(flows) == ["status", "scheduled_for"]
    upgrade(flows)
    assert _index_columns(flows) == ["status", "scheduled_for", "id"]
    with flows.read() as session:
        assert [found for found, _ in ledger.next_due(session, 5)] == [run_id]
