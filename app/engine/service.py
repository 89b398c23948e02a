"""Services the command line and the window call: schedule, cancel, change things.

Parameters are checked against the workflow's types before anything is
written; an error names the parameter.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.definitions import CONTROL
from app.core.recurrence import Recurrence
from app.core.things import ThingView
from app.core.types import utcnow
from app.engine import triggers
from app.engine.enqueue import cancel_in, schedule_in, schedule_on_list
from app.engine.enqueue import prepare_params as prepare_params  # the run dialog, the importer
from app.engine.events import EventBus, LedgerChanged, ThingsChanged
from app.errors import BadInput, one_line, undecodable
from app.scheduling.process import owner_alive
from app.storage import catalog, ledger, schedules, settings
from app.storage import models as m
from app.storage.db import Database


def _check_ids(run_ids: Sequence[str]) -> None:
    """An ID that no run could have (not text, undecodable bytes, control characters)
    is refused with its reason before any SQL sees it."""
    for run_id in run_ids:
        if not isinstance(run_id, str) or undecodable(run_id) or CONTROL.search(run_id):
            shown = one_line(str(run_id))
            shown = shown if len(shown) <= 60 else shown[:59] + "…"
            raise BadInput(f"'{shown}' is not a run or schedule ID")


def _orphaned(run: m.Run) -> bool:
    """A running run whose owner process is gone (never one of this process's own)."""
    if run.owner_pid == os.getpid():
        return False  # this process's clock settles its own
    return not owner_alive(run.owner_pid, run.started_at)


class Service:
    """The entry points of the command line and window over one database."""

    def __init__(
        self, db: Database, events: EventBus | None = None, *, origin: str = ledger.CLI
    ) -> None:
        self.db = db
        self.events = events or EventBus()
        self.origin = origin  # the front end's name, kept on the runs it schedules

    def schedule(
        self,
        workflow: str,
        params: Mapping[str, Any],
        *,
        at: datetime | None = None,
        run_as: str | None = None,
        ignore_privacy: bool = False,
        from_text: bool = False,
        every: Recurrence | None = None,
        timezone: str | None = None,
        captured: bool = False,
    ) -> str:
        """Schedule one run (or a recurring schedule with `every`).

        `captured`: a test run (the workflow editor's Test run): its emails and
        web calls are previewed in its step results, not performed, and so are
        those of the runs it starts inline; see ActionSpec.capture.
        """
        with self.db.write() as session:
            run_id = schedule_in(
                session,
                workflow,
                params,
                at=at,
                run_as=run_as,
                ignore_privacy=ignore_privacy,
                from_text=from_text,
                every=every,
                timezone=timezone,
                origin=self.origin,
                captured=captured,
            )
        self.events.emit(LedgerChanged())
        return run_id

    def schedule_on_list(
        self,
        workflow: str,
        items: Sequence[Any],
        item_param: str,
        params: Mapping[str, Any],
        **options: Any,
    ) -> list[str]:
        with self.db.write() as session:
            options.setdefault("origin", self.origin)
            ids = schedule_on_list(session, workflow, items, item_param, params, **options)
        self.events.emit(LedgerChanged())
        return ids

    def cancel(self, run_ids: list[str]) -> list[str]:
        """Cancel these runs or schedules; an unknown ID is an error and cancels nothing."""
        _check_ids(run_ids)
        with self.db.write() as session:
            known = set(session.scalars(select(m.Schedule.id).where(m.Schedule.id.in_(run_ids))))
            for run_id in run_ids:
                if run_id not in known:
                    ledger.get_run(session, run_id)
            cancelled = cancel_in(session, run_ids)
        self.events.emit(LedgerChanged())
        return cancelled

    def cancel_all(self, *, overdue: bool = False) -> list[str]:
        with self.db.write() as session:
            if overdue:
                due = [r.id for r in ledger.scheduled_before(session, utcnow())]
                cancelled = cancel_in(session, due)
            else:
                active = list(
                    session.scalars(
                        select(m.Schedule.id).where(
                            m.Schedule.status.in_((schedules.ACTIVE, schedules.PAUSED))
                        )
                    )
                )
                cancelled = cancel_in(session, active)
                cancelled += ledger.cancel_where(session)
        self.events.emit(LedgerChanged())
        return cancelled

    def resume(self, run_id: str) -> None:
        """Run an interrupted or failed run again from the step where it stopped."""
        _check_ids([run_id])
        with self.db.write() as session:
            run = ledger.get_run(session, run_id)
            if run.status == ledger.RUNNING and _orphaned(run):
                # Its process ended with no scheduler to notice (a killed
                # `cueflow run`): it is interrupted here, then resumed.
                owned = ledger.Owned(run.id, run.owner_pid, run.started_at)
                ledger.interrupt(session, [owned], "the process running it ended")
                ledger.add_log(
                    session, run_id, "interrupted: the process running it ended", "error"
                )
                session.refresh(run)
            if run.status not in (ledger.INTERRUPTED, ledger.FAILED):
                raise BadInput(
                    f"run {run_id} is {run.status}; only interrupted or failed runs can be resumed"
                )
            attempt = run.attempt
            ledger.resume(session, run_id, utcnow())
            ledger.add_log(session, run_id, f"resumed by hand as attempt {attempt + 1}")
        self.events.emit(LedgerChanged())

    # --- things (changes here start database triggers) ---------------------------------

    @contextmanager
    def changing(self, run_as: str | None = None) -> Iterator[Session]:
        """A write whose thing changes start database triggers.

        The trigger runs are inserted in the same transaction as the change, so
        they become due the moment it commits and cannot be lost in between.
        """
        with self.db.write() as session:
            yield session
            changes = catalog.take_changes(session)
            started = triggers.fire(session, changes, run_as=run_as)
        if changes:
            self.events.emit(ThingsChanged())
        if started:
            self.events.emit(LedgerChanged())

    def create_thing(
        self, type_name: str, values: Mapping[str, Any], *, run_as: str | None = None
    ) -> ThingView:
        with self.changing(run_as) as session:
            return catalog.create_thing(session, type_name, values)

    def modify_thing(
        self, thing_id: str, values: Mapping[str, Any], *, run_as: str | None = None
    ) -> ThingView:
        with self.changing(run_as) as session:
            return catalog.modify_thing(session, thing_id, values)

    def delete_thing(self, thing_id: str, *, run_as: str | None = None) -> None:
        with self.changing(run_as) as session:
            catalog.delete_thing(session, thing_id)

    # --- pausing --------------------------------------------------------------------------

    def set_paused(self, paused: bool) -> None:
        with self.db.write() as session:
            settings.set_value(session, "scheduler.paused", "yes" if paused else "no")
        self.events.emit(LedgerChanged())

    def is_paused(self) -> bool:
        with self.db.read() as session:
            return bool(settings.get(session, "scheduler.paused"))
