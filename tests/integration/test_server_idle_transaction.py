"""A run's transaction left idle on PostgreSQL past idle_in_transaction_session_timeout
(Cueflow sets 5 s on its sessions: storage.db.IDLE_TX_MS) while Python computes
between two statements: the server ends the session. The run must end cleanly with
the reason, none of that transaction's writes kept, the scheduler alive."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from app.core.types import utcnow
from app.engine.events import EventBus
from app.scheduling.clock import Clock
from app.storage import catalog, ledger
from app.storage import db as storage_db
from app.storage import models as m
from app.storage.db import Database, init_db
from tests.support.waiting import wait_until

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

IDLE_MS = 400  # the timeout for this test's sessions (Cueflow's own is 5,000 ms)
FLOWS = """
cueflow: 1
data_types:
  Note: {fields: {text: text}}
workflows:
  slow_note:
    parameters: {text: {type: text}}
    RETRIES
    steps:
      - action: create_thing
        with: {type: Note, fields: {text: "{{ text }}"}}
      - action: log
        with: {message: made}
"""


@pytest.fixture
def short_idle(
    db: Database, imported: Callable[..., Database], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str], Database]]:
    """`short_idle(retries)`: the flows imported, and a second handle on the test's
    database whose sessions the server ends after IDLE_MS idle in a transaction."""
    made: list[Database] = []

    def make(retries: str) -> Database:
        imported(FLOWS.replace("RETRIES", retries))
        monkeypatch.setattr(storage_db, "IDLE_TX_MS", IDLE_MS)
        handle = init_db(db.url)
        made.append(handle)
        return handle

    yield make
    for handle in made:
        handle.dispose()


def _computing(monkeypatch: pytest.MonkeyPatch, text: str, times: int = 1) -> list[int]:
    """A data step that computes (holding no statement) past the timeout after its
    write, the first `times` times it makes a note saying `text`; returns a list
    counting how often it did."""
    original = catalog.create_thing
    slowed: list[int] = []

    def slow(session: Any, type_name: str, values: Any, thing_id: str | None = None) -> Any:
        made = original(session, type_name, values, thing_id)
        if values.get("text") == text and len(slowed) < times:
            slowed.append(1)
            time.sleep(3 * IDLE_MS / 1000)  # (the server's timer is what is tested)
        return made

    monkeypatch.setattr(catalog, "create_thing", slow)
    return slowed


def _schedule(db: Database, text: str) -> str:
    with db.write() as session:
        return ledger.insert_run(
            session,
            ledger.NewRun(
                workflow="slow_note",
                workflow_version=1,
                params={"text": text},
                scheduled_for=utcnow(),
            ),
        )


def _notes(db: Database, text: str) -> int:
    with db.read() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(m.Thing)
                .where(m.Thing.data["text"].as_string() == text)
            )
            or 0
        )


def test_a_run_idle_past_the_servers_timeout_fails_with_the_reason(
    short_idle: Callable[[str], Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = short_idle("")
    _computing(monkeypatch, "slow")
    clock = Clock(db, EventBus(), workers=1)
    clock.start()
    try:
        slow = _schedule(db, "slow")
        wait_until(lambda: ledger_status(db, slow) not in ("scheduled", "running"), timeout=20)
        with db.read() as session:
            run = ledger.get_run(session, slow)
        assert run.status == "failed"
        assert "idle in its transaction" in (run.error or ""), run.error
        assert "idle_in_transaction_session_timeout" in (run.error or "")
        assert _notes(db, "slow") == 0  # none of the ended transaction was kept
        assert run.attempt == 1
        quick = _schedule(db, "quick")  # the scheduler carries on, on fresh connections
        wait_until(lambda: ledger_status(db, quick) == "succeeded", timeout=20)
        assert _notes(db, "quick") == 1
    finally:
        clock.stop(timeout=2)


def test_a_run_idle_past_the_servers_timeout_is_not_put_back_to_compute_again(
    short_idle: Callable[[str], Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its claim went with the ended transaction, so the run was scheduled again: it is
    failed from there (retries or not), not run round and round computing as long."""
    db = short_idle("retries: {attempts: 2, backoff: 1}")
    slowed = _computing(monkeypatch, "always", times=100)
    clock = Clock(db, EventBus(), workers=1)
    clock.start()
    try:
        run_id = _schedule(db, "always")
        wait_until(lambda: ledger_status(db, run_id) == "failed", timeout=20)
        with db.read() as session:
            lines = [line.message for line in ledger.log_lines(session, run_id)]
        assert any("idle in its transaction" in line for line in lines), lines
        quick = _schedule(db, "quick")
        wait_until(lambda: ledger_status(db, quick) == "succeeded", timeout=20)
        assert len(slowed) == 1
        assert _notes(db, "always") == 0
    finally:
        clock.stop(timeout=2)


def ledger_status(db: Database, run_id: str) -> str:
    with db.read() as session:
        return ledger.get_run(session, run_id).status


@pytest.mark.parametrize("lease_lost", [False, True], ids=["lease held", "lease lost"])
def test_a_scheduler_that_lost_its_lease_meanwhile_writes_nothing_for_the_run(
    short_idle: Callable[[str], Database], monkeypatch: pytest.MonkeyPatch, lease_lost: bool
) -> None:
    """A process stalled past the idle timeout may be stalled past its lease too: then
    the run is another scheduler's (taken over, perhaps resumed), and failing it
    here would fail that one's attempt (the team crash test met it)."""
    from app.engine.runner import Runner
    from app.storage import schedulers

    db = short_idle("")
    owner = schedulers.register(db)
    original = catalog.create_thing

    def stalled(session: Any, type_name: str, values: Any, thing_id: str | None = None) -> Any:
        made = original(session, type_name, values, thing_id)
        if lease_lost:
            schedulers.sign_off(db, owner)  # (as a survivor finding it dead would)
        time.sleep(3 * IDLE_MS / 1000)
        return made

    monkeypatch.setattr(catalog, "create_thing", stalled)
    runner = Runner(db, EventBus())
    runner.owner = owner
    run_id = _schedule(db, "stalled")
    with pytest.raises(Exception) as raised:
        runner.execute(run_id)
    assert runner.fail_unexpected(run_id, "slow_note", raised.value)
    assert ledger_status(db, run_id) == ("scheduled" if lease_lost else "failed")
    assert _notes(db, "stalled") == 0
