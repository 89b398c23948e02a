"""Opening a data folder's database for a front end that runs a scheduler on it."""

from __future__ import annotations

from pathlib import Path

from app.errors import DatabaseProblem
from app.storage.db import Database as Database
from app.storage.db import check_intact, open_folder


def open_intact(data_dir: Path) -> Database:
    """The folder's database, refused (DatabaseProblem) when damaged: a scheduler
    never runs on a damaged database. Nothing stays open on a refusal."""
    db = open_folder(data_dir)
    try:
        check_intact(db)
    except DatabaseProblem:
        db.dispose()
        raise
    return db
