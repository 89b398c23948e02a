"""`WHEN` of the command line: now, HH:MM, tomorrow HH:MM, ISO 8601, or a delay like +5m."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from app.core.types import local_zone, parse_datetime, utcnow
from app.errors import BadInput

HORIZON_YEARS = 100  # a time further ahead than this is refused (a typo, not a plan)
HORIZON = timedelta(days=365.2425 * HORIZON_YEARS)
_DELAY = re.compile(r"^\+(\d+(?:\.\d+)?)\s*([smhdw])$")
_CLOCK = re.compile(r"^(?:(tomorrow)\s+)?(\d{1,2}):(\d{2})$")
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
    clock = _CLOCK.match(value)
    if clock:
        return _at_clock(text, int(clock[2]), int(clock[3]), bool(clock[1]), base)
    if value.startswith("tomorrow"):
        raise BadInput(f"'{text}' is not a time (use 'tomorrow HH:MM', like 'tomorrow 09:00')")
    if value.startswith("+"):
        raise BadInput(f"'{text}' is not a delay (use +90s, +5m, +2h or +3d)")
    try:
        moment = parse_datetime(text)
    except BadInput as exc:
        if "out of range" in exc.reason:  # a real date and time, but none in UTC
            raise
        raise BadInput(
            f"'{text}' is not a time (use now, HH:MM, 'tomorrow HH:MM', "
            "ISO 8601 like 2026-12-10T09:00, or +5m)"
        ) from None
    return within_horizon(moment, f"'{text}'", base)


def _at_clock(text: str, hour: int, minute: int, tomorrow: bool, now: datetime) -> datetime:
    """`HH:MM`: the next such local time (today or tomorrow); `tomorrow HH:MM`: tomorrow's."""
    if hour > 23 or minute > 59:
        raise BadInput(f"'{text}' is not a time of day (HH:MM from 00:00 to 23:59)")
    zone = local_zone()
    today = now.astimezone(zone).date()
    day = today + timedelta(days=1) if tomorrow else today
    moment = datetime.combine(day, time(hour, minute), tzinfo=zone)
    if not tomorrow and moment <= now:
        moment = datetime.combine(today + timedelta(days=1), time(hour, minute), tzinfo=zone)
    # A wall-clock time inside a DST gap becomes the real instant just after it.
    return moment.astimezone(UTC).astimezone(zone)


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
