"""`cueflow.log`: the diagnostic log of the processes that use a data folder.

Where: the platform's log folder (platformdirs `user_log_dir`: on Linux
`~/.local/state/Cueflow/log`, on Windows `%LOCALAPPDATA%\\Cueflow\\Logs`,
on macOS `~/Library/Logs/Cueflow`) for the default data folder; a data folder
chosen with `--data-dir` / `$CUEFLOW_DATA_DIR` keeps its log inside it, so two
folders (and every test's folder) never share one. `$CUEFLOW_LOG_DIR` overrides
both.

The process that holds the folder's scheduler lock (the window, the tray or
`cueflow runner`) owns the file and is the only one that rotates it, at
MAX_BYTES, keeping BACKUPS older files (`cueflow.log.1` … `.3`). A window
process that only hands over to the running one, or gives way to a runner,
appends a line or two and never rotates. Commands (`cueflow run`, `schedule`
…) write to it only an internal error with its traceback (`record_error`).
So rotations never race: on POSIX a short-lived
writer's lines land in the file it opened (perhaps just renamed to
`cueflow.log.1`); on Windows, where a file another process has open cannot
be renamed, the owner keeps appending and rotates at a later line.

Libraries chatty at INFO are kept at WARNING: APScheduler ("Scheduler
started", "Added job" …) and httpx, which logs every request's full URL,
and with it any secret in its query string.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs

from app import paths

LOG_FILENAME = "cueflow.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_LIBRARIES = ("apscheduler", "httpx", "httpcore", "sqlalchemy")
ENV_LOG_DIR = "CUEFLOW_LOG_DIR"


class _LogFile(RotatingFileHandler):
    """Rotates only once its process owns the folder; a failed rename is retried later."""

    def doRollover(self) -> None:
        try:
            super().doRollover()
        except OSError:  # another process has the file open (Windows): keep appending
            if self.stream is None:
                self.stream = self._open()


def log_folder(data_folder: Path) -> Path:
    """Where the log of this data folder goes (see the module's docstring)."""
    chosen = os.environ.get(ENV_LOG_DIR)
    if chosen:
        return Path(chosen).expanduser()
    if Path(data_folder) == paths.default_data_dir():
        return Path(platformdirs.user_log_dir("Cueflow", appauthor=False))
    return Path(data_folder)


def log_path(data_folder: Path) -> Path:
    return log_folder(data_folder) / LOG_FILENAME


def _path(folder: Path) -> str:
    return os.path.abspath(log_path(folder))


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
    with contextlib.suppress(OSError):  # else logging reports it at the first line
        log_folder(folder).mkdir(parents=True, exist_ok=True)
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


_STDERR = "cueflow-stderr"
_LEVEL_BEFORE: dict[str, int] = {}  # the root logger's level before to_stderr lowered it


def to_stderr(level: int) -> None:
    """Also write this process's log at `level` and up to standard error (-v, --debug,
    or a foreground `cueflow runner` whose stderr journald keeps)."""
    root = logging.getLogger()
    for handler in root.handlers:
        if handler.get_name() == _STDERR:
            handler.setLevel(min(handler.level, level))
            break
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.set_name(_STDERR)
        handler.setLevel(level)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        _LEVEL_BEFORE.setdefault("root", root.level)
        root.setLevel(level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)


def stop_stderr() -> None:
    """Stop writing this process's log to standard error (see `to_stderr`)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _STDERR:
            root.removeHandler(handler)
    if "root" in _LEVEL_BEFORE:
        root.setLevel(_LEVEL_BEFORE.pop("root"))


def record_error(data_folder: Path, what: str) -> Path | None:
    """Write the exception being handled, with its traceback, to the folder's log.

    Returns the log's path, or None when it cannot be written (a read-only
    folder, a full disk): the user still gets the one-line error.
    """
    try:
        start(data_folder)
        logging.getLogger("app").exception("internal error in %s", what)
        handler = _handler(data_folder)
        if handler is not None:
            handler.flush()
        return log_path(data_folder)
    except OSError:
        return None
