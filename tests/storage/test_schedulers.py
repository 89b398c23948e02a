"""app/storage/schedulers.py and the ledger's team-mode statements: scheduler rows,
leases, takeover of a dead scheduler's runs, finishes conditional on the owner,
and each schedule occurrence made once (runs on both databases)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.types import utcnow
from app.errors import BadInput
from app.storage import ledger, schedulers, settings
from app.storage import models as m
from app.storage.db import Database, TransactionFailed, init_db
from tests.storage.conftest import new_run


def _age(db: Database, scheduler_id: str, seconds: float) -> None:
    """Set a scheduler's heartbeat `seconds` ago (negative: in the future)."""
    with db.write() as session:
        row = session.get(m.Scheduler, scheduler_id)
        assert row is not None
        row.heartbeat = utcnow() - timedelta(seconds=seconds)


def _running(db: Database, owner: str | None) -> str:
    with db.write() as session:
        run_id = ledger.insert_run(session, new_run(at=utcnow() - timedelta(seconds=1)))
        assert ledger.claim(session, run_id, 4242, owner=owner) is not None
    return run_id


def _status(db: Database, run_id: str) -> str:
    with db.read() as session:
        return ledger.get_run(session, run_id).status


def test_a_registered_scheduler_is_listed_with_its_runs_in_flight(flows: Database) -> None:
    me = schedulers.register(flows)
    _running(flows, me)
    with flows.read() as session:
        [row] = schedulers.listing(session)
    assert (row.id, row.runs_in_flight, row.stopped) == (me, 1, None)
    assert row.pid > 0 and row.host and row.heartbeat >= row.started
    assert schedulers.beat(flows, me) is True
    schedulers.sign_off(flows, me)
    assert schedulers.beat(flows, me) is False  # signed off: its lease is gone
    with flows.read() as session:
        assert schedulers.listing(session) == []
        assert schedulers.listing(session, include_stopped=True)[0].stopped is not None


def test_only_schedulers_past_their_lease_are_found_dead(flows: Database) -> None:
    me, live, dead, future = (schedulers.register(flows) for _ in range(4))
    _age(flows, live, 5)
    _age(flows, dead, 60)
    _age(flows, future, -3600)  # a heartbeat an hour ahead: a forged row or a clock set back
    _age(flows, me, 600)  # never itself
    with flows.write() as session:
        found = schedulers.expire_dead(session, me, 30)
    assert sorted(found) == sorted([dead, future])
    with flows.write() as session:
        assert schedulers.expire_dead(session, me, 30) == []  # stopped once


def test_a_dead_schedulers_running_runs_are_interrupted_a_live_ones_are_not(
    flows: Database,
) -> None:
    me, live, dead = (schedulers.register(flows) for _ in range(3))
    theirs, alive, local = _running(flows, dead), _running(flows, live), _running(flows, None)
    _age(flows, dead, 120)
    with flows.write() as session:
        assert schedulers.expire_dead(session, me, 30) == [dead]
        assert ledger.interrupt_orphans(session, "gone") == [theirs]
    assert [_status(flows, r) for r in (theirs, alive, local)] == [
        "interrupted",
        "running",
        "running",
    ]
    with flows.write() as session:
        assert ledger.interrupt_orphans(session, "gone") == []


