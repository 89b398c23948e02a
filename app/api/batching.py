"""Group commit for the API's run starts: the calls that arrive while one write
transaction is open share the next one.

One thread takes every start waiting in its queue (up to `MAX_BATCH`) and
hands them to `ApiAccess.start_many`, which writes each in a savepoint of one
transaction and returns once it has committed. Each call is then answered
with its own result: a call whose start failed gets its error, the others
their runs. A commit that fails fails every call of the batch, and none of
their runs exists. So an answer never precedes its commit, and a call costs
one thread hop instead of a transaction of its own (a commit's WAL writes
cost more than the few statements of a start). The hand-overs between
threads are batched too: the calls an event-loop turn admits are queued
together after it (one wake of the thread, not one per call, and by a pipe
write, which lets the GIL go), and the answers of a transaction reach each
loop in one callback (one wake of the loop): under load a thread's wake cost
as much of the GIL's time as the transaction it asked for.

The new runs are announced to the clock after the answers are on their way
(handing runs to the workers wakes them, which costs the GIL's time; the
answers need not wait for it: the runs are committed, and a waiting call's
ticket was taken before). Those of calls that wait (`when_done`) are
announced as awaited: the clock's workers take them before the runs already
queued.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass

from app.api.threads import Inbox
from app.api.waiting import RunWaiter, Ticket
from app.engine.api_access import ApiAccess, Started, StartRequest

log = logging.getLogger(__name__)
MAX_BATCH = 64  # starts in one transaction (it holds the write lock for about 5 ms)

_Begun = tuple[Started, Ticket | None]


@dataclass
class _Item:
    request: StartRequest
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[_Begun]
    wait: bool  # the call will wait for the run's end (when_done)


class ServerStopped(Exception):
    """The API stopped before the start was written (nothing was started)."""


class StartBatcher:
    def __init__(
        self, access: ApiAccess, waiter: RunWaiter | None = None, max_batch: int = MAX_BATCH
    ) -> None:
        self.access = access
        self.waiter = waiter
        self.max_batch = max_batch
        self._inbox: Inbox[_Item | None] | None = None  # (with the thread; None: stop)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False
        # Calls admitted in this turn of their event loop, queued by _flush after it.
        self._outbox: list[_Item] = []

    async def start(self, request: StartRequest, *, wait: bool = False) -> _Begun:
        """The call's run, started once its transaction has committed (or its error).

        With `wait` (and a waiter), also the ticket to wait for a new run's end
        with (RunWaiter.wait), taken before the run was announced to the clock:
        the caller must wait with it.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[_Begun] = loop.create_future()
        with self._lock:
            if self._closed:
                raise ServerStopped("the workflow API is stopping")
            if self._thread is None:
                self._inbox = Inbox()
                self._thread = threading.Thread(
                    target=self._serve, args=(self._inbox,), name="cueflow-api-starts", daemon=True
                )
                self._thread.start()
            self._outbox.append(_Item(request, loop, future, wait))
            first = len(self._outbox) == 1
        if first:
            loop.call_soon(self._flush)
        return await future

    def _flush(self) -> None:
        """After an event-loop turn: hand the calls it admitted to the thread, together
        (it takes them in one transaction)."""
        with self._lock:
            items, self._outbox = self._outbox, []
            if items and self._inbox is not None:
                self._inbox.put(items)

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued, then end the thread."""
        with self._lock:
            self._closed = True
            thread = self._thread
            items: list[_Item | None] = [*self._outbox, None]  # (a _flush may never come now)
            self._outbox = []
            if self._inbox is not None:
                self._inbox.put(items)
        if thread is not None:
            thread.join(timeout)

    def _serve(self, inbox: Inbox[_Item | None]) -> None:
        try:
            while True:
                taken = inbox.take(self.max_batch)
                batch = [item for item in taken if item is not None]
                if batch:
                    self._write(batch)
                if len(batch) < len(taken):
                    return
        finally:
            inbox.close()

    def _write(self, batch: list[_Item]) -> None:
        results: list[Started | Exception]
        try:
            results = self.access.start_many([item.request for item in batch], announce=False)
        except Exception as exc:  # the transaction did not commit: no run of it exists
            log.warning("could not write %d API run start(s): %s", len(batch), exc)
            results = [exc] * len(batch)
        answers: list[_Begun | Exception] = []
        new: list[str] = []
        awaited: list[str] = []
        for item, result in zip(batch, results, strict=True):
            if isinstance(result, Exception):
                answers.append(result)
                continue
            ticket = None
            if not result.repeated:
                new.append(result.run_id)
                if item.wait and self.waiter is not None:
                    ticket = self.waiter.expect(result.run_id, item.loop)
                    awaited.append(result.run_id)
            answers.append((result, ticket))
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Item, _Begun | Exception]]] = {}
        for item, answer in zip(batch, answers, strict=True):
            by_loop.setdefault(item.loop, []).append((item, answer))
        for loop, settled in by_loop.items():
            try:  # (one wake of the loop for all its calls)
                loop.call_soon_threadsafe(self._settle_all, settled)
            except RuntimeError:  # its loop is closed (the server stopped)
                self._settle_all(settled, closed=True)
        try:  # (after the answers, see the module; if it fails, the clock's ledger poll
            # finds them)
            self.access.announce(new, awaited)
        except Exception:
            log.exception("could not announce API runs %s", ", ".join(new))

    def _settle_all(
        self, settled: list[tuple[_Item, _Begun | Exception]], closed: bool = False
    ) -> None:
        for item, answer in settled:
            self._settle(item, answer, closed)

    def _settle(self, item: _Item, answer: _Begun | Exception, closed: bool = False) -> None:
        future = item.future
        if closed or future.done():  # the call was cancelled (its client went away)
            if not isinstance(answer, Exception) and answer[1] is not None and self.waiter:
                self.waiter.forget(answer[0].run_id, answer[1])
            return
        if isinstance(answer, Exception):
            future.set_exception(answer)
        else:
            future.set_result(answer)
