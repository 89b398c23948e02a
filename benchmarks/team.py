"""Team mode throughput (issue 16): 2,000 three-step data runs on one PostgreSQL
database with 1, 2 and 4 `cueflow runner` processes, beside procrastinate doing
the same three writes per job with the same number of worker processes (each
with 4 concurrent jobs, as a runner has 4 worker threads).

Each figure is runs (jobs) per second from the first one's start to the last
one's end, read from the database's own timestamps, so process start-up is
not counted. The database is $CUEFLOW_TEST_PG_URL's server (`.ci/run`), or a
private cluster this script starts. procrastinate is in the optional `bench`
extra; without it its rows are left out.

Schedule on a list (`--list-size`, 0: skip): `Service.schedule_on_list` of
100,000 things on the PostgreSQL database with a running Clock, from the call to
the rows committed AND the clock having armed the earliest new run (as
benchmarks/schedule.py on SQLite), beside a raw psycopg COPY of the same rows
into a bare runs table on the same server; target ≤ 3 s.

Then fire lateness with 3 runners (`--lateness-runners`): 500 one-step runs due
evenly over 5 s beside 10,000 due tomorrow; a run's lateness is its start
(stamped by the runner whose claim won) minus its due time; target p99 ≤ 50 ms.

While tuning: `--no-anchor` leaves procrastinate out, `--statements` lists each
measured database's statements per run (pg_stat_statements, if the server loads
it), `--workers N` gives each runner N worker threads (runner.max_concurrent_runs).
Each throughput row also gives the runners' CPU milliseconds per run,
commits and statements per run and the server sessions' sampled wait events.

    python -m benchmarks.team [--runs 2000] [--counts 1,2,4] [--list-size 100000]
                              [--lateness-runners 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from app.core.ids import new_id
from app.core.types import utcnow
from app.engine.service import Service
from app.storage import ledger, settings
from app.storage.db import init_db
from app.workflow_file import import_text
from benchmarks.common import percentile, timed
from benchmarks.generate import CATALOGUE
from benchmarks.schedule import prepared, schedule_and_arm
from tests.support.postgres import PostgresServer, postgres_server

LIST_TARGET_S = 3.0  # schedule on a list of 100,000 on PostgreSQL (issue 16)
LEAD_SECONDS = 2.0  # lateness: from scheduling to the first run's due time
TEAM_SETTLE_SECONDS = 1.5  # lateness: each runner reads the live list once a second
WARM_UP_RUNS = 40  # lateness: runs per runner before the measured ones (not measured)
SHOW_STATEMENTS = False  # --statements: each measured database's statements per run
ROOT = Path(__file__).resolve().parent.parent
APP = (sys.executable, "-m", "app")


def _stop_runners(procs: list[Any], folder: Path, db: Any) -> None:
    """Stop the runner processes (SIGTERM: they sign off), then forget their folder."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=30)
    shutil.rmtree(folder, ignore_errors=True)
    db.dispose()


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


def _cpu_seconds(pid: int) -> float:
    """A live process's CPU time so far (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_ticks() -> tuple[int, int]:
    """All cores' (busy, total) clock ticks so far, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # (idle, iowait)
    return sum(fields) - idle, sum(fields)


