"""Figures 2 and 3: how late runs start, and how many run per second.

Fire lateness: a ledger of `lateness_ledger` scheduled runs of which
`lateness_due` (a one-step `log` workflow) come due evenly over
`lateness_window` seconds; a real Clock fires them. Lateness is the run's
`started_at` (set when a worker claims it) minus its `scheduled_for`. Anchor:
a bare APScheduler BackgroundScheduler with the same date jobs (and as many
far-off ones) calling a function that notes the time; lateness is the call's
time minus the job's run date.

Throughput: `throughput_runs` runs of a three-step workflow (create_thing,
modify_thing, log), all due now, executed by a Clock. Anchor: the same
rows in a ledger of the same schema and one APScheduler date job per run,
due now, calling a plain function that does the same writes with sqlite3
(claim the run; insert the thing; update it; log line and finish the run),
one transaction per step as a workflow would.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select

from app.core.ids import new_id
from app.core.types import utcnow
from app.engine.events import EventBus
from app.engine.service import Service
from app.scheduling.clock import Clock
from app.storage import models as m
from app.storage import settings
from app.storage.db import init_db
from app.storage.models import from_db_time, to_db_time
from benchmarks import generate, throughput_anchors
from benchmarks.common import Anchor, Figure, Sizes, percentile, wait_until

LEAD_SECONDS = 1.5  # time for the clock (or scheduler) to start before the first run is due


def lateness(folder: Path, sizes: Sizes) -> Figure:
    ours = _clock_lateness(folder / "late", sizes)
    theirs = _aps_lateness(sizes)
    p99 = percentile(ours, 0.99)
    return Figure(
        f"fire lateness p99 ({sizes.lateness_due:,} due over {sizes.lateness_window:g} s, "
        f"{sizes.lateness_ledger:,} in the ledger)",
        p99 * 1000,
        "ms",
        "p99 ≤ 20 ms",
        p99 <= 0.020,
        [Anchor("raw APScheduler BackgroundScheduler date jobs", percentile(theirs, 0.99) * 1000)],
        {
            "cueflow_ms": _summary(ours),
            "apscheduler_ms": _summary(theirs),
        },
    )


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(statistics.median(values) * 1000, 2),
        "p99": round(percentile(values, 0.99) * 1000, 2),
        "max": round(max(values) * 1000, 2),
        "count": len(values),
    }


def _clock_lateness(folder: Path, sizes: Sizes) -> list[float]:
    path = generate.prepare(folder)
    first = utcnow() + timedelta(seconds=LEAD_SECONDS)
    every = sizes.lateness_window / sizes.lateness_due
    generate.add_upcoming(
        path,
        sizes.lateness_ledger - sizes.lateness_due,
        first=first + timedelta(days=1),
        every=1.0,
        prefix="far",
    )
    generate.add_upcoming(
        path, sizes.lateness_due, first=first, every=every, workflows=("greet",), prefix="due"
    )
    db = init_db(f"sqlite:///{path}")
    clock = Clock(db, EventBus())
    clock.start()
    try:
        done = wait_until(
            lambda: _count(db, "due", ("succeeded", "failed")) >= sizes.lateness_due,
            timeout=LEAD_SECONDS + sizes.lateness_window + 30,
            every=0.1,
        )
        if not done:
            raise RuntimeError("the clock did not finish the due runs in time")
        with db.read() as session:
            rows = session.execute(
                select(m.Run.started_at, m.Run.scheduled_for).where(m.Run.id.like("due%"))
            ).all()
    finally:
        clock.stop()
        db.dispose()
    return [(started - scheduled).total_seconds() for started, scheduled in rows]


def _count(db: object, prefix: str, statuses: tuple[str, ...]) -> int:
    with db.read() as session:  # type: ignore[attr-defined]
        return int(
            session.scalar(
                select(func.count())
                .select_from(m.Run)
                .where(m.Run.id.like(f"{prefix}%"), m.Run.status.in_(statuses))
            )
            or 0
        )


def _aps_lateness(sizes: Sizes) -> list[float]:
    lateness: list[float] = []

    def fired(run_date: datetime) -> None:
        lateness.append((datetime.now(UTC) - run_date).total_seconds())

    scheduler = BackgroundScheduler(timezone=UTC, job_defaults={"misfire_grace_time": None})
    first = datetime.now(UTC) + timedelta(seconds=LEAD_SECONDS)
    every = sizes.lateness_window / sizes.lateness_due
    for number in range(sizes.lateness_ledger - sizes.lateness_due):
        far = first + timedelta(days=1, seconds=number)
        scheduler.add_job(fired, "date", run_date=far, args=[far])
    for number in range(sizes.lateness_due):
        at = first + timedelta(seconds=every * number)
        scheduler.add_job(fired, "date", run_date=at, args=[at])
    scheduler.start()
    try:
        wait_until(
            lambda: len(lateness) >= sizes.lateness_due,
            timeout=LEAD_SECONDS + sizes.lateness_window + 30,
            every=0.1,
        )
    finally:
        scheduler.shutdown(wait=False)
    return lateness


# --- throughput ---------------------------------------------------------------


def throughput(folder: Path, sizes: Sizes) -> Figure:
    """Cueflow and its three anchors measured in turn, `throughput_rounds` times;
    each figure is the median of its rounds. On a shared machine whose speed
    moves from one second to the next, one sample of each taken one after the
    other compares moments more than programs."""
    n = sizes.throughput_runs
    rounds: dict[str, list[float]] = {"cueflow": [], "raw": [], "huey": [], "floor": []}
    statements = 0
    for number in range(sizes.throughput_rounds):
        where = folder / f"round-{number}"
        rounds["cueflow"].append(_clock_throughput(where / "tp", n, other_writer=False)[0])
        rounds["raw"].append(_aps_throughput(where / "tp-raw", n))
        huey_rate = throughput_anchors.huey_throughput(where / "tp-huey", n)
        if huey_rate is not None:
            rounds["huey"].append(huey_rate)
        floor_rate, statements = throughput_anchors.floor_throughput(where / "tp-floor", n)
        rounds["floor"].append(floor_rate)
    ours = statistics.median(rounds["cueflow"])
    theirs = statistics.median(rounds["raw"])
    huey = statistics.median(rounds["huey"]) if rounds["huey"] else None
    floor = statistics.median(rounds["floor"])
    # Once more with a writer beside the runs (not judged): what it waits, and what it costs.
    disturbed, waits = _clock_throughput(
        folder / "tp-busy", sizes.throughput_runs, other_writer=True
    )
    anchors = [Anchor("plain function doing the same writes under raw APScheduler", theirs)]
    if huey is not None:
        anchors.append(Anchor(f"huey SqliteHuey, {throughput_anchors.HUEY_WORKERS} threads", huey))
    anchors.append(Anchor(f"floor: a run's {statements} statements replayed, group commit", floor))
    return Figure(
        f"execution throughput ({n:,} runs of create_thing, modify_thing, log)",
        ours,
        "runs/s",
        "≥ 1.2× raw, ≥ 1.5× huey, ≥ 0.25× floor",
        ours >= 1.2 * theirs and (huey is None or ours >= 1.5 * huey) and ours >= 0.25 * floor,
        anchors,
        # What group commit costs others: how long a write from another thread
        # (the window saving an edit, say) waited for the lock meanwhile.
        {
            "rounds_runs_per_s": {
                name: [round(rate) for rate in rates] for name, rates in rounds.items()
            },
            "with_another_writer_runs_per_s": round(disturbed),
            "other_writer_wait_ms": _summary(waits) if waits else {},
        },
    )


def _clock_throughput(folder: Path, n: int, *, other_writer: bool) -> tuple[float, list[float]]:
    """Runs per second; with `other_writer`, a thread also writes every 10 ms
    (its waits for the write lock are returned)."""
    path = generate.prepare(folder)
    db = init_db(f"sqlite:///{path}")
    events = EventBus()
    clock = Clock(db, events)
    clock.start()
    waits: list[float] = []
    done = threading.Event()

    def write_now_and_then() -> None:
        while not done.wait(0.01):
            start = time.perf_counter()
            with db.write() as session:
                settings.get(session, "smtp.host")
            waits.append(time.perf_counter() - start)

    writer = threading.Thread(target=write_now_and_then, daemon=True)
    try:
        names = [f"member {number}" for number in range(n)]
        start = utcnow()
        Service(db, events).schedule_on_list("touch_member", names, "name", {}, at=start)
        if other_writer:
            writer.start()
        # Watched the way the anchor is watched: a plain connection polling a count.
        last = _wait_for_runs(path, n, "status IN ('succeeded', 'failed')")
        done.set()
        if other_writer:
            writer.join()
        succeeded = _count_all(db, ("succeeded",))
        if succeeded != n:
            raise RuntimeError(f"only {succeeded} of {n} runs succeeded")
    finally:
        done.set()
        clock.stop()
        db.dispose()
    return n / (last - start).total_seconds(), waits


def _wait_for_runs(path: Path, n: int, where: str) -> datetime:
    """Poll until n runs match `where`; the last one's finish time."""
    probe = sqlite3.connect(path)
    try:
        if not wait_until(
            lambda: probe.execute(f"SELECT count(*) FROM runs WHERE {where}").fetchone()[0] >= n,
            timeout=300,
            every=0.05,
        ):
            raise RuntimeError("the runs did not finish in time")
        last = probe.execute(f"SELECT max(finished_at) FROM runs WHERE {where}").fetchone()[0]
    finally:
        probe.close()
    return from_db_time(last)


