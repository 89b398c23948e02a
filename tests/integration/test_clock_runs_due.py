"""RunsDue: runs just committed and due now (the workflow API's) go straight to the
clock's workers, without the watcher reading the ledger again."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

import pytest

from app.actions import registry
from app.engine.api_access import PUBLIC_CALLER, ApiAccess, Started, StartRequest
from app.engine.events import EventBus
from app.scheduling.clock import Clock
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


class HeldRuns:
    """The clock's one worker held in its first run's step until `release()`: the log
    step made one outside Cueflow, so the worker holds no write lock meanwhile, as a
    step calling a web service would not. Records the order runs are executed in."""

    def __init__(self, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
        self.order: list[str] = []
        self.holding = threading.Event()
        self._released = threading.Event()
        real = clock.runner.execute
        log_action = registry.get("log")
        assert log_action is not None

        def execute(run_id: str) -> str | None:
            self.order.append(run_id)
            return real(run_id)

        def held_log(context: Any, inputs: dict[str, Any]) -> Any:
            if not self.holding.is_set():
                self.holding.set()
                assert self._released.wait(10)
            return log_action.perform(context, inputs)

        monkeypatch.setattr(clock.runner, "execute", execute)
        monkeypatch.setitem(
            registry._REGISTRY,
            "log",
            dataclasses.replace(log_action, outside_effect=True, perform=held_log),
        )

    def release(self) -> None:
        self._released.set()


def started_runs(access: ApiAccess, *notes: str) -> list[str]:
    """Runs written to the ledger, not yet announced to the clock."""
    wf = access.exposed("ping")
    assert wf is not None
    results = access.start_many(
        [StartRequest(wf, {"note": note}, PUBLIC_CALLER) for note in notes], announce=False
    )
    assert all(isinstance(r, Started) for r in results)
    return [r.run_id for r in results if isinstance(r, Started)]


def test_a_run_a_caller_waits_for_goes_before_the_queued_runs(
    running_clock: StartClock, events: EventBus, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = running_clock(FLOWS, workers=1)
    held = HeldRuns(clock, monkeypatch)
    access = ApiAccess(db, events)
    busy, *queued = started_runs(access, "busy", "q1", "q2")
    access.announce([busy])
    assert held.holding.wait(10)
    access.announce(queued)
    first, second = started_runs(access, "w1", "w2")
    access.announce([first, "x"], awaited=[first])  # ("x": no run; skipped by its claim)
    access.announce([second], awaited=[second])
    held.release()
    for run_id in (busy, *queued, first, second):
        wait_until(lambda run_id=run_id: status(access, run_id) == "succeeded")
    assert held.order.index(busy) == 0
    # the awaited runs in the order announced, before the runs queued earlier
    assert [r for r in held.order if r != "x"] == [busy, first, second, *queued]


def test_a_run_a_caller_waits_for_is_taken_past_the_horizon(
    running_clock: StartClock, events: EventBus, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the horizon full, the awaited run still goes to the workers at once (and
    first); the others of its announcement are left to the ledger read."""
    clock = running_clock(FLOWS, workers=1, horizon=2)
    held = HeldRuns(clock, monkeypatch)
    access = ApiAccess(db, events)
    busy, queued = started_runs(access, "busy", "queued")
    access.announce([busy, queued])
    assert held.holding.wait(10)
    awaited, other = started_runs(access, "awaited", "other")
    access.announce([awaited, other], awaited=[awaited])
    assert clock.running >= 3  # the awaited run joined the two in flight at once
    held.release()
    for run_id in (busy, queued, awaited, other):
        wait_until(lambda run_id=run_id: status(access, run_id) == "succeeded")
    assert held.order[:3] == [busy, awaited, queued]
