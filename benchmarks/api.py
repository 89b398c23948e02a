"""Figure: the workflow API under load (PRODUCT §6, issue 15).

Load generator: our own asyncio client in a separate process (`python -m
benchmarks.api load …`, so it does not share the server's GIL), plain HTTP/1.1
over 16 keep-alive connections, each sending its next request as soon as the
last is answered (see _generate: no HTTP library, so that the generator's own
cost takes little of the cores the server runs on).

(a) `at_once` on a one-step workflow (`log`): requests/s, and executions/s
    from the first request to the last run's end.
(b) `when_done` on a three-step data workflow (create_thing, modify_thing,
    return_data): p99 latency, and requests/s (= executions/s: each answer
    waits for its run).
Anchor: a bare Starlette endpoint on the same server stack (uvicorn, h11, the
same protocol class and limits as the API) doing one SQLite insert (WAL,
synchronous=NORMAL, one transaction) per request.

Targets: (a) ≥ 0.5× the anchor's requests/s, (b) p99 ≤ 50 ms, both above
220 executions/s (n8n's published figure for one instance).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.api.server import ApiServer, _bind, _Protocol
from app.engine.api_access import ApiAccess
from app.engine.events import EventBus
from app.scheduling.clock import Clock
from app.storage import settings
from app.storage.db import init_db
from app.workflow_file import import_text
from benchmarks.common import Anchor, Figure, Sizes, percentile, wait_until

CONNECTIONS = 16
EXECUTIONS_TARGET = 220.0
FLOWS = """
cueflow: 1
data_types:
  Order:
    fields: {ref: text, state: text}
workflows:
  ping:
    api: {expose: true, auth: token, respond: at_once}
    parameters:
      note: {type: text}
    steps:
      - action: log
        with: {message: "{{ note }}"}
  order:
    api: {expose: true, auth: token, respond: when_done}
    parameters:
      ref: {type: text}
    steps:
      - action: create_thing
        with: {type: Order, fields: {ref: "{{ ref }}", state: new}}
      - action: modify_thing
        with: {thing: "{{ step1 }}", fields: {state: paid}}
      - action: return_data
        with: {values: {order: "{{ step1.id }}"}}
"""


def measure(folder: Path, sizes: Sizes) -> list[Figure]:
    n = sizes.api_requests
    anchor = _anchor(folder / "api-anchor", n)
    at_once, when_done = _cueflow(folder / "api", n)
    executions_a = at_once["executions_per_s"]
    executions_b = when_done["requests_per_s"]
    p99 = when_done["p99_ms"]
    return [
        Figure(
            f"API at_once, 1-step workflow ({n:,} requests, {CONNECTIONS} connections)",
            at_once["requests_per_s"],
            "req/s",
            f"≥ 0.5× anchor, ≥ {EXECUTIONS_TARGET:.0f} executions/s",
            at_once["requests_per_s"] >= 0.5 * anchor["requests_per_s"]
            and executions_a >= EXECUTIONS_TARGET,
            [
                Anchor(
                    "bare Starlette endpoint, one SQLite insert per request",
                    anchor["requests_per_s"],
                )
            ],
            {**at_once, "anchor": anchor},
        ),
        Figure(
            f"API when_done, 3-step data workflow ({n:,} requests, {CONNECTIONS} connections): p99",
            p99,
            "ms",
            f"≤ 50 ms, ≥ {EXECUTIONS_TARGET:.0f} executions/s",
            p99 <= 50 and executions_b >= EXECUTIONS_TARGET,
            [
                Anchor(
                    "bare Starlette endpoint, one SQLite insert per request (p99)", anchor["p99_ms"]
                )
            ],
            when_done,
        ),
    ]


def mixed(folder: Path, n: int) -> dict[str, Any]:
    """`when_done` calls while `at_once` calls flood the same server (not a table row):
    16 connections of `at_once` (4n/3 calls) and, once they run, 16 of `when_done`
    (n/2 calls). Without a lane of their own, the awaited runs queued behind the
    backlog of `at_once` runs (issue 15, session 6)."""
    with _serving(folder, 10 * n) as (url, token, _clock):
        flood: dict[str, Any] = {}
        thread = threading.Thread(
            target=lambda: flood.update(_load(url + "/api/1.1/wf/ping", 4 * n // 3, "note", token))
        )
        thread.start()
        try:
            time.sleep(1.0)  # the flood is under way (its backlog builds up)
            waited = _load(url + "/api/1.1/wf/order", n // 2, "ref", token)
        finally:
            thread.join()
    return {"at_once": flood, "when_done": waited}


@contextlib.contextmanager
def _serving(folder: Path, max_pending: int) -> Iterator[tuple[str, str, Clock]]:
    """A clock and the API over a new database with FLOWS: the base URL, a token and
    the clock."""
    folder.mkdir(parents=True, exist_ok=True)
    db = init_db(f"sqlite:///{folder / 'cueflow.db'}")
    import_text(db, FLOWS)
    with db.write() as session:
        settings.set_value(session, "api.max_pending", str(max_pending))  # measure, not refuse
    events = EventBus()
    clock = Clock(db, events)
    clock.start()
    access = ApiAccess(db, events)
    token = access.create_token("bench")
    server = ApiServer(access, events, "127.0.0.1:0")
    server.start()
    try:
        yield server.url, token, clock
    finally:
        server.stop()
        clock.stop()
        db.dispose()


def _cueflow(folder: Path, n: int) -> tuple[dict[str, Any], dict[str, Any]]:
    with _serving(folder, 10 * n) as (url, token, clock):
        started = time.time()
        at_once = _load(url + "/api/1.1/wf/ping", n, "note", token)
        if not wait_until(lambda: _finished(folder, "ping") >= n, timeout=300, every=0.05):
            raise RuntimeError("the at_once runs did not all finish")
        at_once["executions_per_s"] = round(n / (_last_finish(folder, "ping") - started), 1)
        when_done = _load(url + "/api/1.1/wf/order", n, "ref", token)
        when_done["workers"] = clock.workers
    return at_once, when_done


def _finished(folder: Path, workflow: str) -> int:
    with sqlite3.connect(folder / "cueflow.db") as probe:
        return int(
            probe.execute(
                "SELECT count(*) FROM runs WHERE workflow = ? AND status = 'succeeded'",
                (workflow,),
            ).fetchone()[0]
        )


def _last_finish(folder: Path, workflow: str) -> float:
    from app.storage.models import from_db_time

    with sqlite3.connect(folder / "cueflow.db") as probe:
        last = probe.execute(
            "SELECT max(finished_at) FROM runs WHERE workflow = ?", (workflow,)
        ).fetchone()[0]
    return from_db_time(last).timestamp()


def _anchor(folder: Path, n: int) -> dict[str, Any]:
    """A bare Starlette endpoint on the same uvicorn stack: one insert per request."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    folder.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(folder / "anchor.db", check_same_thread=False)
    connection.isolation_level = None
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("CREATE TABLE hits (id INTEGER PRIMARY KEY, body TEXT, at REAL)")
    lock = threading.Lock()

    def insert(body: bytes) -> None:
        with lock:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO hits (body, at) VALUES (?, ?)", (body, time.time()))
            connection.execute("COMMIT")

    async def endpoint(request: Request) -> JSONResponse:
        from starlette.concurrency import run_in_threadpool

        await run_in_threadpool(insert, await request.body())
        return JSONResponse({"status": "success"})

    app = Starlette(routes=[Route("/hit", endpoint, methods=["POST"])])
    sock = _bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        http=_Protocol,
        loop="asyncio",
        lifespan="off",
        log_level="warning",
        access_log=False,
        limit_concurrency=1000,
        timeout_keep_alive=5,
        h11_max_incomplete_event_size=16 * 1024,
        server_header=False,  # (as the API's server: no Server header, no
        proxy_headers=False,  # X-Forwarded-* middleware)
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    wait_until(lambda: server.started, timeout=10)
    try:
        return _load(f"http://127.0.0.1:{port}/hit", n, "note", "")
    finally:
        server.should_exit = True
        thread.join(10)
        connection.close()


