"""Cyclic garbage collected on the GUI thread only.

Python's collector runs on whichever thread allocates when a generation's count
passes its threshold: in this process that is often a worker (a run, a query
for the window). If what it frees holds Qt objects, their C++ side is destroyed
on that thread, which Qt does not allow: the test suite crashed so once
(segmentation fault while collecting, in a thread reading for the Workflows
area). As pyqtgraph's GarbageCollector does, automatic collection is switched off
and a timer on the GUI thread collects, with Python's own thresholds.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 100


class GuiThreadCollector(QObject):
    """While installed, garbage cycles are collected by its timer on the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        gc.disable()
        self._timer.start(INTERVAL_MS)

    def check(self) -> None:
        """Collect the generations whose counts passed their thresholds, as Python's
        automatic collection would."""
        counts = gc.get_count()
        if counts[0] <= self.thresholds[0]:
            return
        generation = 0
        if counts[1] > self.thresholds[1]:
            generation = 1
            if counts[2] > self.thresholds[2]:
                generation = 2
        gc.collect(generation)

    def stop(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()


_installed: list[GuiThreadCollector] = []


def install(app: QObject) -> GuiThreadCollector:
    """The collector for this application (made once)."""
    if not _installed:
        _installed.append(GuiThreadCollector(app))
    return _installed[0]
