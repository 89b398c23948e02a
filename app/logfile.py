"""`cueflow.log`: the diagnostic log of the processes that use a data folder.

The process that holds the folder's scheduler lock (the window, the tray or
`cueflow runner`) owns the file and is the only one that rotates it, at
MAX_BYTES, keeping BACKUPS older files (`cueflow.log.1` … `.3`). A window
process that only hands over to the running one, or gives way to a runner,
appends a line or two and never rotates. Commands (`cueflow run`, `schedule`
…) do not write it at all. So rotations never race: on POSIX a short-lived
writer's lines land in the file it opened (perhaps just renamed to
`cueflow.log.1`); on Windows, where a file another process has open cannot
be renamed, the owner keeps appending and rotates at a later line.

Libraries chatty at INFO are kept at WARNING: APScheduler ("Scheduler
started", "Added job" …) and httpx, which logs every request's full URL,
and with it any secret in its query string.
"""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILENAME = "cueflow.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_LIBRARIES = ("apscheduler", "httpx", "httpcore")


class _LogFile(RotatingFileHandler):
    """Rotates only once its process owns the folder; a failed rename is retried later."""

    def doRollover(self) -> None:
        try:
            super().doRollover()
        except OSError:  # another process has the file open (Windows): keep appending
            if self.stream is None:
                self.stream = self._open()


def _path(folder: Path) -> str:
    return os.path.abspath(folder / LOG_FILENAME)


def _handler(folder: Path) -> _LogFile | None:
    path = _path(folder)
    for handler in logging.getLogger().handlers:
        if isinstance(handler, _LogFile) and handler.baseFilename == path:
            return handler
    return None


def start(folder: Path) -> None:
    """Send this process's log (INFO and up) to the folder's `cueflow.log`, not rotating."""
    if _handler(folder) is not None:
        return
    handler = _LogFile(_path(folder), maxBytes=0, backupCount=BACKUPS, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)


def own(folder: Path, *, max_bytes: int = MAX_BYTES) -> None:
    """This process holds the folder's scheduler lock: from now on it rotates the log."""
    start(folder)
    handler = _handler(folder)
    assert handler is not None
    handler.maxBytes = max_bytes


def stop(folder: Path) -> None:
    """Close the folder's log file (before the process gives the folder up)."""
    handler = _handler(folder)
    if handler is not None:
        logging.getLogger().removeHandler(handler)
        handler.close()
