"""Opening the database a front end works on: a data folder's SQLite file, or a
PostgreSQL database named by `--database-url` / `CUEFLOW_DATABASE_URL`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from app.errors import DatabaseProblem
from app.storage.db import Database as Database
from app.storage.db import check_intact, open_database

DATABASE_URL_ENV = "CUEFLOW_DATABASE_URL"


def database_target(
    data_dir: Path, url: str | None = None, environ: Mapping[str, str] = os.environ
) -> str | Path:
    """Where the database is: the `--database-url` given, else CUEFLOW_DATABASE_URL,
    else the data folder (its SQLite file). An empty URL counts as none."""
    chosen = (url or "").strip() or environ.get(DATABASE_URL_ENV, "").strip()
    return chosen or data_dir


def open_intact(target: Path | str) -> Database:
    """The database at `target` (a data folder or a database URL), refused
    (DatabaseProblem) when damaged or unusable: a scheduler never runs on it then.
    Nothing stays open on a refusal."""
    db = open_database(target)
    try:
        check_intact(db)
    except DatabaseProblem:
        db.dispose()
        raise
    return db
