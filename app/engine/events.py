"""In-process events: how the engine and scheduler tell the window something.

Callbacks run on the thread that emits (a worker or the scheduler's); the UI
subscribes with a function that re-emits a queued Qt signal.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RunChanged:
    """A run's status changed (after its transaction committed).

    `whole`: the event carries the run's end exactly as written to the ledger
    (status, error and the masked `returned`), so a waiter can answer without
    reading the run; False for every other event (then `returned` is None and
    says nothing). Neither takes part in equality.
    """

    run_id: str
    workflow: str
    status: str
    error: str | None = None
    returned: dict[str, Any] | None = field(default=None, compare=False)
    whole: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class LedgerChanged:
    """Runs were added or cancelled; the timer must be re-armed."""


@dataclass(frozen=True)
class RunsDue(LedgerChanged):
    """Runs were just added, due now (committed): a clock that arms every due run may
    hand them straight to its workers instead of reading the ledger again.

    `awaited`: those of them a caller waits for (a `when_done` API call); they go
    before runs already queued, so a backlog of other runs does not hold them up."""

    run_ids: tuple[str, ...] = ()
    awaited: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ThingsChanged:
    """Things were created, changed or deleted (views that show them by name refresh)."""


@dataclass(frozen=True)
class Notification:
    title: str
    message: str
    run_id: str | None = None


@dataclass(frozen=True)
class SchedulerState:
    state: str  # "running" | "paused" | "stopped"


Listener = Callable[[Any], None]


class EventBus:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def emit(self, event: Any) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(event)
