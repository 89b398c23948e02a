"""An open data folder as a front end holds it: the services over its database.

The window keeps one `DataFolder` (its `AppContext` is one, plus the clock)
and reaches data only through the services and query functions it hands the
folder's handle to; it never names the storage layer's `Database`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.engine.data import DataService
from app.engine.events import EventBus
from app.engine.service import Service
from app.engine.settings import SettingsService
from app.engine.workflows import WorkflowService
from app.errors import DatabaseProblem
from app.storage.db import Database, check_intact, open_folder


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


def open_intact(data_dir: Path) -> DataFolder:
    """The folder, refused (DatabaseProblem) when its database is damaged: a
    scheduler never runs on a damaged database. Nothing stays open on a refusal."""
    db = open_folder(data_dir)
    try:
        check_intact(db)
    except DatabaseProblem:
        db.dispose()
        raise
    return DataFolder(data_dir, db)
