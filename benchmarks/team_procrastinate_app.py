"""The procrastinate side of benchmarks/team.py: one task doing a Cueflow run's three
data writes (insert a member, change it, a log line) in one transaction, and
stamping when it began and ended. The database comes from BENCH_PG_URL."""

from __future__ import annotations

import os
import threading
from typing import Any

import psycopg
from procrastinate import App, PsycopgConnector

URL = os.environ.get("BENCH_PG_URL", "")
app = App(connector=PsycopgConnector(conninfo=URL))
_local = threading.local()

TABLES = """
CREATE TABLE bench_members (id serial PRIMARY KEY, name text, visits int,
  started timestamptz, finished timestamptz);
CREATE TABLE bench_log (id serial PRIMARY KEY, at timestamptz, message text);
"""


def _connection() -> Any:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = psycopg.connect(URL)
    return conn


@app.task(name="touch")
def touch(name: str) -> None:
    conn = _connection()
    with conn.transaction():
        row = conn.execute(
            "INSERT INTO bench_members (name, visits, started) VALUES (%s, 0, clock_timestamp()) "
            "RETURNING id",
            (name,),
        ).fetchone()
        conn.execute("UPDATE bench_members SET visits = 1 WHERE id = %s", (row[0],))
        conn.execute(
            "INSERT INTO bench_log (at, message) VALUES (clock_timestamp(), %s)",
            (f"touched {name}",),
        )
        conn.execute(
            "UPDATE bench_members SET finished = clock_timestamp() WHERE id = %s", (row[0],)
        )