def _load(url: str, n: int, key: str, token: str) -> dict[str, Any]:
    """Run the load generator in its own process; its JSON summary."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.api", "load", url, str(n), key, token],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=Path(__file__).resolve().parent.parent,
    )
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    if result["statuses"].keys() - {"200", "202"}:
        raise RuntimeError(f"unexpected answers: {result['statuses']}")
    return result


async def _generate(url: str, n: int, key: str, token: str) -> dict[str, Any]:
    """`n` POSTs over CONNECTIONS keep-alive connections, each sending its next request
    as soon as the last is answered; latencies from the first byte sent to the last
    byte of the answer read.

    Plain HTTP/1.1 over asyncio streams (as wrk does: the request head is prepared
    once, an answer is read by its Content-Length), not an HTTP client library:
    the generator shares the machine's cores with the server, and httpx's own
    cost per request (about as much as the server's) was taken from the server.
    """
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    head = (
        f"POST {parts.path} HTTP/1.1\r\nHost: {host}:{port}\r\n{auth}"
        "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n"
    )
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    counter = iter(range(n))

    async def post(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, value: str) -> str:
        body = json.dumps({key: value}).encode()
        writer.write(head.format(len(body)).encode() + body)
        status = (await reader.readline()).split(b" ", 2)[1].decode()
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value_ = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value_)
        await reader.readexactly(length)
        return status

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for number in counter:
                start = time.perf_counter()
                status = await post(reader, writer, f"r{number}")
                latencies.append(time.perf_counter() - start)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    reader, writer = await asyncio.open_connection(host, port)
    await post(reader, writer, "warm-up")
    writer.close()
    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
    took = time.perf_counter() - began
    return {
        "requests_per_s": round(n / took, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "max_ms": round(max(latencies) * 1000, 2),
        "statuses": statuses,
    }


def _alone() -> None:
    """`python -m benchmarks.api [REQUESTS]`: just these figures (and their anchor);
    `python -m benchmarks.api mixed [REQUESTS]`: `when_done` under an `at_once` flood."""
    import tempfile
    from dataclasses import asdict

    if sys.argv[1:2] == ["mixed"]:
        n = int(sys.argv[2]) if sys.argv[2:] else Sizes().api_requests
        with tempfile.TemporaryDirectory(prefix="cueflow-bench-api-") as tmp:
            print(json.dumps(mixed(Path(tmp), n)))
        return
    sizes = Sizes(api_requests=int(sys.argv[1])) if sys.argv[1:] else Sizes()
    with tempfile.TemporaryDirectory(prefix="cueflow-bench-api-") as tmp:
        figures = measure(Path(tmp), sizes)
    for figure in figures:
        print(json.dumps(asdict(figure), ensure_ascii=False))


if __name__ == "__main__" and sys.argv[1:2] == ["load"]:
    url, count, param, bearer = sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
    print(json.dumps(asyncio.run(_generate(url, count, param, bearer))))
elif __name__ == "__main__":
    _alone()
