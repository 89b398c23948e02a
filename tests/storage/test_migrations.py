"""The schema comes from Alembic migrations and matches the models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from app.storage.db import SCHEMA_HEAD, alembic_config, current_revision, init_db
from app.storage.models import Base


def test_schema_head_constant_is_alembics_head() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_heads() == [SCHEMA_HEAD]


def test_migrated_database_matches_models(tmp_path: Path) -> None:
    db = init_db(f"sqlite:///{tmp_path / 'c.db'}")
    assert current_revision(db) == SCHEMA_HEAD
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_database_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    db = init_db(f"sqlite:///{tmp_path / 'c.db'}")
    with db.read() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_opening_twice_does_not_migrate_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    init_db(url).dispose()
    db = init_db(url)
    with db.read() as session:
        assert session.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_0005_gives_existing_runs_their_origin(tmp_path: Path) -> None:
    from alembic import command

    from app.storage.db import Database, upgrade

    db = Database(f"sqlite:///{tmp_path / 'c.db'}")
    with db.engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
        rows = [
            ("plain", None, None, None),
            ("occurrence", "s1", None, None),
            ("child", None, "plain", None),
            ("started", None, None, "on_new"),
        ]
        conn.exec_driver_sql(
            "INSERT INTO runs (id, workflow, workflow_version, status, scheduled_for, created_at,"
            ' params, ignore_privacy, attempt, depth, schedule_id, parent_id, "trigger")'
            " VALUES (?, 'w', 1, 'scheduled', '2030-01-01', '2030-01-01', '{}', 0, 1, 0, ?, ?, ?)",
            rows,
        )
    upgrade(db)
    with db.engine.connect() as conn:
        origins = dict(conn.execute(text("SELECT id, origin FROM runs")).all())
    db.dispose()
    assert origins == {
        "plain": "cli",
        "occurrence": "schedule",
        "child": "workflow",
        "started": "trigger",
    }
