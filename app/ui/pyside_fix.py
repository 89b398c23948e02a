"""A guard against a PySide6 refcount bug that kills the window after many signals.

PySide6 6.12.0 on CPython 3.11 drops one reference to `True` at every
`Signal.emit()` (measured: 100 emits, True's count falls by 100). `True`
starts with a few thousand references, so a window that relays a few
thousand scheduler events dies with "Fatal Python error: bool_dealloc"
(2,000 runs through the window did it). CPython 3.12 made the booleans
immortal; on older interpreters, when the bug is there, this gives `True` and
`False` a reference count so large that no run of the program can use it up.
"""

from __future__ import annotations

import ctypes
import platform
import sys

SPARE_REFERENCES = 1 << 40


def emit_drops_bool_references() -> bool:
    """True when a Signal.emit() here lowers the reference count of True or False."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        fired = Signal()

    probe = _Probe()
    before = sys.getrefcount(True) + sys.getrefcount(False)
    for _ in range(16):
        probe.fired.emit()
    return sys.getrefcount(True) + sys.getrefcount(False) < before


def guard_bools() -> bool:
    """Apply the guard when it is needed and possible; True when applied."""
    if sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return False  # immortal booleans, or another object layout
    if not emit_drops_bool_references():
        return False
    for value in (True, False):
        # ob_refcnt is the first field of every CPython object
        ctypes.c_ssize_t.from_address(id(value)).value += SPARE_REFERENCES
    return True


GUARDED = guard_bools()
