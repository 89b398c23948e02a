"""The table model of the things of one data type (the Data area).

It appends pages through `canFetchMore()` / `fetchMore()` as the view scrolls.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDateTime,
    QModelIndex,
    Qt,
    QTimeZone,
)

from app.core.definitions import DataTypeDef
from app.core.types import ValueType, local_zone, utcnow
from app.engine.data import PAGE_SIZE, DataService, ThingRow
from app.errors import CueflowError
from app.ui.models.roles import ID_ROLE, ROW_ROLE, Index
from app.ui.widgets import formatting


class ThingsModel(QAbstractTableModel):
    """The things of one data type: ID, then one column per field, editable.

    Cells edit with Qt's typed editors: the edit role gives a bool for yes/no,
    a float for a number and a QDateTime for a date; everything else is text
    (a thing by its ID, a list as JSON).
    """

    COL_ID = 0

    def __init__(self, data: DataService, parent: Any = None) -> None:
        super().__init__(parent)
        self.data_service = data  # reads and changes go through it: triggers fire
        self.definition: DataTypeDef | None = None
        self.search = ""
        self.error = ""
        self.fetched = 0
        self._rows: list[ThingRow] = []
        self._exhausted = True

    def set_data_type(self, definition: DataTypeDef | None, search: str = "") -> None:
        self.definition = definition
        self.search = search
        self.reload()

    def reload(self) -> None:
        rows: list[ThingRow] = []
        if self.definition is not None:
            rows = self.data_service.things_page(
                self.definition.name, self.search, 0, max(len(self._rows), PAGE_SIZE)
            )
        self.fetched += len(rows)
        self.set_rows(rows, len(rows) < max(len(self._rows), PAGE_SIZE))

    def set_rows(self, rows: list[ThingRow], exhausted: bool) -> None:
        self.beginResetModel()
        self._rows = rows
        self._exhausted = exhausted
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        """More things wait in the database."""
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        """Append the next window of things."""
        if parent.isValid() or self._exhausted or self.definition is None:
            return
        rows = self.data_service.things_page(
            self.definition.name, self.search, len(self._rows), PAGE_SIZE
        )
        self.fetched += len(rows)
        self._exhausted = len(rows) < PAGE_SIZE
        if rows:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def thing_id(self, row: int) -> str:
        return self._rows[row].id

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
        if section == self.COL_ID:
            return self.tr("ID")
        field = self.definition.fields[section - 1]
        return f"{field.name} ({field.type})"

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() != self.COL_ID:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def _field_type(self, column: int) -> ValueType:
        assert self.definition is not None
        return self.definition.fields[column - 1].type

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
        if index.column() == self.COL_ID:
            return thing.id if role == Qt.ItemDataRole.DisplayRole else None
        field = self.definition.fields[index.column() - 1]
        raw = thing.data.get(field.name)
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell_text(field.type, raw)
        if role == Qt.ItemDataRole.EditRole:
            return _edit_value(field.type, raw)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Save one field of one thing; a value that does not fit is refused."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() == 0:
            return False
        assert self.definition is not None
        field = self.definition.fields[index.column() - 1]
        thing = self._rows[index.row()]
        try:
            native = _from_edit(field.type, value)
            if isinstance(native, str) and field.type.base != "text":
                parse = self.data_service.parse_value
                native = parse(field.type, native) if native.strip() else None
            stored = self.data_service.modify_thing(thing.id, {field.name: native}).raw
        except CueflowError as exc:
            self.error = str(exc)
            self.dataChanged.emit(index, index)  # lets the view show the error
            return False
        self.error = ""
        self._rows[index.row()] = ThingRow(thing.id, dict(stored))
        self.dataChanged.emit(index, index)
        return True


def _cell_text(vtype: ValueType, raw: Any) -> str:
    if raw is None:
        return ""
    if vtype.is_list:
        return ", ".join(str(item) for item in raw)
    if vtype.base == "yes/no":
        return "yes" if raw else "no"
    if vtype.base == "date":
        return formatting.local_time(datetime.fromisoformat(raw))
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
