"""One scheduler per data folder: an OS file lock, released even on kill -9."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import IO

from app.errors import AlreadyRunning

LOCK_NAME = "scheduler.lock"


class FolderLock:
    """An exclusive, non-blocking lock on `<data dir>/scheduler.lock`.

    The OS drops the lock when the process dies, so a crash never leaves a
    stale lock behind; the file's content (the owner's PID) is informational.
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held while we own it
        try:
            _lock(handle)
        except OSError:
            owner = _read_owner(handle)
            handle.close()
            raise AlreadyRunning(
                f"Cueflow's scheduler already runs for this data folder (process {owner})"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            _unlock(self._file)
            self._file.close()
            self._file = None

    def owner(self) -> int | None:
        """PID written by the current owner, if any process holds the lock."""
        try:
            text = self.path.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_owner(handle: IO[str]) -> str:
    """The PID the owner writes into the file right after taking the lock.

    Two processes starting together can get here before the winner has
    written it: wait for it a little rather than say "unknown".
    """
    for _ in range(50):
        handle.seek(0)
        text = handle.read().strip()
        if text.isdigit():
            return text
        time.sleep(0.02)
    return text or "unknown"


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
