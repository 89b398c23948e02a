"""The table model of the things of one data type (the Data area), and the
list model of things a picker offers.

Both read on a worker thread of a QThreadPool and take the rows in on the
GUI thread through a queued signal, as the runs models do: a data type of
a million things never freezes the window. `loaded` says the rows are in.
The table appends pages through `canFetchMore()` / `fetchMore()` as the view
scrolls, one page in flight at a time.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QDateTime,
    QModelIndex,
    QObject,
    Qt,
    QThreadPool,
    QTimeZone,
    Signal,
    Slot,
)
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.core.definitions import DataTypeDef
from app.core.types import ValueType, local_zone, utcnow
from app.engine.data import PAGE_SIZE, DataService, ThingRow
from app.errors import CueflowError
from app.ui.models.roles import ID_ROLE, ROW_ROLE, Index
from app.ui.widgets import formatting

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Read:
    """What one background read gave: rows from `offset`, or the reason it failed."""

    offset: int
    rows: list[Any]
    limit: int
    error: str = ""


def _read_in(
    pool: QThreadPool,
    read: Callable[[], list[Any]],
    offset: int,
    limit: int,
    done: Callable[[_Read], None],
) -> None:
    """Run `read` on a worker of `pool`; `done` (a signal's emit: queued) gets its _Read."""

    def work() -> None:
        try:
            result = _Read(offset, read(), limit)
        except CueflowError as exc:
            result = _Read(offset, [], limit, str(exc))
        except Exception as exc:  # the next reload tries again; the view says it failed
            log.exception("reading things failed")
            result = _Read(offset, [], limit, f"{type(exc).__name__}: {exc}")
        with contextlib.suppress(RuntimeError):  # the model was deleted meanwhile
            done(result)

    pool.start(work)


class ThingsModel(QAbstractTableModel):
    """The things of one data type: one column per field, editable, then the ID.

    Cells edit with Qt's typed editors: the edit role gives a bool for yes/no,
    a float for a number and a QDateTime for a date; everything else is text
    (a thing by its ID, a list as JSON).
    """

    loaded = Signal()  # a read's rows are in (or it failed: see `error`)
    _read_done = Signal(int, object)  # (reload generation, _Read), from a worker

    def __init__(
        self, data: DataService, parent: QObject | None = None, pool: QThreadPool | None = None
    ) -> None:
        super().__init__(parent)
        self.data_service = data  # reads and changes go through it: triggers fire
        self.undo_stack: QUndoStack | None = None  # set: cell edits are undoable
        self.pool = pool or QThreadPool.globalInstance()
        self.definition: DataTypeDef | None = None
        self.search = ""
        self.error = ""
        self.fetched = 0  # rows read from the database so far (for tests and tuning)
        self._rows: list[ThingRow] = []
        self._exhausted = True
        self._generation = 0  # of reloads: a read older than the last one is dropped
        self._in_flight = 0  # reads started and not yet taken in
        self._read_done.connect(self._on_read_done)

    @property
    def loading(self) -> bool:
        """A read is on its way (the rows shown may be about to change)."""
        return self._in_flight > 0

    def set_data_type(self, definition: DataTypeDef | None, search: str = "") -> None:
        """Show another type (or search): its columns at once, its rows when read."""
        changed = definition != self.definition
        self.definition = definition
        self.search = search
        if changed:
            self.set_rows([], exhausted=True)
        self.reload()

    def reload(self) -> None:
        """Read again as many things as are shown (at least a page), in the background."""
        self._generation += 1
        self._exhausted = True  # no fetchMore() until the fresh rows are in
        if self.definition is None:
            self.set_rows([], exhausted=True)
            self.loaded.emit()
            return
        name, search = self.definition.name, self.search
        limit = max(len(self._rows), PAGE_SIZE)
        self._start(
            lambda: self.data_service.things_page(name, search, 0, limit), offset=0, limit=limit
        )

    def _start(self, read: Callable[[], list[Any]], *, offset: int, limit: int) -> None:
        self._in_flight += 1
        generation = self._generation
        _read_in(
            self.pool, read, offset, limit, lambda result: self._read_done.emit(generation, result)
        )

    @Slot(int, object)
    def _on_read_done(self, generation: int, result: _Read) -> None:
        self._in_flight -= 1
        if generation != self._generation:
            return  # a newer reload (another type, search or change) is on its way
        self.error = result.error
        rows = result.rows
        self.fetched += len(rows)
        exhausted = len(rows) < result.limit or bool(result.error)
        if result.offset == 0:
            self.set_rows(rows, exhausted)
        elif result.offset == len(self._rows):
            self._exhausted = exhausted
            if rows:
                start = len(self._rows)
                self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
                self._rows.extend(rows)
                self.endInsertRows()
        self.loaded.emit()

    def set_rows(self, rows: list[ThingRow], exhausted: bool) -> None:
        self.beginResetModel()
        self._rows = rows
        self._exhausted = exhausted
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        """More things wait in the database (and no read is on its way)."""
        return not parent.isValid() and not self._exhausted and not self.loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        """Read the next window of things in the background; appended when in."""
        if not self.canFetchMore(parent) or self.definition is None:
            return
        name, search, offset = self.definition.name, self.search, len(self._rows)
        self._start(
            lambda: self.data_service.things_page(name, search, offset, PAGE_SIZE),
            offset=offset,
            limit=PAGE_SIZE,
        )

    @property
    def col_id(self) -> int:
        """The ID comes last: a person finds a thing by its fields."""
        return len(self.definition.fields) if self.definition is not None else 0

    def thing_id(self, row: int) -> str:
        return self._rows[row].id

    def thing_fields(self, row: int) -> dict[str, Any]:
        """The row's fields as stored (a copy)."""
        return dict(self._rows[row].data)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.definition is None:
            return 0
        return 1 + len(self.definition.fields)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if self.definition is None or not 0 <= section < self.columnCount():
            return None
        if section == self.col_id:
            return self.tr("ID")
        field = self.definition.fields[section]
        return f"{field.name} ({field.type})"

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() != self.col_id:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def _field_type(self, column: int) -> ValueType:
        assert self.definition is not None
        return self.definition.fields[column].type

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if self.definition is None or not 0 <= index.column() < self.columnCount():
            return None
        thing = self._rows[index.row()]
        if role == ROW_ROLE:
            return thing
        if role == ID_ROLE:
            return thing.id
        if index.column() == self.col_id:
            return thing.id if role == Qt.ItemDataRole.DisplayRole else None
        field = self.definition.fields[index.column()]
        raw = thing.data.get(field.name)
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell_text(field.type, raw)
        if role == Qt.ItemDataRole.EditRole:
            return _edit_value(field.type, raw)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Save one field of one thing; a value that does not fit is refused."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if self.definition is None or not 0 <= index.column() < self.col_id:
            return False
        field = self.definition.fields[index.column()]
        thing = self._rows[index.row()]
        try:
            native = _from_edit(field.type, value)
            if isinstance(native, str) and field.type.base != "text":
                parse = self.data_service.parse_value
                native = parse(field.type, native) if native.strip() else None
            if self.undo_stack is not None:  # one undoable command (Edit ▸ Undo)
                command = EditThingCommand(
                    self.data_service,
                    thing.id,
                    field.name,
                    thing.data.get(field.name),
                    native,
                    self.tr("Edit {field} of a {type}").format(
                        field=field.name, type=self.definition.name
                    ),
                    self.show_stored,
                )
                self.undo_stack.push(command)
                if command.failed is not None:
                    raise command.failed
                return True
            stored = self.data_service.modify_thing(thing.id, {field.name: native}).raw
        except CueflowError as exc:
            self.error = str(exc)
            self.dataChanged.emit(index, index)  # lets the view show the error
            return False
        self.show_stored(thing.id, dict(stored))
        return True

    def show_stored(self, thing_id: str, stored: dict[str, Any]) -> None:
        """Show a thing as the service stored it (an edit, or its undo)."""
        self.error = ""
        for row, thing in enumerate(self._rows):
            if thing.id == thing_id:
                self._rows[row] = ThingRow(thing_id, stored)
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.col_id))
                return


