"""Undoable edits of workflows: each redo/undo calls one service method.

Commands name the stored workflow they change by a StoredRow, shared by all
commands about that workflow: its row ID follows it through renames, edits
that could not be saved, deletes and their undoing, so an undo far down the
stack still finds the right row. What the service did is handed to the view,
which shows it (Orange canvas: the command changes the model, never widgets).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QUndoCommand

from app.core.definitions import WorkflowDef
from app.engine.workflows import Deleted, Saved, StoredRow, WorkflowService

__all__ = [
    "AddWorkflowCommand",
    "DeleteWorkflowCommand",
    "EditWorkflowCommand",
    "StoredRow",
    "WorkflowView",
]


class WorkflowView(Protocol):
    """What shows the commands' results: the workflows area implements it."""

    def show_saved(self, saved: Saved, row: StoredRow) -> None:
        """Show the workflow a save checked (saved, or shown with its problems)."""

    def show_deleted(self, deleted: Deleted, row: StoredRow) -> None:
        """Show that a workflow was deleted (and the runs it cancelled)."""

    def show_restored(self, run_ids: list[str]) -> None:
        """Show that runs a delete cancelled are scheduled again."""


class EditWorkflowCommand(QUndoCommand):
    """Replace one workflow definition by another (any field, parameter or step)."""

    def __init__(
        self,
        service: WorkflowService,
        view: WorkflowView,
        before: WorkflowDef,
        after: WorkflowDef,
        text: str,
        row: StoredRow,
    ) -> None:
        super().__init__(text)
        self.service = service
        self.view = view
        self.before = before
        self.after = after
        self.row = row

    def redo(self) -> None:
        self.view.show_saved(self.service.save(self.after, self.row), self.row)

    def undo(self) -> None:
        self.view.show_saved(self.service.save(self.before, self.row), self.row)


class AddWorkflowCommand(QUndoCommand):
    """A new (or duplicated) workflow."""

    def __init__(
        self,
        service: WorkflowService,
        view: WorkflowView,
        workflow: WorkflowDef,
        text: str,
        row: StoredRow,
    ) -> None:
        super().__init__(text)
        self.service = service
        self.view = view
        self.workflow = workflow
        self.row = row

    def redo(self) -> None:
        self.view.show_saved(self.service.save(self.workflow, self.row), self.row)

    def undo(self) -> None:
        self.view.show_deleted(self.service.delete(self.row), self.row)


class DeleteWorkflowCommand(QUndoCommand):
    """Delete a workflow; undo brings back what was stored, with the runs it cancelled."""

    def __init__(
        self, service: WorkflowService, view: WorkflowView, row: StoredRow, text: str
    ) -> None:
        super().__init__(text)
        self.service = service
        self.view = view
        self.row = row
        self.stored: WorkflowDef | None = None
        self.cancelled: list[str] = []

    def redo(self) -> None:
        # What is stored, not what the editor shows (an edit with problems is not saved).
        self.stored = self.service.stored(self.row)
        deleted = self.service.delete(self.row)
        self.cancelled = deleted.cancelled
        self.view.show_deleted(deleted, self.row)

    def undo(self) -> None:
        if self.stored is None:
            return
        saved = self.service.save(self.stored, self.row)
        self.view.show_saved(saved, self.row)
        if saved.ok and self.cancelled:
            self.view.show_restored(self.service.restore_runs(self.cancelled))
