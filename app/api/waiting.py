"""How a `when_done` call waits for its run: woken by the run's RunChanged
event on the process's EventBus, with a ledger read every second as a fallback
(a run executed by another process, a missed event)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any

from app.api.threads import DbThreads
from app.engine.api_access import ApiAccess, RunState
from app.engine.events import EventBus, RunChanged

POLL_SECONDS = 1.0


class RunWaiter:
    def __init__(self, access: ApiAccess, events: EventBus, threads: DbThreads) -> None:
        self.access = access
        self.threads = threads
        self._waiting: dict[str, list[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}
        self._lock = threading.Lock()
        self._unsubscribe: Callable[[], None] = events.subscribe(self._on_event)

    def close(self) -> None:
        self._unsubscribe()

    def _on_event(self, event: Any) -> None:
        """On a worker thread: wake the calls waiting for this run on their own loop."""
        if not isinstance(event, RunChanged):
            return
        with self._lock:
            waiting = list(self._waiting.get(event.run_id, ()))
        for loop, flag in waiting:
            with contextlib.suppress(RuntimeError):  # its loop is closed (the server stopped)
                loop.call_soon_threadsafe(flag.set)

    async def wait(self, run_id: str, seconds: float) -> RunState | None:
        """The run's state once it has ended, or after `seconds` as it is then."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        entry = (loop, asyncio.Event())
        with self._lock:
            self._waiting.setdefault(run_id, []).append(entry)
        try:
            while True:
                entry[1].clear()  # set again by any later change of the run
                state = await self.threads.run(self.access.state, run_id)
                left = deadline - loop.time()
                if state is None or state.done or left <= 0:
                    return state
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(entry[1].wait(), min(left, POLL_SECONDS))
        finally:
            with self._lock:
                entries = self._waiting.get(run_id, [])
                if entry in entries:
                    entries.remove(entry)
                if not entries:
                    self._waiting.pop(run_id, None)
