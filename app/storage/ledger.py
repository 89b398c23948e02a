"""The run ledger: inserting, claiming, finishing and querying runs.

Status changes that race (a cancel against a firing timer, two processes
claiming the same run) are single conditional UPDATEs, so exactly one wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from app.core import json_text
from app.core.ids import new_id, new_ids
from app.core.types import utcnow
from app.errors import NotFound
from app.storage import models as m
from app.storage.db import announce, driver, side
from app.storage.dialects import Side

SCHEDULED = "scheduled"
RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"
TERMINATED = "terminated"
CANCELLED = "cancelled"
MISSED = "missed"
INTERRUPTED = "interrupted"
# Origins of a run (PRODUCT §5); an API call's is "api:" + its token's label.
CLI = "cli"
WINDOW = "window"
SCHEDULE = "schedule"
TRIGGER = "trigger"
WORKFLOW = "workflow"
API_PREFIX = "api:"
STATUSES = (SCHEDULED, RUNNING, SUCCEEDED, FAILED, TERMINATED, CANCELLED, MISSED, INTERRUPTED)
FINISHED = (SUCCEEDED, FAILED, TERMINATED, CANCELLED, MISSED, INTERRUPTED)


@dataclass(slots=True)  # (made by the thousand for a list: frozen, each field of
class NewRun:  # its __init__ went through object.__setattr__, three times slower)
    workflow: str
    workflow_version: int
    params: dict[str, Any]
    scheduled_for: datetime
    run_as: str | None = None
    ignore_privacy: bool = False
    parent_id: str | None = None
    status: str = SCHEDULED
    trigger: str | None = None
    schedule_id: str | None = None
    depth: int = 0
    root_id: str | None = None  # the run its chain started from (None: its own root)
    origin: str = CLI  # who asked for it (PRODUCT §5: runs --json "origin")
    captured: bool = False  # a test run: outside effects previewed, not performed


def run_values(run: NewRun, run_id: str, now: datetime) -> dict[str, Any]:
    return {
        "id": run_id,
        "workflow": run.workflow,
        "workflow_version": run.workflow_version,
        "status": run.status,
        "scheduled_for": run.scheduled_for,
        "created_at": now,
        "params": run.params,
        "run_as": run.run_as,
        "ignore_privacy": run.ignore_privacy,
        "parent_id": run.parent_id,
        "attempt": 1,
        "trigger": run.trigger,
        "schedule_id": run.schedule_id,
        "depth": run.depth,
        "root_id": run.root_id,
        "origin": run.origin,
        "captured": run.captured,
    }


def insert_run(session: Session, run: NewRun) -> str:
    run_id = new_id()
    session.add(m.Run(**run_values(run, run_id, utcnow())))
    session.flush()
    announce(session)
    return run_id


_BULK_COLUMNS = (
    "id",
    "workflow",
    "workflow_version",
    "status",
    "scheduled_for",
    "created_at",
    "params",
    "run_as",
    "ignore_privacy",
    "parent_id",
    "attempt",
    "trigger",
    "schedule_id",
    "depth",
    "root_id",
    "origin",
    "captured",
)


def insert_runs(session: Session, runs: Sequence[NewRun]) -> list[str]:
    """Many runs in one executemany INSERT (schedule on a list).

    Values are converted here once and handed to the driver directly: for
    100,000 rows the ORM's per-row bookkeeping would cost more than SQLite.
    """
    forms = side(session)
    to_db_time = forms.time
    now = to_db_time(utcnow())
    ids = new_ids(len(runs))
    dumps = json_text.dumps  # (JSON as text: what SQLite stores and PostgreSQL's COPY reads)
    times: dict[datetime, Any] = {}  # a list at one time converts its time once
    rows = [
        (
            run_id,
            run.workflow,
            run.workflow_version,
            run.status,
            times.get(run.scheduled_for)
            or times.setdefault(run.scheduled_for, to_db_time(run.scheduled_for)),
            now,
            dumps(run.params),
            run.run_as,
            run.ignore_privacy,
            run.parent_id,
            1,
            run.trigger,
            run.schedule_id,
            run.depth,
            run.root_id,
            run.origin,
            run.captured,
        )
        for run, run_id in zip(runs, ids, strict=True)
    ]
    if rows:
        forms.insert_rows(driver(session), "runs", _BULK_COLUMNS, rows)
        announce(session)
    return ids


def get_run(session: Session, run_id: str) -> m.Run:
    row = session.get(m.Run, run_id)
    if row is None:
        raise NotFound(f"no run with ID '{run_id}'")
    return row


def cancel(session: Session, run_ids: Iterable[str]) -> list[str]:
    """Cancel the given runs that are still scheduled; returns those cancelled."""
    return _move(
        session, run_ids, SCHEDULED, status=CANCELLED, finished_at=utcnow(), error="cancelled"
    )


def cancel_upcoming_of(session: Session, workflow: str) -> list[str]:
    """Cancel every scheduled run of one workflow (before deleting it)."""
    ids = list(
        session.scalars(
            select(m.Run.id).where(m.Run.status == SCHEDULED, m.Run.workflow == workflow)
        )
    )
    return cancel(session, ids)


def uncancel(session: Session, run_ids: Iterable[str]) -> list[str]:
    """Schedule cancelled runs again (undoing what cancelled them); returns those restored."""
    return _move(session, run_ids, CANCELLED, status=SCHEDULED, finished_at=None, error=None)


def _move(session: Session, run_ids: Iterable[str], when: str, **values: Any) -> list[str]:
    """Set `values` on those of the runs whose status is `when` (conditional, in chunks)."""
    ids = list(dict.fromkeys(run_ids))
    moved: list[str] = []
    announce(session)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        result = session.execute(
            update(m.Run)
            .where(m.Run.id.in_(chunk), m.Run.status == when)
            .values(**values)
            .returning(m.Run.id)
        )
        moved.extend(result.scalars())
    return moved


def cancel_where(session: Session, *, overdue_before: datetime | None = None) -> list[str]:
    announce(session)
    query = update(m.Run).where(m.Run.status == SCHEDULED)
    if overdue_before is not None:
        query = query.where(m.Run.scheduled_for < overdue_before)
    result = session.execute(
        query.values(status=CANCELLED, finished_at=utcnow(), error="cancelled").returning(m.Run.id)
    )
    return list(result.scalars())


@dataclass(frozen=True)
class Claimed:
    """What a runner needs of a run it has just claimed (plain values, no session)."""

    id: str
    workflow: str
    attempt: int
    params: dict[str, Any]
    run_as: str | None
    ignore_privacy: bool
    scheduled_for: datetime
    trigger: str | None
    depth: int
    schedule_id: str | None
    root_id: str  # its chain's root: its own ID when it is the root
    captured: bool = False  # a test run: outside effects previewed, not performed


_CLAIMED = (
    'id, workflow, attempt, params, run_as, ignore_privacy, scheduled_for, "trigger", depth, '
    "schedule_id, root_id, captured"
)


def claim(
    session: Session,
    run_id: str,
    pid: int,
    *,
    due_by: datetime | None = None,
    owner: str | None = None,
) -> Claimed | None:
    """Move a scheduled run to running; None if someone else got there first
    (or, with `due_by`, if it is not due by then). `owner` is the claiming
    scheduler's ID (team mode): its finish is conditional on it.

    On PostgreSQL the row is taken `FOR UPDATE SKIP LOCKED` in a MATERIALIZED
    CTE: a run another scheduler is claiming right now is skipped at once
    rather than waited for, and the planner cannot re-run the UPDATE."""
    due = "" if due_by is None else " AND scheduled_for <= ?"
    forms = side(session)
    to_db_time = forms.time
    by = [] if due_by is None else [to_db_time(due_by)]
    args = (to_db_time(utcnow()), pid, owner, run_id, *by)
    if forms.name == "postgresql":
        sql = (
            "WITH c AS MATERIALIZED (SELECT id FROM runs WHERE id = ? AND status = 'scheduled'"
            f"{due} FOR UPDATE SKIP LOCKED) "
            "UPDATE runs SET status = 'running', started_at = ?, finished_at = NULL, "
            "owner_pid = ?, owner_scheduler = ? FROM c WHERE runs.id = c.id RETURNING "
            + ", ".join(f"runs.{column.strip()}" for column in _CLAIMED.split(","))
        )
        args = (run_id, *by, *args[:3])
    else:
        sql = (
            "UPDATE runs SET status = 'running', started_at = ?, finished_at = NULL, "
            "owner_pid = ?, owner_scheduler = ? "
            f"WHERE id = ? AND status = 'scheduled'{due} RETURNING {_CLAIMED}"
        )
    return _claimed(forms, driver(session).execute(sql, args).fetchone())


def peek_claim(session: Session, run_id: str, *, due_by: datetime) -> Claimed | None:
    """What claim() would return, with nothing written: the run if it is scheduled
    and due by `due_by`, for a transaction that writes the claim later (claim_later,
    or finish's `late`). Nobody else may take the run meanwhile: on SQLite the
    transaction holds the only write lock; on PostgreSQL the row is locked `FOR
    UPDATE SKIP LOCKED`, as claim() takes it (a run another scheduler holds is
    skipped), until the transaction ends."""
    forms = side(session)
    lock = " FOR UPDATE SKIP LOCKED" if forms.name == "postgresql" else ""
    row = (
        driver(session)
        .execute(
            f"SELECT {_CLAIMED} FROM runs WHERE id = ? AND status = 'scheduled' "
            f"AND scheduled_for <= ?{lock}",
            (run_id, forms.time(due_by)),
        )
        .fetchone()
    )
    return _claimed(forms, row)


@dataclass(frozen=True, slots=True)
class LateClaim:
    """A claim seen by peek_claim and not yet written: when, by which process and
    scheduler. Written by claim_later, or with the run's end by finish."""

    run_id: str
    started: datetime
    pid: int
    owner: str | None


def claim_later(session: Session, late: LateClaim) -> bool:
    """Write a peeked claim: the run is running from its peek's time on. False if
    the run is no longer scheduled (nothing may have touched it since its peek)."""
    forms = side(session)
    cursor = driver(session).execute(
        "UPDATE runs SET status = 'running', started_at = ?, finished_at = NULL, "
        "owner_pid = ?, owner_scheduler = ? WHERE id = ? AND status = 'scheduled'",
        (forms.time(late.started), late.pid, late.owner, late.run_id),
    )
    return cursor.rowcount > 0


def _claimed(forms: Side, row: Any) -> Claimed | None:
    if row is None:
        return None
    params = forms.read_json(row[3]) if row[3] else {}
    return Claimed(
        row[0],
        row[1],
        row[2],
        params if isinstance(params, dict) else {},
        row[4],
        bool(row[5]),
        forms.read_time(row[6]),
        row[7],
        row[8] or 0,
        row[9],
        row[10] or row[0],
        bool(row[11]),
    )


def finish(
    session: Session,
    run_id: str,
    status: str,
    *,
    error: str | None = None,
    returned: dict[str, Any] | None = None,
    unless_finished: bool = False,
    owner: str | None = None,
    unclaimed_too: bool = False,
    late: LateClaim | None = None,
) -> bool:
    """Record the end of a running run. False if it was no longer running.

    With `unless_finished`, a run still scheduled is finished too (a run whose
    claim was rolled back by the failure being recorded). With `owner` (team
    mode), only while that scheduler still owns the run: a run taken over from
    it is not finished by it (and a scheduled one is left to go round again,
    unless `unclaimed_too`: its own execution is what failed, see
    Runner.fail_unexpected; a run another scheduler claimed since is left alone).
    With `late`, the run's claim was peeked and never written: it is written here
    with the end, and the run must still be scheduled.
    """
    forms = side(session)
    to_db_time = forms.time
    if late is not None:
        # Its claim not yet written (peek_claim): one write says both, for a run
        # that started and ended inside one transaction holding the write lock.
        cursor = driver(session).execute(
            "UPDATE runs SET status = ?, started_at = ?, finished_at = ?, error = ?, "
            "returned = ?, owner_pid = ?, owner_scheduler = ? "
            "WHERE id = ? AND status = 'scheduled'",
            (
                status,
                to_db_time(late.started),
                to_db_time(utcnow()),
                error,
                None if returned is None else forms.json(returned),
                late.pid,
                late.owner,
                run_id,
            ),
        )
        return cursor.rowcount > 0
    if owner is not None:
        condition, extra = "status = 'running' AND owner_scheduler = ?", [owner]
        if unclaimed_too:
            condition = f"({condition} OR status = 'scheduled')"
    else:
        statuses = "('running', 'scheduled')" if unless_finished else "('running')"
        condition, extra = f"status IN {statuses}", []
    cursor = driver(session).execute(
        f"UPDATE runs SET status = ?, finished_at = ?, error = ?, returned = ? "
        f"WHERE id = ? AND {condition}",
        (
            status,
            to_db_time(utcnow()),
            error,
            None if returned is None else forms.json(returned),
            run_id,
            *extra,
        ),
    )
    return cursor.rowcount > 0


def retry_later(
    session: Session, run_id: str, at: datetime, error: str, *, owner: str | None = None
) -> bool:
    """Schedule the next attempt of a failed run under the same ID (with `owner`:
    only while that scheduler owns it, as finish)."""
    mine = "" if owner is None else " AND owner_scheduler = ?"
    cursor = driver(session).execute(
        "UPDATE runs SET status = 'scheduled', scheduled_for = ?, attempt = attempt + 1, "
        "error = ?, started_at = NULL, owner_pid = NULL, owner_scheduler = NULL "
        f"WHERE id = ? AND status = 'running'{mine}",
        (side(session).time(at), error, run_id, *([] if owner is None else [owner])),
    )
    return cursor.rowcount > 0


def resume(session: Session, run_id: str, at: datetime) -> bool:
    """Schedule the next attempt of an interrupted or failed run (same ID)."""
    announce(session)
    result = session.execute(
        update(m.Run)
        .where(m.Run.id == run_id, m.Run.status.in_((INTERRUPTED, FAILED)))
        .values(
            status=SCHEDULED,
            scheduled_for=at,
            attempt=m.Run.attempt + 1,
            started_at=None,
            finished_at=None,
            owner_pid=None,
            owner_scheduler=None,
        )
        .returning(m.Run.id)
    )
    return result.first() is not None


def next_due(
    session: Session,
    limit: int,
    share: tuple[int, int] | None = None,
    steal_before: datetime | None = None,
    steal_at_most: int | None = None,
) -> list[tuple[str, datetime]]:
    """The earliest scheduled runs; with `share` (mine, of) on PostgreSQL, only those
    whose ID hashes to `mine` of `of` (team mode: share_of), filtered by the server,
    then, if they are fewer than `limit`, others' runs due before `steal_before`
    (another's share it is late with), up to `limit` and at most `steal_at_most`,
    latest first: the owner works from the earliest, so the two rarely race for a
    run (with all four schedulers arming every late run, three claims in four
    missed and the backlog grew)."""
    if share is None:
        # Plain SQL: the clock asks for a horizon of rows every time due runs drain,
        # and the ORM's row processing cost ten times what SQLite does (issue 18).
        read_time = side(session).read_time
        rows = driver(session).execute(
            "SELECT id, scheduled_for FROM runs WHERE status = 'scheduled' "
            "ORDER BY scheduled_for, id LIMIT ?",
            (limit,),
        )
        times: dict[Any, datetime] = {}  # (a list scheduled for one time: read once)
        return [
            (row[0], times.get(row[1]) or times.setdefault(row[1], read_time(row[1])))
            for row in rows
        ]
    query = (
        select(m.Run.id, m.Run.scheduled_for)
        .where(m.Run.status == SCHEDULED)
        .order_by(m.Run.scheduled_for, m.Run.id)
        .limit(limit)
    )
    mine, of = share
    ours = [
        (row.id, row.scheduled_for)
        for row in session.execute(query.where(share_of(m.Run.id, of) == mine))
    ]
    room = limit - len(ours) if steal_at_most is None else min(limit - len(ours), steal_at_most)
    if steal_before is None or room <= 0:
        return ours
    late = session.execute(
        select(m.Run.id, m.Run.scheduled_for)
        .where(
            m.Run.status == SCHEDULED,
            m.Run.scheduled_for < steal_before,
            share_of(m.Run.id, of) != mine,
        )
        .order_by(m.Run.scheduled_for.desc(), m.Run.id.desc())
        .limit(room)
    )
    return ours + [(row.id, row.scheduled_for) for row in late]


def share_of(column: Any, of: int) -> Any:
    """Which of `of` schedulers a run ID belongs to (PostgreSQL's hashtext, made
    non-negative): the same answer in every scheduler."""
    return func.mod(func.hashtext(column).op("&")(2147483647), of)


def scheduled_before(session: Session, before: datetime) -> list[m.Run]:
    query = (
        select(m.Run)
        .where(m.Run.status == SCHEDULED, m.Run.scheduled_for < before)
        .order_by(m.Run.scheduled_for)
    )
    return list(session.scalars(query))


def mark_missed(session: Session, run_id: str, reason: str) -> bool:
    result = session.execute(
        update(m.Run)
        .where(m.Run.id == run_id, m.Run.status == SCHEDULED)
        .values(status=MISSED, finished_at=utcnow(), error=reason)
        .returning(m.Run.id)
    )
    return result.first() is not None


@dataclass(frozen=True)
class Owned:
    """A running run and who claimed it when (to tell whether its owner is gone)."""

    id: str
    owner_pid: int | None
    started_at: datetime | None
    owner_scheduler: str | None = None


def running_runs(session: Session) -> list[Owned]:
    rows = session.execute(
        select(m.Run.id, m.Run.owner_pid, m.Run.started_at, m.Run.owner_scheduler).where(
            m.Run.status == RUNNING
        )
    )
    return [Owned(row.id, row.owner_pid, row.started_at, row.owner_scheduler) for row in rows]


def interrupt_running(session: Session, reason: str) -> list[str]:
    """Every running run becomes `interrupted` (whoever runs it: for tests and tools)."""
    result = session.execute(
        update(m.Run)
        .where(m.Run.status == RUNNING)
        .values(status=INTERRUPTED, finished_at=utcnow(), error=reason)
        .returning(m.Run.id)
    )
    return list(result.scalars())


def interrupt(session: Session, runs: Sequence[Owned], reason: str) -> list[str]:
    """These runs become `interrupted` if still running under the same owner and claim."""
    done: list[str] = []
    forms = side(session)
    now = forms.time(utcnow())
    same = forms.same
    for run in runs:
        cursor = driver(session).execute(
            "UPDATE runs SET status = 'interrupted', finished_at = ?, error = ? "
            f"WHERE id = ? AND status = 'running' AND owner_pid {same} ? AND started_at {same} ?",
            (
                now,
                reason,
                run.id,
                run.owner_pid,
                None if run.started_at is None else forms.time(run.started_at),
            ),
        )
        if cursor.rowcount > 0:
            done.append(run.id)
    return done


def interrupt_orphans(session: Session, reason: str) -> list[str]:
    """Running runs whose scheduler is stopped (found dead, or gone without
    finishing them) become `interrupted`; returns their IDs.

    Conditional on still running: of two survivors racing, each run goes to
    one. On PostgreSQL a run whose row a frozen scheduler's open transaction
    still holds is skipped (SKIP LOCKED) rather than waited for: the server
    ends that transaction (idle_in_transaction_session_timeout), which undoes
    an uncommitted claim, or the next look takes the run over."""
    forms = side(session)
    orphan = (
        "status = 'running' AND owner_scheduler IN "
        "(SELECT id FROM schedulers WHERE stopped IS NOT NULL)"
    )
    if forms.name == "postgresql":
        sql = (
            f"WITH c AS MATERIALIZED (SELECT id FROM runs WHERE {orphan} "
            "FOR UPDATE SKIP LOCKED) "
            "UPDATE runs SET status = 'interrupted', finished_at = ?, error = ? "
            "FROM c WHERE runs.id = c.id RETURNING runs.id"
        )
    else:
        sql = (
            "UPDATE runs SET status = 'interrupted', finished_at = ?, error = ? "
            f"WHERE {orphan} RETURNING id"
        )
    rows = driver(session).execute(sql, (forms.time(utcnow()), reason)).fetchall()
    return [row[0] for row in rows]


def insert_occurrence(session: Session, run: NewRun) -> str | None:
    """A schedule's occurrence, unless that (schedule, time) was made already
    (`ON CONFLICT DO NOTHING` on the unique index ux_runs_occurrence): returns
    its ID, or None when another scheduler made it first."""
    run_id = new_id()
    forms = side(session)
    values = run_values(run, run_id, utcnow())
    row = [
        forms.json(value)
        if column == "params"
        else forms.time(value)
        if isinstance(value, datetime)
        else value
        for column, value in ((c, values[c]) for c in _BULK_COLUMNS)
    ]
    columns = ", ".join(f'"{c}"' if c == "trigger" else c for c in _BULK_COLUMNS)
    found = (
        driver(session)
        .execute(
            f"INSERT INTO runs ({columns}) VALUES ({', '.join('?' for _ in _BULK_COLUMNS)}) "
            "ON CONFLICT DO NOTHING RETURNING id",
            row,
        )
        .fetchone()
    )
    if found is None:
        return None
    announce(session)
    return str(found[0])


def runs_query(
    *,
    upcoming: bool = False,
    history: bool = False,
    workflow: str | None = None,
    status: str | None = None,
) -> Select[Any]:
    query = select(m.Run)
    if upcoming:
        query = query.where(m.Run.status == SCHEDULED).order_by(m.Run.scheduled_for, m.Run.id)
    elif history:
        query = query.where(m.Run.status != SCHEDULED).order_by(
            m.Run.scheduled_for.desc(), m.Run.id.desc()
        )
    else:
        query = query.order_by(m.Run.scheduled_for, m.Run.id)
    if workflow:
        query = query.where(m.Run.workflow == workflow)
    if status:
        query = query.where(m.Run.status == status)
    return query


def count_scheduled(session: Session, workflow: str | None = None) -> int:
    query = select(func.count()).select_from(m.Run).where(m.Run.status == SCHEDULED)
    if workflow:
        query = query.where(m.Run.workflow == workflow)
    return int(session.scalar(query) or 0)


def add_log(session: Session, run_id: str, message: str, level: str = "info") -> None:
    add_logs(session, run_id, [(message, level)])


def add_logs(session: Session, run_id: str, lines: Sequence[tuple[str, str]]) -> None:
    """Append (message, level) lines to a run's log, in order."""
    insert_log_rows(session, log_rows(session, run_id, lines))


def log_rows(
    session: Session, run_id: str, lines: Sequence[tuple[str, str]]
) -> list[tuple[Any, ...]]:
    """A run's (message, level) lines as rows for insert_log_rows, stamped now."""
    if not lines:
        return []
    at = side(session).time(utcnow())
    return [(run_id, at, level, message) for message, level in lines]


def insert_log_rows(session: Session, rows: Sequence[tuple[Any, ...]]) -> None:
    """Write log rows (of log_rows, any runs') in one executemany, in order."""
    if rows:
        driver(session).executemany(
            "INSERT INTO log_lines (run_id, at, level, message) VALUES (?, ?, ?, ?)", rows
        )


_STEP_COLUMNS = (
    "run_id",
    "attempt",
    "position",
    "action",
    "status",
    "inputs",
    "result",
    "error",
    "started_at",
    "duration_ms",
)


def _step_row(forms: Side, values: dict[str, Any]) -> list[Any]:
    started = values["started_at"]
    return [  # in the order of _STEP_COLUMNS
        values["run_id"],
        values["attempt"],
        values["position"],
        values["action"],
        values["status"],
        forms.json(values["inputs"]),
        forms.json(values["result"]),
        values["error"],
        forms.time(started) if isinstance(started, datetime) else started,
        values["duration_ms"],
    ]


def step_row(session: Session, values: dict[str, Any]) -> list[Any]:
    """A step's record (the columns of _STEP_COLUMNS) as a row for insert_step_rows."""
    return _step_row(side(session), values)


_INSERT_STEP = (
    f"INSERT INTO step_results ({', '.join(_STEP_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _STEP_COLUMNS)})"
)


def insert_step(session: Session, values: dict[str, Any]) -> int:
    """A step's record (the columns of _STEP_COLUMNS); returns its row ID."""
    forms = side(session)
    cursor = driver(session).execute(_INSERT_STEP + forms.returning_id, _step_row(forms, values))
    return forms.last_id(cursor)


def insert_step_rows(session: Session, rows: Sequence[Sequence[Any]]) -> None:
    """Write step records (rows of step_row, any runs') in one executemany, in order."""
    if rows:
        driver(session).executemany(_INSERT_STEP, rows)


def update_step(session: Session, row_id: int, values: dict[str, Any]) -> None:
    driver(session).execute(
        f"UPDATE step_results SET {', '.join(f'{c} = ?' for c in _STEP_COLUMNS)} WHERE id = ?",
        [*_step_row(side(session), values), row_id],
    )


def step_results(session: Session, run_id: str, attempt: int | None = None) -> list[m.StepResult]:
    query = select(m.StepResult).where(m.StepResult.run_id == run_id)
    if attempt is not None:
        query = query.where(m.StepResult.attempt == attempt)
    return list(session.scalars(query.order_by(m.StepResult.attempt, m.StepResult.position)))


UNFINISHED = (SCHEDULED, RUNNING)


def chain_load(session: Session, root_id: str) -> tuple[int, bool]:
    """(unfinished runs of the chain, the root included; whether it was stopped).

    One statement over the (root_id, status) index and two primary keys.
    """
    members = (
        select(func.count())
        .select_from(m.Run)
        .where(m.Run.root_id == root_id, m.Run.status.in_(UNFINISHED))
        .scalar_subquery()
    )
    root = (
        select(func.count())
        .select_from(m.Run)
        .where(m.Run.id == root_id, m.Run.status.in_(UNFINISHED))
        .scalar_subquery()
    )
    stopped = select(m.StoppedChain.root_id).where(m.StoppedChain.root_id == root_id).exists()
    row = session.execute(select(members + root, stopped)).one()
    return int(row[0] or 0), bool(row[1])


def stop_chain(session: Session, root_id: str, reason: str) -> list[str]:
    """Stop a runaway chain for good: mark it, cancel its upcoming runs and end
    its recurring schedules. Returns the IDs of the runs cancelled."""
    if session.get(m.StoppedChain, root_id) is None:
        session.add(m.StoppedChain(root_id=root_id, stopped_at=utcnow(), reason=reason))
        session.flush()
    now = utcnow()
    cancelled = list(
        session.execute(
            update(m.Run)
            .where(
                (m.Run.root_id == root_id) | (m.Run.id == root_id),
                m.Run.status == SCHEDULED,
            )
            .values(status=CANCELLED, finished_at=now, error=reason)
            .returning(m.Run.id)
        ).scalars()
    )
    in_chain = (
        select(m.Run.schedule_id)
        .where(m.Run.root_id == root_id, m.Run.schedule_id.is_not(None))
        .distinct()
    )
    session.execute(
        update(m.Schedule)
        .where(m.Schedule.id.in_(in_chain), m.Schedule.status == "active")
        .values(status="cancelled")
    )
    return cancelled


def chain_root(session: Session, run_id: str) -> str:
    """The root of the chain a run belongs to (the run itself if it is a root or gone)."""
    root = session.scalar(select(m.Run.root_id).where(m.Run.id == run_id))
    return root or run_id


def run_trigger(session: Session, run_id: str) -> str | None:
    """The trigger whose chain a run belongs to (None if it is in none, or gone)."""
    return session.scalar(select(m.Run.trigger).where(m.Run.id == run_id))


def parent_trigger(session: Session, run_id: str) -> str | None:
    """The trigger whose chain the run's parent belongs to."""
    parent = select(m.Run.parent_id).where(m.Run.id == run_id).scalar_subquery()
    return session.scalar(select(m.Run.trigger).where(m.Run.id == parent))


def log_lines(session: Session, run_id: str) -> list[m.LogLine]:
    query = select(m.LogLine).where(m.LogLine.run_id == run_id).order_by(m.LogLine.id)
    return list(session.scalars(query))
