"""Group commit of API run starts (app/api/batching.py) over a real SQLite ledger:
each call answered with its own result, never before its transaction committed."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

import httpx
import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from app.api.batching import StartBatcher
from app.engine.api_access import (
    PUBLIC_CALLER,
    ApiAccess,
    FieldError,
    Started,
    StartRequest,
)
from app.engine.events import EventBus, RunsDue
from app.storage.db import Database
from tests.api.conftest import FLOWS, Api

WF = "/api/1.1/wf/"
STARTS_THREAD = "cueflow-api-starts"


@pytest.fixture
def access(db: Database, imported: Callable[..., Database], events: EventBus) -> ApiAccess:
    imported(FLOWS)
    return ApiAccess(db, events)


def request(access: ApiAccess, note: str, **values: Any) -> StartRequest:
    wf = access.exposed("at_once")
    assert wf is not None
    return StartRequest(wf, {"note": note, **values}, PUBLIC_CALLER)


def ledger_notes(db: Database) -> list[str]:
    """The notes of the at_once runs in the ledger, read on a connection of its own
    (it sees committed rows only)."""
    path = db.engine.url.database
    assert path
    with sqlite3.connect(path) as probe:
        rows = probe.execute("SELECT params FROM runs WHERE workflow = 'at_once'").fetchall()
    return sorted(json.loads(row[0])["note"] for row in rows)


class HeldBatcher:
    """A StartBatcher whose first transaction waits until `release()`: the calls made
    meanwhile queue up and go into the next transaction together."""

    def __init__(self, access: ApiAccess) -> None:
        self.batcher = StartBatcher(access)
        self.sizes: list[int] = []
        self.first_taken = threading.Event()
        self._released = threading.Event()
        real = access.start_many

        def held(requests: Sequence[StartRequest], **options: Any) -> list[Any]:
            if not self.sizes:
                self.first_taken.set()
                assert self._released.wait(10)
            self.sizes.append(len(requests))
            return real(requests, **options)

        access.start_many = held  # type: ignore[method-assign]

    def release(self) -> None:
        self._released.set()


async def start_all(
    held: HeldBatcher, requests: list[StartRequest], queued: Callable[[], bool]
) -> list[Any]:
    """Start the first request, hold its transaction, queue the rest, release."""
    first = asyncio.ensure_future(held.batcher.start(requests[0]))
    assert await asyncio.to_thread(held.first_taken.wait, 10)
    rest = [asyncio.ensure_future(held.batcher.start(r)) for r in requests[1:]]
    await until(queued)
    held.release()
    return await asyncio.gather(first, *rest, return_exceptions=True)


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll `condition` on the running loop (the calls being queued run on it)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        assert loop.time() < end, "condition not met in time"
        await asyncio.sleep(0.002)


def queued_count(batcher: StartBatcher) -> int:
    return 0 if batcher._inbox is None else len(batcher._inbox)


@pytest.fixture
def held(access: ApiAccess) -> Iterator[HeldBatcher]:
    held = HeldBatcher(access)
    yield held
    held.release()
    held.batcher.close()


def test_a_call_that_breaks_in_a_batch_fails_alone(
    held: HeldBatcher, access: ApiAccess, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.storage import api_tokens

    real_remember = api_tokens.remember_key

    def remember(session: Any, workflow: str, key: str, *args: Any) -> None:
        if key == "boom":  # after its run's row was inserted: the savepoint must undo it
            raise RuntimeError("broken in the middle of a batch")
        real_remember(session, workflow, key, *args)

    monkeypatch.setattr(api_tokens, "remember_key", remember)
    boom = replace(request(access, "boom"), idempotency_key="boom")
    requests = [
        request(access, "first"),
        replace(request(access, "a"), idempotency_key="key-a"),
        boom,
        request(access, "b", nope=1),  # no such parameter: a FieldError of its own
        request(access, "c"),
    ]
    results = asyncio.run(
        start_all(held, requests, lambda: queued_count(held.batcher) >= len(requests) - 1)
    )
    assert held.sizes == [1, 4]  # the four after the first shared one transaction
    first, a, boom, b, c = results
    assert isinstance(boom, RuntimeError) and "middle of a batch" in str(boom)
    assert isinstance(b, FieldError) and b.field == "nope"
    for ok in (first, a, c):
        started, ticket = ok
        assert isinstance(started, Started) and not started.repeated and ticket is None
    assert ledger_notes(db) == ["a", "c", "first"]


def test_answers_come_only_after_their_commit(
    held: HeldBatcher, access: ApiAccess, db: Database, events: EventBus
) -> None:
    order: list[str] = []
    lock = threading.Lock()

    def committed(session: Session) -> None:
        if threading.current_thread().name == STARTS_THREAD and not session.in_nested_transaction():
            with lock:
                order.append("commit")

    announced: list[tuple[str, ...]] = []
    events.subscribe(lambda e: announced.append(e.run_ids) if isinstance(e, RunsDue) else None)
    event.listen(Session, "after_commit", committed)
    try:
        requests = [request(access, f"n{i}") for i in range(6)]

        async def run() -> list[Any]:
            async def one(r: StartRequest, wait: bool) -> Any:
                started, _ = await held.batcher.start(r)
                # On the caller's loop as soon as it is answered: the run must
                # already be committed (another connection sees it).
                seen = r.values["note"] in ledger_notes(db)
                with lock:
                    order.append("answer" if seen else "answer before commit")
                return started

            first = asyncio.ensure_future(one(requests[0], False))
            assert await asyncio.to_thread(held.first_taken.wait, 10)
            rest = [asyncio.ensure_future(one(r, False)) for r in requests[1:]]
            await until(lambda: queued_count(held.batcher) >= len(requests) - 1)
            held.release()
            return await asyncio.gather(first, *rest)

        started = asyncio.run(run())
        held.batcher.close()  # (its runs are announced after the answers)
    finally:
        event.remove(Session, "after_commit", committed)
    assert held.sizes == [1, 5]
    assert "answer before commit" not in order
    assert order.count("commit") == 2 and order[0] == "commit"
    assert order[order.index("commit", 1) :].count("answer") >= 5  # the batch's five
    assert sorted(run_id for ids in announced for run_id in ids) == sorted(
        s.run_id for s in started
    )


def test_a_commit_that_fails_fails_every_call_and_starts_nothing(
    held: HeldBatcher, access: ApiAccess, db: Database, events: EventBus
) -> None:
    def refuse(session: Session) -> None:
        last = threading.current_thread().name == STARTS_THREAD and held.sizes == [1, 3]
        if last and not session.in_nested_transaction():
            raise OSError("disk full")

    announced: list[Any] = []
    events.subscribe(lambda e: announced.append(e) if isinstance(e, RunsDue) else None)
    event.listen(Session, "before_commit", refuse)
    try:
        requests = [request(access, name) for name in ("first", "x", "y", "z")]
        results = asyncio.run(start_all(held, requests, lambda: queued_count(held.batcher) >= 3))
    finally:
        event.remove(Session, "before_commit", refuse)
    assert held.sizes == [1, 3]
    assert isinstance(results[0], tuple)  # the first transaction committed
    assert [type(r) for r in results[1:]] == [OSError] * 3
    assert ledger_notes(db) == ["first"]
    assert len(announced) == 1  # only the committed run was announced


def test_a_when_done_call_gets_its_ticket_before_the_run_is_announced(
    access: ApiAccess, events: EventBus, db: Database
) -> None:
    """The run may end before the call resumes: the ticket was taken first, so the
    end reaches the call through the waiter's reader, not by polling the ledger."""
    from app.api.threads import DbThreads
    from app.api.waiting import RunWaiter

    waiter = RunWaiter(access, events, DbThreads())
    batcher = StartBatcher(access, waiter)
    registered_at_announce: list[bool] = []

    def on_event(e: Any) -> None:
        if isinstance(e, RunsDue):
            registered_at_announce.extend(run_id in waiter._waiting for run_id in e.run_ids)

    events.subscribe(on_event)
    wf = access.exposed("by_get")
    assert wf is not None
    try:

        async def run() -> tuple[Started, Any]:
            return await batcher.start(StartRequest(wf, {"n": "2"}, PUBLIC_CALLER), wait=True)

        started, ticket = asyncio.run(run())
    finally:
        batcher.close()
        waiter.close()
    assert ticket is not None and not started.repeated
    assert registered_at_announce == [True]


