"""The workflow API's server: uvicorn in its own thread, with its own event loop,
beside the scheduler of the process that runs it (window, tray, `cueflow runner`).

The listening socket is bound by `start()` in the caller's thread, so a busy
port is a clear error there, not a dying thread. Limits (PRODUCT §6 and what
keeps memory bounded): at most `max_connections` open connections (past it,
an idle one is closed, else the new one) and as many requests in progress, a
connection idle for `keep_alive` seconds is closed (the first request
included), request heads of at most 16 KiB (h11) sent within `read_timeout`
seconds (a head sent a byte at a time is cut off), bodies of at most
api.max_body bytes read within `read_timeout` seconds.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from app.api.batching import StartBatcher
from app.api.routes import ApiApp
from app.api.threads import DbThreads
from app.api.waiting import RunWaiter
from app.engine.api_access import ApiAccess, split_listen
from app.engine.events import EventBus
from app.errors import BadInput

log = logging.getLogger(__name__)
HEAD_LIMIT = 16 * 1024  # bytes of a request's line and headers
START_SECONDS = 10.0


class _Protocol(H11Protocol):
    """h11 as uvicorn runs it, plus: a cap on open connections (past it, an idle
    one is closed, else the new one), and the idle timeout armed from the
    connection's start (uvicorn arms it only after a response, so a connection
    that never sends anything would stay open for ever)."""

    max_connections = 1000
    head_seconds = 30.0  # a request's line and headers must come within this time

    def connection_made(self, transport: Any) -> None:
        self._head_timer: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        if len(self.connections) > self.max_connections and not self._evict_idle():
            transport.close()
            return
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )

    def data_received(self, data: bytes) -> None:
        """Bound the time a request head may take: uvicorn's idle timer stops at the
        first byte, so a head sent a byte at a time (slowloris) was never cut off."""
        super().data_received(data)
        if self._waiting_for_head():
            if self._head_timer is None and not self.transport.is_closing():
                self._head_timer = self.loop.call_later(self.head_seconds, self._head_too_slow)
        elif self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().connection_lost(exc)

    def _waiting_for_head(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self._waiting_for_head() and not self.transport.is_closing():
            self.transport.close()

    def _evict_idle(self) -> bool:
        """Close another connection that has no request in progress (a flood of idle
        connections then cannot lock callers out); False when every one is busy."""
        for other in list(self.connections):
            if other is self or not isinstance(other, H11Protocol):
                continue
            if other.cycle is None or other.cycle.response_complete:
                other.transport.close()
                self.connections.discard(other)
                return True
        return False


class ApiServer:
    def __init__(
        self,
        access: ApiAccess,
        events: EventBus,
        listen: str,
        *,
        read_timeout: float = 30.0,
        keep_alive: float = 5.0,
        max_connections: int = 1000,
    ) -> None:
        self.access = access
        self.events = events
        self.host, self.port = split_listen(listen)
        self.read_timeout = read_timeout
        self.keep_alive = keep_alive
        self.max_connections = max_connections
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._waiter: RunWaiter | None = None
        self._starts: StartBatcher | None = None
        self.error: BaseException | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        """Bind and serve; returns once the server answers (BadInput if it cannot bind)."""
        sock = _bind(self.host, self.port)
        self.port = int(sock.getsockname()[1])
        self._waiter = RunWaiter(self.access, self.events, DbThreads())
        self._starts = StartBatcher(self.access, self._waiter)
        routes = ApiApp(
            self.access, self._waiter, read_timeout=self.read_timeout, starts=self._starts
        )
        protocol = type(
            "CueflowH11",
            (_Protocol,),
            {"max_connections": self.max_connections, "head_seconds": self.read_timeout},
        )
        config = uvicorn.Config(
            routes.asgi,
            http=protocol,
            loop="asyncio",
            interface="asgi3",  # (a bound method: uvicorn would guess ASGI 2)
            lifespan="off",
            log_level="warning",
            access_log=False,
            # uvicorn counts open connections too: ours never pass the cap (see _Protocol)
            limit_concurrency=self.max_connections + 1,
            timeout_keep_alive=int(max(1, self.keep_alive)),
            h11_max_incomplete_event_size=HEAD_LIMIT,
            server_header=False,
            # No X-Forwarded-* rewriting of the client's address: nothing here reads
            # it, and uvicorn's middleware for it cost a step per request.
            proxy_headers=False,
            timeout_graceful_shutdown=2,  # a waiting when_done call never holds a stop up
        )
        server = uvicorn.Server(config)
        self._server = server

        def serve() -> None:
            try:
                asyncio.run(server.serve(sockets=[sock]))
            except BaseException as exc:  # a crash of the server must not pass silently
                self.error = exc
                log.exception("workflow API server stopped")
            finally:
                sock.close()

        self._thread = threading.Thread(target=serve, name="cueflow-api", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_SECONDS
        while not server.started and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        if not server.started:
            self.stop()
            raise BadInput(f"the workflow API could not start on {self.host}:{self.port}")
        log.info("workflow API listening on %s", self.url)

    def stop(self, timeout: float = 5.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive() and self._server is not None:
                self._server.force_exit = True
                self._thread.join(timeout)
        if self._waiter is not None:
            self._waiter.close()
        if self._starts is not None:
            self._starts.close()
        self._server = self._thread = self._waiter = None
        self._starts = None


def _bind(host: str, port: int) -> socket.socket:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError) as exc:
        raise BadInput(f"the workflow API cannot listen on {host}:{port}: {exc}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError as exc:
        sock.close()
        raise BadInput(
            f"the workflow API cannot listen on {host}:{port}: {exc.strerror or exc}"
        ) from None
    sock.setblocking(False)
    return sock


def start_if_enabled(
    access: ApiAccess, events: EventBus, listen: str | None = None
) -> ApiServer | None:
    """Start the API when `listen` is given (runner --api; "": at api.listen) or when
    api.enabled is yes; None when it stays off."""
    if not listen:
        config = access.config()
        if listen is None and not config.enabled:
            return None
        listen = config.listen
    server = ApiServer(access, events, listen)
    server.start()
    return server
