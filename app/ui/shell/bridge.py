"""Turns engine events (emitted on worker threads) into queued Qt signals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from app.engine.events import (
    EventBus,
    LedgerChanged,
    Notification,
    RunChanged,
    SchedulerState,
    ThingsChanged,
)


class EventBridge(QObject):
    """Lives on the GUI thread; its signals reach slots there, queued.

    The bus calls `_on_bus_event` on whichever thread emits; re-emitting a Qt
    signal of an object that lives on the GUI thread queues the delivery.
    """

    run_changed = Signal(str, str, str)  # run ID, workflow, status
    run_status_changed = Signal(str, str, str, str)  # run ID, workflow, status, error or ""
    ledger_changed = Signal()
    things_changed = Signal()
    scheduler_state_changed = Signal(str)
    notified = Signal(str, str)
    _received = Signal(object)

    def __init__(self, events: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._received.connect(self.on_event_received, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe: Callable[[], None] | None = events.subscribe(self._on_bus_event)

    def _on_bus_event(self, event: Any) -> None:
        self._received.emit(event)

    @Slot(object)
    def on_event_received(self, event: Any) -> None:
        if isinstance(event, RunChanged):
            self.run_changed.emit(event.run_id, event.workflow, event.status)
            self.run_status_changed.emit(
                event.run_id, event.workflow, event.status, event.error or ""
            )
            self.ledger_changed.emit()
        elif isinstance(event, LedgerChanged):
            self.ledger_changed.emit()
        elif isinstance(event, ThingsChanged):
            self.things_changed.emit()
        elif isinstance(event, SchedulerState):
            self.scheduler_state_changed.emit(event.state)
        elif isinstance(event, Notification):
            self.notified.emit(event.title, event.message)

    def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
