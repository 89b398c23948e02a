"""Team mode on PostgreSQL: clocks register, beat their lease, take over the runs of
a dead scheduler (and only those), and a scheduler that lost its lease writes
nothing for the runs taken from it (PRODUCT §7)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.types import utcnow
from app.engine.runner import Runner
from app.engine.transactions import LeaseLost
from app.storage import catalog, ledger, schedulers, settings
from app.storage import models as m
from app.storage.db import Database
from tests.conftest import StartClock
from tests.support.waiting import wait_until

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

LEASE = 2
FLOWS = """
cueflow: 1
data_types:
  Note: {fields: {text: text}}
workflows:
  note:
    retries: {attempts: 1, backoff: 1}
    steps:
      - action: create_thing
        with: {type: Note, fields: {text: made once}}
  skipper:
    on_missed: skip
    steps:
      - action: log
        with: {message: hi}
"""


@pytest.fixture
def flows(imported: Callable[..., Database]) -> Database:
    db = imported(FLOWS)
    with db.write() as session:
        settings.set_value(session, "runner.lease", str(LEASE))
    return db


def _running_for(db: Database, owner: str) -> str:
    """A due run claimed (committed) by `owner`, as if it were executing it."""
    with db.write() as session:
        run_id = ledger.insert_run(
            session,
            ledger.NewRun(workflow="note", workflow_version=1, params={}, scheduled_for=utcnow()),
        )
        assert ledger.claim(session, run_id, 999_999, owner=owner) is not None
    return run_id


def _run(db: Database, run_id: str) -> m.Run:
    with db.read() as session:
        return ledger.get_run(session, run_id)


def _notes(db: Database) -> int:
    with db.read() as session:
        return len(catalog.list_things(session, "Note"))


def test_a_dead_schedulers_run_is_taken_over_within_the_lease_and_runs_once(
    flows: Database, running_clock: StartClock
) -> None:
    dead = schedulers.register(flows)  # registers, claims, then never beats again
    run_id = _running_for(flows, dead)
    started = time.monotonic()
    clock = running_clock()
    wait_until(lambda: _run(flows, run_id).status == "succeeded", timeout=LEASE + 10)
    taken = time.monotonic() - started
    assert taken <= LEASE + 5 + 2  # PRODUCT §7: within runner.lease + 5 s (+ the run itself)
    run = _run(flows, run_id)
    assert (run.attempt, run.owner_scheduler) == (2, clock.lease.id if clock.lease else None)
    with flows.read() as session:
        lines = [line.message for line in ledger.log_lines(session, run_id)]
        [row] = [r for r in schedulers.listing(session, include_stopped=True) if r.id == dead]
    assert "interrupted: the scheduler running it stopped beating" in lines
    assert "resuming as attempt 2" in lines
    assert row.stopped is not None
    assert _notes(flows) == 1  # the dead one never committed its step: made once


def test_a_live_schedulers_run_is_never_taken_over(
    flows: Database, running_clock: StartClock
) -> None:
    live = schedulers.register(flows)
    run_id = _running_for(flows, live)
    clock = running_clock()
    assert clock.lease is not None
    lease = clock.lease
    deadline = time.monotonic() + 3 * LEASE
    while time.monotonic() < deadline:  # the other scheduler keeps beating meanwhile
        assert schedulers.beat(flows, live)
        seen = lease.rounds
        wait_until(lambda seen=seen: lease.rounds > seen)
    assert _run(flows, run_id).status == "running"
    assert _run(flows, run_id).owner_scheduler == live


def test_a_scheduler_that_lost_its_lease_writes_nothing_for_its_run(flows: Database) -> None:
    lost = schedulers.register(flows)
    runner = Runner(flows)
    runner.owner = lost
    with flows.write() as session:
        run_id = ledger.insert_run(
            session,
            ledger.NewRun(workflow="note", workflow_version=1, params={}, scheduled_for=utcnow()),
        )
    schedulers.sign_off(flows, lost)  # as a survivor does on finding it dead
    with pytest.raises(LeaseLost, match="lost its lease"):
        runner.execute(run_id)
    run = _run(flows, run_id)
    assert (run.status, run.owner_scheduler) == ("scheduled", None)  # its claim undone
    with flows.read() as session:
        assert ledger.step_results(session, run_id) == []
    assert _notes(flows) == 0
    assert runner.fail_unexpected(run_id, "note", LeaseLost(lost))  # and says nothing
    assert _run(flows, run_id).status == "scheduled"


def test_a_clock_found_dead_registers_again_and_goes_on(
    flows: Database, running_clock: StartClock
) -> None:
    clock = running_clock()
    assert clock.lease is not None
    first = clock.lease.id
    schedulers.sign_off(flows, first)  # a survivor stopped it (it was frozen, say)
    wait_until(lambda: clock.lease is not None and clock.lease.id != first, timeout=LEASE + 5)
    assert clock.runner.owner == clock.lease.id
    with flows.write() as session:
        run_id = ledger.insert_run(
            session,
            ledger.NewRun(
                workflow="note",
                workflow_version=1,
                params={},
                scheduled_for=utcnow() + timedelta(milliseconds=100),
            ),
        )
    clock.sync()
    wait_until(lambda: _run(flows, run_id).status == "succeeded")
    assert _run(flows, run_id).owner_scheduler == clock.lease.id


def test_a_stopped_clock_signs_off(flows: Database, running_clock: StartClock) -> None:
    clock = running_clock()
    assert clock.lease is not None
    clock.stop(timeout=2)
    with flows.read() as session:
        assert schedulers.listing(session) == []
        [row] = schedulers.listing(session, include_stopped=True)
    assert row.id == clock.lease.id and row.stopped is not None


def test_with_another_scheduler_running_a_backlog_is_not_missed(
    flows: Database, running_clock: StartClock
) -> None:
    """A scheduler joining a busy team runs what is overdue; it is the others'
    backlog, not runs that came due while none ran (on_missed: skip)."""
    other = schedulers.register(flows)
    with flows.write() as session:
        run_id = ledger.insert_run(
            session,
            ledger.NewRun(
                workflow="skipper",
                workflow_version=1,
                params={},
                scheduled_for=utcnow() - timedelta(seconds=LEASE / 2),
            ),
        )
    clock = running_clock()
    assert clock.recovered["missed"] == []
    wait_until(lambda: _run(flows, run_id).status == "succeeded")
    schedulers.sign_off(flows, other)


def test_alone_on_the_server_missed_runs_follow_on_missed(
    flows: Database, running_clock: StartClock
) -> None:
    with flows.write() as session:
        run_id = ledger.insert_run(
            session,
            ledger.NewRun(
                workflow="skipper",
                workflow_version=1,
                params={},
                scheduled_for=utcnow() - timedelta(hours=1),
            ),
        )
    clock = running_clock()
    assert clock.recovered["missed"] == [run_id]
    assert _run(flows, run_id).status == "missed"


def test_two_clocks_on_one_database_share_the_due_runs(
    flows: Database, running_clock: StartClock
) -> None:
    """Each arms only its share (the run ID's hash over the live schedulers): both
    run some, none runs twice."""
    from app.scheduling.clock import Clock
    from app.storage.db import init_db

    first = running_clock()
    other_db = init_db(flows.url)  # another process's engine
    second = Clock(other_db)
    first.steal_seconds = second.steal_seconds = 3600  # (no taking of a late share here)
    second.start()
    try:
        assert first.lease is not None and second.lease is not None
        team = {first.lease.id, second.lease.id}
        wait_until(lambda: set(first._team) == team and set(second._team) == team)
        with flows.write() as session:
            ids = ledger.insert_runs(
                session,
                [
                    ledger.NewRun(
                        workflow="note",
                        workflow_version=1,
                        params={},
                        scheduled_for=utcnow() + timedelta(milliseconds=300),
                    )
                    for _ in range(40)
                ],
            )
        first.sync()
        second.sync()
        wait_until(lambda: all(_run(flows, r).status == "succeeded" for r in ids), timeout=30)
        order = sorted(team)
        with flows.read() as session:
            shares = dict(
                session.execute(
                    select(m.Run.id, ledger.share_of(m.Run.id, 2)).where(m.Run.id.in_(ids))
                ).all()
            )
        expected = {r: order[shares[r]] for r in ids}
        assert {r: _run(flows, r).owner_scheduler for r in ids} == expected
        assert set(expected.values()) == team
        assert _notes(flows) == 40
    finally:
        second.stop(timeout=2)
        other_db.dispose()


def test_a_share_left_late_is_taken_by_another_scheduler(
    flows: Database, running_clock: StartClock
) -> None:
    """A scheduler that registered but runs nothing (busy, slow): its share of the due
    runs is run by the other once it is steal_seconds late."""
    idle = schedulers.register(flows)
    clock = running_clock()
    clock.steal_seconds = 0.5
    assert clock.lease is not None
    lease = clock.lease
    wait_until(lambda: len(clock._team) == 2)
    with flows.write() as session:
        ids = ledger.insert_runs(
            session,
            [
                ledger.NewRun(
                    workflow="note", workflow_version=1, params={}, scheduled_for=utcnow()
                )
                for _ in range(20)
            ],
        )
    clock.sync()
    deadline = time.monotonic() + 20
    while not all(_run(flows, r).status == "succeeded" for r in ids):
        assert time.monotonic() < deadline, "the idle scheduler's share was never run"
        assert schedulers.beat(flows, idle)  # alive all along: nothing is taken over
        seen = lease.rounds
        wait_until(lambda seen=seen: lease.rounds > seen)
    assert {_run(flows, r).owner_scheduler for r in ids} == {lease.id}
    assert _notes(flows) == 20


def test_a_scheduler_that_joins_is_given_its_share_within_a_second_or_two(
    flows: Database, running_clock: StartClock
) -> None:
    """A newcomer is seen by the others within about TEAM_SECONDS (the live list is
    read again that often), not only at their next lease round (here every 5 s):
    meanwhile each would arm every run."""
    from app.scheduling.clock import TEAM_SECONDS

    with flows.write() as session:
        settings.set_value(session, "runner.lease", "60")
    clock = running_clock()
    assert clock.lease is not None and clock.lease.interval == 5
    wait_until(lambda: clock._team == [clock.lease.id])  # type: ignore[union-attr]
    joined = time.monotonic()
    newcomer = schedulers.register(flows)
    wait_until(lambda: newcomer in clock._team, timeout=4 * TEAM_SECONDS)
    assert time.monotonic() - joined < clock.lease.interval
    schedulers.sign_off(flows, newcomer)
    wait_until(lambda: newcomer not in clock._team, timeout=4 * TEAM_SECONDS)


def test_a_starting_scheduler_prunes_those_stopped_over_a_week_ago(
    flows: Database, running_clock: StartClock
) -> None:
    old, recent = schedulers.register(flows), schedulers.register(flows)
    for gone, days in ((old, 8), (recent, 1)):
        schedulers.sign_off(flows, gone)
        with flows.write() as session:
            row = session.get(m.Scheduler, gone)
            assert row is not None
            row.heartbeat = utcnow() - timedelta(days=days)
    clock = running_clock()
    assert clock.lease is not None
    with flows.read() as session:
        left = {row.id for row in schedulers.listing(session, include_stopped=True)}
    assert left == {clock.lease.id, recent}


def test_a_busy_team_re_arms_from_the_poll_at_most_twice_a_second_yet_sees_new_runs(
    flows: Database, running_clock: StartClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other schedulers' commits move the server's snapshot all the time: what only
    the change probe saw re-arms the clock at most every TEAM_PROBE_SECONDS, and a
    run scheduled elsewhere without a NOTIFY (no LISTEN, as through PgBouncer) is
    still found by the poll and run."""
    import itertools
    import threading

    from app.scheduling import clock as clock_module
    from app.storage.db import ChangeProbe
    from tests.support.postgres import OtherConnection

    monkeypatch.setattr(ChangeProbe, "listen", lambda self, wake: None)  # (no NOTIFY heard)
    clock = running_clock()
    syncs: list[float] = []
    sync = clock.sync

    def counted_sync() -> None:
        syncs.append(time.monotonic())
        sync()

    monkeypatch.setattr(clock, "sync", counted_sync)
    other = OtherConnection(flows)  # another process committing all the time
    stop = threading.Event()

    def busy() -> None:
        while not stop.wait(0.01):
            other.execute("UPDATE settings SET value = value WHERE key = 'runner.lease'")

    writer = threading.Thread(target=busy, daemon=True)
    writer.start()
    try:
        wait_until(lambda: len(syncs) >= 5, timeout=20)
        gaps = [later - earlier for earlier, later in itertools.pairwise(syncs)]
        assert clock_module.TEAM_PROBE_SECONDS == 0.5
        assert min(gaps) >= 0.45  # (at every 0.25 s poll before)
        run_id = f"r{time.monotonic_ns()}"
        other.execute(  # (plain SQL: no NOTIFY)
            "INSERT INTO runs (id, workflow, workflow_version, params, scheduled_for, status, "
            "created_at, attempt, depth, root_id, ignore_privacy, captured) "
            "VALUES (?, 'note', 1, '{}', now(), 'scheduled', now(), 1, 0, ?, false, false)",
            (run_id, run_id),
        )
        wait_until(lambda: _run(flows, run_id).status == "succeeded", timeout=20)
    finally:
        stop.set()
        writer.join()
        other.close()