def test_the_runs_of_waiting_calls_are_announced_as_awaited(
    held: HeldBatcher, access: ApiAccess, events: EventBus
) -> None:
    """A when_done call's run goes before the runs already queued (Clock._take_due);
    an at_once call's run does not."""
    from app.api.threads import DbThreads
    from app.api.waiting import RunWaiter

    waiter = RunWaiter(access, events, DbThreads())
    held.batcher.waiter = waiter
    announced: list[RunsDue] = []
    events.subscribe(lambda e: announced.append(e) if isinstance(e, RunsDue) else None)
    requests = [request(access, name) for name in ("first", "waits", "not")]

    async def run() -> list[Any]:
        first = asyncio.ensure_future(held.batcher.start(requests[0], wait=True))
        assert await asyncio.to_thread(held.first_taken.wait, 10)
        rest = [
            asyncio.ensure_future(held.batcher.start(requests[1], wait=True)),
            asyncio.ensure_future(held.batcher.start(requests[2])),
        ]
        await until(lambda: queued_count(held.batcher) >= 2)
        held.release()
        return await asyncio.gather(first, *rest)

    try:
        (first, _), (waits, _), (other, ticket) = asyncio.run(run())
    finally:
        held.batcher.close()
        waiter.close()
    assert ticket is None
    assert [(e.run_ids, e.awaited) for e in announced] == [
        ((first.run_id,), {first.run_id}),
        ((waits.run_id, other.run_id), {waits.run_id}),
    ]


