"""How times, durations and values read in the window."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale

from app.core.types import local_zone, utcnow
from app.core.when import span
from app.engine.presenting import key_words, zone_words


def local_time(value: datetime | None) -> str:
    """`Fri 4 Dec 09:00` (the year when not this one): one way to write a time."""
    return "" if value is None else when_words(value)


def relative(value: datetime, now: datetime | None = None) -> str:
    """`in 3 h`, `5 min ago`: the distance from now, coarse, in the window's language
    ("in 3 Tagen", "vor 5 min")."""
    seconds = (value - (now or utcnow())).total_seconds()
    if abs(seconds) < 1:
        return QCoreApplication.translate("Time", "now")
    text = span(abs(seconds))
    number, _, unit = text.partition(" ")
    if unit == "days":
        text = QCoreApplication.translate("Time", "{n} days").format(n=number)
    elif unit == "months":
        text = QCoreApplication.translate("Time", "{n} months").format(n=number)
    if seconds > 0:
        return QCoreApplication.translate("Time", "in {span}").format(span=text)
    return QCoreApplication.translate("Time", "{span} ago").format(span=text)


def duration(start: datetime | None, end: datetime | None) -> str:
    if start is None or end is None:
        return ""
    return elapsed((end - start).total_seconds())


def elapsed(seconds: float) -> str:
    """`12 ms`, `1.4 s`, then as `span` words: how long a run or a step took."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    return span(seconds)


def short(value: Any, limit: int = 80) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def params_text(params: dict[str, Any], limit: int = 80) -> str:
    """`User: Ada, Birthday: Mon 14 May 1990 09:00`: the parameters titled as the
    Run form titles them, their values as words."""
    return short(", ".join(f"{key_words(k)}: {value_words(v)}" for k, v in params.items()), limit)


def params_lines(params: dict[str, Any], ids: dict[str, Any] | None = None) -> str:
    """One parameter a line, its value whole (`User: Ada (ID 06h3…)` with `ids`,
    the values as stored, for the things shown by their labels)."""
    lines = []
    for key, value in list(params.items())[:50]:
        words = value_words(value, limit=400)
        stored = (ids or {}).get(key)
        if stored is not None and stored != value:
            many = isinstance(stored, list) and len(stored) != 1
            words = f"{words} ({'IDs' if many else 'ID'} {value_words(stored, 200)})"
        lines.append(f"{key_words(key)}: {words}")
    return "\n".join(lines)


def value_words(value: Any, limit: int = 40) -> str:
    """A parameter's value as a person reads it: a date in words, yes/no, a list's
    items, a mapping's entries (never JSON or a Python repr)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "—"
    if isinstance(value, list):
        return short(", ".join(value_words(v, limit) for v in value[:20]), limit)
    if isinstance(value, dict):
        entries = list(value.items())[:20]
        return short(", ".join(f"{k}: {value_words(v, limit)}" for k, v in entries), limit)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and "T" in value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return short(value, limit)
        if moment.tzinfo is not None:
            return when_words(moment, whole_day=True)  # (a date parameter: no "00:00")
    return short(value if isinstance(value, str) else str(value), limit)


def zone_name() -> str:
    """The machine's time zone as a person names it: `UTC`, `Berlin, UTC+01:00`."""
    return zone_words(local_zone())


def when_words(value: datetime, now: datetime | None = None, *, whole_day: bool = False) -> str:
    """`Fri 4 Dec 09:00` in the machine's time zone (the year too when it is not this one).

    `whole_day`: a value at local midnight is a day (`Mon 14 May 1990`), as a
    date field's birthday imported without a time reads; any other time is shown.
    """
    local = value.astimezone(local_zone())
    today = (now or utcnow()).astimezone(local_zone())
    clock = "" if whole_day and local.time() == datetime.min.time() else f" {local:%H:%M}"
    year = "" if local.year == today.year else f" {local.year}"
    return f"{day_name(local)} {local.day} {month_name(local)}{year}{clock}"


def day_name(moment: date) -> str:
    """The weekday's short name in the window's language ("Fri", "Fr.")."""
    return QLocale().dayName(moment.isoweekday(), QLocale.FormatType.ShortFormat)


def month_name(moment: date) -> str:
    """The month's short name in the window's language ("Dec", "Dez.")."""
    return QLocale().monthName(moment.month, QLocale.FormatType.ShortFormat)


def day_and_time(moment: datetime) -> str:
    """ "Tue 09:00": a time this week (the moment as given, in its own zone)."""
    return f"{day_name(moment)} {moment:%H:%M}"


def counted(n: int, noun: str) -> str:
    """`1 run`, `2,501 runs`: never "run(s)"."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
