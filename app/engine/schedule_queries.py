"""What the Scheduler area reads and changes besides the run tables: recurring
schedules (in words, their next times; pause, resume, end), the steps of each
attempt of a run, a run history by day for the chart, the future occurrences
of schedules for the timeline, and the undo of a cancel.

Like `run_queries`, each read opens one session and returns plain data, so the
window can call it from a worker thread; each change is one call of
`SchedulerService`, the same whoever calls it.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from cron_descriptor import CasingTypeEnum, ExpressionDescriptor, Options

from app.core.recurrence import Recurrence, zone, zone_name
from app.core.types import local_zone, utcnow
from app.engine import presenting
from app.engine.events import EventBus, LedgerChanged
from app.errors import BadInput, CueflowError, NotFound
from app.storage import ledger, schedules, views
from app.storage.db import Database

__all__ = [
    "ACTIVE",
    "ENDED",
    "PAUSED",
    "AttemptSteps",
    "DaySummary",
    "Occurrence",
    "ScheduleItem",
    "SchedulerService",
    "attempts",
    "describe_rule",
    "history_days",
    "list_schedules",
    "occurrences",
    "upcoming_row",
]

ACTIVE, ENDED, PAUSED = schedules.ACTIVE, schedules.ENDED, schedules.PAUSED
HISTORY_ROW_LIMIT = 200_000  # finished runs read for the chart (newest first)


# --- recurring schedules ------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleItem:
    """A recurring schedule as the Scheduler lists it."""

    id: str
    workflow: str
    rule: str  # as stored: '2 days', 'cron:0 9 * * 1-5'
    words: str  # 'Every 2 days at 09:00 (Europe/Berlin)'
    timezone: str
    status: str  # active | paused | ended
    next_times: list[datetime]  # the coming occurrences, soonest first
    params: dict[str, Any]
    run_as: str | None


def describe_rule(rule: Recurrence, start: datetime, tz: tzinfo) -> str:
    """A rule in words; a cron expression through cron-descriptor, 24-hour clock."""
    if rule.cron:
        options = Options()
        options.use_24hour_time_format = True
        options.casing_type = CasingTypeEnum.Sentence
        try:
            text = ExpressionDescriptor(rule.cron, options).get_description()
        except Exception:  # cron-descriptor's own errors: fall back to the expression
            text = f"Cron {rule.cron}"
        return f"{text} ({zone_name(tz)})"
    words = rule.describe(start, tz)
    if words.startswith("every 1 "):  # 'every 1 day at 09:00' reads 'Every day at 09:00'
        words = "every " + words[len("every 1 ") :]
    return words[:1].upper() + words[1:]


def list_schedules(db: Database, count: int = 3, now: datetime | None = None) -> list[ScheduleItem]:
    """Schedules not cancelled, newest first, each with its next `count` times."""
    now = now or utcnow()
    items: list[ScheduleItem] = []
    with db.read() as session:
        for row, next_at in schedules.listing(session):
            try:
                rule = Recurrence.parse(row.every)
                tz = zone(row.timezone)
                words = describe_rule(rule, row.start, tz)
            except CueflowError:
                items.append(
                    ScheduleItem(
                        row.id,
                        row.workflow,
                        row.every,
                        row.every,
                        row.timezone,
                        row.status,
                        [],
                        dict(row.params),
                        row.run_as,
                    )
                )
                continue
            times: list[datetime] = []
            if row.status == ACTIVE:
                try:
                    moment = next_at or rule.next_after(now, row.start, tz)
                    while moment is not None and len(times) < count:
                        times.append(moment)
                        moment = rule.next_after(moment, row.start, tz)
                except (OverflowError, ValueError):  # past the calendar's end
                    pass
            items.append(
                ScheduleItem(
                    row.id,
                    row.workflow,
                    row.every,
                    words,
                    row.timezone,
                    row.status,
                    times,
                    dict(row.params),
                    row.run_as,
                )
            )
    return items


@dataclass(frozen=True)
class Occurrence:
    """A future time of a recurring schedule (for the timeline)."""

    schedule_id: str
    workflow: str
    at: datetime


def occurrences(
    db: Database, start: datetime, end: datetime, limit: int = 2000
) -> list[Occurrence]:
    """Times of the active schedules in [start, end), at most `limit`, soonest first."""
    out: list[Occurrence] = []
    with db.read() as session:
        rows = [row for row, _ in schedules.listing(session) if row.status == ACTIVE]
        for row in rows:
            try:
                rule = Recurrence.parse(row.every)
                tz = zone(row.timezone)
                moment = rule.next_after(
                    max(start, row.start) - timedelta(microseconds=1), row.start, tz
                )
                while moment is not None and moment < end and len(out) < limit:
                    out.append(Occurrence(row.id, row.workflow, moment))
                    moment = rule.next_after(moment, row.start, tz)
            except (CueflowError, OverflowError, ValueError):
                continue
    out.sort(key=lambda item: item.at)
    return out[:limit]


def upcoming_row(db: Database, where: views.RunFilter, run_id: str) -> int | None:
    """Where a scheduled run sits in the Upcoming table under a filter (None: not there)."""
    with db.read() as session:
        return views.upcoming_position(session, where, run_id)


# --- the steps of each attempt -------------------------------------------------------


@dataclass(frozen=True)
class AttemptSteps:
    """The steps one attempt of a run went through (inputs, result, error, duration)."""

    attempt: int
    steps: list[dict[str, Any]]

    @property
    def status(self) -> str:
        """The last step's status ('' when the attempt ran no step)."""
        return str(self.steps[-1]["status"]) if self.steps else ""


