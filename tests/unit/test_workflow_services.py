"""The workflow services every front end calls (real SQLite, no Qt)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from app.core.definitions import StepDef, WorkflowDef
from app.core.recurrence import Recurrence
from app.core.types import utcnow
from app.engine.events import EventBus, LedgerChanged
from app.engine.runner import Runner
from app.engine.service import Service
from app.engine.workflows import StoredRow, WorkflowService
from app.storage import catalog, ledger
from app.storage.db import Database
from app.workflow_file import import_text

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = pytest.mark.both_databases

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


def _service(db: Database) -> tuple[WorkflowService, list[object]]:
    events = EventBus()
    seen: list[object] = []
    events.subscribe(seen.append)
    return WorkflowService(db, events), seen


def test_saving_a_renamed_row_moves_runs_schedules_triggers_and_callers(db: Database) -> None:
    import_text(db, FLOWS)
    finished = Runner(db).run_now("ship", {"note": "before"})
    upcoming = Service(db).schedule("ship", {"note": "later"}, at=utcnow() + timedelta(hours=1))
    Service(db).schedule(
        "ship",
        {"note": "weekly"},
        at=utcnow() + timedelta(days=1),
        every=Recurrence.parse("1 week"),
    )
    workflows, seen = _service(db)
    found = workflows.find("ship")
    assert found is not None
    ship, row_id = found
    row = StoredRow(row_id)

    saved = workflows.save(dataclasses.replace(ship, name="dispatch"), row)

    assert saved.ok and saved.workflow.name == "dispatch"
    assert saved.moved == {"runs": 2, "schedules": 1, "triggers": 1, "steps": 2}
    assert row.id == row_id  # the row follows the rename
    assert any(isinstance(e, LedgerChanged) for e in seen)
    assert workflows.names() == {"dispatch", "plan"}
    with db.read() as session:
        assert ledger.get_run(session, finished).workflow == "ship"  # history as it ran
        assert ledger.get_run(session, upcoming).workflow == "dispatch"
        assert [t.workflow for t in catalog.list_triggers(session)] == ["dispatch"]
        plan = catalog.get_workflow(session, "plan")
    assert [s.inputs["workflow"] for s in plan.steps] == ["dispatch", "dispatch"]


def test_rename_by_name_and_calls_to_itself_follow(db: Database) -> None:
    import_text(
        db,
        """
cueflow: 1
workflows:
  loop:
    steps:
      - action: schedule_workflow
        with: {workflow: loop, at: "{{ now }}"}
""",
    )
    workflows, _ = _service(db)
    saved = workflows.rename("loop", "again")
    assert saved.ok
    assert saved.workflow.steps[0].inputs["workflow"] == "again"
    assert workflows.names() == {"again"}


def test_a_save_with_problems_or_onto_a_taken_name_writes_nothing(db: Database) -> None:
    import_text(db, FLOWS)
    workflows, _ = _service(db)
    ship, row_id = workflows.find("ship") or (None, 0)
    assert ship is not None
    row = StoredRow(row_id)
    taken = workflows.save(dataclasses.replace(ship, name="plan"), row)
    assert not taken.ok and str(taken.problems[0]) == "name: a workflow named 'plan' exists"
    broken = workflows.save(
        dataclasses.replace(ship, steps=(StepDef("log", {"message": "{{ nope }}"}),)), row
    )
    assert not broken.ok
    assert workflows.stored(row) == ship
    assert workflows.names() == {"ship", "plan"}


def test_new_copy_delete_and_undoing_the_delete(db: Database) -> None:
    import_text(db, FLOWS)
    workflows, _ = _service(db)
    assert workflows.free_name("ship") == "ship_2"
    assert workflows.free_name("New Workflow") == "new_workflow"
    ship, _ = workflows.find("ship") or (None, 0)
    assert ship is not None
    copy = workflows.copy_of(ship, "Ship (copy)")
    assert (copy.name, copy.label, copy.steps) == ("ship_copy", "Ship (copy)", ship.steps)
    row = StoredRow()
    assert workflows.save(copy, row).ok and row.id is not None
    upcoming = Service(db).schedule("ship_copy", {"note": "x"}, at=utcnow() + timedelta(hours=1))
    assert workflows.count_upcoming("ship_copy") == 1

    stored = workflows.stored(row)
    deleted = workflows.delete(row)
    assert (deleted.name, deleted.cancelled, row.id) == ("ship_copy", [upcoming], None)
    assert "ship_copy" not in workflows.names()
    assert workflows.delete(row).name is None  # nothing stored in the row any more

    assert stored is not None and workflows.save(stored, row).ok
    assert workflows.restore_runs(deleted.cancelled) == [upcoming]
    with db.read() as session:
        assert ledger.get_run(session, upcoming).status == "scheduled"


def test_a_new_workflow_is_saved_in_a_fresh_row(db: Database) -> None:
    workflows, _ = _service(db)
    row = StoredRow()
    assert workflows.name_of(row) is None
    saved = workflows.save(WorkflowDef(name="hello", label="Hello"), row)
    assert saved.ok and workflows.name_of(row) == "hello"
    types, stored = workflows.context()
    assert types == {} and list(stored) == ["hello"]
