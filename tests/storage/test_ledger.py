"""app/storage/ledger.py: inserting, cancelling, claiming and finishing runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.core.types import utcnow
from app.errors import NotFound
from app.storage import ledger
from app.storage.db import Database
from tests.storage.conftest import new_run


def test_an_inserted_run_reads_back_scheduled(flows: Database) -> None:
    with flows.write() as session:
        run_id = ledger.insert_run(session, new_run())
    with flows.read() as session:
        run = ledger.get_run(session, run_id)
        assert (run.workflow, run.status, run.attempt, run.params) == (
            "note",
            "scheduled",
            1,
            {"text": "x"},
        )
        assert ledger.count_scheduled(session) == 1
        assert ledger.count_scheduled(session, "other") == 0


def test_an_unknown_run_is_not_found(flows: Database) -> None:
    with flows.read() as session, pytest.raises(NotFound, match="no run with ID 'nope'"):
        ledger.get_run(session, "nope")


def test_runs_inserted_together_come_due_in_time_order(flows: Database) -> None:
    now = utcnow()
    with flows.write() as session:
        ids = ledger.insert_runs(
            session, [new_run(at=now + timedelta(minutes=m)) for m in (3, 1, 2)]
        )
    with flows.read() as session:
        assert [run_id for run_id, _ in ledger.next_due(session, 10)] == [ids[1], ids[2], ids[0]]
        assert [run_id for run_id, _ in ledger.next_due(session, 1)] == [ids[1]]


def test_runs_inserted_together_keep_their_exact_times(flows: Database) -> None:
    """PostgreSQL's COPY formats each distinct time once (dialects._time_text)."""
    base = datetime(2031, 3, 30, 0, 59, 59, 999_999, tzinfo=UTC)  # (Berlin's DST starts at 1:00)
    berlin = ZoneInfo("Europe/Berlin")
    later = base + timedelta(microseconds=1)
    times = [base, base, later, (base + timedelta(hours=5)).astimezone(berlin), base]
    with flows.write() as session:
        ids = ledger.insert_runs(session, [new_run(at=at) for at in times])
    with flows.read() as session:
        runs = [ledger.get_run(session, run_id) for run_id in ids]
    assert [run.scheduled_for for run in runs] == times
    assert [run.scheduled_for.utcoffset() for run in runs] == [timedelta(0)] * len(times)
    assert len({run.created_at for run in runs}) == 1


def test_cancel_touches_only_scheduled_runs_and_uncancel_restores_them(flows: Database) -> None:
    with flows.write() as session:
        keep, drop = ledger.insert_runs(session, [new_run(), new_run()])
        assert ledger.cancel(session, [drop, "unknown"]) == [drop]
        assert ledger.cancel(session, [drop]) == []  # already cancelled
    with flows.read() as session:
        assert ledger.get_run(session, drop).status == "cancelled"
        assert ledger.get_run(session, keep).status == "scheduled"
    with flows.write() as session:
        assert ledger.uncancel(session, [drop, keep]) == [drop]
    with flows.read() as session:
        assert ledger.count_scheduled(session) == 2


def test_a_run_is_claimed_once_and_finished_once(flows: Database) -> None:
    with flows.write() as session:
        run_id = ledger.insert_run(session, new_run(at=utcnow() - timedelta(seconds=1)))
    with flows.write() as session:
        claimed = ledger.claim(session, run_id, pid=4242)
        assert claimed is not None and claimed.root_id == run_id  # its own chain's root
        assert ledger.claim(session, run_id, pid=4243) is None  # someone got there first
    with flows.write() as session:
        assert ledger.finish(session, run_id, "succeeded", returned={"n": 1})
        assert not ledger.finish(session, run_id, "failed")  # no longer running
    with flows.read() as session:
        run = ledger.get_run(session, run_id)
        assert (run.status, run.returned, run.owner_pid) == ("succeeded", {"n": 1}, 4242)


def test_a_run_not_yet_due_is_not_claimed_with_due_by(flows: Database) -> None:
    with flows.write() as session:
        run_id = ledger.insert_run(session, new_run(at=utcnow() + timedelta(hours=1)))
        assert ledger.claim(session, run_id, pid=1, due_by=utcnow()) is None


def test_log_lines_keep_their_order(flows: Database) -> None:
    with flows.write() as session:
        run_id = ledger.insert_run(session, new_run())
        ledger.add_log(session, run_id, "first")
        ledger.add_logs(session, run_id, [("second", "info"), ("third", "error")])
    with flows.read() as session:
        lines = [(line.level, line.message) for line in ledger.log_lines(session, run_id)]
    assert lines[-3:] == [("info", "first"), ("info", "second"), ("error", "third")]
