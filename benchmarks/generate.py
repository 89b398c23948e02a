"""Build large ledgers fast, in raw SQL, for the benchmarks.

`generate(folder, upcoming=N, history=M)` opens (creating and migrating) the
data folder's database through `init_db`, imports a small catalogue of
realistic workflows, then appends N scheduled and M finished runs with
`INSERT … SELECT` over a recursive CTE: SQLite makes the rows itself, so a
million rows cost seconds, not minutes of Python. Values are deterministic
(a hash of the row number), so two ledgers of the same size are alike.

    python -m benchmarks.generate DIR --upcoming 100000 --history 1000000
"""

from __future__ import annotations

import argparse
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.core.types import utcnow
from app.storage import models as m
from app.storage.db import DB_FILENAME, init_db
from app.workflow_file import import_text

CATALOGUE = """
cueflow: 1
data_types:
  Member: {fields: {name: text, visits: number}}
workflows:
  greet:
    label: Greet a member
    parameters: {member: {type: text}}
    steps: [{action: log, with: {message: "hello {{ member }}"}}]
  send_reminder:
    parameters: {member: {type: text}}
    steps: [{action: log, with: {message: "reminder for {{ member }}"}}]
  renew_subscription:
    parameters: {member: {type: text}}
    steps: [{action: log, with: {message: "renew {{ member }}"}}]
  nightly_report:
    parameters: {member: {type: text}}
    steps: [{action: log, with: {message: "report {{ member }}"}}]
  sync_crm:
    parameters: {member: {type: text}}
    steps: [{action: log, with: {message: "sync {{ member }}"}}]
  cleanup_sessions:
    parameters: {member: {type: text}}
    steps: [{action: log, with: {message: "cleanup {{ member }}"}}]
  invoice_customer:
    parameters: {member: {type: text}}
    steps: [{action: log, with: {message: "invoice {{ member }}"}}]
  welcome_email:
    parameters: {member: {type: text}}
    steps: [{action: log, with: {message: "welcome {{ member }}"}}]
  touch_member:
    label: Create, change and log a member
    parameters: {name: {type: text}}
    steps:
      - action: create_thing
        with: {type: Member, fields: {name: "{{ name }}", visits: 0}}
      - action: modify_thing
        with: {thing: "{{ step1 }}", fields: {visits: 1}}
      - action: log
        with: {message: "touched {{ step2.name }}"}
"""
WORKFLOWS = (
    "greet",
    "send_reminder",
    "renew_subscription",
    "nightly_report",
    "sync_crm",
    "cleanup_sessions",
    "invoice_customer",
    "welcome_email",
)
# Finished statuses by share of the history, in percent (cumulative bounds below).
HISTORY_MIX = (
    ("succeeded", 82),
    ("failed", 8),
    ("cancelled", 5),
    ("missed", 3),
    ("terminated", 1),
    ("interrupted", 1),
)


@dataclass(frozen=True)
class Ledger:
    folder: Path
    path: Path
    upcoming: int
    history: int


def database_path(folder: Path) -> Path:
    return folder / DB_FILENAME


def prepare(folder: Path) -> Path:
    """Create and migrate the folder's database and import the catalogue (once)."""
    folder.mkdir(parents=True, exist_ok=True)
    db = init_db(f"sqlite:///{database_path(folder)}")
    try:
        with db.read() as session:
            known = set(session.scalars(select(m.Workflow.name)))
        if "touch_member" not in known:
            import_text(db, CATALOGUE)
    finally:
        db.dispose()
    return database_path(folder)


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA cache_size=-200000")
    connection.execute("PRAGMA temp_store=MEMORY")
    return connection


def _epoch(value: datetime) -> float:
    return value.timestamp()


def _workflow_case(names: tuple[str, ...]) -> str:
    cases = " ".join(f"WHEN {i} THEN '{name}'" for i, name in enumerate(names))
    return f"CASE ((n * 7919) % {len(names)}) {cases} END"


def _status_case() -> str:
    parts = []
    bound = 0
    for status, share in HISTORY_MIX:
        bound += share
        parts.append(f"WHEN ((n * 2654435761) % 100) < {bound} THEN '{status}'")
    return f"CASE {' '.join(parts)} ELSE 'succeeded' END"


def _time(expression: str) -> str:
    # The ledger's text form, `YYYY-MM-DD HH:MM:SS.ffffff` (SQLite gives milliseconds).
    return f"(strftime('%Y-%m-%d %H:%M:%f', {expression}, 'unixepoch') || '000')"


