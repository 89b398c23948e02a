"""Numbers a user gives have a sane range, checked at input; numbers already
stored (by an older Cueflow) are made safe where they are used.

Settings, repeats, times and retry delays: out of range is one line and exit
2 at the command line, the data unchanged; at run time, a bounded value.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from app.core.definitions import MAX_RETRY_DELAY, RetryPolicy
from app.core.types import utcnow
from app.engine.events import EventBus
from app.engine.runner import Runner
from app.engine.service import Service
from app.errors import BadInput
from app.scheduling.clock import Clock
from app.storage import ledger, settings
from app.storage import models as m
from app.storage.db import Database
from app.workflow_file import import_text

FLOWS = """
cueflow: 1
workflows:
  tick:
    parameters: {n: {type: number, optional: true}}
    steps: [{action: log, with: {message: tick}}]
  flaky:
    retries: {attempts: 2, backoff: 10}
    steps: [{action: log, with: {message: "{{ 1 // 0 }}"}}]
"""


def _one_line_refusal(result: Any) -> str:
    assert result.code == 2, (result.code, result.err)
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert "Traceback" not in result.err
    return str(result.err)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("runner.max_concurrent_runs", "1000000000"),
        ("runner.max_concurrent_runs", "0"),
        ("runner.max_concurrent_runs", "65"),
        ("runner.max_chain_depth", "1000000000"),
        ("runner.max_chain_runs", "0"),
        ("runner.max_chain_runs", "10000001"),
        ("runner.max_chain_runs", "1e9"),
        ("smtp.timeout", "0"),
        ("smtp.timeout", "99999999"),
        ("smtp.port", "70000"),
        ("runner.max_concurrent_runs", "9" * 5000),
    ],
)
def test_a_setting_out_of_its_range_is_refused(cli: Any, key: str, value: str) -> None:
    before = cli("settings", "get", key).out
    err = _one_line_refusal(cli("settings", "set", key, value))
    assert key in err and len(err) < 200
    assert cli("settings", "get", key).out == before


def test_a_setting_at_the_ends_of_its_range_is_taken(cli: Any) -> None:
    assert cli("settings", "set", "runner.max_concurrent_runs", "64").code == 0
    assert cli("settings", "get", "runner.max_concurrent_runs").out.strip() == "64"
    assert cli("settings", "set", "runner.max_concurrent_runs", "1").code == 0
    assert cli("settings", "set", "runner.max_chain_runs", "10000000").code == 0
    assert cli("settings", "set", "runner.max_chain_runs", "1").code == 0


@pytest.mark.parametrize(("stored", "workers"), [(1_000_000_000, 64), (-3, 1), ("many", 4)])
def test_a_stored_setting_out_of_range_is_used_within_it(
    db: Database, stored: Any, workers: int
) -> None:
    with db.write() as session:
        session.merge(
            m.Setting(
                key="runner.max_concurrent_runs",
                value=f'"{stored}"' if isinstance(stored, str) else str(stored),
            )
        )
    assert Clock(db, EventBus()).workers == workers  # not a billion threads
    with db.read() as session:
        assert settings.all_settings(session)["runner.max_concurrent_runs"] == workers


@pytest.mark.parametrize(
    "every",
    ["9999999 years", "12345678901234567890123 minutes", "cron:0 0 31 2 *", "101 years"],
)
def test_a_repeat_that_never_comes_is_refused(cli: Any, db: Database, every: str) -> None:
    import_text(db, FLOWS)
    err = _one_line_refusal(cli("schedule", "tick", "--every", every))
    assert "100 years" in err
    assert cli("runs", "--json").json() == []


@pytest.mark.parametrize(
    "when", ["+2900000d", "+100000w", "0001-01-01T00:00+01:00", "9999-12-31T23:59:59-01:00"]
)
def test_a_time_off_the_calendar_or_centuries_ahead_is_refused(
    cli: Any, db: Database, when: str
) -> None:
    import_text(db, FLOWS)
    _one_line_refusal(cli("schedule", "tick", "--at", when))
    assert cli("runs", "--json").json() == []


def test_a_time_in_the_distant_past_is_due_now(cli: Any, db: Database) -> None:
    import_text(db, FLOWS)
    before = utcnow()
    result = cli("schedule", "tick", "--at", "0002-01-01T00:00+00:00")
    assert result.code == 0, result.err
    with db.read() as session:
        run = ledger.get_run(session, result.out.strip())
    assert before <= run.scheduled_for <= utcnow()


@pytest.mark.parametrize("interval", [math.nan, math.inf, 1e300, -1.0])
def test_a_list_interval_out_of_range_is_refused(db: Database, interval: float) -> None:
    import_text(db, FLOWS)
    with pytest.raises(BadInput, match="interval"):
        Service(db).schedule_on_list("tick", [1, 2, 3], "n", {}, interval=interval)


@pytest.mark.parametrize("backoff", [1e300, math.inf, 1e6])
def test_a_huge_retry_backoff_waits_a_day_at_most_and_never_leaves_the_run_running(
    db: Database, backoff: float
) -> None:
    import_text(db, FLOWS)
    with db.write() as session:  # what an older importer let through
        session.execute(
            update(m.Workflow).where(m.Workflow.name == "flaky").values(retry_backoff=backoff)
        )
    run_id = Runner(db).run_now("flaky", {})
    with db.read() as session:
        run = ledger.get_run(session, run_id)
        log = [line.message for line in ledger.log_lines(session, run_id)]
    assert (run.status, run.attempt) == ("scheduled", 2)
    assert run.scheduled_for <= utcnow() + timedelta(seconds=MAX_RETRY_DELAY)
    assert run.scheduled_for >= utcnow() + timedelta(seconds=MAX_RETRY_DELAY - 60)
    assert any("retrying in 86400 s" in line for line in log), log
    assert Service(db).cancel([run_id]) == [run_id]  # a waiting retry can be cancelled


def test_retry_delays_are_bounded_whatever_the_numbers() -> None:
    assert RetryPolicy(3, 10).delay(2) == 20
    assert RetryPolicy(3, math.nan).delay(1) == RetryPolicy().backoff  # the default
    assert RetryPolicy(3, -math.inf).delay(1) == 0
    assert RetryPolicy(10**9, 1e-9).delay(10**9) == MAX_RETRY_DELAY  # no 2**1e9