def attempts(db: Database, run_id: str) -> list[AttemptSteps]:
    """Every attempt of a run with its steps, first attempt first."""
    with db.read() as session:
        rows = presenting.steps_to_json(ledger.step_results(session, run_id))
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for step in rows:
        grouped[int(step["attempt"])].append(step)
    return [AttemptSteps(number, grouped[number]) for number in sorted(grouped)]


# --- the history chart ---------------------------------------------------------------


@dataclass
class DaySummary:
    """Runs that finished on one local day: counts by status, durations in seconds."""

    day: date
    counts: dict[str, int] = field(default_factory=dict)
    durations: list[float] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def median_seconds(self) -> float | None:
        return statistics.median(self.durations) if self.durations else None

    @property
    def longest_seconds(self) -> float | None:
        return max(self.durations) if self.durations else None


def history_days(
    db: Database, days: int = 14, now: datetime | None = None, tz: tzinfo | None = None
) -> list[DaySummary]:
    """The last `days` local days, oldest first, each with its finished runs."""
    tz = tz or local_zone()
    today = (now or utcnow()).astimezone(tz).date()
    first = today - timedelta(days=days - 1)
    since = datetime(first.year, first.month, first.day, tzinfo=tz)
    summaries = {
        first + timedelta(days=n): DaySummary(first + timedelta(days=n)) for n in range(days)
    }
    with db.read() as session:
        rows = views.finished_since(session, since, HISTORY_ROW_LIMIT)
    for status, started, finished in rows:
        summary = summaries.get(finished.astimezone(tz).date())
        if summary is None:
            continue
        summary.counts[status] = summary.counts.get(status, 0) + 1
        if started is not None:
            summary.durations.append(max(0.0, (finished - started).total_seconds()))
    return list(summaries.values())


# --- changes ---------------------------------------------------------------------------


class SchedulerService:
    """Pause, resume and end recurring schedules; undo a cancel of runs."""

    def __init__(self, db: Database, events: EventBus | None = None) -> None:
        self.db = db
        self.events = events or EventBus()

    def pause_schedule(self, schedule_id: str) -> list[str]:
        """Hold a schedule; returns the upcoming occurrence(s) it cancelled."""
        with self.db.write() as session:
            cancelled = schedules.pause(session, _schedule_id(schedule_id))
        self.events.emit(LedgerChanged())
        return cancelled

    def resume_schedule(self, schedule_id: str) -> str | None:
        """Make a paused schedule active; returns its next occurrence's run ID."""
        with self.db.write() as session:
            run_id = schedules.unpause(session, _schedule_id(schedule_id))
        self.events.emit(LedgerChanged())
        return run_id

    def end_schedule(self, schedule_id: str) -> list[str]:
        """End a schedule for good; returns the upcoming occurrence(s) it cancelled."""
        with self.db.write() as session:
            cancelled = schedules.cancel(session, _schedule_id(schedule_id))
        self.events.emit(LedgerChanged())
        return cancelled

    def restore(self, run_ids: list[str]) -> list[str]:
        """Undo a cancel: runs cancelled by hand are scheduled again, same ID and time.

        The ledger lets a cancelled run go back to scheduled. An occurrence of a
        schedule made way for the next one when it was cancelled; that next one
        is cancelled again, so the schedule keeps one upcoming occurrence.
        """
        with self.db.write() as session:
            wanted = []
            for run_id in dict.fromkeys(run_ids):
                try:
                    run = ledger.get_run(session, run_id)
                except NotFound:
                    continue
                if run.status == ledger.CANCELLED and run.error == "cancelled":
                    wanted.append(run)
            restored = ledger.uncancel(session, [run.id for run in wanted])
            for run in wanted:
                if run.id in restored and run.schedule_id and run.attempt == 1:
                    later = schedules.later_occurrences(session, run.schedule_id, run.scheduled_for)
                    ledger.cancel(session, [i for i in later if i not in restored])
        self.events.emit(LedgerChanged())
        return restored


def _schedule_id(text: str) -> str:
    valid = isinstance(text, str) and text.isascii() and text.isalnum()
    if not valid or not schedules.is_schedule_id(text):
        shown = str(text)[:40].encode("utf-8", "backslashreplace").decode("ascii", "replace")
        raise BadInput(f"'{shown}' is not a schedule ID")
    return text
