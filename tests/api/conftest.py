"""A real workflow API server on a free loopback port, over a running clock."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from app.api.server import ApiServer
from app.engine.api_access import ApiAccess
from app.engine.events import EventBus
from app.storage import settings
from app.storage.db import Database

# A workflow of every parameter type, and the shapes of §6's answers.
FLOWS = """
cueflow: 1
data_types:
  User:
    fields: {email: text, name: text}
things:
  User:
    - {email: ada@example.com, name: Ada}
workflows:
  every_type:
    api: {expose: true, auth: token, method: POST, respond: when_done}
    parameters:
      words: {type: text}
      count: {type: number, optional: true}
      flag: {type: yes/no, optional: true}
      when: {type: date, optional: true}
      who: {type: User, optional: true}
      tags: {type: list of text, optional: true}
      numbers: {type: list of number, optional: true}
    steps:
      - action: return_data
        with:
          values:
            words: "{{ words }}"
            count: "{{ count }}"
            flag: "{{ flag }}"
            when: "{{ when.isoformat() if when else none }}"
            who: "{{ who.name if who else none }}"
            tags: "{{ tags }}"
            numbers: "{{ numbers }}"
            me: "{{ current_user.name if current_user else none }}"
  by_get:
    api: {expose: true, auth: none, method: GET, respond: when_done}
    parameters:
      n: {type: number}
      flag: {type: yes/no, optional: true}
    steps:
      - action: return_data
        with: {values: {double: "{{ n * 2 }}", flag: "{{ flag }}"}}
  every_get:
    api: {expose: true, auth: none, method: GET}
    parameters:
      words: {type: text}
      count: {type: number}
      flag: {type: yes/no}
      when: {type: date}
      who: {type: User}
      tags: {type: list of text}
    steps:
      - action: return_data
        with:
          values:
            words: "{{ words }}"
            count: "{{ count }}"
            flag: "{{ flag }}"
            when: "{{ when.isoformat() }}"
            who: "{{ who.name }}"
            tags: "{{ tags }}"
  at_once:
    api: {expose: true, auth: none, respond: at_once}
    parameters:
      note: {type: text, optional: true}
    steps:
      - action: log
        with: {message: "{{ note }}"}
  failing:
    api: {expose: true, auth: none}
    steps:
      - action: http_request
        with: {method: GET, url: "http://127.0.0.1:9/nothing", timeout: 2}
  stopping:
    api: {expose: true, auth: none}
    steps:
      - action: terminate
  picky:
    only_when: "n > 0"
    api: {expose: true, auth: none}
    parameters:
      n: {type: number}
    steps:
      - action: return_data
        with: {values: {n: "{{ n }}"}}
  picky_ok:
    only_when: "n > 0"
    api: {expose: true, auth: none, return_200_if_condition_unmet: true}
    parameters:
      n: {type: number}
    steps:
      - action: log
        with: {message: ok}
  slow:
    api: {expose: true, auth: none}
    parameters:
      url: {type: text}
    steps:
      - action: http_request
        with: {method: GET, url: "{{ url }}", timeout: 30}
  hidden:
    steps:
      - action: log
        with: {message: not exposed}
"""


@dataclass
class Api:
    db: Database
    access: ApiAccess
    server: ApiServer
    events: EventBus

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, **options: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **options)

    def token(self, label: str = "site", run_as: str | None = None) -> str:
        return self.access.create_token(label, run_as)

    def count_runs(self) -> int:
        with self.db.read() as session:
            from sqlalchemy import func, select

            from app.storage import models as m

            return int(session.scalar(select(func.count()).select_from(m.Run)) or 0)


def set_setting(db: Database, key: str, value: str) -> None:
    with db.write() as session:
        settings.set_value(session, key, value)


@pytest.fixture
def api_server(
    db: Database, events: EventBus, running_clock: Callable[..., Any]
) -> Iterator[Callable[..., Api]]:
    """`api_server(flows=FLOWS, **server_options)`: import, start a clock and the API."""
    servers: list[ApiServer] = []

    def start(flows: str | None = FLOWS, **options: Any) -> Api:
        running_clock(flows)
        access = ApiAccess(db, events)
        server = ApiServer(access, events, "127.0.0.1:0", **options)
        server.start()
        servers.append(server)
        return Api(db, access, server, events)

    yield start
    for server in servers:
        server.stop()


@dataclass
class Gate:
    """A loopback HTTP server whose answer waits until the test opens the gate."""

    url: str
    opened: threading.Event


@pytest.fixture
def gate() -> Iterator[Gate]:
    opened = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            opened.wait(30)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(b"{}")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Gate(f"http://127.0.0.1:{server.server_address[1]}/wait", opened)
    opened.set()
    server.shutdown()
    server.server_close()
