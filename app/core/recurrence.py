"""Recurring schedules: `N seconds|minutes|hours|days|weeks|months|years`, or
`cron:MIN HOUR DOM MON DOW`.

Times come from APScheduler's triggers in the schedule's own time zone:
seconds, minutes and hours are elapsed time; days and longer are calendar
steps that keep the wall-clock time ("every year at 09:00" stays at 09:00
across DST). A day whose time does not exist (a DST gap) is skipped, and so
is a month without the start's day (Jan 31 + 1 month is Mar 31), as calendar
programs do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.calendarinterval import CalendarIntervalTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from app.errors import BadInput

UNITS = ("seconds", "minutes", "hours", "days", "weeks", "months", "years")
_UNIT_SECONDS = {
    "seconds": 1,
    "minutes": 60,
    "hours": 3600,
    "days": 86400,
    "weeks": 7 * 86400,
    "months": 2_629_746,  # a mean Gregorian month
    "years": 31_556_952,
}
HORIZON_YEARS = 100  # a repeat whose next time is further away than this is refused
_HORIZON = timedelta(days=365.2425 * HORIZON_YEARS)
_EVERY = re.compile(r"^(?:every\s+)?(\d+)?\s*([a-z]+)$")


_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _cron_dow(field: str) -> str:
    """Cron's day of week (0 or 7 = Sunday) as APScheduler day names.

    APScheduler 3 counts Monday as 0 even in `from_crontab`, so `1-5` would
    mean Tuesday to Saturday; names are unambiguous.
    """
    if field == "*" or not any(c.isdigit() for c in field):
        return field
    days: list[str] = []
    for token in field.split(","):
        body, _, step_text = token.partition("/")
        step = int(step_text) if step_text else 1
        if body == "*":
            first, last = 0, 6
        elif "-" in body:
            a, b = body.split("-", 1)
            first, last = _day_number(a), _day_number(b)
        else:
            first = last = _day_number(body)
        for number in range(first, last + 1, step):
            name = _DAY_NAMES[number]
            if name not in days:
                days.append(name)
    return ",".join(days)


def _day_number(text: str) -> int:
    if text.isdigit() and 0 <= int(text) <= 7:
        return int(text)
    if text[:3] in _DAY_NAMES:
        return _DAY_NAMES.index(text[:3])
    raise ValueError(f"'{text}' is not a day of the week")


def _cron_trigger(expression: str, tz: Any) -> CronTrigger:
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"wrong number of fields; got {len(fields)}, expected 5")
    minute, hour, day, month, day_of_week = fields
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=_cron_dow(day_of_week),
        timezone=tz,
    )


def zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(f"unknown time zone '{name}'") from None


def zone_name(tz: Any) -> str:
    return str(getattr(tz, "key", None) or tz)


@dataclass(frozen=True)
class Recurrence:
    """A parsed EVERY: an amount of a unit, or a cron expression."""

    amount: int = 0
    unit: str = ""
    cron: str = ""

    @classmethod
    def parse(cls, text: str) -> Recurrence:
        raw = " ".join(str(text).strip().lower().split())
        if raw.startswith("cron:"):
            expression = raw[5:].strip()
            try:
                trigger = _cron_trigger(expression, "UTC")
            except ValueError as exc:
                raise BadInput(
                    f"'{expression}' is not a cron expression (MIN HOUR DOM MON DOW): {exc}"
                ) from None
            now = datetime.now(UTC)
            upcoming = trigger.get_next_fire_time(None, now)
            if upcoming is None or upcoming - now > _HORIZON:
                raise BadInput(
                    f"'cron:{expression}' never comes: no time matches it in the next "
                    f"{HORIZON_YEARS} years"
                )
            return cls(cron=expression)
        match = _EVERY.match(raw)
        unit = match[2] if match else ""
        if unit and not unit.endswith("s"):
            unit += "s"
        if not match or unit not in UNITS:
            raise BadInput(
                f"'{text}' is not a repeat (use e.g. '2 hours', '1 month', 'cron:0 9 * * 1-5')"
            )
        digits = (match[1] or "1").lstrip("0") or "0"
        amount = int(digits) if len(digits) <= 12 else 10**12
        if amount < 1:
            raise BadInput("a repeat must be at least 1")
        if amount * _UNIT_SECONDS[unit] > _HORIZON.total_seconds():
            raise BadInput(
                f"'{text}' is too long a repeat: it must come again within {HORIZON_YEARS} years"
            )
        return cls(amount, unit)

    def __str__(self) -> str:
        if self.cron:
            return f"cron:{self.cron}"
        unit = self.unit[:-1] if self.amount == 1 else self.unit
        return f"{self.amount} {unit}"

    def trigger(self, start: datetime, tz: tzinfo) -> Any:
        local = start.astimezone(tz)
        if self.cron:
            return _cron_trigger(self.cron, tz)
        if self.unit in ("seconds", "minutes", "hours"):
            return IntervalTrigger(**{self.unit: self.amount}, start_date=local, timezone=tz)
        return CalendarIntervalTrigger(
            **{self.unit: self.amount},
            hour=local.hour,
            minute=local.minute,
            second=local.second,
            start_date=local.date(),
            timezone=tz,
        )

    def first(self, start: datetime, tz: tzinfo) -> datetime | None:
        trigger = self.trigger(start, tz)
        moment = trigger.get_next_fire_time(None, start.astimezone(tz))
        if moment is not None and self._repeated(moment):
            return self.next_after(moment, start, tz)
        return _normal(moment, tz)

    def next_after(self, previous: datetime, start: datetime, tz: tzinfo) -> datetime | None:
        """The first occurrence strictly after `previous`, on the start's grid.

        The grid is start + k·N whatever `previous` is (the moment a run was
        claimed, a restart): occurrences never drift from it. Times are
        compared as instants: at a DST fall-back the same wall time comes
        twice, and Python compares two times of one zone by the wall clock.
        """
        trigger = self.trigger(start, tz)
        instant = previous.astimezone(UTC)
        local = instant.astimezone(tz)
        after = _later(instant, tz)
        moment: datetime | None
        if self.cron or self.unit in ("seconds", "minutes", "hours"):
            # With no previous time the trigger counts from its start (or now, for cron).
            moment = trigger.get_next_fire_time(None, after)
        else:
            moment = trigger.get_next_fire_time(None, after)  # the start's own date
            days = {"days": self.amount, "weeks": 7 * self.amount}.get(self.unit)
            steps = 0 if days is None or moment is None else (local - moment).days // days - 1
            if moment is not None and days is not None and steps > 0:
                # Straight to the grid day just before `previous` (dates always
                # exist; the trigger then steps over DST gaps itself).
                moment = trigger.get_next_fire_time(moment + timedelta(days=steps * days), after)
        while moment is not None and (moment.astimezone(UTC) <= instant or self._repeated(moment)):
            # Cron counts from `now` alone (its own use of a previous time drops
            # the DST fold and can return the same time again).
            moment = trigger.get_next_fire_time(None if self.cron else moment, _later(moment, tz))
        return _normal(moment, tz)

    def _repeated(self, moment: datetime) -> bool:
        """A cron time at a fixed hour inside the hour a DST fall-back repeats.

        `30 1 * * *` runs once on that day, at the first 01:30, as cron does;
        a cron over every hour (`*/30 * * * *`) runs in both hours.
        """
        if not self.cron or self.cron.split()[1] == "*" or not moment.fold:
            return False
        return moment.replace(fold=0).utcoffset() != moment.utcoffset()

    def preview(self, start: datetime, tz: tzinfo, count: int = 10) -> list[datetime]:
        times: list[datetime] = []
        moment = self.first(start, tz)
        while moment is not None and len(times) < count:
            times.append(moment)
            moment = self.next_after(moment, start, tz)
        return times

    def describe(self, start: datetime, tz: tzinfo) -> str:
        """Plain language: 'every 2 days at 09:00 (Europe/Berlin)'."""
        local = start.astimezone(tz)
        where = zone_name(tz)
        if self.cron:
            return f"on the cron schedule '{self.cron}' ({where})"
        if self.unit in ("seconds", "minutes", "hours"):
            return f"every {self}, from {local:%Y-%m-%d %H:%M:%S} ({where})"
        at = f"{local:%H:%M}" if local.second == 0 else f"{local:%H:%M:%S}"
        day = {
            "weeks": f" on {local:%A}s",
            "months": f" on day {local.day}",
            "years": f" on {local.day} {local:%B}",  # "on 2 March", not "02 March"
        }.get(self.unit, "")
        return f"every {self}{day} at {at} ({where})"


def _later(moment: datetime, tz: tzinfo) -> datetime:
    """A microsecond after `moment`, as an instant (wall-time arithmetic drops the fold)."""
    return (moment.astimezone(UTC) + timedelta(microseconds=1)).astimezone(tz)


def _normal(moment: datetime | None, tz: tzinfo) -> datetime | None:
    """A real instant shown in `tz` (a trigger may return a wall time inside a DST gap)."""
    return None if moment is None else datetime.fromtimestamp(moment.timestamp(), tz)


def dst_shifted(moments: list[datetime]) -> list[bool]:
    """Which of a list of times has another UTC offset than the first one."""
    if not moments:
        return []
    first = moments[0].utcoffset()
    return [moment.utcoffset() != first for moment in moments]