def add_upcoming(
    path: Path,
    count: int,
    *,
    first: datetime,
    every: float,
    workflows: tuple[str, ...] = WORKFLOWS,
    prefix: str = "u",
) -> None:
    """Append `count` scheduled runs, `every` seconds apart from `first`."""
    if count <= 0:
        return
    created = _epoch(utcnow())
    start = _epoch(first)
    sql = f"""
        WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < ?)
        INSERT INTO runs (id, workflow, workflow_version, status, scheduled_for, created_at,
                          params, ignore_privacy, attempt, depth)
        SELECT ? || printf('%015x', n + ?), {_workflow_case(workflows)}, 1, 'scheduled',
               {_time(f"{start!r} + n * {every!r}")}, {_time(repr(created))},
               '{{"member": "member-' || ((n * 48271) % 100000) || '"}}', 0, 1, 0
        FROM seq
    """
    _insert(path, sql, (count, prefix, _next_number(path, prefix)))


def add_history(
    path: Path,
    count: int,
    *,
    last: datetime | None = None,
    span: timedelta = timedelta(days=365),
    workflows: tuple[str, ...] = WORKFLOWS,
    prefix: str = "h",
) -> None:
    """Append `count` finished runs spread evenly over `span` before `last`."""
    if count <= 0:
        return
    end = _epoch(last or utcnow())
    step = span.total_seconds() / count
    start = end - span.total_seconds()
    status = _status_case()
    sql = f"""
        WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < ?),
        rows AS (
            SELECT n, {start!r} + n * {step!r} AS at, {status} AS status,
                   ((n * 69621) % 2000) / 1000.0 AS took
            FROM seq
        )
        INSERT INTO runs (id, workflow, workflow_version, status, scheduled_for, created_at,
                          started_at, finished_at, params, ignore_privacy, attempt, error,
                          depth)
        SELECT ? || printf('%015x', n + ?), {_workflow_case(workflows)}, 1, status,
               {_time("at")}, {_time("at - 86400")},
               CASE WHEN status IN ('cancelled', 'missed') THEN NULL
                    ELSE {_time("at + 0.004")} END,
               {_time("at + 0.004 + took")},
               '{{"member": "member-' || ((n * 48271) % 100000) || '"}}', 0,
               CASE WHEN status = 'failed' THEN 2 ELSE 1 END,
               CASE status WHEN 'failed' THEN 'http_request: 503 Service Unavailable'
                           WHEN 'cancelled' THEN 'cancelled'
                           WHEN 'missed' THEN 'missed: Cueflow was not running'
                           WHEN 'interrupted' THEN 'Cueflow stopped while the run was running'
                           ELSE NULL END,
               0
        FROM rows
    """
    _insert(path, sql, (count, prefix, _next_number(path, prefix)))


def _next_number(path: Path, prefix: str) -> int:
    connection = sqlite3.connect(path)
    try:
        row = connection.execute(
            "SELECT count(*) FROM runs WHERE id >= ? AND id < ?", (prefix, prefix + "~")
        ).fetchone()
    finally:
        connection.close()
    return int(row[0])


def _insert(path: Path, sql: str, parameters: tuple[object, ...]) -> None:
    connection = _connect(path)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(sql, parameters)
        connection.execute("COMMIT")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def generate(
    folder: Path,
    *,
    upcoming: int = 0,
    history: int = 0,
    first_due: datetime | None = None,
    upcoming_span: timedelta = timedelta(days=30),
) -> Ledger:
    """A data folder whose ledger holds `upcoming` scheduled and `history` finished runs.

    Scheduled runs are spread evenly over `upcoming_span` from `first_due`
    (default: an hour from now); finished runs over the past year.
    """
    path = prepare(folder)
    first = first_due or utcnow() + timedelta(hours=1)
    every = upcoming_span.total_seconds() / max(upcoming, 1)
    add_history(path, history)
    add_upcoming(path, upcoming, first=first, every=every)
    return Ledger(folder, path, upcoming, history)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate")
    parser.add_argument("folder", type=Path, help="data folder (created when missing)")
    parser.add_argument("--upcoming", type=int, default=100_000)
    parser.add_argument("--history", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    ledger = generate(args.folder, upcoming=args.upcoming, history=args.history)
    print(f"{ledger.path}: +{ledger.upcoming:,} upcoming, +{ledger.history:,} history runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
