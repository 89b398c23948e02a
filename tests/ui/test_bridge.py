"""The event bridge: engine events from worker threads reach the GUI thread in
batches (one wake-up per burst, slices that let the event loop run between)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from app.engine.events import EventBus, LedgerChanged, RunChanged, SchedulerState
from app.ui.shell import bridge as bridge_module
from app.ui.shell.bridge import EventBridge


@pytest.fixture
def bus() -> EventBus:
    return EventBus()


def test_a_burst_from_threads_arrives_whole_in_order_with_few_ledger_signals(
    qtbot: Any, bus: EventBus
) -> None:
    bridge = EventBridge(bus)
    seen: list[tuple[str, str]] = []
    statuses: list[tuple[str, str]] = []
    ledger: list[int] = []
    bridge.run_changed.connect(lambda run_id, workflow, status: seen.append((run_id, status)))
    bridge.run_status_changed.connect(
        lambda run_id, wf, status, error: statuses.append((run_id, error))
    )
    bridge.ledger_changed.connect(lambda: ledger.append(len(seen)))

    def emit(thread: int) -> None:
        for number in range(500):
            bus.emit(RunChanged(f"t{thread}-{number:03}", "beat", "running"))
            bus.emit(RunChanged(f"t{thread}-{number:03}", "beat", "failed", "boom"))
        bus.emit(LedgerChanged())

    threads = [threading.Thread(target=emit, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    qtbot.waitUntil(lambda: len(seen) == 4_000, timeout=10_000)
    qtbot.waitUntil(lambda: bool(ledger) and ledger[-1] == 4_000, timeout=5_000)
    for thread in range(4):  # each thread's events in the order it sent them
        mine = [entry for entry in seen if entry[0].startswith(f"t{thread}-")]
        assert mine == [
            (f"t{thread}-{n:03}", status) for n in range(500) for status in ("running", "failed")
        ]
    assert statuses.count(("t0-000", "boom")) == 1 and statuses.count(("t0-000", "")) == 1
    # the tables re-read once per slice, not once per event
    assert 1 <= len(ledger) < 400
    bridge.close()


def test_a_long_queue_is_taken_in_slices_with_the_event_loop_between(
    qtbot: Any, bus: EventBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bridge_module, "SLICE_SECONDS", 0.0)  # one batch per slice
    bridge = EventBridge(bus)
    seen: list[str] = []
    ledger: list[int] = []
    states: list[str] = []
    bridge.run_changed.connect(lambda run_id, workflow, status: seen.append(run_id))
    bridge.ledger_changed.connect(lambda: ledger.append(len(seen)))
    bridge.scheduler_state_changed.connect(states.append)
    for number in range(640):
        bus.emit(RunChanged(f"r{number}", "beat", "succeeded"))
    bus.emit(SchedulerState("paused"))
    when_the_timer_ran: list[int] = []
    QTimer.singleShot(0, lambda: when_the_timer_ran.append(len(seen)))
    qtbot.waitUntil(lambda: len(seen) == 640 and states == ["paused"], timeout=5_000)
    assert when_the_timer_ran and 0 < when_the_timer_ran[0] < 640  # ran between slices
    # one per slice of 64 runs; the 11th slice holds only the state: no ledger change
    assert ledger == [64 * n for n in range(1, 11)]
    assert seen == [f"r{number}" for number in range(640)]


def test_a_closed_bridge_hears_nothing(qtbot: Any, bus: EventBus) -> None:
    bridge = EventBridge(bus)
    seen: list[str] = []
    bridge.run_changed.connect(lambda run_id, workflow, status: seen.append(run_id))
    bridge.close()
    bridge.close()  # twice is harmless (the window and the desktop may both close it)
    bus.emit(RunChanged("r1", "beat", "running"))
    qtbot.wait(50)
    assert seen == []
