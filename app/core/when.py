"""`WHEN` of the command line: now, ISO 8601, or a delay like +90s, +5m, +2h, +3d."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from app.core.types import parse_datetime, utcnow
from app.errors import BadInput

HORIZON_YEARS = 100  # a time further ahead than this is refused (a typo, not a plan)
HORIZON = timedelta(days=365.2425 * HORIZON_YEARS)
_DELAY = re.compile(r"^\+(\d+(?:\.\d+)?)\s*([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_when(text: str, now: datetime | None = None) -> datetime:
    value = text.strip().lower()
    base = now or utcnow()
    if value == "now":
        return base
    delay = _DELAY.match(value)
    if delay:
        try:
            moment = base + timedelta(**{_UNITS[delay[2]]: float(delay[1])})
        except OverflowError:
            moment = None
        return within_horizon(moment, f"'{text}'", base)
    if value.startswith("+"):
        raise BadInput(f"'{text}' is not a delay (use +90s, +5m, +2h or +3d)")
    try:
        moment = parse_datetime(text)
    except BadInput as exc:
        if "out of range" in exc.reason:  # a real date and time, but none in UTC
            raise
        raise BadInput(
            f"'{text}' is not a time (use now, ISO 8601 like 2026-12-10T09:00, or +5m)"
        ) from None
    return within_horizon(moment, f"'{text}'", base)


def within_horizon(moment: datetime | None, what: str, now: datetime | None = None) -> datetime:
    """`moment` if it can be stored and run: in UTC's calendar, at most a century ahead.

    A time in the past is fine (it is due at once); one that falls off the
    calendar in UTC (year 1 with a positive offset, 9999-12-31 with a
    negative one) or lies centuries ahead is refused with one line.
    """
    if moment is None:  # a delay past what a date can hold
        raise BadInput(f"{what} is too far in the future")
    try:
        moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise BadInput(f"{what} is outside the calendar Cueflow can store") from None
    base = now or utcnow()
    if moment.astimezone(UTC) - base > HORIZON:
        raise BadInput(f"{what} is more than {HORIZON_YEARS} years ahead")
    return moment


def span(seconds: float) -> str:
    """A length of time as people say it: 42 s, 5 min, 3 h, 12 days, 4 months."""
    seconds = abs(seconds)
    if seconds < 60:
        return f"{int(seconds)} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400 * 2:
        return f"{seconds / 3600:.0f} h"
    if seconds < 86400 * 60:
        return f"{seconds / 86400:.0f} days"
    return f"{seconds / 86400 / 30.4:.0f} months"