class EditThingCommand(QUndoCommand):
    """One field of one thing, undoable: `modify_thing` with the value after, and on
    undo with the stored value before (a refused first redo is not kept)."""

    def __init__(
        self,
        data: DataService,
        thing_id: str,
        field: str,
        before: Any,
        after: Any,
        text: str,
        shown: Callable[[str, dict[str, Any]], None],
    ) -> None:
        super().__init__(text)
        self.data = data
        self.thing_id, self.field = thing_id, field
        self.before, self.after = before, after
        self.shown = shown  # the model shows the thing as stored
        self.failed: CueflowError | None = None

    def redo(self) -> None:
        self._set(self.after)

    def undo(self) -> None:
        self._set(self.before)

    def _set(self, value: Any) -> None:
        try:
            stored = self.data.modify_thing(self.thing_id, {self.field: value}).raw
        except CueflowError as exc:
            self.failed = exc
            self.setObsolete(True)
            return
        self.failed = None
        self.shown(self.thing_id, dict(stored))


ChoicesRead = Callable[[str | None], list[tuple[str, str, str]]]
"""Reads (id, type name, label) of the things of a type (None: of every type)."""
IDS_ALWAYS, IDS_WHEN_REPEATED = "always", "when repeated"


class ThingChoicesModel(QAbstractListModel):
    """The things a picker offers (`label · ID`, the ID as ID_ROLE), read in the background.

    `set_type(None)` offers the things of every type, each shown with its
    type; `none_text` adds a first row that stands for no thing (ID "").
    With `ids=IDS_WHEN_REPEATED` a choice shows its ID only when another
    reads the same (the ID is the tooltip). `data` is the DataService, or a
    function that reads the choices (a list with its own limit).
    """

    loaded = Signal()
    _read_done = Signal(int, object)  # (generation, _Read), from a worker

    def __init__(
        self,
        data: DataService | ChoicesRead,
        none_text: str | None = None,
        parent: QObject | None = None,
        pool: QThreadPool | None = None,
        *,
        ids: str = IDS_ALWAYS,
    ) -> None:
        super().__init__(parent)
        self.read: ChoicesRead = data.thing_choices if isinstance(data, DataService) else data
        self.pool = pool or QThreadPool.globalInstance()
        self.none_text = none_text
        self.ids = ids
        self.type_name: str | None = None
        self.error = ""
        self._choices: list[tuple[str, str]] = []  # (shown, ID)
        self._generation = 0
        self._in_flight = 0
        self._read_done.connect(self._on_read_done)

    @property
    def loading(self) -> bool:
        return self._in_flight > 0

    def set_type(self, type_name: str | None) -> None:
        """Offer the things of `type_name` (None: of every type), read in the background."""
        self.type_name = type_name
        self._generation += 1
        self._in_flight += 1
        generation = self._generation
        read = self.read
        _read_in(
            self.pool,
            lambda: read(type_name),
            0,
            0,
            lambda result: self._read_done.emit(generation, result),
        )

    @Slot(int, object)
    def _on_read_done(self, generation: int, result: _Read) -> None:
        self._in_flight -= 1
        if generation != self._generation:
            return
        self.error = result.error
        labels = [label if self.type_name else f"{kind}: {label}" for _, kind, label in result.rows]
        repeated = set(labels) if self.ids == IDS_ALWAYS else _repeated(labels)
        self.beginResetModel()
        self._choices = [
            (f"{label} · {thing_id}" if label in repeated else label, thing_id)
            for (thing_id, _, _), label in zip(result.rows, labels, strict=True)
        ]
        self.endResetModel()
        self.loaded.emit()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self._choices) + (self.none_text is not None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        row = index.row() - (self.none_text is not None)
        shown, thing_id = (self.none_text or "", "") if row < 0 else self._choices[row]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return shown
        if role in (ID_ROLE, Qt.ItemDataRole.UserRole):
            return thing_id
        if role == Qt.ItemDataRole.ToolTipRole and thing_id:
            return thing_id
        return None

    def row_of(self, thing_id: str) -> int:
        """The row offering `thing_id`, or -1 (not among the things read)."""
        offset = self.none_text is not None
        for row, (_, choice) in enumerate(self._choices):
            if choice == thing_id:
                return row + offset
        return -1


def _repeated(labels: list[str]) -> set[str]:
    seen: set[str] = set()
    twice: set[str] = set()
    for label in labels:
        (twice if label in seen else seen).add(label)
    return twice


def _cell_text(vtype: ValueType, raw: Any) -> str:
    if raw is None:
        return ""
    if vtype.is_list:
        return ", ".join(str(item) for item in raw)
    if vtype.base == "yes/no":
        return "yes" if raw else "no"
    if vtype.base == "date":
        return formatting.when_words(datetime.fromisoformat(raw), whole_day=True)
    return str(raw)


def _edit_value(vtype: ValueType, raw: Any) -> Any:
    if vtype.is_list:
        return json.dumps(raw or [], ensure_ascii=False)
    if vtype.base == "yes/no":
        return bool(raw)
    if vtype.base == "number":
        return float(raw or 0)
    if vtype.base == "date":
        # An empty cell starts at this minute: no hidden seconds of "now" are stored.
        stamp = datetime.fromisoformat(raw) if raw else utcnow().replace(second=0, microsecond=0)
        return QDateTime.fromSecsSinceEpoch(
            int(stamp.timestamp()), QTimeZone(str(local_zone()).encode())
        )
    return "" if raw is None else str(raw)


def _from_edit(vtype: ValueType, value: Any) -> Any:
    if isinstance(value, QDateTime):
        return datetime.fromtimestamp(value.toSecsSinceEpoch(), local_zone())
    if vtype.base == "text" and not vtype.is_list:
        return "" if value is None else str(value)
    return value
