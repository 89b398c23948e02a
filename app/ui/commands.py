"""Undoable edits of workflows: each redo/undo calls one store method.

Commands name the stored workflow they change by a StoredRow, shared by all
commands about that workflow: its row ID follows it through renames, edits
that could not be saved, deletes and their undoing, so an undo far down the
stack still finds the right row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from app.core.definitions import WorkflowDef


@dataclass(eq=False)
class StoredRow:
    """The stored workflow a chain of edits is about (id None: not stored now)."""

    id: int | None = None


class WorkflowStore(Protocol):
    """What the commands change: the workflows area implements it."""

    def apply_workflow(self, workflow: WorkflowDef, row: StoredRow) -> bool:
        """Show `workflow` and save it in `row` when valid (renaming the row as
        needed); whether it was saved."""

    def stored_workflow(self, row: StoredRow) -> WorkflowDef | None:
        """The definition stored in `row` now."""

    def remove_workflow(self, row: StoredRow) -> list[str]:
        """Delete the row's workflow; its upcoming runs are cancelled (their IDs returned)."""

    def restore_runs(self, run_ids: list[str]) -> None:
        """Schedule again runs that a delete cancelled."""


class EditWorkflowCommand(QUndoCommand):
    """Replace one workflow definition by another (any field, parameter or step)."""

    def __init__(self, store: WorkflowStore, before: WorkflowDef, after: WorkflowDef,
                 text: str, row: StoredRow) -> None:
        super().__init__(text)
        self.store = store
        self.before = before
        self.after = after
        self.row = row

    def redo(self) -> None:
        self.store.apply_workflow(self.after, self.row)

    def undo(self) -> None:
        self.store.apply_workflow(self.before, self.row)


class AddWorkflowCommand(QUndoCommand):
    """A new (or duplicated) workflow."""

    def __init__(self, store: WorkflowStore, workflow: WorkflowDef, text: str,
                 row: StoredRow) -> None:
        super().__init__(text)
        self.store = store
        self.workflow = workflow
        self.row = row

    def redo(self) -> None:
        self.store.apply_workflow(self.workflow, self.row)

    def undo(self) -> None:
        self.store.remove_workflow(self.row)


class DeleteWorkflowCommand(QUndoCommand):
    """Delete a workflow; undo brings back what was stored, with the runs it cancelled."""

    def __init__(self, store: WorkflowStore, row: StoredRow, text: str) -> None:
        super().__init__(text)
        self.store = store
        self.row = row
        self.stored: WorkflowDef | None = None
        self.cancelled: list[str] = []

    def redo(self) -> None:
        # What is stored, not what the editor shows (an edit with problems is not saved).
        self.stored = self.store.stored_workflow(self.row)
        self.cancelled = self.store.remove_workflow(self.row)

    def undo(self) -> None:
        if self.stored is not None and self.store.apply_workflow(self.stored, self.row):
            self.store.restore_runs(self.cancelled)
