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


def test_the_ends_of_one_round_reach_their_calls_in_one_wake_without_a_read(
    db: Database, events: EventBus, running_clock: Callable[..., Any]
) -> None:
    """Five runs end while the reader is busy handing over the first: the other four
    are handed to their calls' event loop together, in one callback, not four; and
    their states come from the runs' end events (RunChanged.whole), not the ledger."""
    running_clock(FLOWS)
    access = ApiAccess(db, events)
    waiter = RunWaiter(access, events, DbThreads())
    reads: list[int] = []
    real_states = access.states

    def counted_states(run_ids: Sequence[str]) -> dict[str, RunState]:
        reads.append(len(run_ids))
        return real_states(run_ids)

    access.states = counted_states  # type: ignore[method-assign]
    wf = access.exposed("at_once")
    assert wf is not None
    wakes: list[int] = []
    first_handed = threading.Event()
    release = threading.Event()

    async def run() -> list[RunState | None]:
        loop = asyncio.get_running_loop()
        real_threadsafe = loop.call_soon_threadsafe

        def threadsafe(callback: Any, *args: Any, **kwargs: Any) -> Any:
            if threading.current_thread().name == READER_THREAD:
                wakes.append(len(args[0]) if isinstance(args[0], list) else 1)
                if len(wakes) == 1:  # the reader is held in its first hand-over
                    first_handed.set()
                    assert release.wait(10)
            return real_threadsafe(callback, *args, **kwargs)

        loop.call_soon_threadsafe = threadsafe  # type: ignore[method-assign]
        results = access.start_many(
            [StartRequest(wf, {"note": f"w{i}"}, PUBLIC_CALLER) for i in range(5)], announce=False
        )
        started = [r for r in results if isinstance(r, Started)]
        assert len(started) == 5
        tickets = [waiter.expect(s.run_id, loop) for s in started]
        access.announce([started[0].run_id])
        assert await asyncio.to_thread(first_handed.wait, 10)
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
    assert wakes == [1, 4]
    assert reads == []  # (the code before read the ledger: [1, 4])
    assert all(state is not None and state.status == "succeeded" for state in states)


RETURNS_A_SECRET = """
cueflow: 1
workflows:
  echo_secret:
    api: {expose: true, auth: none, respond: when_done}
    parameters:
      n: {type: number}
    steps:
      - action: return_data
        with: {values: {echo: "{{ secret('api_key') }}!", n: "{{ n }}", list: [1, "{{ n * 2 }}"]}}
  failing:
    api: {expose: true, auth: none, respond: when_done}
    steps:
      - action: http_request
        with: {method: GET, url: "http://127.0.0.1:9/nothing", timeout: 2}
"""


def _wait_for(
    access: ApiAccess, waiter: RunWaiter, workflow: str, parameters: dict[str, Any]
) -> tuple[str, RunState | None]:
    wf = access.exposed(workflow)
    assert wf is not None

    async def run() -> tuple[str, RunState | None]:
        loop = asyncio.get_running_loop()
        [started] = access.start_many([StartRequest(wf, parameters, PUBLIC_CALLER)], announce=False)
        assert isinstance(started, Started)
        ticket = waiter.expect(started.run_id, loop)
        access.announce([started.run_id])
        return started.run_id, await waiter.wait(started.run_id, 10, ticket=ticket)

    return asyncio.run(run())


def _counting_reads(
    access: ApiAccess,
) -> tuple[list[list[str]], Callable[[Sequence[str]], dict[str, RunState]]]:
    """Note each ledger read of run states the waiter makes; returns the notes and
    the real reader."""
    reads: list[list[str]] = []
    real_states = access.states

    def counted_states(run_ids: Sequence[str]) -> dict[str, RunState]:
        reads.append(list(run_ids))
        return real_states(run_ids)

    access.states = counted_states  # type: ignore[method-assign]
    return reads, real_states


def test_an_answer_from_the_end_event_is_what_the_ledger_holds_masked(
    db: Database, events: EventBus, running_clock: Callable[..., Any]
) -> None:
    """The state made from the run's end event has the status, error and `returned`
    finish() wrote — the secret masked — and no ledger read was made for it."""
    from app.storage import secrets

    secrets.set_secret("api_key", "key-123-secret")
    running_clock(RETURNS_A_SECRET)
    access = ApiAccess(db, events)
    waiter = RunWaiter(access, events, DbThreads())
    reads, real_states = _counting_reads(access)
    try:
        run_id, state = _wait_for(access, waiter, "echo_secret", {"n": 21})
    finally:
        waiter.close()
    assert reads == []
    stored = real_states([run_id])[run_id]
    assert state is not None and state.status == stored.status == "succeeded"
    assert state.returned == stored.returned == {"echo": "••••!", "n": 21, "list": [1, 42]}
    assert state.error is None and "key-123" not in repr(state)


def test_an_end_the_event_does_not_carry_is_read_from_the_ledger(
    db: Database, events: EventBus, running_clock: Callable[..., Any]
) -> None:
    """A failed run's end event carries no `returned` (whole False): the waiter reads it."""
    running_clock(RETURNS_A_SECRET)
    access = ApiAccess(db, events)
    waiter = RunWaiter(access, events, DbThreads())
    reads, _ = _counting_reads(access)
    try:
        run_id, state = _wait_for(access, waiter, "failing", {})
    finally:
        waiter.close()
    assert reads == [[run_id]]
    assert state is not None and state.status == "failed" and state.error
    assert state.origin.startswith("api")  # (read: the whole row)
