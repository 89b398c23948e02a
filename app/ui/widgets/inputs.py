"""Typed input widgets for parameter values: one per value type.

Each editor offers `value()` (a native or JSON-safe value, None when left
empty) and a `changed` signal, so forms treat them alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.types import ValueType, utcnow
from app.engine.data import DataService
from app.ui.widgets.datetime_edit import DateTimeEdit, to_minute

NO_THING = ""


class ValueEditor(QWidget):
    """Base of the typed editors."""

    changed = Signal()

    def value(self) -> Any:
        raise NotImplementedError

    def text(self) -> str:
        """The value as a person reads it (for list items)."""
        value = self.value()
        return "" if value is None else str(value)

    def clear(self) -> None:
        """Back to empty after a list took the value."""


class TextEditor(ValueEditor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = QLineEdit(self)
        _single(self, self.line)
        self.line.textChanged.connect(self.changed)

    def value(self) -> Any:
        return self.line.text()

    def clear(self) -> None:
        self.line.clear()


class NumberEditor(ValueEditor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spin = QDoubleSpinBox(self)
        self.spin.setRange(-1e12, 1e12)
        self.spin.setDecimals(2)
        _single(self, self.spin)
        self.spin.valueChanged.connect(self.changed)

    def value(self) -> Any:
        return self.spin.value()

    def text(self) -> str:
        return f"{self.spin.value():g}"


class YesNoEditor(ValueEditor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox(self.tr("yes"), self)
        _single(self, self.check)
        self.check.toggled.connect(self.changed)

    def value(self) -> Any:
        return self.check.isChecked()

    def text(self) -> str:
        return "yes" if self.check.isChecked() else "no"


class DateEditor(ValueEditor):
    """A date and time (the shared DateTimeEdit); optional ones have a "Set" box."""

    def __init__(self, optional: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.enabled = QCheckBox(self.tr("Set"), self) if optional else None
        if self.enabled is not None:
            self.enabled.setAccessibleName(self.tr("Set a date"))
            layout.addWidget(self.enabled)
            self.enabled.toggled.connect(self.on_enabled_toggled)
        self.picker = DateTimeEdit(to_minute(utcnow()), parent=self)
        self.picker.setEnabled(not optional)
        layout.addWidget(self.picker, 1)
        self.edit = self.picker.edit  # the typed field (tests and focus)
        self.zone = self.picker.zone_label
        self.setFocusProxy(self.picker)
        self.picker.value_changed.connect(self.changed)

    @Slot(bool)
    def on_enabled_toggled(self, checked: bool) -> None:
        self.picker.setEnabled(checked)
        self.changed.emit()

    def set_value(self, value: datetime) -> None:
        if self.enabled is not None:
            self.enabled.setChecked(True)
        self.picker.setValue(value)

    def value(self) -> Any:
        """The time as shown: minutes, never seconds the control does not show."""
        if self.enabled is not None and not self.enabled.isChecked():
            return None
        return self.picker.value()

    def text(self) -> str:
        value = self.value()
        return value.isoformat() if value else ""


class ThingPicker(ValueEditor):
    """A searchable list of things (label and ID); type to filter."""

    def __init__(
        self,
        data: DataService,
        type_name: str | None,
        none_text: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        _single(self, self.combo)
        if none_text is not None:
            self.combo.addItem(none_text, NO_THING)
        for thing_id, kind, label in data.thing_choices(type_name):
            shown = f"{label} · {thing_id}" if type_name else f"{kind}: {label} · {thing_id}"
            self.combo.addItem(shown, thing_id)
        completer = self.combo.completer()
        assert completer is not None  # an editable combo box has one
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.combo.currentIndexChanged.connect(self.changed)
        self.combo.editTextChanged.connect(self.changed)

    def value(self) -> Any:
        text = self.combo.currentText().strip()
        index = self.combo.findText(text)
        if index >= 0:
            data = self.combo.itemData(index)
            return data or None
        return text or None  # typed an ID

    def select(self, thing_id: str) -> None:
        index = self.combo.findData(thing_id)
        if index >= 0:
            self.combo.setCurrentIndex(index)


class ListEditor(ValueEditor):
    """A list: an editor for one item, Add, and the items with Remove."""

    def __init__(self, item_editor: ValueEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.item_editor = item_editor
        row.addWidget(item_editor, 1)
        self.add_button = QPushButton(self.tr("Add"), self)
        self.add_button.setObjectName("listAddButton")
        row.addWidget(self.add_button)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        self.items = QListWidget(self)
        self.items.setMaximumHeight(80)
        layout.addWidget(self.items)
        self.add_button.clicked.connect(self.on_add_clicked)
        self.remove_button.clicked.connect(self.on_remove_clicked)

    @Slot()
    def on_add_clicked(self) -> None:
        value = self.item_editor.value()
        if value is None or value == "":
            return
        item = QListWidgetItem(
            self.item_editor.text()
            if not isinstance(self.item_editor, ThingPicker)
            else self.item_editor.combo.currentText()
        )
        item.setData(
            Qt.ItemDataRole.UserRole, value.isoformat() if isinstance(value, datetime) else value
        )
        self.items.addItem(item)
        self.item_editor.clear()
        self.changed.emit()

    @Slot()
    def on_remove_clicked(self) -> None:
        for item in self.items.selectedItems():
            self.items.takeItem(self.items.row(item))
        self.changed.emit()

    def add_values(self, values: list[Any]) -> None:
        for value in values:
            item = QListWidgetItem(str(value))
            item.setData(Qt.ItemDataRole.UserRole, value)
            self.items.addItem(item)
        self.changed.emit()

    def value(self) -> Any:
        return [
            self.items.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.items.count())
        ]


def editor_for(
    vtype: ValueType, data: DataService, optional: bool = False, parent: QWidget | None = None
) -> ValueEditor:
    """The editor that fits a parameter's type."""
    if vtype.is_list:
        return ListEditor(editor_for(vtype.item, data, False), parent)
    if vtype.base == "number":
        return NumberEditor(parent)
    if vtype.base == "yes/no":
        return YesNoEditor(parent)
    if vtype.base == "date":
        return DateEditor(optional, parent)
    if vtype.is_thing:
        return ThingPicker(data, vtype.base, "(none)" if optional else None, parent)
    return TextEditor(parent)


def _single(parent: QWidget, child: QWidget) -> None:
    layout = QHBoxLayout(parent)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(child)


def set_blocked(widget: Any, setter: str, value: Any) -> None:
    """Set a widget's value without firing its change signals."""
    with QSignalBlocker(widget):
        getattr(widget, setter)(value)
