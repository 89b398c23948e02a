"""Figure 1: schedule a workflow on a list of things.

Cueflow: `Service.schedule_on_list` with a running Clock, from the call to the
rows committed AND the clock having armed the earliest new run. Anchors: a raw
SQLite `executemany` of the same rows (the floor), and the naive way with
APScheduler alone, one `SQLAlchemyJobStore` job per item (a sample, scaled up).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import insert, select

from app.core.ids import new_id
from app.core.types import utcnow
from app.engine.events import EventBus
from app.engine.service import Service
from app.scheduling.clock import Clock
from app.storage import models as m
from app.storage.db import Database, init_db
from app.workflow_file import import_text
from benchmarks.common import Anchor, Figure, Sizes, timed, wait_until

FLOWS = """
cueflow: 1
data_types:
  Member: {fields: {name: text}}
workflows:
  greet:
    parameters: {member: {type: Member}}
    steps: [{action: log, with: {message: "hi {{ member.name }}"}}]
"""


def add_members(db: Database, n: int) -> list[dict[str, Any]]:
    """`n` things of FLOWS' Member type, written in one insert; their rows."""
    now = utcnow()
    with db.write() as session:
        type_id = session.scalar(select(m.DataType.id).where(m.DataType.name == "Member"))
        rows = [
            {
                "id": new_id(),
                "data_type_id": type_id,
                "data": {"name": f"m{i}"},
                "created_at": now,
                "modified_at": now,
            }
            for i in range(n)
        ]
        session.execute(insert(m.Thing), rows)
    return rows


def prepared(db: Database, n: int) -> tuple[list[str], datetime]:
    """FLOWS and `n` members on a new database: the members' IDs, and the time to
    schedule them for (in an hour), for schedule_and_arm."""
    import_text(db, FLOWS)
    return [str(row["id"]) for row in add_members(db, n)], utcnow() + timedelta(hours=1)


def schedule_and_arm(db: Database, ids: list[str], at: datetime) -> tuple[float, int]:
    """The figure itself, on any database: seconds from `Service.schedule_on_list`
    of greet over `ids` at `at` to the rows committed and a running clock having
    armed the earliest; and how many timers the clock armed."""
    events = EventBus()
    service = Service(db, events)
    clock = Clock(db, events, workers=2)
    clock.start()

    def schedule() -> None:
        service.schedule_on_list("greet", ids, "member", {}, at=at)
        if not wait_until(lambda: clock.next_due() == at, timeout=60, every=0.0005):
            raise RuntimeError("the clock did not arm the new runs within 60 s")

    try:
        return timed(schedule), len(clock._armed)
    finally:
        clock.stop()
        for thread in threading.enumerate():  # (stop() does not wait for its watcher)
            if thread.name == "cueflow-ledger-watch":
                thread.join(30)


def greet_member(member: str) -> None:
    """The naive anchor's job function (referenced by name in its job store)."""


def measure(folder: Path, sizes: Sizes) -> Figure:
    n = sizes.list_items
    db = init_db(f"sqlite:///{folder / 'list.db'}")
    ids, at = prepared(db, n)
    try:
        engine_s, armed = schedule_and_arm(db, ids, at)
    finally:
        db.dispose()

    raw_s = _raw_insert(folder, ids, at.isoformat())
    naive_sample_s = _naive_jobstore(folder, ids[: sizes.naive_jobs])
    naive_s = naive_sample_s * n / min(n, sizes.naive_jobs)
    ratio = engine_s / raw_s
    return Figure(
        f"schedule on a list of {n:,} things (rows committed + clock armed)",
        engine_s,
        "s",
        "≤ 10× the SQLite floor and ≤ 2 s",
        ratio <= 10 and engine_s <= 2,
        [
            Anchor("raw SQLite executemany of the same rows", raw_s),
            Anchor(
                f"naive APScheduler SQLAlchemyJobStore.add_job loop "
                f"({min(n, sizes.naive_jobs):,} measured, scaled)",
                naive_s,
            ),
        ],
        {"armed_timers": armed, "naive_sample_s": naive_sample_s},
    )


def _raw_insert(folder: Path, ids: list[str], at: str) -> float:
    raw = sqlite3.connect(folder / "raw.db")
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    raw.execute(
        "CREATE TABLE runs (id TEXT PRIMARY KEY, workflow TEXT, status TEXT, "
        "scheduled_for TEXT, params TEXT)"
    )
    raw.execute("CREATE INDEX ix ON runs (status, scheduled_for)")

    def insert_all() -> None:
        with raw:
            raw.executemany(
                "INSERT INTO runs VALUES (?, ?, 'scheduled', ?, ?)",
                ((new_id(), "greet", at, json.dumps({"member": i})) for i in ids),
            )

    try:
        return timed(insert_all)
    finally:
        raw.close()


def _naive_jobstore(folder: Path, ids: list[str]) -> float:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{folder / 'aps.db'}")},
        timezone=UTC,
    )
    scheduler.start()
    at = utcnow() + timedelta(hours=1)
    try:
        start = time.perf_counter()
        for thing_id in ids:
            scheduler.add_job(greet_member, "date", run_date=at, args=[thing_id])
        return time.perf_counter() - start
    finally:
        scheduler.shutdown(wait=False)
