"""RunsDue: runs just committed and due now (the workflow API's) go straight to the
clock's workers, without the watcher reading the ledger again."""

from __future__ import annotations

from typing import Any

import pytest

from app.engine.api_access import PUBLIC_CALLER, ApiAccess
from app.engine.events import EventBus
from app.storage.db import Database
from tests.conftest import StartClock
from tests.support.waiting import wait_until

FLOWS = """
cueflow: 1
workflows:
  ping:
    api: {expose: true, auth: none, respond: at_once}
    parameters: {note: {type: text}}
    steps:
      - action: log
        with: {message: "{{ note }}"}
"""


def status(access: ApiAccess, run_id: str) -> str | None:
    state = access.state(run_id)
    return None if state is None else state.status


def test_announced_runs_are_executed_without_a_ledger_read(
    running_clock: StartClock, events: EventBus, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = running_clock(FLOWS)
    reads: list[Any] = []
    monkeypatch.setattr(clock, "sync", lambda: reads.append(1))  # the watcher finds nothing
    access = ApiAccess(db, events)
    wf = access.exposed("ping")
    assert wf is not None
    started = [access.start(wf, {"note": f"n{i}"}, PUBLIC_CALLER) for i in range(5)]
    for one in started:
        wait_until(lambda one=one: status(access, one.run_id) == "succeeded")


def test_a_paused_clock_leaves_announced_runs_to_its_ledger_read(
    running_clock: StartClock, events: EventBus, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = running_clock(FLOWS)
    reads: list[Any] = []
    monkeypatch.setattr(clock, "sync", lambda: reads.append(1))
    clock.paused = True  # (as its last ledger read found it)
    access = ApiAccess(db, events)
    wf = access.exposed("ping")
    assert wf is not None
    started = access.start(wf, {"note": "x"}, PUBLIC_CALLER)
    assert clock.running == 0  # not handed to a worker (that happens inside start)
    wait_until(lambda: reads)  # the watcher read the ledger instead (here: nothing)
    assert status(access, started.run_id) == "scheduled"
