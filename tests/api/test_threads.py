"""Handing work to the API's own threads (app/api/threads.py: Inbox)."""

from __future__ import annotations

import threading

from app.api.threads import Inbox
from tests.support.waiting import wait_until


def test_a_sleeping_consumer_is_woken_and_takes_what_was_put_in_order() -> None:
    inbox: Inbox[int] = Inbox()
    taken: list[list[int]] = []

    def consume() -> None:
        while True:
            items = inbox.take(3)
            taken.append(items)
            if items[-1] == -1:
                return

    consumer = threading.Thread(target=consume, daemon=True)
    consumer.start()
    assert wait_until(lambda: inbox._sleeping, timeout=10)  # in its read, nothing to take
    inbox.put([1, 2, 3, 4, 5])
    assert wait_until(lambda: sum(len(t) for t in taken) == 5, timeout=10)
    assert taken == [[1, 2, 3], [4, 5]]  # at most 3 a time, in order
    assert wait_until(lambda: inbox._sleeping, timeout=10)
    inbox.put([6, -1])
    consumer.join(10)
    assert not consumer.is_alive()
    assert taken[-1] == [6, -1]
    inbox.close()
    inbox.put([7])  # after close: kept, nobody woken, no error
    assert len(inbox) == 1


def test_items_put_while_the_consumer_works_wake_nobody_and_come_together() -> None:
    inbox: Inbox[str] = Inbox()
    inbox.put(["a"])  # nobody sleeps yet: no byte written
    inbox.put(["b", "c"])
    assert inbox.take(10) == ["a", "b", "c"]
    assert not inbox._sleeping
    inbox.close()
