"""What the window's run side reads: the Upcoming and History tables a window
(page) at a time, a run's trace, the timeline's runs, the tray's next runs and
runnable workflows, counts of upcoming runs, a schedule's list of things.

Each function opens one read session on the Database it is given and returns
plain data (rows and values, no ORM objects bound to a session), so the window
can call it on a worker thread and never touches a session itself. The storage
names the window needs (run statuses, the run filter and row types) are
offered here too, so no Qt code imports `app.storage`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import Select, select

from app.core.definitions import WorkflowDef
from app.engine import presenting
from app.storage import catalog, ledger, views
from app.storage import models as m
from app.storage.db import Database
from app.storage.ledger import (
    CANCELLED,
    FAILED,
    INTERRUPTED,
    MISSED,
    RUNNING,
    SCHEDULED,
    SUCCEEDED,
    TERMINATED,
)
from app.storage.views import PAGE_SIZE, RunFilter, RunRow, TimelineRun

__all__ = [
    "CANCELLED",
    "FAILED",
    "INTERRUPTED",
    "MISSED",
    "PAGE_SIZE",
    "RUNNING",
    "SCHEDULED",
    "SUCCEEDED",
    "TERMINATED",
    "Database",
    "RunFilter",
    "RunRow",
    "RunTrace",
    "RunsWindow",
    "Timeline",
    "TimelineRun",
    "count_scheduled",
    "count_things",
    "history_page",
    "history_window",
    "is_empty",
    "list_workflows",
    "run_trace",
    "thing_choices",
    "thing_ids",
    "thing_labels_in",
    "timeline",
    "upcoming_page",
    "upcoming_window",
    "workflow",
    "workflow_names",
]

ThingParams = Mapping[str, Collection[str]]


# --- the Upcoming and History tables ---------------------------------------------


def worded(rows: list[RunRow]) -> list[RunRow]:
    """The rows with their errors in the window's words ("Step 1 · Send email: …");
    the ledger keeps the engine's text for `cueflow runs` and scripts."""
    for row in rows:
        if row.error:
            row.error = presenting.run_error_words(row.error)
    return rows


@dataclass(frozen=True)
class RunsWindow:
    """What a table's reload reads in one session: the pinned rows (running runs),
    the count of the other matching rows and their first page; the workflows'
    colours when asked; for Upcoming, the workflows' thing parameters and the
    labels of the things on the first page."""

    pinned: list[RunRow]
    count: int
    first: list[RunRow]
    colours: dict[str, str] | None
    thing_params: dict[str, set[str]] | None = None
    labels: dict[str, str] | None = None


def history_window(db: Database, where: RunFilter, page_size: int, *, colours: bool) -> RunsWindow:
    """Running runs, the count of finished runs and their first page (newest first)."""
    with db.read() as session:
        pinned = worded(views.running_runs(session, where))
        count = views.count_history(session, where)
        # The first page is what the view paints next: read it in the same session.
        first = worded(views.history_page(session, where, 0, page_size)) if count else []
        return RunsWindow(
            pinned, count, first, views.workflow_colours(session) if colours else None
        )


def history_page(db: Database, where: RunFilter, offset: int, limit: int) -> list[RunRow]:
    """A page of finished runs, newest first."""
    with db.read() as session:
        return worded(views.history_page(session, where, offset, limit))


def things_of(run: RunRow, thing_params: ThingParams) -> list[str]:
    """IDs of the things a run shows: who it runs as and its parameters holding things."""
    ids = [run.run_as] if run.run_as else []
    for key in thing_params.get(run.workflow, ()):
        value = run.params.get(key)
        values = value if isinstance(value, list) else [value]
        ids += [str(item) for item in values if isinstance(item, str) and item]
    return ids


def upcoming_window(
    db: Database,
    where: RunFilter,
    page_size: int,
    *,
    colours: bool,
    thing_params: dict[str, set[str]],
) -> RunsWindow:
    """The count of scheduled runs and their first page (soonest first).

    With `colours` the workflows may have changed too: their colours and thing
    parameters are read afresh (else `thing_params` is used); the labels of the
    first page's things are read either way.
    """
    with db.read() as session:
        params = views.thing_parameters(session) if colours else thing_params
        count = views.count_upcoming(session, where)
        first = worded(views.upcoming_page(session, where, 0, page_size)) if count else []
        wanted = {t for run in first for t in things_of(run, params)}
        return RunsWindow(
            [],
            count,
            first,
            views.workflow_colours(session) if colours else None,
            params,
            presenting.thing_labels(session, wanted),
        )


def upcoming_page(
    db: Database,
    where: RunFilter,
    offset: int,
    limit: int,
    *,
    thing_params: ThingParams | None = None,
    known_labels: Collection[str] = (),
) -> tuple[list[RunRow], dict[str, str]]:
    """A page of scheduled runs, and with `thing_params` the labels of the page's
    things not in `known_labels` (one query for the page, not one per cell)."""
    with db.read() as session:
        rows = worded(views.upcoming_page(session, where, offset, limit))
        labels: dict[str, str] = {}
        if thing_params is not None:
            wanted = {t for run in rows for t in things_of(run, thing_params)}
            labels = presenting.thing_labels(session, {t for t in wanted if t not in known_labels})
        return rows, labels


