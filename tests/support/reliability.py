"""Helpers for the reliability suite: reading the ledger raw.

The ledger is read with plain `sqlite3` (not the app's own queries) so that a
test checks what is really on disk, independent of the code under test.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

EXTERNAL_ACTIONS = ("send_email", "http_request", "run_workflow")
TERMINAL = ("succeeded", "failed", "terminated", "cancelled", "missed", "interrupted")


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