def test_two_survivors_racing_take_each_dead_run_once(flows: Database) -> None:
    """Two processes' recoveries at once (two engines): each run goes to exactly one."""
    dead = schedulers.register(flows)
    runs = [_running(flows, dead) for _ in range(20)]
    _age(flows, dead, 120)
    others = [init_db(flows.url) for _ in range(2)]
    survivors = [schedulers.register(flows) for _ in others]
    taken: list[list[str]] = [[], []]
    start = threading.Barrier(2)

    def recover(n: int) -> None:
        start.wait()
        with others[n].write() as session:
            schedulers.expire_dead(session, survivors[n], 30)
            taken[n] = ledger.interrupt_orphans(session, "gone")

    threads = [threading.Thread(target=recover, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for other in others:
        other.dispose()
    assert sorted(taken[0] + taken[1]) == sorted(runs)
    assert all(_status(flows, r) == "interrupted" for r in runs)


def test_a_finish_or_retry_by_a_scheduler_that_no_longer_owns_the_run_changes_nothing(
    flows: Database,
) -> None:
    a, b = schedulers.register(flows), schedulers.register(flows)
    run_id = _running(flows, b)
    with flows.write() as session:
        assert not ledger.finish(session, run_id, ledger.SUCCEEDED, owner=a)
        assert not ledger.finish(session, run_id, ledger.FAILED, owner=a, unless_finished=True)
        assert not ledger.retry_later(session, run_id, utcnow(), "x", owner=a)
    assert _status(flows, run_id) == "running"
    with flows.write() as session:
        assert ledger.finish(session, run_id, ledger.SUCCEEDED, owner=b)
    assert _status(flows, run_id) == "succeeded"


def test_hold_tells_whether_the_lease_is_still_held(flows: Database) -> None:
    me = schedulers.register(flows)
    with flows.write() as session:
        assert schedulers.hold(session, me)
    schedulers.sign_off(flows, me)
    with flows.write() as session:
        assert not schedulers.hold(session, me)
        assert not schedulers.hold(session, "no-such-scheduler")


def _exists(db: Database, run_id: str) -> bool:
    with db.read() as session:
        return session.get(m.Run, run_id) is not None


def test_hold_with_the_commit_commits_only_while_the_lease_is_held(flows: Database) -> None:
    """PostgreSQL: the lease check, the NOTIFY of a transaction that scheduled runs and
    the COMMIT go in one round trip; a lost lease commits nothing."""
    me = schedulers.register(flows)
    if flows.side.name == "sqlite":  # (no lease check in the commit: the check alone)
        with flows.write() as session:
            assert schedulers.hold(session, me, commit=True)
        schedulers.sign_off(flows, me)
        with flows.write() as session:
            assert not schedulers.hold(session, me, commit=True)
        return
    import psycopg

    uri = flows.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(uri, autocommit=True) as ear:
        ear.execute("LISTEN cueflow_ledger")
        with flows.write() as session:
            kept = ledger.insert_run(session, new_run())  # (it announces)
            assert schedulers.hold(session, me, commit=True)
            assert _exists(flows, kept)  # committed by the check's round trip
        assert len(list(ear.notifies(timeout=5, stop_after=1))) == 1
    assert _exists(flows, kept)
    schedulers.sign_off(flows, me)
    for owner in (me, "no-such-scheduler"):
        with pytest.raises(TransactionFailed), flows.write() as session:
            lost = ledger.insert_run(session, new_run())
            assert not schedulers.hold(session, owner, commit=True)
        assert not _exists(flows, lost)


def test_a_claim_records_its_owner_and_a_resume_clears_it(flows: Database) -> None:
    me = schedulers.register(flows)
    run_id = _running(flows, me)
    with flows.read() as session:
        assert ledger.get_run(session, run_id).owner_scheduler == me
    with flows.write() as session:
        assert ledger.finish(session, run_id, ledger.INTERRUPTED, owner=me)
        assert ledger.resume(session, run_id, utcnow())
    with flows.read() as session:
        run = ledger.get_run(session, run_id)
        assert (run.status, run.owner_scheduler, run.attempt) == ("scheduled", None, 2)


def test_an_occurrence_is_made_once_per_schedule_and_time(flows: Database) -> None:
    at = utcnow() + timedelta(hours=1)
    occurrence = new_run(at=at, schedule_id="s123456789012345")
    with flows.write() as session:
        first = ledger.insert_occurrence(session, occurrence)
        assert first is not None
        assert ledger.insert_occurrence(session, occurrence) is None
        # Another time, or a retry (attempt 2) of the same time, is another row.
        assert ledger.insert_occurrence(
            session, new_run(at=at + timedelta(hours=1), schedule_id="s123456789012345")
        )
    with flows.read() as session:
        run = ledger.get_run(session, first)
        assert (run.params, run.origin, run.scheduled_for) == ({"text": "x"}, "cli", at)


@pytest.mark.parametrize("text", ["0", "1", "nan", "inf", "-5", "3601", "1e3", "9" * 30])
def test_a_lease_outside_its_range_is_refused(db: Database, text: str) -> None:
    with db.write() as session, pytest.raises(BadInput, match=r"runner\.lease|number|long"):
        settings.set_value(session, "runner.lease", text)
    with db.read() as session:
        assert settings.get(session, "runner.lease") == 30


def test_a_share_comes_first_then_others_late_runs_latest_first(flows: Database) -> None:
    """Team mode's arming (ledger.next_due with a share): its own share of the due
    runs, then, only to fill the limit, others' runs late past `steal_before`, the
    latest first (their owner works from the earliest: the two rarely meet)."""
    if flows.side.name != "postgresql":
        pytest.skip("shares are hashed by PostgreSQL's hashtext (SQLite has one scheduler)")
    now = utcnow()
    with flows.write() as session:
        ids = [
            ledger.insert_run(session, new_run(at=now - timedelta(seconds=60 - n)))
            for n in range(40)
        ]
        owner = dict(
            session.execute(
                select(m.Run.id, ledger.share_of(m.Run.id, 2)).where(m.Run.id.in_(ids))
            ).all()
        )
    mine = [r for r in ids if owner[r] == 0]
    theirs = [r for r in ids if owner[r] == 1]
    assert mine and theirs

    def due(limit: int, steal: timedelta, at_most: int | None = None) -> list[str]:
        with flows.read() as session:
            found = ledger.next_due(session, limit, (0, 2), now - steal, at_most)
            return [r for r, _ in found]

    assert due(100, timedelta(0)) == mine + theirs[::-1]
    assert due(len(mine) + 2, timedelta(0)) == mine + theirs[::-1][:2]
    assert due(len(mine), timedelta(0)) == mine  # its own fill the limit: nothing taken
    assert due(100, timedelta(hours=1)) == mine  # none of theirs late yet
    # (the clock's: a few at a time, and none while its workers have runs queued)
    assert due(100, timedelta(0), at_most=2) == mine + theirs[::-1][:2]
    assert due(100, timedelta(0), at_most=0) == mine


def test_stopped_schedulers_are_pruned_a_week_after_their_last_beat(flows: Database) -> None:
    me, old, recent, silent, owning = (schedulers.register(flows) for _ in range(5))
    for gone in (old, recent, owning):
        schedulers.sign_off(flows, gone)
    held = _running(flows, owning)  # not yet taken over: its row must stay
    _age(flows, old, 8 * 86400)
    _age(flows, recent, 6 * 86400)
    _age(flows, silent, 8 * 86400)  # not stopped yet: the takeover's to judge first
    _age(flows, owning, 8 * 86400)
    with flows.write() as session:
        assert schedulers.prune(session) == 1
    with flows.read() as session:
        left = {row.id for row in schedulers.listing(session, include_stopped=True)}
    assert left == {me, recent, silent, owning}
    with flows.write() as session:
        assert schedulers.expire_dead(session, me, 30) == [silent]
        assert ledger.interrupt_orphans(session, "gone") == [held]
        assert schedulers.prune(session) == 2  # found dead a week late: goes at once
    with flows.read() as session:
        left = {row.id for row in schedulers.listing(session, include_stopped=True)}
        assert [row.id for row in schedulers.listing(session)] == [me]
    assert left == {me, recent}
    with flows.write() as session:
        assert schedulers.prune(session) == 0
