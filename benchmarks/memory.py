"""Figure 6: memory per upcoming run.

Each side runs in a fresh child process (`python -m benchmarks.memory
cueflow|apscheduler FOLDER N`) that prints its RSS growth. Cueflow: a running
Clock over an empty ledger; then N scheduled runs are written to the ledger
(raw SQL, as another process or a bulk import would) and the clock re-arms
from it; growth = RSS once re-armed − RSS before. Anchor: a started APScheduler
BackgroundScheduler with its MemoryJobStore; growth = RSS after adding N date
jobs − RSS before.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import Anchor, Figure, Sizes, rss_bytes, wait_until


def measure(folder: Path, sizes: Sizes) -> Figure:
    n = sizes.memory_upcoming
    ours = _child("cueflow", folder / "memory", n)
    theirs = _child("apscheduler", folder / "memory-aps", n)
    return Figure(
        f"memory growth, 0 → {n:,} upcoming runs (running clock)",
        ours / 2**20,
        "MB",
        "below the anchor",
        ours < theirs,
        [Anchor(f"APScheduler MemoryJobStore holding {n:,} date jobs", theirs / 2**20)],
        {"bytes_per_run": round(ours / n, 1), "anchor_bytes_per_job": round(theirs / n, 1)},
    )


def _child(side: str, folder: Path, n: int) -> int:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", side, str(folder), str(n)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"memory child ({side}) failed:\n{out.stderr[-2000:]}")
    return int(json.loads(lines[-1])["growth"])


def _settled_rss() -> int:
    gc.collect()
    time.sleep(0.3)
    return rss_bytes()


def _cueflow(folder: Path, n: int) -> int:
    from app.core.types import utcnow
    from app.scheduling.clock import Clock
    from app.storage.db import init_db
    from benchmarks import generate

    path = generate.prepare(folder)
    db = init_db(f"sqlite:///{path}")
    clock = Clock(db)
    clock.start()
    try:
        # Warm up: one run in the ledger, armed, so caches and pools exist already.
        generate.add_upcoming(path, 1, first=utcnow() + timedelta(days=400), every=1, prefix="w")
        wait_until(lambda: clock.next_due() is not None, timeout=10, every=0.01)
        before = _settled_rss()
        first = utcnow() + timedelta(hours=1)
        first = first.replace(microsecond=first.microsecond // 1000 * 1000)  # SQL keeps ms
        generate.add_upcoming(path, n, first=first, every=1.0)
        if not wait_until(lambda: clock.next_due() == first, timeout=30, every=0.01):
            raise RuntimeError("the clock did not re-arm from the ledger")
        after = _settled_rss()
    finally:
        clock.stop()
        db.dispose()
    return after - before


def _apscheduler(n: int) -> int:
    from apscheduler.schedulers.background import BackgroundScheduler

    def job(number: int) -> None:
        pass

    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.start()
    try:
        before = _settled_rss()
        first = datetime.now(UTC) + timedelta(hours=1)
        for number in range(n):
            scheduler.add_job(
                job, "date", run_date=first + timedelta(seconds=number), args=[number]
            )
        after = _settled_rss()
    finally:
        scheduler.shutdown(wait=False)
    return after - before


def main(argv: list[str]) -> int:
    side, folder, n = argv[0], Path(argv[1]), int(argv[2])
    growth = _cueflow(folder, n) if side == "cueflow" else _apscheduler(n)
    print(json.dumps({"side": side, "growth": growth}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
