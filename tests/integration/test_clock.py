"""The clock over the ledger, in this process: firing, cancelling, recovery at start."""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from app.actions import registry
from app.core.types import utcnow
from app.engine.events import EventBus, RunChanged
from app.engine.service import Service
from app.scheduling.clock import Clock
from app.storage import ledger
from app.storage import models as m
from app.storage.db import Database
from app.workflow_file import import_text
from tests.conftest import StartClock
from tests.support.waiting import wait_until

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = pytest.mark.both_databases

FLOWS = """
cueflow: 1
workflows:
  note:
    parameters: {text: {type: text}}
    steps:
      - action: log
        with: {message: "{{ text }}"}
  skipper:
    on_missed: skip
    steps:
      - action: log
        with: {message: hi}
  short_grace:
    grace: 60
    steps:
      - action: log
        with: {message: hi}
"""


def status(db: Database, run_id: str) -> str:
    with db.read() as session:
        return ledger.get_run(session, run_id).status


@pytest.fixture
def service(db: Database, events: EventBus) -> Service:
    import_text(db, FLOWS)
    return Service(db, events)


@pytest.fixture
def start_clock(service: Service, running_clock: StartClock) -> StartClock:
    """Start the clock (horizon 5) once the test has set the ledger up."""
    return lambda: running_clock(horizon=5)


def test_runs_fire_at_their_time_in_order(
    db: Database, service: Service, start_clock: StartClock, events: EventBus
) -> None:
    finished: list[tuple[str, float]] = []
    events.subscribe(
        lambda e: (
            finished.append((e.run_id, time.monotonic()))
            if isinstance(e, RunChanged) and e.status == "succeeded"
            else None
        )
    )
    start_clock()
    start = time.monotonic()
    later = service.schedule("note", {"text": "b"}, at=utcnow() + timedelta(seconds=0.8))
    sooner = service.schedule("note", {"text": "a"}, at=utcnow() + timedelta(seconds=0.3))
    wait_until(lambda: len(finished) == 2)
    assert [run_id for run_id, _ in finished] == [sooner, later]
    assert finished[0][1] - start >= 0.25
    assert finished[1][1] - start >= 0.75


def test_a_past_time_runs_at_once(db: Database, service: Service, start_clock: StartClock) -> None:
    start_clock()
    run_id = service.schedule("note", {"text": "late"}, at=utcnow() - timedelta(hours=1))
    wait_until(lambda: status(db, run_id) == "succeeded")


def test_cancelled_runs_never_fire(db: Database, service: Service, start_clock: StartClock) -> None:
    start_clock()
    run_id = service.schedule("note", {"text": "x"}, at=utcnow() + timedelta(seconds=0.4))
    keep = service.schedule("note", {"text": "y"}, at=utcnow() + timedelta(seconds=0.6))
    service.cancel([run_id])
    wait_until(lambda: status(db, keep) == "succeeded")
    assert status(db, run_id) == "cancelled"


def test_more_runs_than_the_horizon_all_run(
    db: Database, service: Service, start_clock: StartClock
) -> None:
    clock = start_clock()
    soon = utcnow() + timedelta(seconds=0.2)
    ids = [
        service.schedule("note", {"text": str(i)}, at=soon + timedelta(milliseconds=10 * i))
        for i in range(23)
    ]
    wait_until(lambda: all(status(db, i) == "succeeded" for i in ids), timeout=10)
    assert len(clock._armed) == 0


