"""Undoable edits of workflows: each redo/undo calls one store method."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QUndoCommand

from app.core.definitions import WorkflowDef


class WorkflowStore(Protocol):
    """What the commands change: the workflows area implements it."""

    def apply_workflow(self, workflow: WorkflowDef, row_name: str | None) -> str | None:
        """Show `workflow`, save it when valid in place of `row_name`; the stored name."""

    def remove_workflow(self, name: str) -> list[str]:
        """Delete a workflow; its upcoming runs are cancelled (their IDs are returned)."""

    def restore_runs(self, run_ids: list[str]) -> None:
        """Schedule again runs that a delete cancelled."""


class EditWorkflowCommand(QUndoCommand):
    """Replace one workflow definition by another (any field, parameter or step)."""

    def __init__(self, store: WorkflowStore, before: WorkflowDef, after: WorkflowDef,
                 text: str, row_name: str | None) -> None:
        super().__init__(text)
        self.store = store
        self.before = before
        self.after = after
        self.row_before = row_name  # the stored workflow `before` is (None: a draft)
        self.row_after: str | None = row_name

    def redo(self) -> None:
        self.row_after = self.store.apply_workflow(self.after, self.row_before)

    def undo(self) -> None:
        self.row_before = self.store.apply_workflow(self.before, self.row_after)


class AddWorkflowCommand(QUndoCommand):
    """A new (or duplicated) workflow."""

    def __init__(self, store: WorkflowStore, workflow: WorkflowDef, text: str) -> None:
        super().__init__(text)
        self.store = store
        self.workflow = workflow

    def redo(self) -> None:
        self.store.apply_workflow(self.workflow, None)

    def undo(self) -> None:
        self.store.remove_workflow(self.workflow.name)


class DeleteWorkflowCommand(QUndoCommand):
    """Delete a workflow; undo brings it back with the upcoming runs the delete cancelled."""

    def __init__(self, store: WorkflowStore, workflow: WorkflowDef, text: str) -> None:
        super().__init__(text)
        self.store = store
        self.workflow = workflow
        self.cancelled: list[str] = []

    def redo(self) -> None:
        self.cancelled = self.store.remove_workflow(self.workflow.name)

    def undo(self) -> None:
        self.store.apply_workflow(self.workflow, None)
        self.store.restore_runs(self.cancelled)
