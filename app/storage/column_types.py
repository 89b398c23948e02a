"""Column types that read the same in Python on SQLite and PostgreSQL.

Times are aware UTC datetimes: sortable UTC text in SQLite, `timestamptz` in
PostgreSQL. JSON is text in SQLite and `jsonb` in PostgreSQL. The migrations
use these types too, so the same migration makes the right column on each.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, String, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB, TIMESTAMP
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

Json = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes: `YYYY-MM-DD HH:MM:SS.ffffff` UTC text in SQLite, timestamptz
    in PostgreSQL."""

    impl = String(26)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(TIMESTAMP(timezone=True))
        return dialect.type_descriptor(String(26))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "postgresql":
            if value.tzinfo is None:
                raise ValueError("naive datetime given to the database")
            return value
        return to_db_time(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return value if value.tzinfo is UTC else value.astimezone(UTC)
        return from_db_time(value)


def to_db_time(value: datetime) -> str:
    """The stored text form, for raw SQL comparisons (isoformat: 5× strftime's speed).

    Cut before the "+00:00" rather than formatted from a copy without the zone:
    a run stores nine of these (issue 18), and the copy was half the cost."""
    if value.tzinfo is not UTC:
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
    # The text up to the seconds is kept for the last second formatted: a run's
    # nine times mostly share it, and isoformat's formatting was most of the cost.
    second = (value.toordinal(), value.hour, value.minute, value.second)
    last = _last_second
    if last[0] != second:
        last = _remember_second(second, value)
    return f"{last[1]}.{value.microsecond:06d}"


def _remember_second(second: tuple[int, int, int, int], value: datetime) -> _Second:
    global _last_second
    _last_second = (second, value.isoformat(" ", "seconds")[:19])
    return _last_second


_Second = tuple[tuple[int, int, int, int], str]
_last_second: _Second = ((0, 0, 0, 0), "")  # (replaced whole: threads share it safely)


def from_db_time(value: str) -> datetime:
    """The stored text form back to an aware UTC datetime (fromisoformat reads this
    exact form ten times faster than strptime)."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC)
