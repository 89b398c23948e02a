"""How a `when_done` call waits for its run: woken by the run's end event on the
process's EventBus, with a ledger read every second as a fallback (a run
executed by another process, a missed event).

A call waits on a Ticket. The run's end event (on a worker thread) hands the
run to one reader thread, which gives each ticket its run's state (all of a
round's tickets in one callback on their event loop): the call is answered
without a thread hop of its own, and the worker is not held up. The runner's
end event of a finished run carries the run's end as written (RunChanged.whole:
status, error, the masked `returned`), and the state is made from it; other
ends (a run failed outside its steps, say) are read from the ledger, those of
one round in one transaction.
A call's ticket is taken out before its run is announced to the scheduler
(see StartBatcher), so the end cannot come before anyone waits for it; for
other calls, the waiter remembers the runs that ended lately, so a run that
ended before its call began waiting is not missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.api.threads import DbThreads, Inbox
from app.engine.api_access import ENDED, ApiAccess, RunState
from app.engine.events import EventBus, RunChanged

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0
RECENT = 4096  # ended runs remembered (a call begins waiting milliseconds after its run starts)
MAX_READ = 64  # ended runs read in one transaction


@dataclass(eq=False)
class Ticket:
    """One call's wait for one run: `state` is set (on the call's loop) when its end was read."""

    loop: asyncio.AbstractEventLoop
    flag: asyncio.Event = field(default_factory=asyncio.Event)
    state: RunState | None = None


class RunWaiter:
    def __init__(self, access: ApiAccess, events: EventBus, threads: DbThreads) -> None:
        self.access = access
        self.threads = threads
        self._waiting: dict[str, list[Ticket]] = {}
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self._reads: Inbox[str | RunState | None] = Inbox()  # (an end to read or made; None: stop)
        self._reader: threading.Thread | None = None
        self._closed = False
        self._unsubscribe: Callable[[], None] = events.subscribe(self._on_event)

    def close(self, timeout: float = 5.0) -> None:
        self._unsubscribe()
        with self._lock:
            self._closed = True
            reader = self._reader
        if reader is None:
            self._reads.close()
            return
        self._reads.put([None])
        reader.join(timeout)

    def expect(self, run_id: str, loop: asyncio.AbstractEventLoop) -> Ticket:
        """A ticket for a call that will wait for `run_id` (from any thread)."""
        ticket = Ticket(loop)
        with self._lock:
            self._waiting.setdefault(run_id, []).append(ticket)
        return ticket

    def forget(self, run_id: str, ticket: Ticket) -> None:
        with self._lock:
            tickets = self._waiting.get(run_id, [])
            if ticket in tickets:
                tickets.remove(ticket)
            if not tickets:
                self._waiting.pop(run_id, None)

    def _on_event(self, event: Any) -> None:
        """On a worker thread: note the run's end; have it read if a call waits for it."""
        if not isinstance(event, RunChanged) or event.status not in ENDED:
            return
        with self._lock:
            self._recent[event.run_id] = None
            if len(self._recent) > RECENT:
                self._recent.popitem(last=False)
            if event.run_id not in self._waiting or self._closed:
                return
            if self._reader is None:
                self._reader = threading.Thread(
                    target=self._read, name="cueflow-api-ends", daemon=True
                )
                self._reader.start()
        self._reads.put([_state_of(event) if event.whole else event.run_id])

    def _read(self) -> None:
        """The reader thread: the ended runs waited for, read together, handed to their calls."""
        try:
            self._read_ends()
        finally:
            self._reads.close()

    def _read_ends(self) -> None:
        while True:
            taken = self._reads.take(MAX_READ)
            stop = None in taken
            latest: dict[str, str | RunState] = {}  # (a run that ended twice: its last end)
            for one in taken:
                if one is not None:
                    latest[one if isinstance(one, str) else one.run_id] = one
            if not latest:
                return
            ids = list(latest)
            states = {one: end for one, end in latest.items() if isinstance(end, RunState)}
            to_read = [one for one, end in latest.items() if isinstance(end, str)]
            if to_read:
                try:
                    states |= self.access.states(to_read)
                except Exception:  # the calls read the ledger themselves at their next poll
                    log.exception("reading the ends of runs %s failed", ", ".join(to_read))
            # One callback per event loop for all the ends read (one wake of it).
            by_loop: dict[asyncio.AbstractEventLoop, list[tuple[Ticket, RunState]]] = {}
            for one in ids:
                state = states.get(one)
                if state is None:
                    continue
                with self._lock:
                    tickets = list(self._waiting.get(one, ()))
                for ticket in tickets:
                    by_loop.setdefault(ticket.loop, []).append((ticket, state))
            for loop, delivered in by_loop.items():
                with contextlib.suppress(RuntimeError):  # its loop is closed
                    loop.call_soon_threadsafe(_deliver_all, delivered)
            if stop:
                return

    async def wait(
        self,
        run_id: str,
        seconds: float,
        *,
        look_first: bool = False,
        ticket: Ticket | None = None,
    ) -> RunState | None:
        """The run's state once it has ended, or after `seconds` as it is then
        (`look_first`: read it at once, e.g. a run an earlier call started;
        `ticket`: the one `expect` gave before the run was announced). A state made
        from the run's end event has no `origin` ('') nor `run_as` (None): it is
        for the call's answer, which needs neither."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        # A ticket taken before the run was announced gets its end from the reader;
        # one taken now may come after the end, which `_recent` then tells.
        late = ticket is None
        if ticket is None:
            ticket = self.expect(run_id, loop)
        try:
            poll = look_first or seconds <= 0
            while True:
                ticket.flag.clear()  # set again by a later end (a run resumed and ended again)
                delivered, ticket.state = ticket.state, None
                if delivered is not None and delivered.done:
                    return delivered
                with self._lock:
                    ended = late and delivered is None and run_id in self._recent
                left = deadline - loop.time()
                if ended or poll or left <= 0:
                    state = await self.threads.run(self.access.state, run_id)
                    if state is None or state.done or left <= 0:
                        return state
                try:
                    # (a timeout scope, not wait_for: no task of its own per wait)
                    async with asyncio.timeout(max(0.0, min(left, POLL_SECONDS))):
                        await ticket.flag.wait()
                    poll = False
                except TimeoutError:
                    poll = True  # no event: read the ledger (another process may run it)
        finally:
            self.forget(run_id, ticket)


def _state_of(event: RunChanged) -> RunState:
    """The state a run's whole end event tells (what finish() wrote)."""
    return RunState(event.run_id, event.workflow, event.status, "", event.error, event.returned)


def _deliver_all(delivered: list[tuple[Ticket, RunState]]) -> None:
    for ticket, state in delivered:
        ticket.state = state
        ticket.flag.set()
