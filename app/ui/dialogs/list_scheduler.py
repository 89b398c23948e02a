"""Scheduling a workflow on a long list without freezing the window.

The list is inserted in chunks (each chunk one bulk insert) on a thread-pool
thread; progress and the result come back to the GUI thread as queued
signals. Cancelling stops after the current chunk and cancels the runs
already inserted, so a cancelled list leaves nothing scheduled.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from app.engine.service import Service
from app.errors import CueflowError

CHUNK_SIZE = 5000
CANCEL_CHUNK = 500


class ListSchedulerSignals(QObject):
    """Lives on the GUI thread; emitted from the worker, delivered queued."""

    progressed = Signal(int)  # items scheduled so far
    finished = Signal(list)  # the run IDs
    cancelled = Signal(int)  # runs inserted, then cancelled again
    failed = Signal(str)


class ListSchedulerTask(QRunnable):
    """Calls `Service.schedule_on_list` chunk by chunk, keeping the times apart."""

    def __init__(
        self,
        service: Service,
        workflow: str,
        items: Sequence[Any] | Callable[[], Sequence[Any]],
        item_param: str,
        params: Mapping[str, Any],
        *,
        at: datetime,
        interval: float,
        chunk_size: int = CHUNK_SIZE,
        **options: Any,
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the dialog keeps it until it reports back
        self.signals = ListSchedulerSignals()
        self.service = service
        self.workflow = workflow
        # The items, or what reads them here on the worker (a search's IDs).
        self._items = items
        self.items: list[Any] = []
        self.item_param = item_param
        self.params = dict(params)
        self.at = at
        self.interval = interval
        self.chunk_size = max(1, chunk_size)
        self.options = options
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Stop after the chunk being inserted (thread-safe)."""
        self._cancel.set()

    def run(self) -> None:
        ids: list[str] = []
        try:
            self.items = list(self._items() if callable(self._items) else self._items)
            for start in range(0, len(self.items), self.chunk_size):
                if self._cancel.is_set():
                    break
                chunk = self.items[start : start + self.chunk_size]
                ids += self.service.schedule_on_list(
                    self.workflow,
                    chunk,
                    self.item_param,
                    self.params,
                    at=self.at + timedelta(seconds=self.interval * start),
                    interval=self.interval,
                    **self.options,
                )
                self.signals.progressed.emit(len(ids))
            if self._cancel.is_set():
                for start in range(0, len(ids), CANCEL_CHUNK):
                    self.service.cancel(ids[start : start + CANCEL_CHUNK])
                self.signals.cancelled.emit(len(ids))
                return
        except CueflowError as exc:
            for start in range(0, len(ids), CANCEL_CHUNK):
                self.service.cancel(ids[start : start + CANCEL_CHUNK])
            self.signals.failed.emit(str(exc))
            return
        self.signals.finished.emit(ids)
