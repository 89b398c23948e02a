"""Windowed read queries for the window's tables.

Every function reads one window (LIMIT/OFFSET in an indexed order) or counts,
so a view of 100,000 runs never loads more than the rows someone looks at.
Rows come back as plain frozen values, detached from any session.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.core.types import SCALARS
from app.storage import ledger
from app.storage import models as m
from app.storage.db import driver, side
from app.storage.dialects import SIDES, Side

PAGE_SIZE = 200


class RunRow:
    """One ledger row as the tables show it.

    Dates and parameters stay as stored text until something reads them: a
    page holds 200 rows but a view paints a few dozen, and decoding them all
    would cost more than the indexed query that fetched them.
    """

    __slots__ = (
        "_created",
        "_decoded",
        "_finished",
        "_params",
        "_scheduled",
        "_started",
        "attempt",
        "captured",
        "error",
        "id",
        "origin",
        "run_as",
        "status",
        "workflow",
    )

    def __init__(
        self,
        id: str,
        workflow: str,
        status: str,
        scheduled_for: Any,
        created_at: Any,
        started_at: Any,
        finished_at: Any,
        params: Any,
        run_as: str | None,
        attempt: int,
        error: str | None,
        origin: str = "cli",
        captured: Any = False,
    ) -> None:
        self.id = id
        self.workflow = workflow
        self.status = status
        self._scheduled, self._created = scheduled_for, created_at
        self._started, self._finished = started_at, finished_at
        self._params = params
        self._decoded: dict[str, Any] | None = None
        self.run_as = run_as
        self.attempt = attempt
        self.error = error
        self.origin = origin  # who asked for it: cli, window, schedule, trigger, workflow, api:…
        self.captured = bool(captured)  # a test run: outside effects previewed, not done

    @property
    def scheduled_for(self) -> datetime:
        return _stamp(self._scheduled)  # type: ignore[return-value]

    @property
    def created_at(self) -> datetime:
        return _stamp(self._created)  # type: ignore[return-value]

    @property
    def started_at(self) -> datetime | None:
        return _stamp(self._started)

    @property
    def finished_at(self) -> datetime | None:
        return _stamp(self._finished)

    @property
    def params(self) -> dict[str, Any]:
        if self._decoded is None:
            raw = self._params
            value = json.loads(raw) if isinstance(raw, str) else raw
            self._decoded = value if isinstance(value, dict) else {}
        return self._decoded

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RunRow) and (self.id, self.status, self.attempt) == (
            other.id,
            other.status,
            other.attempt,
        )

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"<RunRow {self.id} {self.workflow} {self.status}>"


def _stamp(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


@dataclass(frozen=True)
class RunFilter:
    """What the Upcoming and History tables narrow the ledger to."""

    text: str = ""
    since: datetime | None = None
    workflow: str | None = None  # exactly this workflow (indexed)
    status: str | None = None  # exactly this status (indexed)


# The tables' queries are plain SQL on the session's connection: a page or a
# count is a fraction of a millisecond in SQLite, and building and compiling
# the statement would cost several times that (see storage.db.driver).
_COLUMNS = (
    "id, workflow, status, scheduled_for, created_at, started_at, finished_at, params, "
    "run_as, attempt, error, origin, captured"
)
_FINISHED = ", ".join(f"'{status}'" for status in ledger.FINISHED)


def _filtered(
    forms: Side, clauses: list[str], args: list[Any], where: RunFilter
) -> tuple[str, list[Any]]:
    if where.workflow:
        clauses.append("workflow = ?")
        args.append(where.workflow)
    if where.status:
        clauses.append("status = ?")
        args.append(where.status)
    text = where.text.strip()
    if text:
        clauses.append(forms.run_search)
        args += [f"%{text}%"] * 3
    return " WHERE " + " AND ".join(clauses), args


def _upcoming(forms: Side, where: RunFilter) -> tuple[str, list[Any]]:
    clauses, args = ["status = 'scheduled'"], []
    if where.since is not None:
        clauses.append("scheduled_for >= ?")
        args.append(forms.time(where.since))
    return _filtered(forms, clauses, args, where)


def _rows(session: Session, sql: str, args: list[Any]) -> list[RunRow]:
    return [RunRow(*values) for values in driver(session).execute(sql, args)]


def _count(session: Session, sql: str, args: list[Any]) -> int:
    return int(driver(session).execute(sql, args).fetchone()[0])


def upcoming_page(
    session: Session, where: RunFilter, offset: int = 0, limit: int = PAGE_SIZE
) -> list[RunRow]:
    """One window of scheduled runs, soonest first (index on status, scheduled_for)."""
    condition, args = _upcoming(side(session), where)
    sql = f"SELECT {_COLUMNS} FROM runs{condition} ORDER BY scheduled_for, id LIMIT ? OFFSET ?"
    return _rows(session, sql, [*args, limit, offset])


def count_upcoming(session: Session, where: RunFilter) -> int:
    condition, args = _upcoming(side(session), where)
    return _count(session, f"SELECT count(*) FROM runs{condition}", args)


def upcoming_position(session: Session, where: RunFilter, run_id: str) -> int | None:
    """The row of a scheduled run among the upcoming ones (ordered as upcoming_page),
    or None when it is not one of them."""
    condition, args = _upcoming(side(session), where)
    found = (
        driver(session)
        .execute(f"SELECT scheduled_for FROM runs{condition} AND id = ?", [*args, run_id])
        .fetchone()
    )
    if found is None:
        return None
    before = f"{condition} AND (scheduled_for < ? OR (scheduled_for = ? AND id < ?))"
    return _count(
        session, f"SELECT count(*) FROM runs{before}", [*args, found[0], found[0], run_id]
    )


@dataclass(frozen=True)
class TimelineRun:
    """A scheduled run as the timeline places it."""

    id: str
    workflow: str
    scheduled_for: datetime


def upcoming_between(
    session: Session, start: datetime, end: datetime, limit: int = 20_000
) -> list[TimelineRun]:
    """Scheduled runs due in [start, end), soonest first, at most `limit` of them.

    Only the window of time is read (index on status, scheduled_for), so a
    ledger with years of runs ahead costs what the next day or week holds.
    """
    query = (
        select(m.Run.id, m.Run.workflow, m.Run.scheduled_for)
        .where(
            m.Run.status == ledger.SCHEDULED,
            m.Run.scheduled_for >= start,
            m.Run.scheduled_for < end,
        )
        .order_by(m.Run.scheduled_for, m.Run.id)
        .limit(limit)
    )
    return [TimelineRun(*values) for values in session.execute(query)]


def running_runs(session: Session, where: RunFilter) -> list[RunRow]:
    """Runs going on now (few: at most the number of workers per process)."""
    if where.status not in (None, "", ledger.RUNNING):
        return []  # not a question for SQLite: it would look through that status's runs
    condition, args = _filtered(side(session), ["status = 'running'"], [], where)
    return _rows(session, f"SELECT {_COLUMNS} FROM runs{condition} ORDER BY started_at DESC", args)


def _finished(forms: Side, where: RunFilter) -> tuple[str, list[Any]]:
    clauses, args = ["finished_at IS NOT NULL", f"status IN ({_FINISHED})"], []
    if where.since is not None:
        clauses.append("finished_at >= ?")
        args.append(forms.time(where.since))
    return _filtered(forms, clauses, args, where)


def history_page_query(
    where: RunFilter, offset: int = 0, limit: int = PAGE_SIZE, *, forms: Side = SIDES["sqlite"]
) -> tuple[str, list[Any]]:
    """The SQL of one window of finished runs, newest first.

    The indexes on (status, finished_at, id) and (workflow, status,
    finished_at, id) give these pages and their COUNT without a sort or a
    table scan, filtered by workflow and status or not.
    """
    condition, args = _finished(forms, where)
    sql = (
        f"SELECT {_COLUMNS} FROM runs{condition} "
        "ORDER BY finished_at DESC, id DESC LIMIT ? OFFSET ?"
    )
    return sql, [*args, limit, offset]


def history_count_query(
    where: RunFilter, *, forms: Side = SIDES["sqlite"]
) -> tuple[str, list[Any]]:
    condition, args = _finished(forms, where)
    return f"SELECT count(*) FROM runs{condition}", args


def history_page(
    session: Session, where: RunFilter, offset: int = 0, limit: int = PAGE_SIZE
) -> list[RunRow]:
    return _rows(session, *history_page_query(where, offset, limit, forms=side(session)))


def count_history(session: Session, where: RunFilter) -> int:
    return _count(session, *history_count_query(where, forms=side(session)))


def finished_since(
    session: Session, since: datetime, limit: int
) -> list[tuple[str, datetime | None, datetime]]:
    """(status, started_at, finished_at) of runs finished since `since`, newest first
    (the status-and-finished index; at most `limit` rows)."""
    rows = session.execute(
        select(m.Run.status, m.Run.started_at, m.Run.finished_at)
        .where(m.Run.status.in_(ledger.FINISHED), m.Run.finished_at >= since)
        .order_by(m.Run.finished_at.desc())
        .limit(limit)
    ).all()
    return [(status, started, finished) for status, started, finished in rows if finished]


def get_run_row(session: Session, run_id: str) -> RunRow | None:
    rows = _rows(session, f"SELECT {_COLUMNS} FROM runs WHERE id = ?", [run_id])
    return rows[0] if rows else None


def workflow_colours(session: Session) -> dict[str, str]:
    return {
        name: colour for name, colour in session.execute(select(m.Workflow.name, m.Workflow.colour))
    }


def count_upcoming_of(session: Session, workflow: str) -> int:
    return ledger.count_scheduled(session, workflow)


@dataclass(frozen=True)
class ThingRow:
    id: str
    data: dict[str, Any]


def things_page(
    session: Session, type_name: str, text: str = "", offset: int = 0, limit: int = PAGE_SIZE
) -> list[ThingRow]:
    """Things of one type in creation order, one window of them."""
    type_id = session.scalar(select(m.DataType.id).where(m.DataType.name == type_name))
    if type_id is None:
        return []
    query = select(m.Thing.id, m.Thing.data).where(m.Thing.data_type_id == type_id)
    if text.strip():
        pattern = f"%{text.strip()}%"
        query = query.where(
            or_(m.Thing.id.like(pattern), side(session).contains(m.Thing.data, pattern))
        )
    query = query.order_by(m.Thing.created_at, m.Thing.id).offset(offset).limit(limit)
    return [ThingRow(row.id, dict(row.data or {})) for row in session.execute(query)]


def _things_matching(query: Any, session: Session, type_name: str, text: str) -> Any:
    type_id = session.scalar(select(m.DataType.id).where(m.DataType.name == type_name))
    query = query.where(m.Thing.data_type_id == (type_id if type_id is not None else -1))
    if text.strip():
        pattern = f"%{text.strip()}%"
        query = query.where(
            or_(m.Thing.id.like(pattern), side(session).contains(m.Thing.data, pattern))
        )
    return query


def count_things(session: Session, type_name: str, text: str = "") -> int:
    """How many things of a type match a search (the same search as `things_page`)."""
    query = _things_matching(select(func.count()).select_from(m.Thing), session, type_name, text)
    return int(session.scalar(query) or 0)


def thing_ids(session: Session, type_name: str, text: str = "") -> list[str]:
    """IDs (only) of the things of a type matching a search, in creation order."""
    query = _things_matching(select(m.Thing.id), session, type_name, text)
    return list(session.scalars(query.order_by(m.Thing.created_at, m.Thing.id)))


def thing_choice_rows(
    session: Session, type_name: str | None = None, limit: int = 1000
) -> list[tuple[str, str, dict[str, Any]]]:
    """(id, type name, field values) of things, for pickers."""
    query = select(m.Thing.id, m.DataType.name, m.Thing.data).join(
        m.DataType, m.DataType.id == m.Thing.data_type_id
    )
    if type_name is not None:
        query = query.where(m.DataType.name == type_name)
    query = query.order_by(m.DataType.name, m.Thing.created_at).limit(limit)
    return [(row.id, row.name, row.data or {}) for row in session.execute(query)]


def thing_parameters(session: Session) -> dict[str, set[str]]:
    """Per workflow, the keys of its parameters that hold things (or lists of them)."""
    scalars = ", ".join("?" for _ in SCALARS)
    rows = driver(session).execute(
        "SELECT w.name, p.key FROM parameters p JOIN workflows w ON w.id = p.workflow_id "
        f"WHERE p.type NOT IN ({scalars})",
        SCALARS,
    )
    out: dict[str, set[str]] = {}
    for workflow, key in rows:
        out.setdefault(workflow, set()).add(key)
    return out


def thing_data(session: Session, thing_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The field values of the things with these IDs that exist, by ID."""
    ids = list(dict.fromkeys(thing_ids))
    found: dict[str, dict[str, Any]] = {}
    forms = side(session)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = driver(session).execute(
            f"SELECT id, data FROM things WHERE id IN ({', '.join('?' for _ in chunk)})", chunk
        )
        for thing_id, data in rows:
            found[thing_id] = forms.read_json(data) if data else {}
    return found
