"""`cueflow db copy`: a data folder's SQLite database into an empty PostgreSQL one.

Every table, history included, is read in one read transaction of the
source (a consistent snapshot, even with a scheduler running) and written in
one transaction of the target, which commits only when the row count of
every table matches; the target's ID sequences then continue after the
copied rows. A target holding any Cueflow data is refused, unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, insert, select, text

from app.core.words import counted
from app.errors import DatabaseProblem
from app.storage.db import Database
from app.storage.models import Base

CHUNK = 2000


def non_empty_tables(db: Database) -> list[str]:
    with db.read() as session:
        return [
            table.name
            for table in Base.metadata.sorted_tables
            if session.execute(select(func.count()).select_from(table)).scalar()
        ]


def source_rows(source: Database) -> int:
    """How many rows a copy of `source` moves (what a progress bar counts to)."""
    with source.read() as reading:
        return sum(
            reading.execute(select(func.count()).select_from(table)).scalar() or 0
            for table in Base.metadata.sorted_tables
        )


def copy_database(
    source: Database, target: Database, copied_rows: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Copy every table of `source` into the empty `target`; returns rows per table.

    `copied_rows(n)` is told of each chunk of `n` rows written."""
    if target.side.name != "postgresql":
        raise DatabaseProblem(f"{target.where}: the copy goes into a PostgreSQL database")
    filled = non_empty_tables(target)
    if filled:
        raise DatabaseProblem(
            f"{target.where} is not empty (it has rows in {', '.join(filled)}); "
            "copy into a new, empty database"
        )
    counts: dict[str, int] = {}
    with source.read() as reading, target.engine.begin() as writing:
        for table in Base.metadata.sorted_tables:
            result = reading.execute(select(table).execution_options(yield_per=CHUNK))
            copied = 0
            for chunk in result.partitions(CHUNK):
                rows: list[dict[str, Any]] = [dict(row._mapping) for row in chunk]
                writing.execute(insert(table), rows)
                copied += len(rows)
                if copied_rows is not None:
                    copied_rows(len(rows))
            counts[table.name] = copied
        for table in Base.metadata.sorted_tables:
            there = writing.execute(select(func.count()).select_from(table)).scalar() or 0
            if there != counts[table.name]:
                raise DatabaseProblem(
                    f"copy of {table.name} holds {counted(there, 'row')}, "
                    f"not {counts[table.name]}; "
                    "nothing was kept"
                )
            key = list(table.primary_key.columns)
            if len(key) == 1 and key[0].autoincrement is not False and _integer(key[0]):
                writing.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', "
                        f"'{key[0].name}'), COALESCE(max({key[0].name}), 1), "
                        f"max({key[0].name}) IS NOT NULL) FROM {table.name}"
                    )
                )
    return counts


def _integer(column: Any) -> bool:
    try:
        return column.type.python_type is int
    except NotImplementedError:
        return False
