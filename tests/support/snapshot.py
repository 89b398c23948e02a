"""Compare a database before and after: 'the database unchanged'."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def dump(data_dir: Path) -> list[str]:
    path = data_dir / "cueflow.db"
    if not path.exists():
        return []
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()
