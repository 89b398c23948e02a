"""A trigger's chain: the trigger-started run and everything it starts (issue 12).

Every run of the chain respects privacy rules and fires no triggers, however
it was started (run_workflow, schedule_workflow, on a list, a recurring
schedule); a trigger fired from inside a run continues that run's chain
depth; a trigger's condition and parameters see the thing through the rules
of the user who made the change.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.engine.events import EventBus
from app.engine.runner import Runner
from app.engine.service import Service
from app.storage import catalog, ledger, settings
from app.storage import models as m
from app.storage.db import Database
from app.workflow_file import import_text
from tests.conftest import StartClock
from tests.support.waiting import wait_until

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = pytest.mark.both_databases

SECRET = "cy-secret-4411"

FILE = """
cueflow: 1
data_types:
  Counter:
    fields: {n: number}
  User:
    fields: {email: text, name: text, note: text}
    privacy:
      rules:
        - name: Own record
          when: "thing.email == current_user.email"
          view: all
          find: true
          modify: true
      everyone_else: {view: [name, email], find: true, modify: true}
workflows:
  bump:
    parameters: {c: {type: Counter}}
    steps:
      - action: modify_thing
        with: {thing: "{{ c }}", fields: {n: "{{ (c.n or 0) + 1 }}"}}
  inline:
    parameters: {c: {type: Counter}}
    steps:
      - action: run_workflow
        with: {workflow: bump, params: {c: "{{ c }}"}}
  scheduled:
    parameters: {c: {type: Counter}}
    steps:
      - action: schedule_workflow
        with: {workflow: bump, params: {c: "{{ c }}"}}
  on_list:
    parameters: {c: {type: Counter}}
    steps:
      - action: schedule_workflow_on_list
        with: {workflow: bump, list: "{{ [c] }}", item_param: c}
  peek:
    ignore_privacy_rules: true
    parameters: {user: {type: User}}
    steps:
      - action: return_data
        with: {values: {note: "{{ user.note }}"}}
  on_user:
    ignore_privacy_rules: true
    parameters: {user: {type: User}}
    steps:
      - action: run_workflow
        with: {workflow: peek, params: {user: "{{ user }}"}}
      - action: schedule_workflow
        with: {workflow: peek, params: {user: "{{ user }}"}, ignore_privacy_rules: true}
      - action: schedule_workflow_on_list
        with: {workflow: peek, list: "{{ [user] }}", item_param: user}
      - action: return_data
        with: {values: {inline: "{{ step1.note }}", own: "{{ user.note }}"}}
triggers:
  counter_changed:
    data_type: Counter
    on: [modified]
    workflow: WORKFLOW
    params: {c: "{{ thing_now }}"}