@pytest.mark.sqlite_only(
    reason="one writer's queue; a team scheduler always asks for more (its lease)"
)
def test_due_runs_left_for_want_of_room_are_asked_for_as_the_queue_drains(
    db: Database, service: Service, running_clock: StartClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ledger read that finds the workers' queue full leaves its other due runs
    for later: they are read again as soon as the queue drains, not at the next
    poll (made 60 s here; it was 0.25 s, the stall at the end of every large batch
    of due runs)."""
    from app.scheduling import clock as clock_module

    monkeypatch.setattr(clock_module, "POLL_SECONDS", 60.0)
    clock = running_clock(horizon=4, workers=1)
    lock = db.write_lock
    lock.acquire()  # the worker takes a run and waits here: the queue stays full
    try:
        quiet = Service(db, EventBus())  # no event reaches the clock
        ids = [quiet.schedule("note", {"text": str(i)}) for i in range(6)]
        clock.sync()  # four due runs to the workers: the queue is full
        assert clock.running == 4
        clock.sync()  # reads all six; the two not in flight have no room
        assert clock.running == 4
    finally:
        lock.release()
    wait_until(lambda: all(status(db, i) == "succeeded" for i in ids), timeout=10)


def test_a_change_from_another_connection_is_noticed(
    db: Database, service: Service, start_clock: StartClock
) -> None:
    start_clock()
    other = Service(db, EventBus())  # no event reaches the clock: only the ledger changes
    run_id = other.schedule("note", {"text": "elsewhere"})
    wait_until(lambda: status(db, run_id) == "succeeded", timeout=2)


def _backdate(db: Database, run_id: str, seconds: float) -> None:
    with db.write() as session:
        session.execute(
            update(m.Run)
            .where(m.Run.id == run_id)
            .values(scheduled_for=utcnow() - timedelta(seconds=seconds))
        )


def test_missed_runs_follow_the_workflow_policy(
    db: Database, service: Service, start_clock: StartClock
) -> None:
    late = service.schedule("note", {"text": "late"})
    skipped = service.schedule("skipper", {})
    too_late = service.schedule("short_grace", {})
    for run_id, seconds in ((late, 3600), (skipped, 5), (too_late, 120)):
        _backdate(db, run_id, seconds)
    clock = start_clock()
    assert clock.recovered["late"] == [late]
    assert sorted(clock.recovered["missed"]) == sorted([skipped, too_late])
    wait_until(lambda: status(db, late) == "succeeded")
    with db.read() as session:
        skipped_row = ledger.get_run(session, skipped)
        too_late_row = ledger.get_run(session, too_late)
        late_log = [line.message for line in ledger.log_lines(session, late)]
    assert skipped_row.status == "missed" and "policy skip" in skipped_row.error
    assert too_late_row.status == "missed" and "more than the grace of 1 min" in too_late_row.error
    assert "running late by 1 h" in late_log


def test_runs_left_running_become_interrupted(
    db: Database, service: Service, start_clock: StartClock
) -> None:
    run_id = service.schedule("note", {"text": "x"}, at=utcnow() + timedelta(days=1))
    with db.write() as session:
        ledger.claim(session, run_id, pid=999999)
    clock = start_clock()
    assert clock.recovered["interrupted"] == [run_id]
    with db.read() as session:
        row = ledger.get_run(session, run_id)
    assert row.status == "interrupted" and row.error == "Cueflow stopped while the run was running"


def test_concurrency_is_bounded_by_the_setting(
    db: Database, events: EventBus, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs overlap while a step of theirs is outside Cueflow (here: a log step made
    an outside one that takes 50 ms), never more of them than the setting says."""
    running: list[int] = []
    peak: list[int] = [0]
    log_action = registry.get("log")
    assert log_action is not None

    def counting(context: Any, inputs: dict[str, Any]) -> Any:
        running.append(1)
        peak[0] = max(peak[0], len(running))
        try:
            time.sleep(0.05)  # time is the point: runs overlap, so the peak is measured
            return log_action.perform(context, inputs)
        finally:
            running.pop()

    monkeypatch.setitem(
        registry._REGISTRY,
        "log",
        dataclasses.replace(log_action, outside_effect=True, perform=counting),
    )
    clock = Clock(db, events, workers=2)
    clock.start()
    ids = [service.schedule("note", {"text": str(i)}) for i in range(8)]
    try:
        wait_until(lambda: all(status(db, i) == "succeeded" for i in ids), timeout=10)
    finally:
        clock.stop(timeout=2)
    assert peak[0] == 2


@pytest.mark.sqlite_only(reason="the process write lock is SQLite's: a server has none to wait for")
def test_workers_leave_due_runs_queued_while_the_write_lock_is_taken(
    db: Database, service: Service, events: EventBus
) -> None:
    """A worker takes a run off the queue only once it holds the write lock: one that
    took it first held it through the batches of every worker before it. The worker
    that gets the lock takes the queued runs, in their order."""
    ids = [service.schedule("note", {"text": str(i)}, at=utcnow()) for i in range(3)]
    ended: list[str] = []
    events.subscribe(
        lambda e: (
            ended.append(e.run_id)
            if isinstance(e, RunChanged) and e.status == "succeeded"
            else None
        )
    )
    clock = Clock(db, events, workers=2)
    db.write_lock.acquire(urgent=False)  # as another worker's batch holds it
    try:
        clock.start()
        wait_until(lambda: clock.running == 3)  # handed to the workers
        time.sleep(0.2)  # (time for a worker to take one: the point is that none does)
        assert clock._queue.qsize() == 3
    finally:
        db.write_lock.release()
    try:
        wait_until(lambda: all(status(db, i) == "succeeded" for i in ids), timeout=10)
    finally:
        clock.stop(timeout=2)
    assert ended == ids


def test_a_run_handed_back_while_a_ledger_read_was_under_way_is_not_handed_out_again(
    db: Database, events: EventBus, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read begun before a batch's commit still finds its runs scheduled: the clock
    does not give them to a worker again (whose claim would only miss). A run handed
    back before the read began (a retry of it, scheduled anew) is handed out."""
    import app.scheduling.clock as clock_module

    done_during, done_before = (service.schedule("note", {"text": t}) for t in "ab")
    clock = Clock(db, events, workers=1)  # (not started: no watcher, no workers)
    clock._note_ended([done_before])
    real = ledger.next_due

    def read_meanwhile(*args: Any) -> Any:
        found = real(*args)
        with clock._lock:
            clock._note_ended([done_during])  # a worker's batch committed meanwhile
        return found

    monkeypatch.setattr(clock_module.ledger, "next_due", read_meanwhile)
    clock.sync()
    assert clock._in_flight == {done_before}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a niceness per thread")
def test_the_run_threads_can_yield_the_cpu_to_the_window(
    db: Database, events: EventBus, service: Service
) -> None:
    """The window's clock runs its workers nicer than the GUI thread (AppContext)."""
    niceness: dict[str, int] = {}
    clock = Clock(db, events, workers=2, worker_nice=3)
    original = clock.runner.execute

    def noting(run_id: str) -> Any:
        niceness[run_id] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        return original(run_id)

    clock.runner.execute = noting  # type: ignore[method-assign]
    main = os.getpriority(os.PRIO_PROCESS, os.getpid())
    clock.start()
    ids = [service.schedule("note", {"text": str(i)}) for i in range(4)]
    try:
        wait_until(lambda: all(status(db, i) == "succeeded" for i in ids), timeout=10)
    finally:
        clock.stop(timeout=2)
    assert set(niceness) == set(ids)
    assert set(niceness.values()) == {min(main + 3, 19)}
    assert os.getpriority(os.PRIO_PROCESS, os.getpid()) == main  # the caller's is unchanged


RUNAWAY = """
cueflow: 1
workflows:
  runaway:
    steps:
      - action: log
        with:
          message: "{%for i in range(100000)%}{%for j in range(100000)%}{%endfor%}{%endfor%}"
"""


@pytest.mark.sqlite_only(
    reason="the process write lock is SQLite's: on a server writers queue on row locks"
)
def test_stop_does_not_hang_on_a_worker_stuck_behind_the_write_lock(
    db: Database, service: Service, running_clock: StartClock
) -> None:
    """A run still going when stop's timeout ends is marked interrupted; if the
    write lock stays taken (here: another writer of the process holds it, as a
    stuck run would), stop gives up after STOP_WRITE_SECONDS instead of hanging,
    and the run is left for the next start to mark."""
    import threading

    clock = running_clock(RUNAWAY, horizon=5)
    run_id = service.schedule("runaway", {})
    wait_until(lambda: status(db, run_id) == "running")  # evaluating, holding no lock
    stopped: list[list[str]] = []
    with db.write():  # taken now: the run cannot write its end, stop cannot mark it
        stopper = threading.Thread(target=lambda: stopped.append(clock.stop(timeout=0.2)))
        stopper.start()
        stopper.join(timeout=10)
        hung = stopper.is_alive()
    stopper.join()
    assert not hung
    assert stopped == [[]]
    # The lock let go, the worker ends the run itself: nothing is left running.
    wait_until(lambda: status(db, run_id) in ("failed", "interrupted"), timeout=10)
