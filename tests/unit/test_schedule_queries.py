"""The Scheduler's reads and changes (app.engine.schedule_queries) on a real
SQLite database, without Qt: schedules in words, pause / resume / end, the
undo of a cancel, attempts, the per-day history, the timeline's occurrences,
and hostile input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from app.core.recurrence import Recurrence, zone
from app.core.types import utcnow
from app.engine import schedule_queries as sq
from app.engine.events import EventBus, LedgerChanged
from app.engine.runner import Runner
from app.engine.service import Service
from app.errors import BadInput, CueflowError, NotFound
from app.storage import ledger, views
from app.storage import models as m
from app.storage.db import Database

FLOWS = """
cueflow: 1
workflows:
  note:
    parameters: {text: {type: text}}
    steps:
      - action: log
        with: {message: "{{ text }}"}
"""


@pytest.fixture
def flows(imported: Any) -> Database:
    db: Database = imported(FLOWS)
    return db


def test_rules_in_words() -> None:
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    berlin = zone("Europe/Berlin")
    assert sq.describe_rule(Recurrence.parse("1 day"), start, berlin) == (
        "Every day at 09:00 (Europe/Berlin)"
    )
    assert sq.describe_rule(Recurrence.parse("cron:0 9 * * 1-5"), start, berlin) == (
        "At 09:00, Monday through Friday (Europe/Berlin)"
    )
    assert sq.describe_rule(Recurrence.parse("cron:*/15 * * * *"), start, berlin).startswith(
        "Every 15 minutes"
    )


def test_pause_resume_end_and_the_list(flows: Database) -> None:
    bus = EventBus()
    seen: list[Any] = []
    bus.subscribe(seen.append)
    service, scheduler = Service(flows), sq.SchedulerService(flows, bus)
    schedule_id = service.schedule(
        "note", {"text": "hi"}, at=utcnow() + timedelta(hours=1), every=Recurrence.parse("2 hours")
    )
    (item,) = sq.list_schedules(flows, count=3)
    assert (item.id, item.status, item.words[:13]) == (schedule_id, sq.ACTIVE, "Every 2 hours")
    assert [b - a for a, b in zip(item.next_times, item.next_times[1:], strict=False)] == [
        timedelta(hours=2)
    ] * 2
    cancelled = scheduler.pause_schedule(schedule_id)
    assert len(cancelled) == 1 and isinstance(seen[-1], LedgerChanged)
    with flows.read() as session:
        assert ledger.count_scheduled(session) == 0
    with pytest.raises(BadInput, match="only an active one can pause"):
        scheduler.pause_schedule(schedule_id)
    assert sq.list_schedules(flows)[0].status == sq.PAUSED
    assert sq.list_schedules(flows)[0].next_times == []
    run_id = scheduler.resume_schedule(schedule_id)
    assert run_id is not None
    with pytest.raises(BadInput, match="only a paused one can resume"):
        scheduler.resume_schedule(schedule_id)
    assert scheduler.end_schedule(schedule_id) == [run_id]
    assert sq.list_schedules(flows) == []
    # cancel all reaches paused schedules too
    other = service.schedule(
        "note", {"text": "x"}, at=utcnow() + timedelta(hours=1), every=Recurrence.parse("1 day")
    )
    scheduler.pause_schedule(other)
    service.cancel_all()
    assert sq.list_schedules(flows) == []


@pytest.mark.parametrize(
    "bad", ["", "s", "06h35sdzjnqmmp7d", "s" * 16 + "x", 12, None, "s\udc80" * 8]
)
def test_schedule_ids_are_checked(flows: Database, bad: Any) -> None:
    scheduler = sq.SchedulerService(flows)
    with pytest.raises(CueflowError) as caught:
        scheduler.pause_schedule(bad)
    assert isinstance(caught.value, BadInput | NotFound)
    assert "\n" not in str(caught.value)


def test_unknown_schedule_is_not_found(flows: Database) -> None:
    with pytest.raises(NotFound):
        sq.SchedulerService(flows).end_schedule("s" + "0" * 15)


def test_restore_puts_back_only_runs_cancelled_by_hand(flows: Database) -> None:
    service = Service(flows)
    at = utcnow() + timedelta(hours=3)
    first, second = (service.schedule("note", {"text": t}, at=at) for t in ("a", "b"))
    service.cancel([first, second])
    with flows.write() as session:  # one of them was cancelled by something else
        session.execute(update(m.Run).where(m.Run.id == second).values(error="schedule paused"))
    restored = sq.SchedulerService(flows).restore([first, second, first, "nope"])
    assert restored == [first]
    with flows.read() as session:
        run = ledger.get_run(session, first)
        assert (run.status, run.scheduled_for, run.error) == (ledger.SCHEDULED, at, None)


def test_attempts_history_days_and_occurrences(flows: Database) -> None:
    service = Service(flows)
    run_id = service.schedule("note", {"text": "hello"})
    Runner(flows).execute(run_id)
    (attempt,) = sq.attempts(flows, run_id)
    assert attempt.attempt == 1 and attempt.status == "succeeded"
    assert attempt.steps[0]["inputs"] == {"message": "hello"}
    assert sq.attempts(flows, "nothing") == []
    days = sq.history_days(flows, 3)
    assert [d.total for d in days] == [0, 0, 1] and days[-1].counts == {"succeeded": 1}
    assert sq.history_days(flows, 1, now=utcnow() + timedelta(days=5))[0].total == 0

    start = utcnow()
    service.schedule(
        "note", {"text": "x"}, at=start + timedelta(minutes=30), every=Recurrence.parse("1 hour")
    )
    times = sq.occurrences(flows, start, start + timedelta(hours=5))
    assert len(times) == 5 and all(o.workflow == "note" for o in times)
    assert times[1].at - times[0].at == timedelta(hours=1)
    assert len(sq.occurrences(flows, start, start + timedelta(days=400), limit=50)) == 50


def test_upcoming_row_follows_the_tables_order(flows: Database) -> None:
    service = Service(flows)
    now = utcnow()
    # Texts no run ID can contain (IDs are Crockford base32: no 'l', no 'u').
    later = service.schedule("note", {"text": "blue"}, at=now + timedelta(hours=2))
    sooner = service.schedule("note", {"text": "lull"}, at=now + timedelta(hours=1))
    assert sq.upcoming_row(flows, views.RunFilter(), sooner) == 0
    assert sq.upcoming_row(flows, views.RunFilter(), later) == 1
    assert sq.upcoming_row(flows, views.RunFilter("lull"), later) is None
    assert sq.upcoming_row(flows, views.RunFilter(), "nothing") is None