# --- a run's trace ----------------------------------------------------------------


@dataclass(frozen=True)
class RunTrace:
    """A run with the steps of its last attempt and its log lines (at, level, message)."""

    run: RunRow
    steps: list[dict[str, Any]]
    lines: list[tuple[datetime, str, str]]

    @property
    def resumable(self) -> bool:
        return self.run.status in (INTERRUPTED, FAILED)


def run_trace(db: Database, run_id: str) -> RunTrace | None:
    """The trace of a run, or None when there is no such run."""
    with db.read() as session:
        run = views.get_run_row(session, run_id)
        if run is None:
            return None
        steps = presenting.steps_to_json(ledger.step_results(session, run_id, run.attempt))
        lines = [(line.at, line.level, line.message) for line in ledger.log_lines(session, run_id)]
    run.error = presenting.run_error_words(run.error)
    return RunTrace(run, steps, lines)


MAX_LABELS = 500  # thing IDs looked up for one run's details


def thing_labels_in(db: Database, *values: Any) -> dict[str, str]:
    """{thing ID: its short label ("Ada")} of the things these recorded values
    (step inputs and results, parameters, log lines) name by ID (one query)."""
    found: set[str] = set()
    for value in values:
        presenting.ids_in(value, found, limit=MAX_LABELS)
    if not found:
        return {}
    with db.read() as session:
        return presenting.thing_labels(session, sorted(found)[:MAX_LABELS])


# --- the timeline -----------------------------------------------------------------


@dataclass(frozen=True)
class Timeline:
    """Scheduled runs due in a window of time, and the workflows' colours."""

    runs: list[TimelineRun]
    colours: dict[str, str]
    titles: dict[str, str] = field(default_factory=dict)  # name → label, what lanes show


def timeline(db: Database, start: datetime, end: datetime, limit: int) -> Timeline:
    """Runs due in [start, end), soonest first, at most `limit` of them (one query),
    and the workflows' colours and titles."""
    with db.read() as session:
        runs = views.upcoming_between(session, start, end, limit)
        titles = {wf.name: wf.title for wf in catalog.list_workflows(session)}
        return Timeline(runs, views.workflow_colours(session), titles)


# --- counts and workflows ---------------------------------------------------------


def count_scheduled(db: Database) -> int:
    """How many runs are waiting."""
    with db.read() as session:
        return ledger.count_scheduled(session)


def workflow_names(db: Database) -> set[str]:
    with db.read() as session:
        return catalog.workflow_names(session)


def workflow(db: Database, name: str) -> WorkflowDef:
    """A workflow's definition (NotFound when there is none)."""
    with db.read() as session:
        return catalog.get_workflow(session, name)


def list_workflows(db: Database) -> list[WorkflowDef]:
    with db.read() as session:
        return catalog.list_workflows(session)


def is_empty(db: Database) -> bool:
    """True when the database holds no workflow and no data type (a first start)."""
    with db.read() as session:
        return not catalog.workflow_names(session) and not catalog.data_types(session)


# --- things a schedule runs over --------------------------------------------------


def thing_ids(db: Database, type_name: str, text: str = "") -> list[str]:
    """IDs of the things of a type matching a search text."""
    with db.read() as session:
        return list(views.thing_ids(session, type_name, text))


def count_things(db: Database, type_name: str, text: str = "") -> int:
    with db.read() as session:
        return views.count_things(session, type_name, text)


def thing_choices(
    db: Database, type_name: str | None = None, limit: int = 1000
) -> list[tuple[str, str, str]]:
    """(id, type name, a readable label) of things, for pickers."""
    with db.read() as session:
        return presenting.thing_choices(session, type_name, limit)


def write_history_csv(db: Database, out: TextIO) -> int:
    """Every run that is not upcoming, newest first, as CSV (the File menu's export;
    streamed: a million runs in little memory). Returns how many were written."""
    query = ledger.runs_query(history=True)
    plain = query.with_only_columns(*m.Run.__table__.columns)
    with db.read() as session:
        rows = session.execute(plain.execution_options(yield_per=1000))
        return presenting.write_runs_csv((presenting.run_to_json(row) for row in rows), out)


TUTORIAL_STEPS = ("data_type", "thing", "workflow", "scheduled", "cancelled")


def tutorial_progress(db: Database) -> dict[str, bool]:
    """How far this folder is through the getting-started tutorial: a data type
    with a field besides "name", a thing, a workflow that sends an email with a
    parameter of a data type, a run scheduled, a run cancelled (a few indexed
    existence probes)."""
    with db.read() as session:
        types = catalog.data_types(session)

        def exists(query: Select[Any]) -> bool:
            return session.execute(query.limit(1)).first() is not None

        workflow = any(
            any(p.type.base in types for p in wf.parameters)
            and any(step.action == "send_email" for step in wf.steps)
            for wf in catalog.list_workflows(session)
        )
        return {
            # Step 1 says "add the fields email and birthday": a type with only the
            # automatic "name" field is not done yet.
            "data_type": any(f.name != "name" for t in types.values() for f in t.fields),
            "thing": exists(select(m.Thing.id)),
            "workflow": workflow,
            "scheduled": exists(select(m.Run.id)),
            "cancelled": exists(select(m.Run.id).where(m.Run.status == ledger.CANCELLED)),
        }
