"""What every part of the window shares: the data folder's services, the event bus, the clock."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.engine.data_folder import DataFolder
from app.engine.service import Service
from app.scheduling.clock import Clock

# The runs' threads yield the CPU to the window's: on a busy machine the GUI thread
# otherwise waited its turn behind them for 100 ms and more (the GUI heartbeat).
RUN_THREADS_NICE = 5


@dataclass
class AppContext(DataFolder):
    """The window's handles on the headless core (no Qt here): a `DataFolder`
    (its services, and the handle the engine's query functions take) plus the
    clock that runs workflows in this process."""

    clock: Clock | None = None
    api: Any = None  # the workflow API beside the clock (app.ui.shell.workflow_api)

    @classmethod
    def of(cls, folder: DataFolder) -> AppContext:
        return cls(folder.data_dir, folder.db, folder.events)

    @property
    def service(self) -> Service:
        return Service(self.db, self.events, origin="window")  # runs it schedules say so

    def start_clock(self) -> Clock:
        """Run workflows in this process, on the clock's worker threads."""
        self.clock = Clock(self.db, self.events, worker_nice=RUN_THREADS_NICE)
        self.clock.start()
        return self.clock

    def stop_clock(self) -> None:
        if self.clock is not None:
            self.clock.stop(timeout=5)
            self.clock = None
