"""Garbage cycles are collected on the GUI thread, never on a worker thread."""

from __future__ import annotations

import gc
import threading
import weakref
from typing import Any

from pytestqt.qtbot import QtBot


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_cycles_made_on_a_worker_are_collected_on_the_gui_thread(qtbot: QtBot) -> None:
    """The autouse fixture installs the collector, as application() does."""
    assert not gc.isenabled()
    collected_on: list[str] = []

    def note(phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            collected_on.append(threading.current_thread().name)

    gc.callbacks.append(note)
    try:
        last: list[Any] = []

        def make_garbage() -> None:
            for _ in range(20_000):  # far past generation 0's threshold
                cycle = _Cycle()
            last.append(weakref.ref(cycle))

        worker = threading.Thread(target=make_garbage, name="worker")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: last[0]() is None, timeout=5000)
    finally:
        gc.callbacks.remove(note)
    assert collected_on, "nothing was collected"
    assert set(collected_on) == {threading.main_thread().name}
