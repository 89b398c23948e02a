"""Undoable edits of workflows: each redo/undo calls one store method."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QUndoCommand

from app.core.definitions import WorkflowDef


class WorkflowStore(Protocol):
    """What the commands change: the workflows area implements it."""

    def apply_workflow(self, workflow: WorkflowDef, replacing: str | None) -> None:
        """Show `workflow` and save it when valid (renaming `replacing`)."""

    def remove_workflow(self, name: str) -> None:
        """Delete a workflow (its upcoming runs are cancelled)."""


class EditWorkflowCommand(QUndoCommand):
    """Replace one workflow definition by another (any field, parameter or step)."""

    def __init__(self, store: WorkflowStore, before: WorkflowDef, after: WorkflowDef,
                 text: str) -> None:
        super().__init__(text)
        self.store = store
        self.before = before
        self.after = after

    def redo(self) -> None:
        self.store.apply_workflow(self.after, self.before.name)

    def undo(self) -> None:
        self.store.apply_workflow(self.before, self.after.name)


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
    """Delete a workflow; undo brings the definition back (not cancelled runs)."""

    def __init__(self, store: WorkflowStore, workflow: WorkflowDef, text: str) -> None:
        super().__init__(text)
        self.store = store
        self.workflow = workflow

    def redo(self) -> None:
        self.store.remove_workflow(self.workflow.name)

    def undo(self) -> None:
        self.store.apply_workflow(self.workflow, None)
