"""The process's write lock: reentrant, first come first served, and it says
when a writer that is not executing runs waits."""

from __future__ import annotations

import threading
import time

from app.storage.db import WriteLock


def _wait_for(condition: object, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < end, "condition not met in time"
        time.sleep(0.002)


def test_waiters_get_the_lock_in_the_order_they_came() -> None:
    lock = WriteLock()
    order: list[str] = []
    lock.acquire()
    lock.acquire()  # reentrant
    threads = []
    for name in ("first", "second", "third"):
        def take(name: str = name) -> None:
            lock.acquire(urgent=name == "third")
            order.append(name)
            lock.release()

        thread = threading.Thread(target=take)
        thread.start()
        threads.append(thread)
        waiting = len(threads)
        _wait_for(lambda: len(lock._queue) == waiting)  # noqa: B023 (read at once)
    assert lock.wanted  # "third" is not a run
    lock.release()
    assert order == []  # still held once
    lock.release()
    for thread in threads:
        thread.join(5)
    assert order == ["first", "second", "third"]
    assert not lock.wanted


def test_only_writers_that_are_not_runs_are_wanted() -> None:
    lock = WriteLock()
    lock.acquire()
    worker = threading.Thread(target=lambda: (lock.acquire(urgent=False), lock.release()))
    worker.start()
    _wait_for(lambda: len(lock._queue) == 1)
    assert not lock.wanted
    lock.release()
    worker.join(5)