def _server_cpu_seconds(pid: int) -> float | None:
    """The database server's CPU time so far: its postmaster's (with its ended
    children's, cutime and cstime) and its live processes'. `pid`: one of its
    backends. None if the server is not a process of this machine."""
    try:
        postmaster = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        fields = Path(f"/proc/{postmaster}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = sum(int(x) for x in fields[11:15])
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                child = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # (ended meanwhile: counted in the postmaster's cutime)
                continue
            if int(child[1]) == postmaster:
                ticks += int(child[11]) + int(child[12])
    except (OSError, ValueError, IndexError):
        return None
    return ticks / os.sysconf("SC_CLK_TCK")


class Probe:
    """What the server did for one measured database (what limits the throughput):
    commits and statements (pg_stat_statements, when the server loads it), and
    its sessions' wait events sampled every 10 ms. It looks from the server's
    `postgres` database, so its own statements are not counted."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.database = parsed.database
        self.admin = parsed.set(database="postgres").render_as_string(hide_password=False)
        self.waits: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        with psycopg.connect(self.admin, autocommit=True) as conn:
            try:
                conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
                conn.execute("SELECT 1 FROM pg_stat_statements LIMIT 1")
                self.statements = True
            except psycopg.Error:  # (not in shared_preload_libraries)
                self.statements = False
        self._start = self._counters()
        self._server = self._machine = (0.0, (0, 0))

    def _server_cpu(self) -> float | None:
        with psycopg.connect(self.admin, autocommit=True) as conn:  # (its backend alive)
            pid = conn.execute("SELECT pg_backend_pid()").fetchone()
            return None if pid is None else _server_cpu_seconds(int(pid[0]))

    def _counters(self) -> tuple[int, int | None]:
        with psycopg.connect(self.admin, autocommit=True) as conn:
            commits = conn.execute(
                "SELECT xact_commit FROM pg_stat_database WHERE datname = %s", (self.database,)
            ).fetchone()
            calls = None
            if self.statements:
                calls = conn.execute(
                    "SELECT sum(calls) FROM pg_stat_statements s JOIN pg_database d "
                    "ON d.oid = s.dbid WHERE d.datname = %s",
                    (self.database,),
                ).fetchone()[0]
        return int(commits[0]) if commits else 0, None if calls is None else int(calls)

    def _sample(self) -> None:
        with psycopg.connect(self.admin, autocommit=True) as conn:
            while not self._stop.wait(0.01):
                for state, kind, event in conn.execute(
                    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                    "WHERE datname = %s AND backend_type = 'client backend'",
                    (self.database,),
                ):
                    self.waits[f"{state}:{kind or 'CPU'}:{event or '-'}"] += 1

    def start(self) -> None:
        self._start = self._counters()
        self.mark()
        self._thread.start()

    def mark(self) -> None:
        """From now on the server's CPU and the machine's busy share are counted."""
        self._server_start, self._machine_start = self._server_cpu(), _machine_ticks()

    def stop(self) -> None:
        """Called as the last run ends (before the processes stop)."""
        server, machine = self._server_cpu(), _machine_ticks()
        self._stop.set()
        self._thread.join()
        busy = machine[0] - self._machine_start[0]
        self.machine_busy = busy / max(1, machine[1] - self._machine_start[1])
        self.server_cpu = (
            None if server is None or self._server_start is None else server - self._server_start
        )

    def figures(self, jobs: int) -> dict[str, Any]:
        """Per run; called once the measured processes ended (they flush their counts)."""
        time.sleep(1.1)  # (a backend's statistics reach shared memory within a second)
        commits, calls = self._counters()
        if SHOW_STATEMENTS and self.statements:
            with psycopg.connect(self.admin, autocommit=True) as conn:
                for count, rows, query in conn.execute(
                    "SELECT calls, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 100) "
                    "FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
                    "WHERE d.datname = %s ORDER BY calls DESC LIMIT 25",
                    (self.database,),
                ):
                    # (calls and rows per run: a claim's missing rows are missed claims)
                    print(f"  {count / jobs:7.2f} {rows / jobs:7.2f}  {query}", file=sys.stderr)
        total = sum(self.waits.values()) or 1
        return {
            "commits_per_run": round((commits - self._start[0]) / jobs, 2),
            "statements_per_run": None
            if calls is None or self._start[1] is None
            else round((calls - self._start[1]) / jobs, 1),
            "waits": {k: round(v / total, 3) for k, v in self.waits.most_common(6)},
            # the server's processes, and how busy all cores were (anyone's work)
            "server_cpu_ms_per_run": None
            if self.server_cpu is None
            else round(1000 * self.server_cpu / jobs, 2),
            "machine_busy": round(self.machine_busy, 3),
            "cores": os.cpu_count(),
        }


def _start_runners(
    url: str, runners: int, procs: list[subprocess.Popen[str]], folder: Path
) -> None:
    """`runners` `cueflow runner` processes on the database, all registered (`folder`:
    their data folder, for the log file)."""
    for _ in range(runners):
        proc = subprocess.Popen(
            [*APP, "--data-dir", str(folder), "--database-url", url, "runner"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
        )
        procs.append(proc)
        assert proc.stdout is not None and proc.stdout.readline().startswith("Cueflow")
    _wait(
        lambda: _one(url, "SELECT count(*) FROM schedulers WHERE stopped IS NULL") == runners,
        30,
    )


def schedule_list(server: PostgresServer, n: int) -> dict[str, Any]:
    """`Service.schedule_on_list` of `n` things on a PostgreSQL database with a running
    Clock: from the call to the rows committed and the clock having armed the earliest
    new run (as benchmarks/schedule.py on SQLite). Anchor on the same server in the
    same run: a raw psycopg COPY of the same rows into a bare runs table (the floor)."""
    made = server.create()
    url = made.render_as_string(hide_password=False)
    db = init_db(made)
    ids, at = prepared(db, n)
    try:
        engine_s, armed = schedule_and_arm(db, ids, at)
        committed = _one(url, "SELECT count(*) FROM runs WHERE status = 'scheduled'")
    finally:
        db.dispose()
        server.drop(made)
    raw_s = _raw_copy(server, ids, at)
    return {
        "items": n,
        "seconds": round(engine_s, 3),
        "raw_copy_s": round(raw_s, 3),
        "ratio": round(engine_s / raw_s, 2),
        "committed": committed,
        "armed_timers": armed,
        "target_s": LIST_TARGET_S,
        "met": None if n < 100_000 else engine_s <= LIST_TARGET_S and committed == n,
        "load": os.getloadavg()[0],
    }


def _raw_copy(server: PostgresServer, ids: list[str], at: datetime) -> float:
    """The floor: one psycopg COPY of the same rows (ID, workflow, status, due time,
    parameters as jsonb) into a bare indexed runs table, committed."""
    made = server.create(migrated=False)
    url = made.render_as_string(hide_password=False)
    try:
        with psycopg.connect(url) as conn:
            conn.execute(
                "CREATE TABLE runs (id text PRIMARY KEY, workflow text, status text, "
                "scheduled_for timestamptz, params jsonb)"
            )
            conn.execute("CREATE INDEX ix ON runs (status, scheduled_for)")
            conn.commit()

            def copy_all() -> None:
                with (
                    conn.cursor() as cur,
                    cur.copy(
                        "COPY runs (id, workflow, status, scheduled_for, params) FROM STDIN"
                    ) as copy,
                ):
                    for thing_id in ids:
                        copy.write_row(
                            (new_id(), "greet", "scheduled", at, json.dumps({"member": thing_id}))
                        )
                conn.commit()

            return timed(copy_all)
    finally:
        server.drop(made)


def lateness(
    server: PostgresServer, runners: int, due: int, window: float, ledger_size: int
) -> dict[str, Any]:
    """Fire lateness with `runners` schedulers on one database: `due` one-step runs
    come due evenly over `window` seconds beside `ledger_size` runs due tomorrow,
    as benchmarks/firing.py measures one SQLite clock. Lateness is a run's start
    (its claim, stamped by the runner that won it) minus its due time."""
    made = server.create()
    url = made.render_as_string(hide_password=False)
    db = init_db(made)
    import_text(db, CATALOGUE)
    procs: list[subprocess.Popen[str]] = []
    folder = Path(tempfile.mkdtemp(prefix="cueflow-team-bench-"))
    try:
        _start_runners(url, runners, procs, folder)
        time.sleep(TEAM_SETTLE_SECONDS)  # (each has read the others: shares are settled)

        def run(at: datetime, n: int) -> ledger.NewRun:
            return ledger.NewRun(
                workflow="greet", workflow_version=1, params={"member": f"m{n}"}, scheduled_for=at
            )

        # Warm-up, not measured: a runner's first runs pay its first imports, query
        # compilations and statement preparations (up to 0.5 s late, measured).
        warm = WARM_UP_RUNS * runners
        with db.write() as session:
            ledger.insert_runs(session, [run(utcnow(), n) for n in range(warm)])
        _wait(lambda: _one(url, "SELECT count(*) FROM runs WHERE status = 'succeeded'") == warm, 60)
        first = utcnow() + timedelta(seconds=LEAD_SECONDS)
        every = timedelta(seconds=window / due)
        with db.write() as session:
            ledger.insert_runs(
                session,
                [run(first + timedelta(days=1, seconds=n), n) for n in range(ledger_size)],
            )
            due_ids = ledger.insert_runs(session, [run(first + n * every, n) for n in range(due)])
        _wait(
            lambda: _one(url, "SELECT count(*) FROM runs WHERE status = 'succeeded'") == warm + due,
            LEAD_SECONDS + window + 60,
        )
        with psycopg.connect(url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT EXTRACT(EPOCH FROM started_at - scheduled_for), owner_scheduler "
                "FROM runs WHERE id = ANY(%s)",
                (due_ids,),
            ).fetchall()
    finally:
        _stop_runners(procs, folder, db)
        server.drop(made)
    late = [float(row[0]) for row in rows]
    return {
        "runners": runners,
        "due": due,
        "window_s": window,
        "in_ledger": ledger_size + due,
        "p50_ms": round(1000 * statistics.median(late), 2),
        "p99_ms": round(1000 * percentile(late, 0.99), 2),
        "max_ms": round(1000 * max(late), 2),
        "runs_per_scheduler": sorted(Counter(row[1] for row in rows).values()),
        "load": os.getloadavg()[0],
    }


def cueflow(
    server: PostgresServer, runners: int, runs: int, workers: int | None = None
) -> dict[str, Any]:
    made = server.create()
    url = made.render_as_string(hide_password=False)
    db = init_db(made)
    import_text(db, CATALOGUE)
    if workers is not None:  # (--workers: each runner's worker threads)
        with db.write() as session:
            settings.set_value(session, "runner.max_concurrent_runs", str(workers))
    procs: list[subprocess.Popen[str]] = []
    folder = Path(tempfile.mkdtemp(prefix="cueflow-team-bench-"))
    seconds = None
    try:
        _start_runners(url, runners, procs, folder)
        probe = Probe(url)
        probe.start()
        cpu = [_cpu_seconds(proc.pid) for proc in procs]
        at = utcnow() + timedelta(seconds=1)
        Service(db).schedule_on_list(
            "touch_member",
            [f"m{n}" for n in range(runs)],
            "name",
            {},
            at=at,
        )
        time.sleep(max(0.0, (at - utcnow()).total_seconds()))
        probe.mark()  # (the server's and the machine's CPU: from the first due time)
        _wait(
            lambda: _one(url, "SELECT count(*) FROM runs WHERE status = 'succeeded'") == runs,
            600,
            0.1,
        )
        cpu = [_cpu_seconds(proc.pid) - before for proc, before in zip(procs, cpu, strict=True)]
        probe.stop()
        seconds = _one(
            url,
            "SELECT EXTRACT(EPOCH FROM max(finished_at) - min(started_at)) FROM runs",
        )
        statuses = _one(url, "SELECT count(DISTINCT status) FROM runs")
    finally:
        _stop_runners(procs, folder, db)
        found = probe.figures(runs) if seconds is not None else {}
        server.drop(made)
    return {
        "runs": runs,
        "seconds": float(seconds),
        "per_s": runs / float(seconds),
        "statuses": statuses,
        "cpu_ms_per_run": round(1000 * sum(cpu) / runs, 2),
        **found,
    }


def procrastinate(server: PostgresServer, workers: int, runs: int) -> dict[str, Any] | None:
    try:
        import procrastinate as _
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
        probe = Probe(url)
        probe.start()
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
        cpu = 0.0
        for proc in procs:  # (wait4: the CPU time of an ended process)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            cpu += usage.ru_utime + usage.ru_stime
        probe.stop()
        found = probe.figures(runs)
        done = _one(url, "SELECT count(*) FROM bench_members WHERE finished IS NOT NULL")
        seconds = _one(
            url, "SELECT EXTRACT(EPOCH FROM max(finished) - min(started)) FROM bench_members"
        )
    finally:
        server.drop(made)
    return {
        "runs": done,
        "seconds": float(seconds),
        "per_s": done / float(seconds),
        "cpu_ms_per_run": round(1000 * cpu / done, 2),
        **found,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--counts", default="1,2,4")
    parser.add_argument(
        "--no-anchor", action="store_true", help="leave procrastinate out (while tuning)"
    )
    parser.add_argument("--statements", action="store_true", help="list statements per run")
    parser.add_argument(
        "--workers", type=int, default=None, help="each runner's worker threads (while tuning)"
    )
    parser.add_argument(
        "--lateness-runners", type=int, default=3, help="fire lateness with this many (0: skip)"
    )
    parser.add_argument("--lateness-due", type=int, default=500)
    parser.add_argument(
        "--list-size",
        type=int,
        default=100_000,
        help="schedule on a list of this many things (0: skip; target ≤ 3 s at 100,000)",
    )
    args = parser.parse_args(argv)
    global SHOW_STATEMENTS
    SHOW_STATEMENTS = args.statements
    counts = [int(c) for c in args.counts.split(",") if c]
    rows: list[dict[str, Any]] = []
    late: dict[str, Any] | None = None
    listed: dict[str, Any] | None = None
    with postgres_server() as server:
        if isinstance(server, str):
            print(server, file=sys.stderr)
            return 1
        if args.list_size > 0:
            listed = schedule_list(server, args.list_size)
            print(json.dumps({"schedule_on_list": listed}), flush=True)
        for count in counts:
            ours = cueflow(server, count, args.runs, args.workers)
            theirs = None if args.no_anchor else procrastinate(server, count, args.runs)
            row = {
                "processes": count,
                "cueflow": ours,
                "procrastinate": theirs,
                "load": os.getloadavg()[0],
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
        if args.lateness_runners > 0:
            late = lateness(server, args.lateness_runners, args.lateness_due, 5.0, 10_000)
            print(json.dumps({"lateness": late}), flush=True)
    if rows:
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
    if listed is not None:
        print(
            f"\nschedule on a list of {listed['items']:,} things (rows committed + clock armed): "
            f"{listed['seconds']:.2f} s; raw psycopg COPY of the same rows "
            f"{listed['raw_copy_s']:.2f} s ({listed['ratio']:.2f}×); "
            f"target ≤ {LIST_TARGET_S:g} s at 100,000: "
            f"{ {None: 'not judged', True: 'met', False: 'NOT met'}[listed['met']] }"
        )
    if late is not None:
        print(
            f"\nlateness with {late['runners']} runners: p50 {late['p50_ms']} ms, "
            f"p99 {late['p99_ms']} ms, max {late['max_ms']} ms "
            f"({late['due']} due over {late['window_s']:g} s, {late['in_ledger']:,} in the ledger; "
            f"runs per scheduler {late['runs_per_scheduler']}; target p99 ≤ 50 ms)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
