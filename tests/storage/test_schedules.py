"""app/storage/schedules.py: recurring schedules and their occurrences."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.core.recurrence import Recurrence
from app.core.types import utcnow
from app.storage import ledger, schedules
from app.storage import models as m
from app.storage.db import Database
from tests.storage.conftest import new_run


def _occurrences(db: Database, schedule_id: str) -> list[m.Run]:
    with db.read() as session:
        query = select(m.Run).where(m.Run.schedule_id == schedule_id).order_by(m.Run.scheduled_for)
        return list(session.scalars(query))


def test_a_new_schedule_has_its_first_occurrence_upcoming(flows: Database) -> None:
    start = utcnow().replace(microsecond=0) + timedelta(hours=1)
    with flows.write() as session:
        schedule_id, first = schedules.create(
            session, new_run(at=start), Recurrence.parse("1 day"), "UTC"
        )
    assert schedules.is_schedule_id(schedule_id) and not schedules.is_schedule_id(first or "")
    [run] = _occurrences(flows, schedule_id)
    assert (run.id, run.scheduled_for, run.status) == (first, start, "scheduled")
    with flows.read() as session:
        assert schedules.get(session, schedule_id).status == "active"


def test_advance_makes_the_next_occurrence_on_the_grid_once(flows: Database) -> None:
    start = utcnow().replace(microsecond=0) + timedelta(hours=1)
    with flows.write() as session:
        schedule_id, first = schedules.create(
            session, new_run(at=start), Recurrence.parse("1 day"), "UTC"
        )
        assert schedules.advance(session, schedule_id, start) is None  # one is upcoming
        ledger.cancel(session, [first or ""])
        following = schedules.advance(session, schedule_id, start)
    assert following is not None
    times = [run.scheduled_for for run in _occurrences(flows, schedule_id)]
    assert times == [start, start + timedelta(days=1)]


def test_cancelling_a_schedule_cancels_its_upcoming_run(flows: Database) -> None:
    with flows.write() as session:
        schedule_id, first = schedules.create(session, new_run(), Recurrence.parse("1 hour"), "UTC")
        assert schedules.cancel(session, schedule_id) == [first]
    with flows.read() as session:
        assert schedules.get(session, schedule_id).status == "cancelled"
        assert ledger.count_scheduled(session) == 0


def test_pause_holds_a_schedule_and_unpause_makes_the_next_occurrence(flows: Database) -> None:
    start = utcnow().replace(microsecond=0) + timedelta(hours=1)
    with flows.write() as session:
        schedule_id, first = schedules.create(
            session, new_run(at=start), Recurrence.parse("1 day"), "UTC"
        )
        assert schedules.pause(session, schedule_id) == [first]
        assert schedules.advance(session, schedule_id, start) is None  # paused: none is made
    with flows.read() as session:
        ((row, next_at),) = schedules.listing(session)
        assert (row.id, row.status, next_at) == (schedule_id, schedules.PAUSED, None)
        assert ledger.get_run(session, first or "").error == "schedule paused"
    with flows.write() as session:
        following = schedules.unpause(session, schedule_id)
    assert following is not None
    with flows.read() as session:
        ((row, next_at),) = schedules.listing(session)
        assert row.status == schedules.ACTIVE and next_at == start + timedelta(days=1)
        assert schedules.later_occurrences(session, schedule_id, start) == [following]
        assert schedules.later_occurrences(session, schedule_id, next_at) == []
    with flows.write() as session:
        schedules.cancel(session, schedule_id)
    with flows.read() as session:
        assert schedules.listing(session) == []  # cancelled schedules are not listed