def test_a_call_that_breaks_answers_500_and_the_others_start(
    api_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    api: Api = api_server()
    real_checked = api.access._checked

    def checked(session: Any, wf: Any, values: Any) -> Any:
        if values.get("note") == "boom":
            raise RuntimeError("secret internal detail")
        return real_checked(session, wf, values)

    monkeypatch.setattr(api.access, "_checked", checked)
    notes = [f"n{i}" for i in range(15)] + ["boom"]

    async def call_all() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=api.url, timeout=30) as client:
            return await asyncio.gather(
                *(client.post(WF + "at_once", json={"note": note}) for note in notes)
            )

    answers = dict(zip(notes, asyncio.run(call_all()), strict=True))
    broken = answers.pop("boom")
    assert broken.status_code == 500
    assert "secret" not in broken.text and broken.json()["status"] == "error"
    assert {a.status_code for a in answers.values()} == {202}
    states = [api.access.state(a.json()["run_id"]) for a in answers.values()]
    assert all(s is not None and s.origin == PUBLIC_CALLER.origin for s in states)
    assert sorted(ledger_notes(api.db)) == sorted(answers)


def test_a_call_admitted_from_memory_is_refused_once_its_workflow_changed(
    api_server: Any, db: Database
) -> None:
    """Another process makes `at_once` a GET workflow: the next POST, admitted from
    memory, is checked again in the start's transaction and answered 405."""
    from app.workflow_file import import_text

    api: Api = api_server()
    with api.client() as client:
        assert client.post(WF + "at_once").status_code == 202  # now known in memory
        other = Database(db.url)
        changed = FLOWS.replace(
            "api: {expose: true, auth: none, respond: at_once}",
            "api: {expose: true, auth: none, method: GET, respond: at_once}",
        )
        assert changed != FLOWS
        import_text(other, changed, replace=True)
        other.dispose()
        before = api.count_runs()
        refused = client.post(WF + "at_once")
        assert refused.status_code == 405 and refused.headers["allow"] == "GET"
        assert api.count_runs() == before
        assert client.get(WF + "at_once").status_code == 202


