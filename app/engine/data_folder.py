"""An open data folder as a front end holds it: the services over its database.

The database is the folder's SQLite file, or a PostgreSQL database named by
`--database-url` / `CUEFLOW_DATABASE_URL` (the folder then keeps only this
machine's files). The window keeps one `DataFolder` (its `AppContext` is one,
plus the clock) and reaches data only through the services and query
functions it hands the folder's handle to; it never names `Database`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from app.engine.data import DataService
from app.engine.events import EventBus
from app.engine.service import Service
from app.engine.settings import SettingsService
from app.engine.workflows import WorkflowService
from app.errors import BadInput, DatabaseProblem, one_line
from app.storage.db import Database, check_intact, open_database

DATABASE_URL_ENV = "CUEFLOW_DATABASE_URL"


@dataclass
class DataFolder:
    """A data folder's database with the services every front end calls (no Qt here)."""

    data_dir: Path
    db: Database  # given as is to the engine's services and query functions
    events: EventBus = field(default_factory=EventBus)

    @property
    def service(self) -> Service:
        return Service(self.db, self.events)

    @property
    def workflows(self) -> WorkflowService:
        return WorkflowService(self.db, self.events)

    @property
    def settings(self) -> SettingsService:
        return SettingsService(self.db)

    @property
    def data(self) -> DataService:
        return DataService(self.db, self.events)

    def close(self) -> None:
        """Let go of the database's connections (the folder's files stay)."""
        self.db.dispose()


def database_target(
    data_dir: Path, url: str | None = None, environ: Mapping[str, str] = os.environ
) -> str | Path:
    """Where the database is: the `--database-url` given, else CUEFLOW_DATABASE_URL,
    else the data folder (its SQLite file). An empty URL counts as none."""
    chosen = (url or "").strip() or environ.get(DATABASE_URL_ENV, "").strip()
    if chosen and "://" not in chosen:
        source = "--database-url" if (url or "").strip() else DATABASE_URL_ENV
        raise BadInput(
            f"{source}: '{one_line(chosen)[:60]}' is not a database URL "
            "(postgresql://USER@HOST/NAME)"
        )
    return chosen or data_dir


def open_intact(data_dir: Path, target: Path | str | None = None) -> DataFolder:
    """The folder with its database at `target` (default: the folder's own file),
    refused (DatabaseProblem) when damaged or unusable: a scheduler never runs on
    it then. Nothing stays open on a refusal."""
    db = open_database(data_dir if target is None else target)
    try:
        check_intact(db)
    except DatabaseProblem:
        db.dispose()
        raise
    return DataFolder(data_dir, db)


def database_line(db: Database) -> tuple[str, str]:
    """(kind, where) of the database for people: the SQLite file on this machine,
    or the PostgreSQL server shared by a team (its URL without the password)."""
    if db.folder is None:
        return "PostgreSQL (team mode)", db.where
    return "SQLite file on this computer", db.where
