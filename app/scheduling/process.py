"""Is a process still there? One portable answer, used wherever Cueflow asks.

`os.kill(pid, 0)` is the POSIX test; on Windows it would send Ctrl+C to the
process group, so there the process is opened and its exit code read instead.

A run records the PID of the process executing it (`runs.owner_pid`) and
when it was claimed (`started_at`). PIDs are reused, so `owner_alive` also
compares the process's start time, where the platform gives it (Linux
/proc, Windows GetProcessTimes): a process that started after the run was
claimed cannot be the run's owner.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime

# A process's start time comes from the boot time plus its age: a wall-clock
# step after the claim (NTP, a resumed VM) moves it. Only a process that
# started clearly after the claim counts as another process; a reused PID
# seen within this margin is taken for the owner until it ends (a run left
# waiting longer, never a live run taken over).
START_MARGIN_SECONDS = 60.0


def process_alive(pid: int) -> bool:
    """Whether a process with this ID exists and has not ended (no signal sent)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        return _windows_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    except OSError:
        return False
    return _linux_state(pid) not in ("Z", "X")  # a zombie has ended


def process_started(pid: int) -> float | None:
    """The process's start time (Unix seconds), or None where it cannot be read."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        return _windows_started(pid)
    return _linux_started(pid)


def owner_alive(pid: int | None, claimed_at: datetime | None) -> bool:
    """Whether the process that claimed a run at `claimed_at` may still be running it."""
    if pid is None or not process_alive(pid):
        return False
    started = process_started(pid)
    if started is None or claimed_at is None:
        return True  # cannot tell a reused PID apart here: assume the owner
    return started <= claimed_at.timestamp() + START_MARGIN_SECONDS


# --- Linux -------------------------------------------------------------------------


def _linux_stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name (which may hold spaces)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return None
    _, _, rest = text.rpartition(")")
    return rest.split()


def _linux_state(pid: int) -> str | None:
    fields = _linux_stat(pid)
    return fields[0] if fields else None


def _linux_started(pid: int) -> float | None:
    fields = _linux_stat(pid)
    if not fields or len(fields) < 20:
        return None
    try:
        ticks = int(fields[19])  # field 22 of stat: start time in clock ticks after boot
        with open("/proc/stat", encoding="ascii") as handle:
            boot = next(int(line.split()[1]) for line in handle if line.startswith("btime "))
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, StopIteration, IndexError):
        return None


# --- Windows -----------------------------------------------------------------------

_QUERY_LIMITED_INFORMATION = 0x1000
_STILL_ACTIVE = 259
_EPOCH_AS_FILETIME = 116444736000000000  # 1970-01-01 in 100 ns steps since 1601


def _windows_open(pid: int) -> int:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    return int(kernel32.OpenProcess(_QUERY_LIMITED_INFORMATION, False, pid) or 0)


def _windows_alive(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    handle = _windows_open(pid)
    if not handle:
        # Access denied means it exists (another user's); otherwise it is gone.
        return bool(ctypes.GetLastError() == 5)  # type: ignore[attr-defined]
    try:
        code = ctypes.c_ulong()
        if not ctypes.windll.kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):  # type: ignore[attr-defined]
            return True
        return code.value == _STILL_ACTIVE
    finally:
        ctypes.windll.kernel32.CloseHandle(handle)  # type: ignore[attr-defined]


def _windows_started(pid: int) -> float | None:  # pragma: no cover - Windows only
    import ctypes

    handle = _windows_open(pid)
    if not handle:
        return None
    try:
        times = [ctypes.c_ulonglong() for _ in range(4)]
        if not ctypes.windll.kernel32.GetProcessTimes(  # type: ignore[attr-defined]
            handle, *(ctypes.byref(t) for t in times)
        ):
            return None
        return (times[0].value - _EPOCH_AS_FILETIME) / 10_000_000
    finally:
        ctypes.windll.kernel32.CloseHandle(handle)  # type: ignore[attr-defined]
