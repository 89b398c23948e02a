"""The parameters table of the workflow editor: key, type of content, is a list, optional.

It shows a workflow's parameters and reads them back; the editor turns each
change into an edit of the workflow.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.core.definitions import ParameterDef
from app.core.types import ValueType
from app.ui.widgets.panes import hint_item

PARAM_KEY, PARAM_TYPE, PARAM_LIST, PARAM_OPTIONAL = range(4)


class ParametersTable(QTableWidget):
    """One row per parameter; `edited` tells that the person changed a cell."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 4, parent)
        self.setObjectName("parametersTable")
        self.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Type of content"), self.tr("Is a list"), self.tr("Optional")]
        )
        name_header = self.horizontalHeaderItem(PARAM_KEY)
        if name_header is not None:
            name_header.setToolTip(
                self.tr("How steps read it, e.g. {{ birthday }}: lower-case letters, digits and _")
            )
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(PARAM_KEY, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(PARAM_TYPE, QHeaderView.ResizeMode.Stretch)
        # The check boxes take only their header's width: key and type keep the rest.
        header.setSectionResizeMode(PARAM_LIST, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PARAM_OPTIONAL, QHeaderView.ResizeMode.ResizeToContents)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setMinimumHeight(120)
        self.setMaximumHeight(170)
        self._pending = False  # a typed key waits for its editor to close
        # A blank row at the end, typed into like a spreadsheet's: not a parameter
        # until it has a key. Return after a last row's key opens the next one.
        self._new_row = -1
        self._named_last_row = False
        self.itemChanged.connect(self.on_item_changed)
        self.itemDelegate().closeEditor.connect(self.on_editor_closing)

    def edit_key(self, row: int) -> None:
        """Open a parameter's key for typing, all selected: typing replaces it, Return
        keeps it, Tab keeps it and moves to its type of content."""
        item = self.item(row, PARAM_KEY)
        if item is None:
            return
        self.setFocus()
        self.setCurrentItem(item)
        self.editItem(item)  # Qt selects a line editor's whole text

    def start_new_row(self) -> None:
        """Open a blank row at the end, its key ready for typing: Return keeps the key
        and opens the next; Return, Escape or a click elsewhere on a blank one ends it."""
        self.flush()
        if self._new_row >= 0:
            return
        row = self.rowCount()
        with QSignalBlocker(self):
            self.insertRow(row)
            self.setItem(row, PARAM_KEY, QTableWidgetItem())
            self.setItem(row, PARAM_TYPE, hint_item(self, self.tr("guessed from the key")))
        self._new_row = row
        self.scrollToBottom()
        self.edit_key(row)

    def _end_new_row(self) -> None:
        """Take away the blank row left without a key: no empty parameter stays."""
        row = self._new_row
        if row < 0 or self.state() == QAbstractItemView.State.EditingState:
            return
        self._new_row = -1
        with QSignalBlocker(self):
            self.removeRow(row)

    def _continue_new_row(self) -> None:
        self.flush()
        self.start_new_row()

    @Slot(QWidget, QAbstractItemDelegate.EndEditHint)
    def on_editor_closing(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        if self._new_row >= 0:
            QTimer.singleShot(0, self._end_new_row)
            return
        named_last, self._named_last_row = self._named_last_row, False
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache and named_last:
            QTimer.singleShot(0, self._continue_new_row)
            return
        if hint != QAbstractItemDelegate.EndEditHint.EditNextItem:
            return
        row = self.currentRow()
        QTimer.singleShot(0, lambda: self._focus_type(row))

    def _focus_type(self, row: int) -> None:
        combo = self.cellWidget(row, PARAM_TYPE)
        if combo is not None:
            self.setCurrentCell(row, PARAM_TYPE)
            combo.setFocus()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """ "Type of content" when it fits, else "Type" (the tooltip keeps the full words)."""
        super().resizeEvent(event)
        item = self.horizontalHeaderItem(PARAM_TYPE)
        if item is not None:
            wanted = self.tr("Type of content") if self.width() >= 400 else self.tr("Type")
            if item.text() != wanted:
                item.setText(wanted)
                item.setToolTip(self.tr("Type of content"))

    def show_parameters(self, parameters: tuple[ParameterDef, ...], type_names: list[str]) -> None:
        """Bring the rows in line with `parameters`, touching only what differs."""
        table = self
        self._new_row = -1
        with QSignalBlocker(table):
            if table.rowCount() != len(parameters):
                table.setRowCount(len(parameters))
            for row, param in enumerate(parameters):
                key = table.item(row, PARAM_KEY)
                if key is None:
                    key = QTableWidgetItem()
                    table.setItem(row, PARAM_KEY, key)
                if key.text() != param.key:
                    key.setText(param.key)
                combo = table.cellWidget(row, PARAM_TYPE)
                names = list(type_names)
                if param.type.base not in names:
                    names.append(param.type.base)
                if (
                    not isinstance(combo, QComboBox)
                    or [combo.itemText(i) for i in range(combo.count())] != names
                ):
                    combo = QComboBox(table)
                    combo.setObjectName(f"parameterType_{row}")
                    combo.addItems(names)
                    combo.currentIndexChanged.connect(self.on_type_changed)
                    table.setCellWidget(row, PARAM_TYPE, combo)
                _set_blocked(combo, "setCurrentIndex", combo.findText(param.type.base))
                for column, flag in (
                    (PARAM_LIST, param.type.is_list),
                    (PARAM_OPTIONAL, param.optional),
                ):
                    item = table.item(row, column)
                    state = Qt.CheckState.Checked if flag else Qt.CheckState.Unchecked
                    if item is None:
                        item = QTableWidgetItem()
                        item.setFlags(
                            Qt.ItemFlag.ItemIsUserCheckable
                            | Qt.ItemFlag.ItemIsEnabled
                            | Qt.ItemFlag.ItemIsSelectable
                        )
                        item.setCheckState(state)
                        table.setItem(row, column, item)
                    elif item.checkState() != state:
                        item.setCheckState(state)

    def parameters(self) -> tuple[ParameterDef, ...]:
        """The parameters as the rows show them."""
        table = self
        out = []
        for row in range(table.rowCount()):
            if row == self._new_row:
                continue  # the blank row typed into is not a parameter yet
            key_item = table.item(row, PARAM_KEY)
            combo = table.cellWidget(row, PARAM_TYPE)
            base = combo.currentText() if isinstance(combo, QComboBox) else "text"
            list_item, optional_item = table.item(row, PARAM_LIST), table.item(row, PARAM_OPTIONAL)
            is_list = list_item is not None and list_item.checkState() == Qt.CheckState.Checked
            optional = (
                optional_item is not None and optional_item.checkState() == Qt.CheckState.Checked
            )
            out.append(
                ParameterDef(
                    key_item.text().strip() if key_item else "", ValueType(base, is_list), optional
                )
            )
        return tuple(out)

    @Slot(QTableWidgetItem)
    def on_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == PARAM_KEY:
            if item.row() == self._new_row:
                if not item.text().strip():
                    return  # still blank: ended when its editor closes
                self._new_row = -1  # it has a key: a parameter now
            self._named_last_row = item.row() == self.rowCount() - 1
        self._pending = True
        editing = self.state() == QAbstractItemView.State.EditingState
        if editing and item.column() == PARAM_KEY and self.currentItem() is item:
            QTimer.singleShot(0, self.flush)  # once the editor has closed
        else:
            self.flush()

    def flush(self) -> None:
        """Hand on a typed change not handed on yet (before another edit starts)."""
        if self._pending:
            self._pending = False
            self.edited.emit()

    @Slot()
    def on_type_changed(self) -> None:
        self.edited.emit()


def _set_blocked(widget: QComboBox, setter: str, value: object) -> None:
    with QSignalBlocker(widget):
        getattr(widget, setter)(value)
