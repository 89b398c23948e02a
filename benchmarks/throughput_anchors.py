"""Two more anchors for execution throughput (issue 18): huey, and the floor.

- **huey**: what a Python user who wants background jobs on SQLite would
  pick instead. `SqliteHuey` with 4 thread workers runs one task per run
  doing the same three writes as a run of `touch_member` (insert the thing,
  update it, a log line), each task in one transaction. huey is only in the
  optional `bench` extra; without it the anchor is left out.
- **floor**: the exact SQL statements one run of `touch_member` issues,
  recorded from a real run with sqlite3's trace callback, then replayed for
  every run back to back on one connection with group commit (a commit every
  20 ms, as the runner's batches do) — no engine, no threads, no Python per
  step: the physical limit of this work on this disk.

Both time from the start of the work to the last run's (task's) own finish
time, as the Cueflow figure does.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from app.core.ids import new_id
from app.engine.events import EventBus
from app.engine.runner import Runner
from app.engine.service import Service
from app.storage.db import BUSY_TIMEOUT_MS, init_db
from app.storage.models import from_db_time, to_db_time
from benchmarks import generate
from benchmarks.common import wait_until

GROUP_COMMIT_S = 0.020  # the runner's batches share a transaction for up to 20 ms
HUEY_WORKERS = 4
_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "END")


def huey_throughput(folder: Path, n: int) -> float | None:
    """Tasks/s of SqliteHuey (4 thread workers) doing a run's three writes; None without huey."""
    try:
        from huey import SqliteHuey
    except ImportError:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    path = generate.prepare(folder / "ledger")
    type_id = member_type(path)
    connection = per_thread_connection(path)

    huey = SqliteHuey("bench", filename=str(folder / "huey.db"), results=False)

    @huey.task()
    def touch_member(run_id: str, name: str) -> None:
        conn = connection()
        thing_id = new_id()
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO things (id, data_type_id, data, created_at, modified_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (thing_id, type_id, json.dumps({"name": name, "visits": 0}), _now(), _now()),
            )
            conn.execute(
                "UPDATE things SET data = json_set(data, '$.visits', 1), modified_at = ? "
                "WHERE id = ?",
                (_now(), thing_id),
            )
            conn.execute(
                "INSERT INTO log_lines (run_id, at, level, message) VALUES (?, ?, 'info', ?)",
                (run_id, _now(), f"touched {name}"),
            )

    ids = _upcoming(path, n)
    consumer = huey.create_consumer(
        workers=HUEY_WORKERS,
        worker_type="thread",
        periodic=False,
        initial_delay=0.001,
        max_delay=0.01,
        check_worker_health=False,
    )
    consumer.start()
    try:
        start = datetime.now(UTC)
        for number, run_id in enumerate(ids):
            touch_member(run_id, f"member {number}")
        last = _last_log(path, n, "message LIKE 'touched %'")
    finally:
        consumer.stop(graceful=True)
    return n / (last - start).total_seconds()


def floor_throughput(folder: Path, n: int) -> tuple[float, int]:
    """Runs/s replaying one traced run's statements n times; and the statements per run."""
    path = generate.prepare(folder)
    db = init_db(f"sqlite:///{path}")
    try:
        ids = Service(db).schedule_on_list(
            "touch_member", [f"member {i}" for i in range(n + 2)], "name", {}
        )
        statements, thing_id = _trace_one_run(db, ids[0], ids[1])
    finally:
        db.dispose()
    run_id, ids = ids[1], ids[1:]
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=NORMAL")  # as the app's connections (app/storage/db.py)
    try:
        start = datetime.now(UTC)
        began = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        for other in ids[1:]:
            new_thing = new_id()
            for sql in statements:
                conn.execute(sql.replace(run_id, other).replace(thing_id, new_thing))
            if time.perf_counter() - began >= GROUP_COMMIT_S:
                conn.execute("COMMIT")
                conn.execute("BEGIN IMMEDIATE")
                began = time.perf_counter()
        conn.execute("COMMIT")
        done = datetime.now(UTC)
        finished = conn.execute("SELECT count(*) FROM runs WHERE status = 'succeeded'").fetchone()[
            0
        ]
    finally:
        conn.close()
    if finished != n + 2:
        raise RuntimeError(f"the floor replay finished {finished} of {n + 2} runs")
    return n / (done - start).total_seconds(), len(statements)


def _trace_one_run(db: Any, first: str, run_id: str) -> tuple[list[str], str]:
    """The statements a real Runner issues for one run once warm (its workflow
    cached by the first run, as in the benchmark), transaction control left out."""
    runner = Runner(db, EventBus())
    if runner.execute(first) != "succeeded":
        raise RuntimeError("the warm-up run did not succeed")
    seen: list[str] = []

    def on_checkout(dbapi_conn: sqlite3.Connection, *_: object) -> None:
        dbapi_conn.set_trace_callback(seen.append)

    def on_checkin(dbapi_conn: sqlite3.Connection, *_: object) -> None:
        dbapi_conn.set_trace_callback(None)

    event.listen(db.engine, "checkout", on_checkout)
    event.listen(db.engine, "checkin", on_checkin)
    try:
        if runner.execute(run_id) != "succeeded":
            raise RuntimeError("the traced run did not succeed")
    finally:
        event.remove(db.engine, "checkout", on_checkout)
        event.remove(db.engine, "checkin", on_checkin)
    statements = [s for s in seen if not s.lstrip().upper().startswith(_CONTROL)]
    created = next(s for s in statements if s.startswith("INSERT INTO things"))
    thing_id = created.split("VALUES ('", 1)[1].split("'", 1)[0]
    return statements, thing_id


def per_thread_connection(path: Path) -> Callable[[], sqlite3.Connection]:
    """A function giving each calling thread its own autocommit connection (WAL,
    synchronous=NORMAL, as the app's): what a worker pool of an anchor holds."""
    local = threading.local()

    def connection() -> sqlite3.Connection:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            local.conn = conn
        return conn

    return connection


def member_type(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT id FROM data_types WHERE name = 'Member'").fetchone()[0])


def _upcoming(path: Path, n: int) -> list[str]:
    generate.add_upcoming(path, n, first=datetime.now(UTC), every=0.0, workflows=("touch_member",))
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM runs ORDER BY id")]


def _last_log(path: Path, n: int, where: str) -> datetime:
    probe = sqlite3.connect(path)
    try:
        query = f"SELECT count(*) FROM log_lines WHERE {where}"
        if not wait_until(lambda: probe.execute(query).fetchone()[0] >= n, 300, every=0.05):
            raise RuntimeError("the huey tasks did not finish in time")
        last = probe.execute(f"SELECT max(at) FROM log_lines WHERE {where}").fetchone()[0]
    finally:
        probe.close()
    return from_db_time(last)


def _now() -> str:
    return to_db_time(datetime.now(UTC))
