"""The threads the API's database calls run on: fewer than Starlette's forty.

More threads than the engine's pooled connections (5 + 10 overflow) make
SQLAlchemy open and close a connection (with its PRAGMAs) per call; the
clock's workers and watcher need connections too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

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