def _count_all(db: object, statuses: tuple[str, ...]) -> int:
    with db.read() as session:  # type: ignore[attr-defined]
        return int(
            session.scalar(
                select(func.count()).select_from(m.Run).where(m.Run.status.in_(statuses))
            )
            or 0
        )


def _aps_throughput(folder: Path, n: int) -> float:
    path = generate.prepare(folder)
    type_id = throughput_anchors.member_type(path)
    connection = throughput_anchors.per_thread_connection(path)

    def now() -> str:
        return to_db_time(datetime.now(UTC))

    def touch_member(run_id: str, name: str) -> None:
        conn = connection()
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            claimed = conn.execute(
                "UPDATE runs SET status = 'running', started_at = ? "
                "WHERE id = ? AND status = 'scheduled'",
                (now(), run_id),
            ).rowcount
        if not claimed:
            return
        thing_id = new_id()
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO things (id, data_type_id, data, created_at, modified_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (thing_id, type_id, json.dumps({"name": name, "visits": 0}), now(), now()),
            )
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "UPDATE things SET data = json_set(data, '$.visits', 1), modified_at = ? "
                "WHERE id = ?",
                (now(), thing_id),
            )
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO log_lines (run_id, at, level, message) VALUES (?, ?, 'info', ?)",
                (run_id, now(), f"touched {name}"),
            )
            conn.execute(
                "UPDATE runs SET status = 'succeeded', finished_at = ? WHERE id = ?",
                (now(), run_id),
            )

    start = utcnow()
    generate.add_upcoming(path, n, first=start, every=0.0, workflows=("touch_member",))
    ids = [
        row[0]
        for row in sqlite3.connect(path).execute(
            "SELECT id FROM runs WHERE status = 'scheduled' ORDER BY id"
        )
    ]
    scheduler = BackgroundScheduler(timezone=UTC, job_defaults={"misfire_grace_time": None})
    # Timed from its scheduling on, as huey is from its enqueueing and Cueflow from its
    # schedule_on_list (which also writes the runs' rows, made here before the clock).
    start = utcnow()
    for number, run_id in enumerate(ids):
        scheduler.add_job(touch_member, "date", run_date=start, args=[run_id, f"member {number}"])
    scheduler.start()
    try:
        last = _wait_for_runs(path, n, "status = 'succeeded'")
    finally:
        scheduler.shutdown(wait=True)
    return n / (last - start).total_seconds()


def main(argv: list[str] | None = None) -> int:
    """`python -m benchmarks.firing [throughput|lateness] [--runs N]`: one figure alone."""
    import argparse
    import tempfile

    from benchmarks.__main__ import table

    parser = argparse.ArgumentParser(prog="python -m benchmarks.firing")
    parser.add_argument(
        "figure", nargs="?", choices=("throughput", "lateness"), default="throughput"
    )
    parser.add_argument("--runs", type=int, default=Sizes().throughput_runs, help="throughput runs")
    parser.add_argument(
        "--rounds", type=int, default=Sizes().throughput_rounds, help="throughput rounds"
    )
    args = parser.parse_args(argv)
    sizes = Sizes(throughput_runs=args.runs, throughput_rounds=args.rounds)
    with tempfile.TemporaryDirectory(prefix="cueflow-bench-") as tmp:
        measure = throughput if args.figure == "throughput" else lateness
        figure = measure(Path(tmp), sizes)
    print(table([figure]))
    print(json.dumps(figure.details))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
