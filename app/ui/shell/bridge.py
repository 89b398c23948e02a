"""Turns engine events (emitted on worker threads) into Qt signals on the GUI thread.

Events are batched: a burst of 2,000 runs sends ~4,000 events from the worker
threads, and one queued call per event kept the GUI thread busy for tens of
milliseconds at a time (the GUI heartbeat's stalls with only the Workflows area
shown). The bus's threads append to a queue; the first event of an empty queue
posts one wake-up, and the GUI thread takes what has arrived in slices of at
most `SLICE_SECONDS`, so painting and timers run between slices.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from app.engine.events import (
    EventBus,
    LedgerChanged,
    Notification,
    RunChanged,
    SchedulerState,
    ThingsChanged,
)

SLICE_SECONDS = 0.004  # GUI-thread time per slice of events before the loop runs again


class EventBridge(QObject):
    """Lives on the GUI thread; its signals are emitted there.

    `run_changed` and `run_status_changed` come once per run change, in order;
    `ledger_changed` comes once per slice that held a change of the ledger
    (its listeners re-read the tables: once is enough).
    """

    run_changed = Signal(str, str, str)  # run ID, workflow, status
    run_status_changed = Signal(str, str, str, str)  # run ID, workflow, status, error or ""
    ledger_changed = Signal()
    things_changed = Signal()
    scheduler_state_changed = Signal(str)
    notified = Signal(str, str)
    _arrived = Signal()

    def __init__(self, events: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._queue: deque[Any] = deque()
        self._arrived.connect(self.on_events_arrived, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe: Callable[[], None] | None = events.subscribe(self._on_bus_event)

    def _on_bus_event(self, event: Any) -> None:
        """On any thread: queue the event; wake the GUI thread when the queue was empty."""
        with self._lock:
            wake = not self._queue
            self._queue.append(event)
        if wake:
            self._arrived.emit()

    @Slot()
    def on_events_arrived(self) -> None:
        """Emit the queued events' signals for up to SLICE_SECONDS; the rest wait for the
        next turn of the event loop (the queue stays non-empty, so no new wake-up is
        posted meanwhile: this slot posts its own)."""
        deadline = time.perf_counter() + SLICE_SECONDS
        ledger = things = False
        more = True
        while more:
            with self._lock:
                batch = [self._queue.popleft() for _ in range(min(64, len(self._queue)))]
                more = bool(self._queue)
            for event in batch:
                if isinstance(event, RunChanged):
                    self.run_changed.emit(event.run_id, event.workflow, event.status)
                    self.run_status_changed.emit(
                        event.run_id, event.workflow, event.status, event.error or ""
                    )
                    ledger = True
                elif isinstance(event, LedgerChanged):
                    ledger = True
                elif isinstance(event, ThingsChanged):
                    things = True
                elif isinstance(event, SchedulerState):
                    self.scheduler_state_changed.emit(event.state)
                elif isinstance(event, Notification):
                    self.notified.emit(event.title, event.message)
            if time.perf_counter() >= deadline:
                break
        if ledger:
            self.ledger_changed.emit()
        if things:
            self.things_changed.emit()
        if more:
            QTimer.singleShot(0, self, self.on_events_arrived)

    def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
