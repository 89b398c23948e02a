"""What every part of the window shares: the database, the event bus, services."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.engine.data import DataService
from app.engine.data_folder import Database
from app.engine.events import EventBus
from app.engine.service import Service
from app.engine.settings import SettingsService
from app.engine.workflows import WorkflowService
from app.scheduling.clock import Clock


@dataclass
class AppContext:
    """The window's handles on the headless core (no Qt here)."""

    data_dir: Path
    db: Database
    events: EventBus = field(default_factory=EventBus)
    clock: Clock | None = None
    api: Any = None  # the workflow API beside the clock (app.ui.shell.workflow_api)

    @property
    def service(self) -> Service:
        return Service(self.db, self.events, origin="window")

    @property
    def workflows(self) -> WorkflowService:
        return WorkflowService(self.db, self.events)

    @property
    def settings(self) -> SettingsService:
        return SettingsService(self.db)

    @property
    def data(self) -> DataService:
        return DataService(self.db, self.events)

    def start_clock(self) -> Clock:
        """Run workflows in this process, on the clock's worker threads."""
        self.clock = Clock(self.db, self.events)
        self.clock.start()
        return self.clock

    def stop_clock(self) -> None:
        if self.clock is not None:
            self.clock.stop(timeout=5)
            self.clock = None
