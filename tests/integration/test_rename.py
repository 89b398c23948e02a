"""Renaming a workflow takes everything that names it along (real SQLite file)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.actions import registry
from app.core.recurrence import Recurrence
from app.core.types import utcnow
from app.engine.runner import Runner
from app.engine.service import Service
from app.errors import BadInput, NotFound
from app.storage import catalog, ledger
from app.storage.db import Database
from app.workflow_file import import_text

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = pytest.mark.both_databases

# The actions whose steps name a workflow (declared by the actions themselves).
CALLERS = registry.workflow_callers()

FLOWS = """
cueflow: 1
data_types:
  Order: {fields: {total: number}}
workflows:
  ship:
    parameters: {note: {type: text}}
    steps:
      - action: log
        with: {message: "shipping {{ note }}"}
  plan:
    steps:
      - action: schedule_workflow
        with: {workflow: ship, params: {note: planned}}
      - action: run_workflow
        with: {workflow: ship, params: {note: inline}}
triggers:
  ship_new_orders:
    data_type: Order
    on: [created]
    workflow: ship
    params: {note: "{{ thing_now.id }}"}
"""


def _rows(db: Database, sql: str) -> list[tuple[object, ...]]:
    with db.read() as session:
        return [tuple(row) for row in session.connection().exec_driver_sql(sql)]


def test_a_renamed_workflow_keeps_its_runs_schedules_triggers_and_callers(db: Database) -> None:
    import_text(db, FLOWS)
    service = Service(db)
    runner = Runner(db)
    finished = runner.run_now("ship", {"note": "before"})
    upcoming = service.schedule("ship", {"note": "later"}, at=utcnow() + timedelta(hours=1))
    weekly = Recurrence.parse("1 week")
    schedule_id = service.schedule(
        "ship", {"note": "weekly"}, at=utcnow() + timedelta(days=1), every=weekly
    )
    with db.read() as session:
        plan_version = catalog.get_workflow(session, "plan").version

    with db.write() as session:
        moved = catalog.rename_workflow(session, "ship", "dispatch", callers=CALLERS)
    # The upcoming run, the schedule's next occurrence; the trigger; plan's two steps.
    assert moved == {"runs": 2, "schedules": 1, "triggers": 1, "steps": 2}

    with db.read() as session:
        assert catalog.find_workflow(session, "ship") is None
        assert catalog.find_workflow(session, "dispatch") is not None
        assert ledger.get_run(session, finished).workflow == "ship"  # history stays as it ran
        assert ledger.get_run(session, upcoming).workflow == "dispatch"
        assert [t.workflow for t in catalog.list_triggers(session)] == ["dispatch"]
        plan = catalog.get_workflow(session, "plan")
        assert [s.inputs["workflow"] for s in plan.steps] == ["dispatch", "dispatch"]
        assert plan.version == plan_version + 1
    assert _rows(db, f"SELECT workflow FROM schedules WHERE id = '{schedule_id}'") == [
        ("dispatch",)
    ]

    # Everything still runs under the new name.
    with db.write() as session:
        ledger.get_run(session, upcoming).scheduled_for = utcnow()
    assert runner.execute(upcoming) == "succeeded"
    plan_run = runner.run_now("plan", {})
    with db.read() as session:
        assert ledger.get_run(session, plan_run).status == "succeeded"
    assert service.create_thing("Order", {"total": 5}) is not None
    triggered = "SELECT count(*) FROM runs WHERE workflow = 'dispatch' AND \"trigger\" IS NOT NULL"
    assert _rows(db, triggered) == [(1,)]


def test_a_rename_onto_an_existing_name_or_from_an_unknown_one_changes_nothing(
    db: Database,
) -> None:
    import_text(db, FLOWS)
    with db.write() as session, pytest.raises(BadInput, match="'plan' exists"):
        catalog.rename_workflow(session, "ship", "plan", callers=CALLERS)
    with db.write() as session, pytest.raises(NotFound):
        catalog.rename_workflow(session, "nope", "other", callers=CALLERS)
    with db.read() as session:
        assert catalog.workflow_names(session) == {"ship", "plan"}


def test_a_failed_run_can_be_resumed_after_its_workflow_is_renamed(db: Database) -> None:
    import_text(
        db,
        """
cueflow: 1
workflows:
  shaky:
    steps:
      - action: log
        with: {message: "{{ 1 // 0 }}"}
""",
    )
    run_id = Runner(db).run_now("shaky", {})
    with db.write() as session:
        assert catalog.rename_workflow(session, "shaky", "steady", callers=CALLERS)["runs"] == 1
    Service(db).resume(run_id)
    with db.read() as session:
        run = ledger.get_run(session, run_id)
    assert (run.workflow, run.status, run.attempt) == ("steady", "scheduled", 2)


def test_renaming_a_field_over_values_left_by_a_removed_field_keeps_the_live_values(
    db: Database,
) -> None:
    from app.core.definitions import DataTypeDef, FieldDef
    from app.core.types import ValueType

    text = ValueType("text")
    with db.write() as session:
        catalog.save_data_type(
            session, DataTypeDef("User", (FieldDef("email", text), FieldDef("name", text)))
        )
        ada = catalog.create_thing(session, "User", {"email": "ada@example.com", "name": "Ada"})
        bob = catalog.create_thing(session, "User", {"name": "Bob"})
    with db.write() as session:  # remove `name`: its values stay in the things, unused
        catalog.save_data_type(session, DataTypeDef("User", (FieldDef("email", text),)))
    with db.write() as session:  # then rename `email` to `name`
        before = catalog.get_data_type(session, "User")
        fields = (FieldDef("name", text),)
        catalog.save_data_type(session, before.with_fields(fields))
        assert catalog.rename_field_values(session, "User", before.renames_to(fields)) == 2
    with db.read() as session:
        assert catalog.get_thing(session, ada.id).raw == {"name": "ada@example.com"}
        assert catalog.get_thing(session, bob.id).raw == {}  # not "Bob" from the old field


def test_a_renamed_list_field_keeps_its_values_as_lists(db: Database) -> None:
    from app.core.definitions import DataTypeDef, FieldDef
    from app.core.types import ValueType

    tags = FieldDef("tags", ValueType("text", is_list=True))
    with db.write() as session:
        catalog.save_data_type(session, DataTypeDef("Post", (tags,)))
        post = catalog.create_thing(session, "Post", {"tags": ["a", "b"]})
        before = catalog.get_data_type(session, "Post")
        fields = (FieldDef("labels", tags.type),)
        catalog.save_data_type(session, before.with_fields(fields))
        catalog.rename_field_values(session, "Post", before.renames_to(fields))
    with db.read() as session:
        assert catalog.get_thing(session, post.id).raw == {"labels": ["a", "b"]}