def test_a_token_known_in_memory_and_revoked_elsewhere_starts_nothing(
    api_server: Any, db: Database
) -> None:
    api: Api = api_server()
    token = api.token("site")
    headers = {"Authorization": f"Bearer {token}"}
    with api.client() as client:
        assert (
            client.post(WF + "every_type", json={"words": "x"}, headers=headers).status_code == 200
        )
        other = Database(db.url)  # another process sharing the database
        ApiAccess(other).revoke_token("site")
        other.dispose()
        before = api.count_runs()
        refused = client.post(
            WF + "every_type", json={"words": "x"}, headers={**headers, "Idempotency-Key": "k"}
        )
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"].startswith("Bearer")
    assert api.count_runs() == before


class CountingStarts:
    """Records the size of each start_many transaction."""

    def __init__(self, access: ApiAccess) -> None:
        self.sizes: list[int] = []
        real = access.start_many

        def counted(requests: Sequence[StartRequest], **options: Any) -> list[Any]:
            self.sizes.append(len(requests))
            return real(requests, **options)

        access.start_many = counted  # type: ignore[method-assign]


def test_the_calls_of_one_loop_turn_are_handed_over_together_and_answered_in_one_wake(
    access: ApiAccess, db: Database
) -> None:
    """Nothing is queued for the starts thread while the turn that admits the calls
    runs (each put could wake it for a transaction of one); after the turn they go
    into one transaction, and its answers reach the loop in one callback."""
    counting = CountingStarts(access)
    batcher = StartBatcher(access)
    requests = [request(access, f"t{i}") for i in range(10)]
    seen: dict[str, int] = {}
    wakes: list[str] = []

    async def run() -> list[Any]:
        loop = asyncio.get_running_loop()
        real_threadsafe = loop.call_soon_threadsafe

        def threadsafe(callback: Any, *args: Any, **kwargs: Any) -> Any:
            if threading.current_thread().name == STARTS_THREAD:
                wakes.append(getattr(callback, "__name__", "?"))
            return real_threadsafe(callback, *args, **kwargs)

        loop.call_soon_threadsafe = threadsafe  # type: ignore[method-assign]
        calls = [asyncio.ensure_future(batcher.start(r)) for r in requests]
        await asyncio.sleep(0)  # resumed in the turn that ran every call up to its await
        seen["queued"] = queued_count(batcher)
        seen["held"] = len(batcher._outbox)
        return await asyncio.gather(*calls)

    try:
        results = asyncio.run(run())
    finally:
        batcher.close()
    assert seen == {"queued": 0, "held": 10}
    assert counting.sizes == [10]
    assert wakes == ["_settle_all"]
    assert all(isinstance(started, Started) for started, _ in results)
    assert ledger_notes(db) == sorted(f"t{i}" for i in range(10))


def test_calls_not_yet_handed_over_when_the_batcher_closes_are_still_written(
    access: ApiAccess, db: Database
) -> None:
    batcher = StartBatcher(access)
    requests = [request(access, f"c{i}") for i in range(3)]

    async def run() -> list[Any]:
        calls = [asyncio.ensure_future(batcher.start(r)) for r in requests]
        await asyncio.sleep(0)
        assert len(batcher._outbox) == 3  # admitted, not yet queued
        batcher.close()  # writes what is queued, then ends the thread
        return await asyncio.gather(*calls)

    results = asyncio.run(run())
    assert all(isinstance(started, Started) for started, _ in results)
    assert ledger_notes(db) == ["c0", "c1", "c2"]


