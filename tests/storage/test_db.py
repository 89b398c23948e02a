"""app/storage/db.py: the process's write lock: reentrant, and runs make way for other writers."""

from __future__ import annotations

import threading
import time

from app.storage.db import WriteLock
from tests.support.waiting import wait_until


def _thread(lock: WriteLock, urgent: bool, order: list[str], name: str) -> threading.Thread:
    def take() -> None:
        lock.acquire(urgent=urgent)
        order.append(name)
        lock.release()

    thread = threading.Thread(target=take)
    thread.start()
    return thread


def test_a_waiting_writer_goes_before_runs_that_come_after_it() -> None:
    lock = WriteLock()
    order: list[str] = []
    lock.acquire(urgent=False)  # a worker holding it for a batch of runs
    lock.acquire(urgent=False)  # reentrant
    assert not lock.wanted
    editor = _thread(lock, True, order, "edit")
    wait_until(lambda: lock.wanted, timeout=5, every=0.002)  # the worker sees it and ends its batch
    worker = _thread(lock, False, order, "run")
    # The second worker is held back at the gate. No state shows that it got there
    # (it blocks inside acquire()), so this gives it the time to.
    time.sleep(0.05)
    lock.release()
    assert order == []  # still held once
    lock.release()
    editor.join(5)
    worker.join(5)
    assert order == ["edit", "run"]
    assert not lock.wanted


def test_a_holder_may_take_it_again_while_a_writer_waits() -> None:
    lock = WriteLock()
    order: list[str] = []
    lock.acquire(urgent=False)
    editor = _thread(lock, True, order, "edit")
    wait_until(lambda: lock.wanted, timeout=5, every=0.002)
    lock.acquire(urgent=False)  # must not wait for the writer that waits for it
    lock.release()
    lock.release()
    editor.join(5)
    assert order == ["edit"]
