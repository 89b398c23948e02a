"""Schedule on a list, recurring schedules, pause/resume and the runaway chain guard."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from app.core.ids import new_id
from app.core.recurrence import Recurrence
from app.core.types import utcnow
from app.engine.events import EventBus
from app.engine.runner import Runner
from app.engine.service import Service
from app.scheduling.clock import Clock
from app.storage import ledger, schedules
from app.storage import models as m
from app.storage.db import Database
from app.workflow_file import import_text
from tests.conftest import StartClock, cueflow_process
from tests.support.waiting import wait_until

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = pytest.mark.both_databases
# The command line opens the data folder until --database-url is wired (issue 16, item 2).

FLOWS = """
cueflow: 1
data_types:
  Member: {fields: {name: text}}
workflows:
  greet:
    parameters: {member: {type: Member}, greeting: {type: text, optional: true}}
    steps:
      - action: log
        with: {message: "{{ greeting or 'hi' }} {{ member.name }}"}
  tick:
    steps:
      - action: log
        with: {message: tick}
  greet_all:
    steps:
      - action: schedule_workflow_on_list
        with:
          workflow: greet
          list: "{{ search('Member') }}"
          item_param: member
          params: {greeting: hello}
          interval: 2
  flaky:
    retries: {attempts: 3, backoff: 60}
    steps:
      - action: log
        with: {message: "{{ 1 // 0 }}"}
  skipper:
    on_missed: skip
    steps:
      - action: log
        with: {message: tick}
  past_child:
    steps:
      - action: schedule_workflow
        with: {workflow: skipper, at: "{{ now | add_days(-3) }}"}
  forever:
    steps:
      - action: schedule_workflow
        with: {workflow: forever}
  daily:
    steps:
      - action: schedule_workflow
        with: {workflow: tick, every: 1 day, at: "{{ now | add_hours(1) }}"}
