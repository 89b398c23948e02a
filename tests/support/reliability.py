"""Helpers for the reliability suite: a runner subprocess, waiting, reading the ledger raw.

The ledger is read with plain `sqlite3` (not the app's own queries) so that a
test checks what is really on disk, independent of the code under test.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.conftest import cueflow_process

EXTERNAL_ACTIONS = ("send_email", "http_request", "run_workflow")
TERMINAL = ("succeeded", "failed", "terminated", "cancelled", "missed", "interrupted")


def wait_until(condition: Callable[[], Any], timeout: float = 10.0, every: float = 0.02) -> Any:
    """Poll `condition` until it is truthy; return its value, or fail after `timeout` s."""
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(every)


class RunnerProcess:
    """`cueflow runner` as a real subprocess, started and stopped (or killed) by a test."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> str:
        self.proc = cueflow_process(self.data_dir, "runner")
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("Cueflow runner for"):
            self.proc.kill()
            _, err = self.proc.communicate(timeout=10)
            self.proc = None
            raise AssertionError(f"runner did not start: {line!r} {err}")
        return line

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        assert self.proc is not None
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=timeout)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        self.proc = None
        return code

    def kill(self) -> int:
        return self.stop(signal.SIGKILL)

    def close(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


@contextmanager
def raw(data_dir: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection to the data folder's database (rows as dicts)."""
    connection = sqlite3.connect(data_dir / "cueflow.db", timeout=30)
    connection.row_factory = sqlite3.Row
    try:
        yield connection
    finally:
        connection.close()


def query(data_dir: Path, sql: str, *args: Any) -> list[dict[str, Any]]:
    with raw(data_dir) as connection:
        return [dict(row) for row in connection.execute(sql, args)]


def statuses(data_dir: Path) -> dict[str, str]:
    return {r["id"]: r["status"] for r in query(data_dir, "SELECT id, status FROM runs")}


def integrity(path: Path) -> str:
    connection = sqlite3.connect(path, timeout=30)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()