"""


def runs(db: Database, **where: Any) -> list[m.Run]:
    with db.read() as session:
        query = select(m.Run).filter_by(**where).order_by(m.Run.created_at, m.Run.id)
        return list(session.scalars(query))


def count(db: Database, *status: str) -> int:
    with db.read() as session:
        query = select(func.count()).select_from(m.Run)
        if status:
            query = query.where(m.Run.status.in_(status))
        return int(session.scalar(query) or 0)


def log(db: Database, run_id: str) -> list[str]:
    with db.read() as session:
        return [line.message for line in ledger.log_lines(session, run_id)]


@pytest.mark.parametrize("workflow", ["inline", "scheduled", "on_list"])
def test_a_trigger_loop_through_its_children_settles(
    db: Database, events: EventBus, running_clock: StartClock, workflow: str
) -> None:
    import_text(db, FILE.replace("WORKFLOW", workflow))
    service = Service(db, events)
    counter = service.create_thing("Counter", {"n": 0})
    running_clock(horizon=5, stop_timeout=5)
    service.modify_thing(counter.id, {"n": 1})  # fires counter_changed once
    # Settled: nothing scheduled or running (a trigger's run is inserted with the
    # change that fires it, so there is no moment in between).
    wait_until(lambda: count(db) >= 2 and count(db, "scheduled", "running") == 0)
    done = runs(db)
    assert [(r.workflow, r.status) for r in done] == [
        (workflow, "succeeded"),
        ("bump", "succeeded"),
    ]
    assert all(r.trigger == "counter_changed" for r in done)  # the whole chain is marked
    assert done[1].parent_id == done[0].id
    with db.read() as session:
        assert catalog.get_thing(session, counter.id).n == 2  # bumped once, by the child
    assert "in the chain of trigger counter_changed" in log(db, done[1].id)[0]
    assert "started by trigger counter_changed" in log(db, done[0].id)[0]


def test_a_recurring_schedule_made_in_a_trigger_chain_stays_in_it(
    db: Database, events: EventBus, running_clock: StartClock
) -> None:
    import_text(db, FILE.replace("WORKFLOW", "scheduled"))
    import_text(
        db,
        FILE.replace("WORKFLOW", "scheduled").replace(
            'with: {workflow: bump, params: {c: "{{ c }}"}}\n  on_list',
            'with: {workflow: bump, params: {c: "{{ c }}"}, every: 1 second}\n  on_list',
        ),
        replace=True,
    )
    service = Service(db, events)
    counter = service.create_thing("Counter", {"n": 0})
    running_clock(horizon=5, stop_timeout=5)
    service.modify_thing(counter.id, {"n": 1})
    wait_until(lambda: len(runs(db, workflow="bump", status="succeeded")) >= 2)
    with db.write() as session:
        schedule_id = session.scalar(select(m.Schedule.id))
    service.cancel([schedule_id])
    wait_until(lambda: count(db, "running") == 0)
    assert len(runs(db, workflow="scheduled")) == 1  # the bumps fired nothing
    occurrences = runs(db, workflow="bump")
    assert all(r.trigger == "counter_changed" for r in occurrences)


def test_every_run_of_a_trigger_chain_respects_privacy(db: Database) -> None:
    import_text(db, FILE.replace("counter_changed", "unused").replace("WORKFLOW", "bump"))
    import_text(
        db,
        """
cueflow: 1
triggers:
  user_renamed:
    data_type: User
    on: [modified]
    workflow: on_user
    params: {user: "{{ thing_now }}"}
""",
    )
    service = Service(db)
    with db.write() as session:
        bob = catalog.create_thing(session, "User", {"email": "bob@x.org", "name": "Bob"})
        cy = catalog.create_thing(
            session, "User", {"email": "cy@x.org", "name": "Cy", "note": SECRET}
        )
        catalog.take_changes(session)
    service.modify_thing(cy.id, {"name": "Cyrus"}, run_as=bob.id)  # Bob renames Cy
    [root] = runs(db, workflow="on_user")
    runner = Runner(db)
    assert runner.execute(root.id) == "succeeded"
    root = runs(db, workflow="on_user")[0]
    assert root.returned == {"inline": None, "own": None}
    children = runs(db, workflow="peek")
    assert len(children) == 3  # inline, scheduled, on a list
    assert all(r.trigger == "user_renamed" and not r.ignore_privacy for r in children)
    for child in children:
        if child.status == "scheduled":
            assert runner.execute(child.id) == "succeeded"
    for child in runs(db, workflow="peek"):
        assert child.returned == {"note": None}
        assert (
            "privacy rules respected; in the chain of trigger user_renamed" in log(db, child.id)[0]
        )


def test_a_trigger_sees_the_changed_thing_through_the_changers_rules(db: Database) -> None:
    import_text(db, FILE.replace("counter_changed", "unused").replace("WORKFLOW", "bump"))
    import_text(
        db,
        """
cueflow: 1
workflows:
  got:
    parameters: {note: {type: text, optional: true}, shown: {type: text, optional: true}}
    steps:
      - action: log
        with: {message: "{{ note }}"}