"""


@pytest.fixture
def service(db: Database) -> Service:
    import_text(db, FLOWS)
    return Service(db, EventBus())


def add_members(db: Database, count: int) -> list[str]:
    type_id = 0
    with db.write() as session:
        type_id = session.scalar(select(m.DataType.id).where(m.DataType.name == "Member"))
        now = utcnow()
        rows = [
            {
                "id": new_id(),
                "data_type_id": type_id,
                "data": {"name": f"m{i}"},
                "created_at": now,
                "modified_at": now,
            }
            for i in range(count)
        ]
        session.execute(insert(m.Thing), rows)
    return [row["id"] for row in rows]


def test_schedule_on_a_list_of_10000_things(db: Database, service: Service) -> None:
    members = add_members(db, 10_000)
    start = utcnow() + timedelta(hours=1)
    ids = service.schedule_on_list(
        "greet", members, "member", {"greeting": "hey"}, at=start, interval=2
    )
    assert len(ids) == len(set(ids)) == 10_000
    with db.read() as session:
        assert ledger.count_scheduled(session, "greet") == 10_000
        rows = list(session.scalars(ledger.runs_query(upcoming=True).limit(3)))
    assert [r.scheduled_for for r in rows] == [start + timedelta(seconds=2 * i) for i in range(3)]
    assert rows[0].params == {"greeting": "hey", "member": members[0]}


def test_a_list_with_an_unknown_thing_writes_nothing(db: Database, service: Service) -> None:
    members = add_members(db, 3)
    with pytest.raises(Exception, match="no Member with ID 'nope'"):
        service.schedule_on_list("greet", [*members, "nope"], "member", {})
    with db.read() as session:
        assert ledger.count_scheduled(session) == 0


def test_schedule_workflow_on_list_action(db: Database, service: Service) -> None:
    add_members(db, 5)
    run_id = Runner(db).run_now("greet_all", {})
    with db.read() as session:
        parent = ledger.get_run(session, run_id)
        children = list(session.scalars(ledger.runs_query(upcoming=True)))
    assert parent.status == "succeeded"
    assert len(children) == 5 and {c.parent_id for c in children} == {run_id}
    gaps = [
        (b.scheduled_for - a.scheduled_for).total_seconds() for a, b in itertools.pairwise(children)
    ]
    assert gaps == [2.0] * 4


def test_runaway_chain_is_stopped(db: Database, service: Service) -> None:
    with db.write() as session:
        from app.storage import settings

        settings.set_value(session, "runner.max_chain_depth", "5")
    runner = Runner(db)
    run_id = runner.run_now("forever", {})
    for _ in range(10):
        with db.read() as session:
            upcoming = list(session.scalars(ledger.runs_query(upcoming=True)))
        if not upcoming:
            break
        runner.execute(upcoming[0].id)
    with db.read() as session:
        runs = list(session.scalars(ledger.runs_query()))
    assert len(runs) == 6  # the first and 5 deeper; the 6th could not schedule a 7th
    assert [r.depth for r in runs] == [0, 1, 2, 3, 4, 5]
    last = runs[-1]
    assert last.status == "failed"
    assert "runaway chain stopped: 6 runs in a row" in last.error
    assert run_id == runs[0].id


def test_schedule_workflow_with_every_makes_a_schedule(db: Database, service: Service) -> None:
    Runner(db).run_now("daily", {})
    with db.read() as session:
        [schedule] = list(session.scalars(select(m.Schedule)))
        [first] = list(session.scalars(ledger.runs_query(upcoming=True)))
    assert schedule.every == "1 day" and first.schedule_id == schedule.id


def test_occurrences_cancel_one_or_all(db: Database, service: Service) -> None:
    start = datetime(2031, 1, 10, 8, 0, 0, 123, tzinfo=UTC)  # winter: no DST change next day
    schedule_id = service.schedule(
        "tick", {}, at=start, every=Recurrence.parse("1 day"), timezone="Europe/Berlin"
    )
    with db.read() as session:
        [first] = list(session.scalars(ledger.runs_query(upcoming=True)))
    assert first.scheduled_for == start.replace(microsecond=0)  # calendar steps are whole seconds
    service.cancel([first.id])  # skips just this one
    with db.read() as session:
        [second] = list(session.scalars(ledger.runs_query(upcoming=True)))
    assert second.schedule_id == schedule_id
    assert second.scheduled_for - first.scheduled_for == timedelta(days=1)  # no DST change
    assert service.cancel([schedule_id]) == [second.id]
    with db.read() as session:
        assert ledger.count_scheduled(session) == 0
        assert session.get(m.Schedule, schedule_id).status == "cancelled"


def test_pause_keeps_runs_scheduled_and_resume_applies_policy(
    db: Database, service: Service, running_clock: StartClock
) -> None:
    clock = running_clock(events=service.events, workers=1)
    service.set_paused(True)
    wait_until(lambda: clock.paused)
    run_id = service.schedule("tick", {}, at=utcnow() + timedelta(milliseconds=100))
    time.sleep(1.3)  # due while paused, and more than a second ago
    with db.read() as session:
        assert ledger.get_run(session, run_id).status == "scheduled"
    service.set_paused(False)
    wait_until(lambda: _status(db, run_id) == "succeeded")
    with db.read() as session:
        log = [line.message for line in ledger.log_lines(session, run_id)]
    assert any(line.startswith("running late by 1 s") for line in log)


def _status(db: Database, run_id: str) -> str:
    with db.read() as session:
        return ledger.get_run(session, run_id).status


# --- command line -------------------------------------------------------------------


def test_cli_each_and_each_search(cli: Any, db: Database) -> None:
    import_text(db, FLOWS)
    members = add_members(db, 3)
    each = cli(
        "schedule",
        "greet",
        "--each",
        f"member={members[0]},{members[1]}",
        "--at",
        "+1h",
        "--interval",
        "60",
    )
    assert each.code == 0 and len(each.out.split()) == 2
    search = cli("schedule", "greet", "--each-search", "Member", "-p", "greeting=yo", "--at", "+2h")
    assert search.code == 0 and len(search.out.split()) == 3
    upcoming = cli("runs", "--upcoming", "--json").json()
    assert len(upcoming) == 5
    first, second = (datetime.fromisoformat(r["scheduled_for"]) for r in upcoming[:2])
    assert second - first == timedelta(seconds=60)
    bad = cli("schedule", "greet", "--each-search", "User")
    assert bad.code == 2 and "has no parameter of type User" in bad.err


def test_cli_every_prints_a_schedule_that_cancel_ends(cli: Any, db: Database) -> None:
    import_text(db, FLOWS)
    result = cli(
        "schedule", "tick", "--every", "2 hours", "--at", "+1h", "--timezone", "America/New_York"
    )
    assert result.code == 0
    schedule_id = result.out.strip()
    [listed] = cli("schedules", "--json").json()
    assert listed["id"] == schedule_id and listed["every"] == "2 hours"
    [upcoming] = cli("runs", "--upcoming", "--json").json()
    assert upcoming["schedule_id"] == schedule_id
    assert cli("cancel", schedule_id).out.strip() == "cancelled 1 run"
    assert cli("runs", "--upcoming", "--json").json() == []
    assert cli("schedule", "tick", "--every", "2 fortnights").code == 2
    assert cli("schedule", "tick", "--every", "1 day", "--timezone", "Mars/Base").code == 2


def test_cli_pause_and_resume(cli: Any) -> None:
    assert cli("pause").code == 0
    assert cli("settings", "get", "scheduler.paused").out.strip() == "True"
    assert cli("resume").code == 0
    assert cli("settings", "get", "scheduler.paused").out.strip() == "False"


@pytest.fixture
def runner_proc(data_dir: Path, db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    if db.folder is None:  # on PostgreSQL: the processes use the test's database
        url = db.engine.url.render_as_string(hide_password=False)
        monkeypatch.setenv("CUEFLOW_DATABASE_URL", url)
    proc = cueflow_process(data_dir, "runner")
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith("Cueflow runner")
    yield proc
    proc.terminate()
    proc.wait(timeout=20)


@pytest.mark.slow
def test_every_two_seconds_against_a_running_runner(
    db: Database, runner_proc: Any, cli: Any
) -> None:
    # The runner is the process; the commands run in this process (`cli`).
    import_text(db, FLOWS)
    started = cli("schedule", "tick", "--every", "2 seconds", "--at", "+1s")
    assert started.code == 0, started.err
    schedule_id = started.out.strip()

    def done() -> list[dict[str, Any]]:
        runs = cli("runs", "--json").json()
        return [r for r in runs if r["schedule_id"] == schedule_id]

    wait_until(lambda: sum(r["status"] == "succeeded" for r in done()) >= 3, timeout=15, every=0.3)
    runs = done()
    succeeded = [r for r in runs if r["status"] == "succeeded"]
    assert len(succeeded) >= 3
    assert [r["status"] for r in runs if r["status"] == "scheduled"] == ["scheduled"]
    times = sorted(datetime.fromisoformat(r["scheduled_for"]) for r in succeeded)
    assert {round((b - a).total_seconds()) for a, b in itertools.pairwise(times)} == {2}
    assert cli("cancel", schedule_id).code == 0
    with db.read() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(m.Run).where(m.Run.status == "scheduled")
            )
            == 0
        )


# --- occurrences keep coming, on the start's grid, once each ----------------------------


def _occurrences(db: Database, schedule_id: str) -> list[m.Run]:
    with db.read() as session:
        return list(
            session.scalars(
                select(m.Run).where(m.Run.schedule_id == schedule_id).order_by(m.Run.created_at)
            )
        )


def test_a_waiting_retry_does_not_stop_the_schedule(
    db: Database, service: Service, running_clock: StartClock
) -> None:
    clock = running_clock(events=service.events, workers=1)
    schedule_id = service.schedule("flaky", {}, every=Recurrence.parse("1 second"))
    # Every occurrence fails and waits a minute for its retry; the next
    # occurrences come all the same.
    wait_until(lambda: len(_occurrences(db, schedule_id)) >= 4, timeout=15)
    clock.stop(timeout=2)
    runs = _occurrences(db, schedule_id)
    retrying = [r for r in runs if r.status == "scheduled" and r.attempt == 2]
    assert len(retrying) >= 3
    assert len([r for r in runs if r.status == "scheduled" and r.attempt == 1]) <= 1


def _schedule(db: Database, workflow: str, start: datetime, every: str) -> str:
    with db.write() as session:
        schedule_id, _ = schedules.create(
            session,
            ledger.NewRun(workflow=workflow, workflow_version=1, params={}, scheduled_for=start),
            Recurrence.parse(every),
            "UTC",
        )
    return schedule_id


def test_an_occurrence_claimed_late_keeps_the_next_on_the_grid(
    db: Database, service: Service
) -> None:
    start = utcnow().replace(microsecond=0) + timedelta(hours=1)
    schedule_id = _schedule(db, "tick", start, "1 minute")
    [first] = _occurrences(db, schedule_id)
    with db.write() as session:
        ledger.claim(session, first.id, 1)  # its run starts (here: 2.4 s late)
        following = schedules.advance(session, schedule_id, start + timedelta(seconds=2.4))
    [_, second] = _occurrences(db, schedule_id)
    assert second.id == following
    assert second.scheduled_for == start + timedelta(minutes=1)


def test_a_restart_keeps_the_grid(db: Database, service: Service) -> None:
    start = utcnow().replace(microsecond=0) - timedelta(minutes=10, seconds=30)
    schedule_id = _schedule(db, "skipper", start, "1 minute")
    [first] = _occurrences(db, schedule_id)
    with db.write() as session:  # made before the scheduler stopped, 8.5 minutes ago
        session.get(m.Run, first.id).scheduled_for = start + timedelta(minutes=2)
    clock = Clock(db, EventBus(), workers=1)
    assert clock.recover()["missed"] == [first.id]
    [_, following] = _occurrences(db, schedule_id)
    assert following.status == "scheduled"
    offset = (following.scheduled_for - start).total_seconds()
    assert offset == 11 * 60  # the next minute of the start's grid, not "now + 1 minute"


def test_the_same_occurrence_is_never_made_twice(db: Database, service: Service) -> None:
    start = utcnow().replace(microsecond=0) + timedelta(hours=1)
    schedule_id = _schedule(db, "tick", start, "1 minute")
    [first] = _occurrences(db, schedule_id)
    with db.write() as session:
        assert schedules.advance(session, schedule_id, start) is None  # one is upcoming
        ledger.cancel(session, [first.id])
        # Asked again from an earlier moment (a stale caller): the next one
        # comes after every occurrence already made, not at `start` again.
        schedules.advance(session, schedule_id, start - timedelta(minutes=30))
        schedules.advance(session, schedule_id, start - timedelta(minutes=30))
    times = [r.scheduled_for for r in _occurrences(db, schedule_id)]
    assert times == [start, start + timedelta(minutes=1)]


def test_a_schedule_whose_repeat_can_never_come_ends_instead_of_breaking_its_run(
    db: Database, service: Service
) -> None:
    start = utcnow().replace(microsecond=0) + timedelta(hours=1)
    schedule_id = _schedule(db, "tick", start, "1 minute")
    [first] = _occurrences(db, schedule_id)
    with db.write() as session:  # what an older Cueflow accepted
        session.get(m.Schedule, schedule_id).every = "cron:0 0 31 2 *"
        ledger.cancel(session, [first.id])
        assert schedules.advance(session, schedule_id, start) is None
    with db.read() as session:
        assert session.get(m.Schedule, schedule_id).status == "ended"


# --- a time in the past is due now, not missed ---------------------------------------------


def test_a_run_scheduled_in_the_past_is_due_now_even_with_no_scheduler_up(
    db: Database, service: Service, running_clock: StartClock
) -> None:
    before = utcnow()
    start = before.replace(microsecond=0) - timedelta(days=3, minutes=1)
    run_id = service.schedule("skipper", {}, at=before - timedelta(days=3))
    schedule_id = service.schedule("skipper", {}, at=start, every=Recurrence.parse("1 day"))
    with db.read() as session:
        run = ledger.get_run(session, run_id)
        assert before <= run.scheduled_for <= utcnow()
        assert ledger.log_lines(session, run_id)[0].message.endswith("in the past: due at once")
    [first] = _occurrences(db, schedule_id)
    assert before <= first.scheduled_for <= utcnow()
    # A scheduler starting later (skip policy, grace of a day) runs both.
    clock = running_clock(workers=1)
    wait_until(lambda: _status(db, run_id) == "succeeded" == _status(db, first.id))
    assert clock.recovered["missed"] == []
    clock.stop(timeout=2)
    [_, following] = _occurrences(db, schedule_id)
    # The next occurrence is on the start's grid: a day after it, at the same time.
    assert following.scheduled_for == start + timedelta(days=4)


def test_schedule_workflow_with_a_past_at_is_due_now(
    db: Database, service: Service, running_clock: StartClock
) -> None:
    before = utcnow()
    parent = Runner(db).run_now("past_child", {})
    with db.read() as session:
        [child] = [r for r in session.scalars(select(m.Run)) if r.parent_id == parent]
    assert before <= child.scheduled_for <= utcnow()
    clock = running_clock(workers=1)  # later, with the skip policy: it runs, it is not missed
    wait_until(lambda: _status(db, child.id) == "succeeded")
    assert clock.recovered["missed"] == []
    clock.stop(timeout=2)
