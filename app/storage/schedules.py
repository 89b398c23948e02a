"""Recurring schedules over the ledger.

A schedule keeps exactly one upcoming occurrence in the runs table. When that
occurrence starts, is cancelled on its own, or is found missed, the next one
is inserted (never in the past), so cancelling one occurrence skips just it
and cancelling the schedule ends it.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.core.ids import new_id
from app.core.recurrence import Recurrence, zone
from app.core.types import utcnow
from app.errors import BadInput, NotFound
from app.storage import ledger
from app.storage import models as m
from app.storage.db import announce

log = logging.getLogger(__name__)
ACTIVE, ENDED, CANCELLED, PAUSED = "active", "ended", "cancelled", "paused"


def create(
    session: Session,
    run: ledger.NewRun,
    every: Recurrence,
    timezone: str,
) -> tuple[str, str | None]:
    """Insert a schedule starting at `run.scheduled_for`; returns (schedule ID, first run ID)."""
    schedule_id = "s" + new_id()[1:]
    session.add(
        m.Schedule(
            id=schedule_id,
            workflow=run.workflow,
            params=run.params,
            run_as=run.run_as,
            ignore_privacy=run.ignore_privacy,
            every=str(every),
            timezone=timezone,
            start=run.scheduled_for,
            status=ACTIVE,
            created_at=utcnow(),
            parent_id=run.parent_id,
        )
    )
    session.flush()
    first = every.first(run.scheduled_for, zone(timezone))
    if first is None:
        return schedule_id, None
    # A first occurrence in the past is due now, not missed; the next ones
    # follow the grid from the start.
    first = max(first, utcnow())
    run_id = ledger.insert_run(session, _occurrence(run, schedule_id, first))
    return schedule_id, run_id


def _occurrence(run: ledger.NewRun, schedule_id: str, at: datetime) -> ledger.NewRun:
    return ledger.NewRun(
        workflow=run.workflow,
        workflow_version=run.workflow_version,
        params=run.params,
        scheduled_for=at,
        run_as=run.run_as,
        ignore_privacy=run.ignore_privacy,
        parent_id=run.parent_id,
        schedule_id=schedule_id,
        depth=run.depth,
        trigger=run.trigger,
        root_id=run.root_id,
        origin=ledger.SCHEDULE,
    )


def advance(session: Session, schedule_id: str, after: datetime) -> str | None:
    """Insert the next occurrence after `after` (and after now) unless one is upcoming.

    A retry of an earlier occurrence (attempt > 1, scheduled again under the
    same ID) is not an occurrence: it does not hold the next one back. The
    next occurrence lies on the schedule's grid (start + k·N) and after every
    occurrence already made, so the same one is never made twice.
    """
    # Take the schedule's row first (the write lock in SQLite, a row lock in
    # PostgreSQL): two writers advancing the same schedule queue here, and the
    # second sees what the first inserted.
    locked = session.execute(
        update(m.Schedule)
        .where(m.Schedule.id == schedule_id, m.Schedule.status == ACTIVE)
        .values(status=ACTIVE)
        .returning(m.Schedule.id)
    ).first()
    if locked is None:
        return None
    row = session.get(m.Schedule, schedule_id)
    if row is None:
        return None
    upcoming = session.scalar(
        select(m.Run.id)
        .where(
            m.Run.schedule_id == schedule_id,
            m.Run.status == ledger.SCHEDULED,
            m.Run.attempt == 1,
        )
        .limit(1)
    )
    if upcoming is not None:
        return None
    # The latest occurrence made (a retry moved its run's time: attempt 1 only).
    latest = session.scalar(
        select(func.max(m.Run.scheduled_for)).where(
            m.Run.schedule_id == schedule_id, m.Run.attempt == 1
        )
    )
    try:
        every = Recurrence.parse(row.every)
        moment = every.next_after(
            max(after, utcnow(), *([latest] if latest is not None else [])),
            row.start,
            zone(row.timezone),
        )
    except (BadInput, OverflowError, ValueError) as exc:
        # A repeat an older Cueflow accepted that cannot come again (or a time
        # past the calendar's end): the schedule ends rather than break its run.
        log.warning("schedule %s ends: %s", schedule_id, exc)
        moment = None
    if moment is None:
        row.status = ENDED
        return None
    version = session.scalar(select(m.Workflow.version).where(m.Workflow.name == row.workflow))
    template = ledger.NewRun(
        workflow=row.workflow,
        workflow_version=version or 0,
        params=dict(row.params),
        scheduled_for=moment,
        run_as=row.run_as,
        ignore_privacy=row.ignore_privacy,
        parent_id=row.parent_id,
        # A schedule made inside a trigger's chain stays in it (see engine.enqueue.schedule_in).
        trigger=ledger.run_trigger(session, row.parent_id) if row.parent_id else None,
        # ... and in the chain of the run that made it (runner.max_chain_runs).
        root_id=ledger.chain_root(session, row.parent_id) if row.parent_id else None,
        origin=ledger.SCHEDULE,
    )
    # Made once per (schedule, time) whoever else advances it (ux_runs_occurrence).
    return ledger.insert_occurrence(session, _occurrence(template, schedule_id, moment))


def cancel(session: Session, schedule_id: str) -> list[str]:
    """End a schedule and cancel its upcoming occurrence(s)."""
    row = get(session, schedule_id)
    row.status = CANCELLED
    announce(session)
    result = session.execute(
        update(m.Run)
        .where(m.Run.schedule_id == schedule_id, m.Run.status == ledger.SCHEDULED)
        .values(status=ledger.CANCELLED, finished_at=utcnow(), error="schedule cancelled")
        .returning(m.Run.id)
    )
    return list(result.scalars())


def pause(session: Session, schedule_id: str) -> list[str]:
    """Hold an active schedule: its upcoming occurrence is cancelled, none is made."""
    row = get(session, schedule_id)
    if row.status != ACTIVE:
        raise BadInput(f"schedule {schedule_id} is {row.status}; only an active one can pause")
    row.status = PAUSED
    announce(session)
    result = session.execute(
        update(m.Run)
        .where(m.Run.schedule_id == schedule_id, m.Run.status == ledger.SCHEDULED)
        .values(status=ledger.CANCELLED, finished_at=utcnow(), error="schedule paused")
        .returning(m.Run.id)
    )
    return list(result.scalars())


def unpause(session: Session, schedule_id: str) -> str | None:
    """Make a paused schedule active again; its next occurrence (from now) is made."""
    row = get(session, schedule_id)
    if row.status != PAUSED:
        raise BadInput(f"schedule {schedule_id} is {row.status}; only a paused one can resume")
    row.status = ACTIVE
    session.flush()
    return advance(session, schedule_id, utcnow())


def listing(session: Session) -> list[tuple[m.Schedule, datetime | None]]:
    """Schedules that are not cancelled, newest first, with their next occurrence's time."""
    upcoming = (
        select(m.Run.schedule_id, func.min(m.Run.scheduled_for).label("next_at"))
        .where(m.Run.status == ledger.SCHEDULED, m.Run.schedule_id.is_not(None))
        .group_by(m.Run.schedule_id)
        .subquery()
    )
    rows = session.execute(
        select(m.Schedule, upcoming.c.next_at)
        .outerjoin(upcoming, upcoming.c.schedule_id == m.Schedule.id)
        .where(m.Schedule.status != CANCELLED)
        .order_by(m.Schedule.created_at.desc())
    ).all()
    return [(row, next_at) for row, next_at in rows]


def later_occurrences(session: Session, schedule_id: str, after: datetime) -> list[str]:
    """Scheduled first attempts of a schedule due after `after`."""
    return list(
        session.scalars(
            select(m.Run.id).where(
                m.Run.schedule_id == schedule_id,
                m.Run.status == ledger.SCHEDULED,
                m.Run.attempt == 1,
                m.Run.scheduled_for > after,
            )
        )
    )


def get(session: Session, schedule_id: str) -> m.Schedule:
    row = session.get(m.Schedule, schedule_id)
    if row is None:
        raise NotFound(f"no schedule with ID '{schedule_id}'")
    return row


def is_schedule_id(text: str) -> bool:
    return text.startswith("s") and len(text) == 16
