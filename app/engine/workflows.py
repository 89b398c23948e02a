"""Workflow services: save, rename, duplicate, delete and undo a delete.

Every front end calls these, so the same checks hold for all of them. A
stored workflow is named by a `StoredRow`, whose row ID follows it through
renames, saves that were refused, deletes and their undoing.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from app.actions import registry
from app.core.definitions import DataTypeDef, WorkflowDef
from app.engine.events import EventBus, LedgerChanged
from app.engine.validation import Problem, validate_workflow
from app.storage import catalog, ledger, views
from app.storage.db import Database


@dataclass(eq=False)
class StoredRow:
    """The stored workflow a chain of edits is about (id None: not stored now)."""

    id: int | None = None


@dataclass
class Saved:
    """What a save did: the workflow as checked (calls to itself follow a rename),
    its problems (nothing is written when there are any) and what a rename moved."""

    workflow: WorkflowDef
    problems: list[Problem]
    moved: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Deleted:
    """What a delete did: the row and name it had, and the upcoming runs it cancelled."""

    row_id: int | None
    name: str | None
    cancelled: list[str] = field(default_factory=list)


class WorkflowService:
    """Changes to workflows over one database; ledger changes are announced on `events`."""

    def __init__(self, db: Database, events: EventBus | None = None) -> None:
        self.db = db
        self.events = events or EventBus()

    # --- queries --------------------------------------------------------------------

    def context(self) -> tuple[dict[str, DataTypeDef], dict[str, WorkflowDef]]:
        """The data types and the stored workflows (by name)."""
        with self.db.read() as session:
            types = catalog.data_types(session)
            workflows = {wf.name: wf for wf in catalog.list_workflows(session)}
        return types, workflows

    def find(self, name: str) -> tuple[WorkflowDef, int] | None:
        """The stored workflow named `name` and its row ID, or None."""
        with self.db.read() as session:
            wf = catalog.find_workflow(session, name)
            if wf is None:
                return None
            return wf, catalog.workflow_stamp(session, name)[0]

    def name_of(self, row: StoredRow) -> str | None:
        """The name stored in `row` now (None: not stored)."""
        if row.id is None:
            return None
        with self.db.read() as session:
            return catalog.workflow_name(session, row.id)

    def stored(self, row: StoredRow) -> WorkflowDef | None:
        """The definition stored in `row` now."""
        name = self.name_of(row)
        if name is None:
            return None
        with self.db.read() as session:
            return catalog.find_workflow(session, name)

    def names(self) -> set[str]:
        with self.db.read() as session:
            return set(catalog.workflow_names(session))

    def free_name(self, base: str) -> str:
        """`base` as a workflow name (lower case, digits, _) that no workflow has yet."""
        names = self.names()
        base = re.sub(r"[^a-z0-9_]", "_", base.lower()) or "workflow"
        if base not in names:
            return base
        number = 2
        while f"{base}_{number}" in names:
            number += 1
        return f"{base}_{number}"

    def copy_of(self, workflow: WorkflowDef, label: str) -> WorkflowDef:
        """A duplicate of `workflow` under a free name and `label` (not saved yet)."""
        name = self.free_name(f"{workflow.name}_copy")
        return dataclasses.replace(workflow, name=name, label=label)

    def count_upcoming(self, name: str) -> int:
        """How many upcoming runs deleting `name` would cancel."""
        with self.db.read() as session:
            return views.count_upcoming_of(session, name)

    # --- changes --------------------------------------------------------------------

    def save(self, workflow: WorkflowDef, row: StoredRow) -> Saved:
        """Save `workflow` in `row` when it has no problems.

        When the row's stored name differs, this is a rename: its runs,
        schedules, triggers and the steps calling it follow, and so do its
        calls to itself. `row.id` is set to the row saved.
        """
        row_name = self.name_of(row)
        types, workflows = self.context()
        if row_name and row_name != workflow.name:  # a rename: calls to itself follow
            workflow = catalog.rename_calls(
                workflow, row_name, workflow.name, callers=registry.workflow_callers()
            )
        others = {k: v for k, v in workflows.items() if k not in (row_name, workflow.name)}
        problems = validate_workflow(workflow, types, {**others, workflow.name: workflow})
        if workflow.name in workflows and workflow.name != row_name:
            problems.insert(0, Problem("name", f"a workflow named '{workflow.name}' exists"))
        saved = Saved(workflow, problems)
        if problems:
            return saved
        with self.db.write() as session:
            if row_name and row_name != workflow.name:
                saved.moved = catalog.rename_workflow(
                    session, row_name, workflow.name, callers=registry.workflow_callers()
                )
            catalog.save_workflow(session, workflow)
            row.id = catalog.workflow_stamp(session, workflow.name)[0]
        if saved.moved:
            self.events.emit(LedgerChanged())
        return saved

    def rename(self, old: str, new: str) -> Saved:
        """Rename the stored workflow `old` to `new` (everything naming it follows)."""
        found = self.find(old)
        if found is None:
            return Saved(WorkflowDef(name=new), [Problem("name", f"no workflow named '{old}'")])
        workflow, row_id = found
        return self.save(dataclasses.replace(workflow, name=new), StoredRow(row_id))

    def delete(self, row: StoredRow) -> Deleted:
        """Delete the row's workflow; its upcoming runs are cancelled. `row.id` becomes None."""
        name, row_id = self.name_of(row), row.id
        if name is None:
            return Deleted(row_id, None)
        with self.db.write() as session:
            cancelled = ledger.cancel_upcoming_of(session, name)
            catalog.delete_workflow(session, name)
        row.id = None
        self.events.emit(LedgerChanged())
        return Deleted(row_id, name, cancelled)

    def restore_runs(self, run_ids: list[str]) -> list[str]:
        """Schedule again runs that a delete cancelled (undoing it); those restored."""
        if not run_ids:
            return []
        with self.db.write() as session:
            restored = ledger.uncancel(session, run_ids)
        self.events.emit(LedgerChanged())
        return list(restored)