def test_a_token_is_read_once_per_transaction_and_a_revoke_before_it_refuses_every_call(
    held: HeldBatcher, access: ApiAccess, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Calls admitted with a token, then the token revoked by another process's
    Database before their transaction: each is refused and nothing starts; the
    token's row was read once for the transaction's calls, not once per call."""
    from app.engine.api_access import Caller, Revoked
    from app.storage import api_tokens

    token = access.create_token("site")
    wf = access.exposed("every_type")
    assert wf is not None
    reads: list[str] = []
    real_find = api_tokens.find_token

    def find(session: Any, given: str) -> Any:
        if threading.current_thread().name == STARTS_THREAD:
            reads.append(given)
        return real_find(session, given)

    monkeypatch.setattr(api_tokens, "find_token", find)
    site = Caller("site")
    calls = [StartRequest(wf, {"words": w}, site, token) for w in ("a", "b", "c")]
    kept = asyncio.run(
        start_all(
            held, [request(access, "first"), *calls[:2]], lambda: queued_count(held.batcher) >= 2
        )
    )
    assert held.sizes == [1, 2] and reads == [token]  # two calls, one read
    assert all(isinstance(started, Started) for started, _ in kept)
    other = Database(db.url)
    ApiAccess(other).revoke_token("site")
    other.dispose()

    async def refused() -> list[Any]:
        return await asyncio.gather(
            *(held.batcher.start(call) for call in calls), return_exceptions=True
        )

    results = asyncio.run(refused())
    assert [type(r) for r in results] == [Revoked] * 3
    assert held.sizes == [1, 2, 3] and reads == [token, token]
    with db.read() as session:  # the two started before the revoke, no more
        count = session.execute(text("SELECT count(*) FROM runs WHERE workflow = 'every_type'"))
        assert count.scalar() == 2


def test_a_call_without_a_key_that_breaks_after_its_insert_leaves_no_run(
    held: HeldBatcher, access: ApiAccess, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each call of a batch has a savepoint of its own in SQL, not only in the ORM's
    books: a call that breaks after its run's row was inserted leaves no row, and
    the calls before and after it in the same transaction start."""
    from app.storage import ledger

    real_insert = ledger.insert_runs

    def insert(session: Any, runs: Any) -> list[str]:
        ids = real_insert(session, runs)
        if runs[0].params.get("note") == "boom":
            raise RuntimeError("broken after the insert")
        return ids

    monkeypatch.setattr(ledger, "insert_runs", insert)
    notes = ["first", "a", "boom", "c"]
    # (api.max_pending given, as the server gives it: the calls read nothing by the ORM)
    requests = [replace(request(access, n), max_pending=100) for n in notes]
    results = asyncio.run(start_all(held, requests, lambda: queued_count(held.batcher) >= 3))
    assert held.sizes == [1, 3]
    assert isinstance(results[2], RuntimeError)
    assert all(isinstance(r, tuple) for r in (results[0], results[1], results[3]))
    assert ledger_notes(db) == ["a", "c", "first"]


def test_the_answers_are_sent_before_the_runs_are_handed_to_the_clock(
    access: ApiAccess, db: Database, events: EventBus
) -> None:
    """Waking the clock's workers costs the GIL's time; the committed runs' answers
    go to the event loop first."""
    batcher = StartBatcher(access)
    order: list[str] = []
    events.subscribe(lambda e: order.append("announce") if isinstance(e, RunsDue) else None)

    async def run() -> list[Any]:
        loop = asyncio.get_running_loop()
        real_threadsafe = loop.call_soon_threadsafe

        def threadsafe(callback: Any, *args: Any, **kwargs: Any) -> Any:
            if threading.current_thread().name == STARTS_THREAD:
                order.append("answers")
            return real_threadsafe(callback, *args, **kwargs)

        loop.call_soon_threadsafe = threadsafe  # type: ignore[method-assign]
        return await asyncio.gather(*(batcher.start(request(access, f"o{i}")) for i in range(3)))

    try:
        results = asyncio.run(run())
    finally:
        batcher.close()
    assert order == ["answers", "announce"]
    assert all(isinstance(started, Started) for started, _ in results)
