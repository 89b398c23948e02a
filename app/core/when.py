"""`WHEN` of the command line: now, ISO 8601, or a delay like +90s, +5m, +2h, +3d."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from app.core.types import parse_datetime, utcnow
from app.errors import BadInput

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
            return base + timedelta(**{_UNITS[delay[2]]: float(delay[1])})
        except OverflowError:
            raise BadInput(f"'{text}' is too far in the future") from None
    if value.startswith("+"):
        raise BadInput(f"'{text}' is not a delay (use +90s, +5m, +2h or +3d)")
    try:
        return parse_datetime(text)
    except BadInput as exc:
        if "out of range" in exc.reason:  # a real date and time, but none in UTC
            raise
        raise BadInput(
            f"'{text}' is not a time (use now, ISO 8601 like 2026-12-10T09:00, or +5m)"
        ) from None


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
