"""Undoable field edits of the Data area: each redo / undo calls one DataService
method. A field change (add, rename, type, is a list) saves the type's whole
field list through `save_fields`, so undo is saving the list as it was (a
rename back moves the values back). A command whose first redo the service
refuses makes itself obsolete: it is not kept on the stack. (A thing's cell
edit is `EditThingCommand`, beside the things' model.)
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from app.core.definitions import DataTypeDef, FieldDef
from app.engine.data import DataService
from app.errors import CueflowError

__all__ = ["SaveFieldsCommand"]


class SaveFieldsCommand(QUndoCommand):
    """A data type's fields, before and after one edit."""

    def __init__(
        self,
        data: DataService,
        type_name: str,
        before: tuple[FieldDef, ...],
        after: tuple[FieldDef, ...],
        text: str,
        shown: Callable[[DataTypeDef, dict[str, str], int], None],
    ) -> None:
        super().__init__(text)
        self.data = data
        self.type_name = type_name
        self.before, self.after = before, after
        self.shown = shown  # the area shows what a save did
        self.failed: CueflowError | None = None

    def redo(self) -> None:
        self._save(self.after)

    def undo(self) -> None:
        self._save(self.before)

    def _save(self, fields: tuple[FieldDef, ...]) -> None:
        try:
            saved = self.data.save_fields(self.type_name, fields)
        except CueflowError as exc:
            self.failed = exc
            self.setObsolete(True)
            return
        self.failed = None
        self.shown(saved.definition, dict(saved.renames), saved.moved)