triggers:
  copy_note:
    data_type: User
    on: [modified]
    workflow: got
    params: {note: "{{ thing_now.note }}", shown: "{{ thing_before.note }}"}
  secret_guess:
    data_type: User
    on: [modified]
    only_when: "thing_now.note == 'SECRET' or thing_before.note is not none"
    workflow: got
    params: {note: "guessed"}
""".replace("SECRET", SECRET),
    )
    service = Service(db)
    with db.write() as session:
        bob = catalog.create_thing(session, "User", {"email": "bob@x.org", "name": "Bob"})
        cy = catalog.create_thing(
            session, "User", {"email": "cy@x.org", "name": "Cy", "note": SECRET}
        )
        catalog.take_changes(session)
    service.modify_thing(cy.id, {"name": "Cyrus"}, run_as=bob.id)  # Bob may not view the note
    [started] = runs(db, workflow="got")
    assert started.trigger == "copy_note" and started.params == {}  # none: not stored at all
    service.modify_thing(cy.id, {"name": "Cy"}, run_as=cy.id)  # Cy sees her own note
    by_cy = runs(db, workflow="got")[1:]
    assert sorted((r.trigger, r.params.get("note")) for r in by_cy) == [
        ("copy_note", SECRET),
        ("secret_guess", "guessed"),
    ]


def test_a_trigger_fired_inside_a_run_continues_its_chain_depth(db: Database) -> None:
    import_text(db, FILE.replace("WORKFLOW", "bump"))
    import_text(
        db,
        """
cueflow: 1
workflows:
  again:
    parameters: {c: {type: Counter}}
    steps:
      - action: schedule_workflow
        with: {workflow: bump, params: {c: "{{ c }}"}}
""",
    )
    with db.write() as session:
        counter = catalog.create_thing(session, "Counter", {"n": 0})
        settings.set_value(session, "runner.max_chain_depth", "2")
        catalog.take_changes(session)
    runner = Runner(db)

    def bump_scheduled_by_a_run() -> m.Run:
        runner.run_now("again", {"c": counter.id})  # depth 0, schedules bump at once
        [bump] = runs(db, workflow="bump", status="scheduled")
        assert bump.depth == 1 and runner.execute(bump.id) == "succeeded"
        return bump

    bump = bump_scheduled_by_a_run()
    # bump's change fires counter_changed: its run continues bump's chain (depth 2)
    [trigger_run] = runs(db, trigger="counter_changed")
    assert (trigger_run.parent_id, trigger_run.depth) == (bump.id, 2)
    assert runner.execute(trigger_run.id) == "succeeded"  # its change fires nothing
    assert len(runs(db, trigger="counter_changed")) == 1

    with db.write() as session:
        settings.set_value(session, "runner.max_chain_depth", "1")
    bump = bump_scheduled_by_a_run()
    [stopped] = runs(db, trigger="counter_changed", parent_id=bump.id)
    assert stopped.status == "failed"
    assert "runaway chain stopped" in (stopped.error or "")


def test_run_workflow_between_scheduled_hops_does_not_reset_the_chain_depth(
    db: Database,
) -> None:
    import_text(
        db,
        """
cueflow: 1
workflows:
  ping:
    steps:
      - action: run_workflow
        with: {workflow: pong}
  pong:
    steps:
      - action: schedule_workflow
        with: {workflow: ping}
""",
    )
    with db.write() as session:
        settings.set_value(session, "runner.max_chain_depth", "6")
    runner = Runner(db)
    runner.run_now("ping", {})
    for _ in range(50):  # a loop that never meets the limit would go on past this
        due = runs(db, status="scheduled")
        if not due:
            break
        for run in due:
            runner.execute(run.id)
    else:
        raise AssertionError("ping → pong → ping … never stopped")
    stopped = runs(db, workflow="ping", status="failed")
    assert len(stopped) == 1 and "runaway chain stopped" in (stopped[0].error or "")
    assert max(r.depth for r in runs(db)) == 6
