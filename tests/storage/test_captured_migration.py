"""Migration 0008 (runs.captured, the editor's test runs) on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect, text

from app.storage import ledger
from app.storage.db import SCHEMA_HEAD, Database, alembic_config, current_revision, upgrade
from tests.storage.conftest import new_run


def _to(db: Database, revision: str) -> None:
    from alembic import command

    with db.engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def test_0008_adds_captured_and_existing_runs_are_not(flows: Database) -> None:
    db = flows
    _to(db, "0007")
    with db.engine.connect() as conn:
        assert "captured" not in {c["name"] for c in inspect(conn).get_columns("runs")}
    old = "before0008"
    with db.engine.begin() as conn:  # the model has the column; the table does not yet
        conn.execute(
            text(
                "INSERT INTO runs (id, workflow, workflow_version, status, scheduled_for,"
                " created_at, params, ignore_privacy, attempt, depth, origin) VALUES (:id, 'note',"
                " 1, 'scheduled', '2030-01-01', '2030-01-01', '{}', false, 1, 0, 'cli')"
            ),
            {"id": old},
        )
        conn.execute(
            text(
                "INSERT INTO log_lines (run_id, at, level, message)"
                " VALUES (:id, '2030-01-01', 'info', 'kept')"
            ),
            {"id": old},
        )
    upgrade(db)
    assert current_revision(db) == SCHEMA_HEAD
    with db.write() as session:
        test = ledger.insert_run(session, new_run(captured=True))
        listed = ledger.insert_runs(session, [new_run(captured=True), new_run()])
    with db.engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, captured FROM runs")).all())
    assert {key: bool(value) for key, value in rows.items()} == {
        old: False,
        test: True,
        listed[0]: True,
        listed[1]: False,
    }
    with db.read() as session:  # (a copy-and-move of runs would cascade to its log)
        assert [line.message for line in ledger.log_lines(session, old)] == ["kept"]


def test_a_claim_hands_the_flag_to_the_runner(flows: Database) -> None:
    from app.core.types import utcnow

    with flows.write() as session:
        test = ledger.insert_run(session, new_run(at=utcnow(), captured=True))
        real = ledger.insert_run(session, new_run(at=utcnow()))
    with flows.write() as session:
        claimed = [ledger.claim(session, run_id, 1) for run_id in (test, real)]
    assert [c.captured for c in claimed if c is not None] == [True, False]


def test_0008_downgrades_keeping_the_runs_logs(flows: Database) -> None:
    with flows.write() as session:
        run_id = ledger.insert_run(session, new_run(captured=True))
        ledger.add_log(session, run_id, "kept")
    _to(flows, "0007")
    with flows.engine.connect() as conn:
        kept = conn.execute(text("SELECT message FROM log_lines")).scalars().all()
    assert kept == ["kept"]
    with flows.engine.connect() as conn:
        assert "captured" not in {c["name"] for c in inspect(conn).get_columns("runs")}
    upgrade(flows)
    with flows.engine.connect() as conn:
        assert "captured" in {c["name"] for c in inspect(conn).get_columns("runs")}
