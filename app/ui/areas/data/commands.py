"""Undoable edits of the Data area: each redo / undo calls one DataService
method. A field change (add, rename, type, is a list) saves the type's whole
field list through `save_fields`, so undo is saving the list as it was (a
rename back moves the values back). A command whose first redo the service
refuses makes itself obsolete: it is not kept on the stack. (A thing's cell
edit is `EditThingCommand`, beside the things' model.)

Adding and deleting things are undone by the opposite change: undoing an add
deletes the thing, undoing a delete creates the things again with their IDs
and fields (`restore_things`). Each is a change like any other, so the data
type's triggers fire for it ("deleted" for the undone add, "created" for the
undone delete), and runs a trigger started for the first change are left as
they are: they may have sent an email already, and the ledger keeps what
happened. References other things held to a deleted thing, and upcoming runs
the delete cancelled, do not come back. An undo the service refuses (the ID
was taken again, a field was removed since) says why and leaves the stack.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from app.core.definitions import DataTypeDef, FieldDef
from app.core.things import ThingView
from app.engine.data import DataService, RemovedThing
from app.errors import CueflowError

__all__ = ["AddThingCommand", "DeleteThingsCommand", "SaveFieldsCommand"]


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


class _ThingsCommand(QUndoCommand):
    """Things deleted (`removed`) or there, and a callback told after each change."""

    def __init__(
        self,
        data: DataService,
        text: str,
        shown: Callable[[CueflowError | None], None],
    ) -> None:
        super().__init__(text)
        self.data = data
        self.shown = shown  # the area reloads its things (or says why it could not)
        self.removed: list[RemovedThing] = []
        self.failed: CueflowError | None = None

    def _delete(self, ids: list[str]) -> None:
        try:
            self.removed = self.data.delete_things(ids)
        except CueflowError as exc:
            self._refused(exc)
            return
        self._done()

    def _restore(self) -> None:
        try:
            self.data.restore_things(self.removed)
        except CueflowError as exc:
            self._refused(exc)
            return
        self._done()

    def _refused(self, exc: CueflowError) -> None:
        self.failed = exc
        self.setObsolete(True)
        self.shown(exc)

    def _done(self) -> None:
        self.failed = None
        self.shown(None)


class AddThingCommand(_ThingsCommand):
    """A thing the Add thing form created: undo deletes it, redo creates it again
    (the same ID and fields). The form saved it already, so the first redo does
    nothing."""

    def __init__(
        self,
        data: DataService,
        created: ThingView,
        text: str,
        shown: Callable[[CueflowError | None], None],
    ) -> None:
        super().__init__(data, text, shown)
        self.thing_id = created.id
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._restore()

    def undo(self) -> None:
        self._delete([self.thing_id])


class DeleteThingsCommand(_ThingsCommand):
    """Things deleted in one change set; undo creates them again as they were."""

    def __init__(
        self,
        data: DataService,
        thing_ids: list[str],
        text: str,
        shown: Callable[[CueflowError | None], None],
    ) -> None:
        super().__init__(data, text, shown)
        self.thing_ids = list(thing_ids)

    def redo(self) -> None:
        self._delete(self.thing_ids)

    def undo(self) -> None:
        self._restore()
