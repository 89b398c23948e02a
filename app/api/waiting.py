"""How a `when_done` call waits for its run: woken by the run's end event on the
process's EventBus, with a ledger read every second as a fallback (a run
executed by another process, a missed event).

The ledger is read when the run has ended (or at the fallback), not before:
the waiter remembers the runs that ended lately, so a run that ended before
its call began waiting is not missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from app.api.threads import DbThreads
from app.engine.api_access import ENDED, ApiAccess, RunState
from app.engine.events import EventBus, RunChanged

POLL_SECONDS = 1.0
RECENT = 4096  # ended runs remembered (a call begins waiting milliseconds after its run starts)


class RunWaiter:
    def __init__(self, access: ApiAccess, events: EventBus, threads: DbThreads) -> None:
        self.access = access
        self.threads = threads
        self._waiting: dict[str, list[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self._unsubscribe: Callable[[], None] = events.subscribe(self._on_event)

    def close(self) -> None:
        self._unsubscribe()

    def _on_event(self, event: Any) -> None:
        """On a worker thread: note the run's end and wake the calls waiting for it."""
        if not isinstance(event, RunChanged) or event.status not in ENDED:
            return
        with self._lock:
            self._recent[event.run_id] = None
            if len(self._recent) > RECENT:
                self._recent.popitem(last=False)
            waiting = list(self._waiting.get(event.run_id, ()))
        for loop, flag in waiting:
            with contextlib.suppress(RuntimeError):  # its loop is closed (the server stopped)
                loop.call_soon_threadsafe(flag.set)

    async def wait(
        self, run_id: str, seconds: float, *, look_first: bool = False
    ) -> RunState | None:
        """The run's state once it has ended, or after `seconds` as it is then
        (`look_first`: read it at once, e.g. a run an earlier call started)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        entry = (loop, asyncio.Event())
        with self._lock:
            self._waiting.setdefault(run_id, []).append(entry)
        try:
            poll = look_first or seconds <= 0
            while True:
                entry[1].clear()  # set again by a later end (a run resumed and ended again)
                with self._lock:
                    ended = run_id in self._recent
                left = deadline - loop.time()
                if ended or poll or left <= 0:
                    state = await self.threads.run(self.access.state, run_id)
                    if state is None or state.done or left <= 0:
                        return state
                try:
                    await asyncio.wait_for(entry[1].wait(), max(0.0, min(left, POLL_SECONDS)))
                    poll = False
                except TimeoutError:
                    poll = True  # no event: read the ledger (another process may run it)
        finally:
            with self._lock:
                entries = self._waiting.get(run_id, [])
                if entry in entries:
                    entries.remove(entry)
                if not entries:
                    self._waiting.pop(run_id, None)
