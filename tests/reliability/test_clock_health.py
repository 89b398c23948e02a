"""The clock heals itself: a dead scheduler thread is replaced, a wall-clock jump
(sleep/suspend) re-arms the timers and what came due runs at once."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

import apscheduler.schedulers.base as aps_base
import pytest

from app.core.types import utcnow
from app.engine import runner as runner_module
from app.engine.service import Service
from app.scheduling import clock as clock_module
from app.scheduling.clock import Clock
from app.storage import ledger
from app.storage.db import Database
from tests.conftest import StartClock
from tests.support.waiting import wait_until

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = pytest.mark.both_databases

FLOW = """
cueflow: 1
workflows:
  tick:
    steps: [{action: log, with: {message: tick}}]
"""


@pytest.fixture
def clock(running_clock: StartClock, monkeypatch: pytest.MonkeyPatch) -> Clock:
    monkeypatch.setattr(clock_module, "HEARTBEAT_SECONDS", 0.2)
    return running_clock(FLOW, workers=1)


def _status(db: Database, run_id: str) -> str:
    with db.read() as session:
        return ledger.get_run(session, run_id).status


def test_a_dead_scheduler_thread_is_replaced(db: Database, clock: Clock) -> None:
    clock._aps.shutdown(wait=False)  # as if its thread had died
    run_id = Service(db).schedule("tick", {}, at=utcnow() + timedelta(seconds=0.5))
    wait_until(lambda: _status(db, run_id) == "succeeded", timeout=10)
    assert clock.restarts == 1


def test_a_wall_clock_jump_runs_what_came_due(
    db: Database, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Suspend: the wall clock moves an hour while the monotonic clock does not.

    APScheduler sleeps on a monotonic timeout computed before the jump, so
    without help it would fire an hour late. The clock sees the jump and wakes it.
    """
    run_id = Service(db).schedule("tick", {}, at=utcnow() + timedelta(hours=1))
    # Armed: APScheduler's thread now waits on a timeout of about an hour.
    wait_until(lambda: clock.next_due() is not None and clock._aps.get_job(run_id) is not None)
    shift = timedelta(hours=1, seconds=5)

    class Shifted(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:  # type: ignore[override]
            return datetime.now(tz) + shift

    monkeypatch.setattr(aps_base, "datetime", Shifted)  # the time APScheduler reads
    monkeypatch.setattr(runner_module, "utcnow", lambda: utcnow() + shift)  # …and the runner
    clock.wall_clock = lambda: time.time() + shift.total_seconds()
    wait_until(lambda: _status(db, run_id) == "succeeded", timeout=10)
