"""The threads the API's database calls run on (fewer than Starlette's forty), and
how work is handed to the API's own threads (Inbox).

More threads than the engine's pooled connections (5 + 10 overflow) make
SQLAlchemy open and close a connection (with its PRAGMAs) per call; the
clock's workers and watcher need connections too.
"""

from __future__ import annotations

import functools
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

import anyio
import anyio.to_thread

T = TypeVar("T")
DB_THREADS = 12  # below the engine pool (5 + 10 overflow): no connection churn


class DbThreads:
    def __init__(self, size: int | None = None) -> None:
        self.size = size or DB_THREADS
        self._limiter: anyio.CapacityLimiter | None = None

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        if self._limiter is None:  # made on the server's own event loop
            self._limiter = anyio.CapacityLimiter(self.size)
        return await anyio.to_thread.run_sync(functools.partial(fn, *args), limiter=self._limiter)


class Inbox(Generic[T]):
    """Items handed to one consumer thread, which sleeps in a pipe read while there
    are none.

    Not a queue.SimpleQueue: its put wakes the getter with the GIL held, and under
    load the waker was often switched out still holding it (py-spy: the event
    loop held the GIL in that put for a third of its samples). A write to the
    pipe lets the GIL go around the system call. Only a sleeping consumer is
    woken: items put while it works are taken in its next round, together.
    """

    def __init__(self) -> None:
        self._items: deque[T] = deque()
        self._lock = threading.Lock()
        self._sleeping = False
        self._closed = False
        self._read_end, self._write_end = os.pipe()

    def __len__(self) -> int:
        return len(self._items)

    def put(self, items: Iterable[T]) -> None:
        with self._lock:  # (the write too: close() cannot come between)
            self._items.extend(items)
            if self._sleeping and self._items:
                self._sleeping = False
                os.write(self._write_end, b"\0")

    def take(self, at_most: int) -> list[T]:
        """(The consumer) at least one item and at most `at_most`, in order."""
        while True:
            with self._lock:
                if self._items:
                    count = min(at_most, len(self._items))
                    return [self._items.popleft() for _ in range(count)]
                self._sleeping = True  # (before the read: a put from now on writes)
            os.read(self._read_end, 4096)  # until woken (a stale byte: one more round)

    def close(self) -> None:
        """(The consumer, when it stops) release the pipe; nothing is woken after."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._sleeping = False
                os.close(self._read_end)
                os.close(self._write_end)
