"""Team mode throughput (issue 16): 2,000 three-step data runs on one PostgreSQL
database with 1, 2 and 4 `cueflow runner` processes, beside procrastinate doing
the same three writes per job with the same number of worker processes (each
with 4 concurrent jobs, as a runner has 4 worker threads).

Each figure is runs (jobs) per second from the first one's start to the last
one's end, read from the database's own timestamps, so process start-up is
not counted. The database is $CUEFLOW_TEST_PG_URL's server (`.ci/run`), or a
private cluster this script starts. procrastinate is in the optional `bench`
extra; without it its rows are left out.

    python -m benchmarks.team [--runs 2000] [--counts 1,2,4]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg

from app.core.types import utcnow
from app.engine.service import Service
from app.storage.db import init_db
from app.workflow_file import import_text
from benchmarks.generate import CATALOGUE
from tests.support.postgres import PostgresServer, postgres_server

ROOT = Path(__file__).resolve().parent.parent
APP = (sys.executable, "-m", "app")


def _wait(condition: Any, timeout: float, every: float = 0.1) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the benchmark did not finish in time")
        time.sleep(every)


def _one(url: str, sql: str) -> Any:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(sql).fetchone()
        return None if row is None else row[0]


def cueflow(server: PostgresServer, runners: int, runs: int) -> dict[str, Any]:
    made = server.create()
    url = made.render_as_string(hide_password=False)
    db = init_db(made)
    import_text(db, CATALOGUE)
    procs: list[subprocess.Popen[str]] = []
    folder = Path(tempfile.mkdtemp(prefix="cueflow-team-bench-"))
    try:
        for _ in range(runners):
            proc = subprocess.Popen(
                [*APP, "--data-dir", str(folder), "--database-url", url, "runner"],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                cwd=ROOT,
            )
            assert proc.stdout is not None and proc.stdout.readline().startswith("Cueflow")
            procs.append(proc)
        _wait(
            lambda: _one(url, "SELECT count(*) FROM schedulers WHERE stopped IS NULL") == runners,
            30,
        )
        Service(db).schedule_on_list(
            "touch_member",
            [f"m{n}" for n in range(runs)],
            "name",
            {},
            at=utcnow() + timedelta(seconds=1),
        )
        _wait(
            lambda: _one(url, "SELECT count(*) FROM runs WHERE status = 'succeeded'") == runs,
            600,
            0.25,
        )
        seconds = _one(
            url,
            "SELECT EXTRACT(EPOCH FROM max(finished_at) - min(started_at)) FROM runs",
        )
        statuses = _one(url, "SELECT count(DISTINCT status) FROM runs")
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
        db.dispose()
        server.drop(made)
    return {
        "runs": runs,
        "seconds": float(seconds),
        "per_s": runs / float(seconds),
        "statuses": statuses,
    }


def procrastinate(server: PostgresServer, workers: int, runs: int) -> dict[str, Any] | None:
    try:
        import procrastinate as _  # noqa: F401
    except ImportError:
        return None
    made = server.create(migrated=False)
    url = made.render_as_string(hide_password=False)
    env = {**os.environ, "BENCH_PG_URL": url}
    code = (
        "from benchmarks.team_procrastinate_app import app, touch, TABLES\n"
        "import psycopg, os, sys\n"
        "with app.open():\n"
        "    app.schema_manager.apply_schema()\n"
        "with psycopg.connect(os.environ['BENCH_PG_URL'], autocommit=True) as c:\n"
        "    c.execute(TABLES)\n"
        "with app.open():\n"
        f"    touch.batch_defer(*[{{'name': f'm{{n}}'}} for n in range({runs})])\n"
    )
    try:
        subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "procrastinate",
                    "--app",
                    "benchmarks.team_procrastinate_app.app",
                    "worker",
                    "--concurrency",
                    "4",
                    "--one-shot",
                ],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(workers)
        ]
        for proc in procs:
            proc.wait(timeout=600)
        done = _one(url, "SELECT count(*) FROM bench_members WHERE finished IS NOT NULL")
        seconds = _one(
            url, "SELECT EXTRACT(EPOCH FROM max(finished) - min(started)) FROM bench_members"
        )
    finally:
        server.drop(made)
    return {"runs": done, "seconds": float(seconds), "per_s": done / float(seconds)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--counts", default="1,2,4")
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.counts.split(",")]
    rows: list[dict[str, Any]] = []
    with postgres_server() as server:
        if isinstance(server, str):
            print(server, file=sys.stderr)
            return 1
        for count in counts:
            ours = cueflow(server, count, args.runs)
            theirs = procrastinate(server, count, args.runs)
            row = {
                "processes": count,
                "cueflow": ours,
                "procrastinate": theirs,
                "load": os.getloadavg()[0],
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    print()
    print("| processes | Cueflow runs/s | procrastinate jobs/s | load |")
    print("|---:|---:|---:|---:|")
    for row in rows:
        theirs = row["procrastinate"]
        print(
            f"| {row['processes']} | {row['cueflow']['per_s']:.0f} | "
            f"{'-' if theirs is None else format(theirs['per_s'], '.0f')} | "
            f"{row['load']:.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
