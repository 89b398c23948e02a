"""Group commit for the API's run starts: the calls that arrive while one write
transaction is open share the next one.

One thread takes every start waiting in its queue (up to `MAX_BATCH`) and
hands them to `ApiAccess.start_many`, which writes each in a savepoint of one
transaction and returns once it has committed. Each call is then answered
with its own result: a call whose start failed gets its error, the others
their runs. A commit that fails fails every call of the batch, and none of
their runs exists. So an answer never precedes its commit, and a call costs
one thread hop instead of a transaction of its own (a commit's WAL writes
cost more than the few statements of a start).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading

from app.engine.api_access import ApiAccess, Started, StartRequest

log = logging.getLogger(__name__)
MAX_BATCH = 64  # starts in one transaction (it holds the write lock for about 5 ms)

_Item = tuple[StartRequest, asyncio.AbstractEventLoop, "asyncio.Future[Started]"]


class ServerStopped(Exception):
    """The API stopped before the start was written (nothing was started)."""


class StartBatcher:
    def __init__(self, access: ApiAccess, max_batch: int = MAX_BATCH) -> None:
        self.access = access
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False

    async def start(self, request: StartRequest) -> Started:
        """The call's run, started once its transaction has committed (or its error)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Started] = loop.create_future()
        with self._lock:
            if self._closed:
                raise ServerStopped("the workflow API is stopping")
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._serve, name="cueflow-api-starts", daemon=True
                )
                self._thread.start()
            self._queue.put((request, loop, future))
        return await future

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued, then end the thread."""
        with self._lock:
            self._closed = True
            thread = self._thread
            self._queue.put(None)
        if thread is not None:
            thread.join(timeout)

    def _serve(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            batch = [item]
            stop = False
            while len(batch) < self.max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
            self._write(batch)
            if stop:
                return

    def _write(self, batch: list[_Item]) -> None:
        results: list[Started | Exception]
        try:
            results = self.access.start_many([request for request, _, _ in batch])
        except Exception as exc:  # the transaction did not commit: no run of it exists
            log.warning("could not write %d API run start(s): %s", len(batch), exc)
            results = [exc] * len(batch)
        for (_, loop, future), result in zip(batch, results, strict=True):
            with contextlib.suppress(RuntimeError):  # its loop is closed (the server stopped)
                loop.call_soon_threadsafe(_settle, future, result)


def _settle(future: asyncio.Future[Started], result: Started | Exception) -> None:
    if future.done():  # the call was cancelled (its client went away)
        return
    if isinstance(result, Exception):
        future.set_exception(result)
    else:
        future.set_result(result)
