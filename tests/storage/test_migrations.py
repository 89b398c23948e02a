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
