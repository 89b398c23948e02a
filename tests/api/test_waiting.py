"""How `when_done` calls get their runs' ends (app/api/waiting.py), over a real
SQLite ledger and a running clock executing the runs."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from typing import Any

from app.api.threads import DbThreads
from app.api.waiting import RunWaiter
from app.engine.api_access import PUBLIC_CALLER, ApiAccess, RunState, Started, StartRequest
from app.engine.events import EventBus
from app.storage.db import Database
from tests.api.conftest import FLOWS

READER_THREAD = "cueflow-api-ends"


def test_the_ends_read_together_reach_their_calls_in_one_wake_of_the_loop(
    db: Database, events: EventBus, running_clock: Callable[..., Any]
) -> None:
    """Five runs end while the reader is busy with the first: the other four are read
    together and handed to their calls' event loop in one callback, not four."""
    running_clock(FLOWS)
    access = ApiAccess(db, events)
    waiter = RunWaiter(access, events, DbThreads())
    reads: list[int] = []
    first_read = threading.Event()
    release = threading.Event()
    real_states = access.states

    def held_states(run_ids: Sequence[str]) -> dict[str, RunState]:
        reads.append(len(run_ids))
        if len(reads) == 1:
            first_read.set()
            assert release.wait(10)
        return real_states(run_ids)

    access.states = held_states  # type: ignore[method-assign]
    wf = access.exposed("at_once")
    assert wf is not None
    wakes: list[int] = []

    async def run() -> list[RunState | None]:
        loop = asyncio.get_running_loop()
        real_threadsafe = loop.call_soon_threadsafe

        def threadsafe(callback: Any, *args: Any, **kwargs: Any) -> Any:
            if threading.current_thread().name == READER_THREAD:
                wakes.append(len(args[0]) if isinstance(args[0], list) else 1)
            return real_threadsafe(callback, *args, **kwargs)

        loop.call_soon_threadsafe = threadsafe  # type: ignore[method-assign]
        results = access.start_many(
            [StartRequest(wf, {"note": f"w{i}"}, PUBLIC_CALLER) for i in range(5)], announce=False
        )
        started = [r for r in results if isinstance(r, Started)]
        assert len(started) == 5
        tickets = [waiter.expect(s.run_id, loop) for s in started]
        access.announce([started[0].run_id])  # its end holds the reader in its read
        assert await asyncio.to_thread(first_read.wait, 10)
        access.announce([s.run_id for s in started[1:]])
        end = loop.time() + 10
        while len(waiter._reads) < 4:  # the other four ended meanwhile
            assert loop.time() < end, "the runs did not end"
            await asyncio.sleep(0.005)
        release.set()
        return await asyncio.gather(
            *(waiter.wait(s.run_id, 10, ticket=t) for s, t in zip(started, tickets, strict=True))
        )

    try:
        states = asyncio.run(run())
    finally:
        release.set()
        waiter.close()
    assert reads == [1, 4]
    assert wakes == [1, 4]
    assert all(state is not None and state.status == "succeeded" for state in states)
