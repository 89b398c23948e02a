"""The Data area: data types (fields, things, privacy rules) and triggers.

This is the owner's admin view: it sees every field, whatever the privacy
rules. Thing changes go through the service, so database triggers fire.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QIcon, QUndoStack
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemDelegate,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.definitions import DataTypeDef, FieldDef
from app.core.types import SCALARS, ValueType
from app.engine.condition_words import plural
from app.engine.editor_queries import suggested_type
from app.engine.presenting import thing_label
from app.errors import CueflowError
from app.ui.areas.data.commands import AddThingCommand, DeleteThingsCommand, SaveFieldsCommand
from app.ui.areas.data.privacy_editor import PrivacyEditor
from app.ui.areas.data.trigger_editor import TriggersEditor
from app.ui.dialogs.thing_dialog import AddThingDialog
from app.ui.models.things import ThingsModel
from app.ui.shell.context import AppContext
from app.ui.widgets.datetime_edit import DateTimeDelegate
from app.ui.widgets.panes import hint_item
from app.ui.widgets.undo_bar import UndoBar

ERROR_STYLE = "color: #b91c1c;"
_PLACEHOLDER = re.compile(r"^field[0-9]+\Z")  # the name Add field gives
FIELD_NAME, FIELD_TYPE, FIELD_LIST = range(3)


TAB_TYPES, TAB_TRIGGERS = range(2)
TAB_THINGS, TAB_PRIVACY = range(2)


class DataArea(QWidget):
    """Data types on the left; the selected type's fields, things and privacy rules
    on the right; the triggers on a second tab."""

    status_message = Signal(str)

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        undo_stack: QUndoStack | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.data_service = context.data
        # Field changes, things' cell edits, adds and deletes are undoable (the Edit menu).
        self.undo_stack = undo_stack or QUndoStack(self)
        self.types: dict[str, DataTypeDef] = {}
        self.current: DataTypeDef | None = None
        self.add_thing_dialog: AddThingDialog | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("dataTabs")
        layout.addWidget(self.tabs)
        splitter = QSplitter(Qt.Orientation.Horizontal, self.tabs)

        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(QLabel(self.tr("Data types"), left))
        self.type_list = QListWidget(left)
        self.type_list.setObjectName("dataTypeList")
        self.type_list.currentTextChanged.connect(self.on_type_list_current_changed)
        left_layout.addWidget(self.type_list, 1)
        self.new_type_button = QPushButton(self.tr("New data type…"), left)
        self.new_type_button.setObjectName("newDataTypeButton")
        self.new_type_button.clicked.connect(self.on_new_type_clicked)
        left_layout.addWidget(self.new_type_button)

        self.type_tabs = QTabWidget(splitter)
        self.type_tabs.setObjectName("dataTypeTabs")
        right = QWidget(self.type_tabs)
        right_layout = QVBoxLayout(right)
        fields_box = QGroupBox(self.tr("Fields"), right)
        fields_layout = QHBoxLayout(fields_box)
        self.fields_table = QTableWidget(0, 3, fields_box)
        self.fields_table.setObjectName("fieldsTable")
        self.fields_table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Type"), self.tr("Is a list")]
        )
        self.fields_table.verticalHeader().setVisible(False)
        self.fields_table.horizontalHeader().setSectionResizeMode(
            FIELD_NAME, QHeaderView.ResizeMode.Stretch
        )
        self.fields_table.horizontalHeader().setSectionResizeMode(
            FIELD_TYPE, QHeaderView.ResizeMode.Stretch
        )
        self.fields_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.fields_table.setMaximumHeight(190)
        self.fields_table.itemChanged.connect(self.on_fields_table_item_changed)
        self._edited_row = -1  # the row whose name was just typed (Tab goes to its type)
        self._pending_fields: tuple[list[FieldDef], int] | None = None
        # A blank row at the end, typed into like a spreadsheet's: not a field until named.
        self._new_row = -1
        self._named_last_row = False  # Return after naming the last row opens a new one
        self._last_save_ok = False
        self._failed_reason = ""  # why the last save was refused
        self._refused_name = ""  # a new field's name refused: given back to fix it
        self.fields_table.itemDelegate().closeEditor.connect(self.on_field_editor_closing)
        table_column = QVBoxLayout()
        table_column.addWidget(self.fields_table, 1)
        # What the type guessed from a new field's name is, so nobody opens the list to check.
        self.field_note = QLabel(fields_box)
        self.field_note.setObjectName("fieldNote")
        self.field_note.setWordWrap(True)
        table_column.addWidget(self.field_note)
        fields_layout.addLayout(table_column, 1)
        field_buttons = QVBoxLayout()
        self.add_field_button = QPushButton(self.tr("Add field"), fields_box)
        self.add_field_button.setObjectName("addFieldButton")
        self.add_field_button.clicked.connect(self.on_add_field_clicked)
        self.remove_field_button = QPushButton(self.tr("Remove field"), fields_box)
        self.remove_field_button.setObjectName("removeFieldButton")
        self.remove_field_button.clicked.connect(self.on_remove_field_clicked)
        field_buttons.addWidget(self.add_field_button)
        field_buttons.addWidget(self.remove_field_button)
        field_buttons.addStretch(1)
        fields_layout.addLayout(field_buttons)
        right_layout.addWidget(fields_box)

        things_box = QGroupBox(self.tr("Things"), right)
        things_layout = QVBoxLayout(things_box)
        bar = QHBoxLayout()
        self.search_edit = QLineEdit(things_box)
        self.search_edit.setObjectName("thingSearch")
        self.search_edit.setPlaceholderText(self.tr("Search things"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self.on_search_changed)
        bar.addWidget(self.search_edit, 1)
        self.add_thing_button = QPushButton(self.tr("Add thing"), things_box)
        self.add_thing_button.setObjectName("addThingButton")
        self.add_thing_button.clicked.connect(self.on_add_thing_clicked)
        bar.addWidget(self.add_thing_button)
        self.delete_thing_button = QPushButton(self.tr("Delete…"), things_box)
        self.delete_thing_button.setObjectName("deleteThingButton")
        self.delete_thing_button.clicked.connect(self.on_delete_thing_clicked)
        bar.addWidget(self.delete_thing_button)
        things_layout.addLayout(bar)
        self.things_model = ThingsModel(self.data_service, self)
        self.things_model.undo_stack = self.undo_stack
        self.things_view = QTableView(things_box)
        self.things_view.setObjectName("thingsView")
        self.things_view.setModel(self.things_model)
        self.things_view.setItemDelegate(DateTimeDelegate(self.things_view))  # date cells
        self.things_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.things_view.setAlternatingRowColors(True)
        self.things_view.verticalHeader().setVisible(False)
        self.things_view.horizontalHeader().setStretchLastSection(True)
        self.things_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.things_model.dataChanged.connect(self.on_things_data_changed)
        self.things_model.loaded.connect(self.on_things_loaded)
        self._scroll_to_end = False  # after adding a thing: show it once the rows are in
        things_layout.addWidget(self.things_view, 1)
        self.thing_error = QLabel(things_box)
        self.thing_error.setStyleSheet(ERROR_STYLE)
        things_layout.addWidget(self.thing_error)
        # "Deleted User Ada — Undo" for a few seconds, where the delete was done.
        self.undo_bar = UndoBar(things_box)
        self.undo_bar.setObjectName("dataUndoBar")
        self.undo_bar.undo_clicked.connect(self.on_undo_delete_clicked)
        self._offered_delete: DeleteThingsCommand | None = None
        undo_row = QHBoxLayout()  # the bar as wide as its words, at the left
        undo_row.addWidget(self.undo_bar)
        undo_row.addStretch(1)
        things_layout.addLayout(undo_row)
        self.undo_stack.indexChanged.connect(self.on_undo_stack_index_changed)
        right_layout.addWidget(things_box, 1)
        self.type_tabs.addTab(right, self.tr("Fields and things"))
        self.privacy_editor = PrivacyEditor(self.data_service, self.type_tabs)
        self.privacy_editor.setObjectName("privacyEditor")
        self.privacy_editor.status_message.connect(self.status_message)
        self.privacy_editor.saved.connect(self.on_privacy_saved)
        privacy_scroll = QScrollArea(self.type_tabs)  # fits a 900×600 window, scrolling
        privacy_scroll.setWidgetResizable(True)
        privacy_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        privacy_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        privacy_scroll.setWidget(self.privacy_editor)
        self.type_tabs.addTab(privacy_scroll, self.tr("Privacy rules"))
        splitter.addWidget(left)
        splitter.addWidget(self.type_tabs)
        splitter.setSizes([220, 900])
        self.tabs.addTab(splitter, self.tr("Data types"))
        self.triggers_editor = TriggersEditor(self.data_service, self.tabs)
        self.triggers_editor.setObjectName("triggersEditor")
        self.triggers_editor.status_message.connect(self.status_message)
        self.tabs.addTab(self.triggers_editor, self.tr("Triggers"))
        self.reload()

    # --- loading ------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        self.types = self.data_service.data_types()
        wanted = select or (self.current.name if self.current else None)
        with QSignalBlocker(self.type_list):
            self.type_list.clear()
            self.type_list.addItems(sorted(self.types))
        items = self.type_list.findItems(wanted or "", Qt.MatchFlag.MatchExactly) if wanted else []
        if items:
            self.type_list.setCurrentItem(items[0])
        elif self.type_list.count():
            self.type_list.setCurrentRow(0)
        self.on_type_list_current_changed(
            self.type_list.currentItem().text() if self.type_list.currentItem() else ""
        )
        self.triggers_editor.reload()

    def settle(self) -> bool:
        """Before the shown rules change or leave: save or discard unsaved privacy edits
        as the person chooses. False when they chose to stay."""
        return self.privacy_editor.settle()

    @Slot(str)
    def on_type_list_current_changed(self, name: str) -> None:
        if self.current is not None and name != self.current.name and not self.settle():
            with QSignalBlocker(self.type_list):  # stay on the type with unsaved rules
                for item in self.type_list.findItems(self.current.name, Qt.MatchFlag.MatchExactly):
                    self.type_list.setCurrentItem(item)
            return
        if self.current is None or name != self.current.name:
            self.field_note.clear()  # it spoke of the type shown before
        self.current = self.types.get(name)
        self._show_fields()
        self.privacy_editor.set_data_type(self.current)
        self.things_model.set_data_type(self.current, self.search_edit.text())
        for button in (
            self.add_field_button,
            self.remove_field_button,
            self.add_thing_button,
            self.delete_thing_button,
        ):
            button.setEnabled(self.current is not None)

    def _show_fields(self) -> None:
        table = self.fields_table
        self._new_row = -1
        with QSignalBlocker(table):
            fields = self.current.fields if self.current else ()
            table.setRowCount(len(fields))
            type_names = [*SCALARS, *sorted(self.types)]
            for row, field in enumerate(fields):
                table.setItem(row, FIELD_NAME, QTableWidgetItem(field.name))
                combo = QComboBox(table)
                combo.addItems(type_names)
                combo.setCurrentIndex(max(combo.findText(field.type.base), 0))
                combo.currentIndexChanged.connect(self.on_fields_edited)
                table.setCellWidget(row, FIELD_TYPE, combo)
                check = QCheckBox(table)
                check.setChecked(field.type.is_list)
                check.toggled.connect(self.on_fields_edited)
                table.setCellWidget(row, FIELD_LIST, check)

    # --- fields -------------------------------------------------------------------

    def _fields_from_table(self) -> tuple[FieldDef, ...]:
        table = self.fields_table
        out = []
        for row in range(table.rowCount()):
            item = table.item(row, FIELD_NAME)
            if row == self._new_row:
                continue  # the blank row typed into is not a field yet
            combo = table.cellWidget(row, FIELD_TYPE)
            check = table.cellWidget(row, FIELD_LIST)
            base = combo.currentText() if isinstance(combo, QComboBox) else "text"
            is_list = check.isChecked() if isinstance(check, QCheckBox) else False
            out.append(FieldDef(item.text().strip() if item else "", ValueType(base, is_list)))
        return tuple(out)

    def save_fields(self, fields: tuple[FieldDef, ...], *, undoable: bool = True) -> bool:
        """Give the shown type these fields, as one undoable command (Edit ▸ Undo)
        unless `undoable` is off (a removed field's values cannot come back)."""
        if self.current is None:
            return False
        if not self.settle():  # saving fields reloads the type: unsaved rules go first
            self._show_fields()
            return False
        if undoable:
            command = SaveFieldsCommand(
                self.data_service,
                self.current.name,
                self.current.fields,
                tuple(fields),
                self.tr("Change the fields of {type}").format(type=self.current.name),
                self.show_saved_fields,
            )
            self.undo_stack.push(command)
            failed: CueflowError | None = command.failed
        else:
            try:
                saved = self.data_service.save_fields(self.current.name, fields)
            except CueflowError as exc:
                failed = exc
            else:
                failed = None
                self.undo_stack.clear()  # earlier field commands no longer fit
                self.show_saved_fields(saved.definition, dict(saved.renames), saved.moved)
        if failed is not None:
            self.status_message.emit(_one_line(str(failed)))
            self._failed_reason = _one_line(failed.reason, 120)
            self._show_fields()
            return False
        return True

    def show_saved_fields(
        self, definition: DataTypeDef, renames: dict[str, str], moved: int
    ) -> None:
        """Show what saving the fields did (an edit, its undo or its redo)."""
        if renames:
            said = ", ".join(
                self.tr("{old} to {new}").format(old=old, new=new) for old, new in renames.items()
            )
            if moved == 0 and all(_PLACEHOLDER.match(old) for old in renames):
                said = ", ".join(renames.values())  # a field just added, now named
                text = self.tr("Added the field {fields}")
            elif moved == 0:
                text = self.tr("Renamed the field {fields}")
            elif moved == 1:
                text = self.tr("Renamed the field {fields} (1 {type} kept its value)")
            else:
                text = self.tr("Renamed the field {fields} ({n} {types} kept their values)")
            self.status_message.emit(
                text.format(
                    fields=said, n=f"{moved:,}", type=definition.name, types=plural(definition.name)
                )
            )
        self.reload(definition.name)

    @Slot(QTableWidgetItem)
    def on_fields_table_item_changed(self, item: QTableWidgetItem) -> None:
        row = self._edited_row = item.row()
        if row == self._new_row:
            if not item.text().strip():
                return  # still blank: ended when its editor closes
            self._new_row = -1  # named: a field now
        self._named_last_row = row == self.fields_table.rowCount() - 1
        fields = list(self._fields_from_table())
        self._pending_fields = (fields, row)
        if self.fields_table.state() == QAbstractItemView.State.EditingState:
            # Saved once the editor has closed: the save rebuilds the rows under it.
            QTimer.singleShot(0, self.flush_fields)
        else:
            self.flush_fields()

    def flush_fields(self) -> bool:
        """Save a typed name not saved yet (before another change starts); True when
        there was none or it saved."""
        pending, self._pending_fields = self._pending_fields, None
        return True if pending is None else self._save_named(*pending)

    def _save_named(self, fields: list[FieldDef], row: int) -> bool:
        before = self.current.fields if self.current else ()
        guessed = ""
        if 0 <= row < len(fields) and (row >= len(before) or _PLACEHOLDER.match(before[row].name)):
            # A new field named for the first time: the type its name suggests.
            suggestion = suggested_type(fields[row].name, self.types)
            if suggestion and fields[row].type == ValueType("text"):
                fields[row] = FieldDef(fields[row].name, ValueType(suggestion))
                guessed = self.tr("{field}: {type} (guessed from its name; change it in Type)")
            else:
                guessed = self.tr("{field}: {type}")
            guessed = guessed.format(field=fields[row].name, type=fields[row].type.base)
        self._last_save_ok = self.save_fields(tuple(fields))
        self._refused_name = ""
        self.field_note.setStyleSheet("")
        if not self._last_save_ok and row >= len(before):
            # Said where the person looks, the typed name kept to fix (on Return).
            self._refused_name = fields[row].name
            self.field_note.setStyleSheet(ERROR_STYLE)
            self.field_note.setText(
                self.tr("Not added: {reason}").format(reason=self._failed_reason)
            )
        if self._last_save_ok and guessed:
            self.field_note.setText(guessed)
            if row >= len(before):
                self.status_message.emit(
                    self.tr("Added the field {fields}").format(fields=fields[row].name)
                )
        return self._last_save_ok

    @Slot(QWidget, QAbstractItemDelegate.EndEditHint)
    def on_field_editor_closing(
        self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint
    ) -> None:
        """Tab out of a name moves to its type (once the save has rebuilt the rows);
        Return after naming the last field opens a new blank row for the next one;
        leaving the blank row unnamed (Return, Escape, a click elsewhere) ends it."""
        if self._new_row >= 0:
            QTimer.singleShot(0, self._end_new_field)
            return
        named_last, self._named_last_row = self._named_last_row, False
        if hint == QAbstractItemDelegate.EndEditHint.EditNextItem and self._edited_row >= 0:
            row, self._edited_row = self._edited_row, -1
            QTimer.singleShot(0, lambda: self._focus_field_type(row))
        elif hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache and named_last:
            self._edited_row = -1
            QTimer.singleShot(0, self._continue_new_field)

    def _continue_new_field(self) -> None:
        saved = self.flush_fields() and self._last_save_ok
        if saved:
            self.start_new_field()
        elif self._refused_name:
            self.start_new_field(self._refused_name)

    def _end_new_field(self) -> None:
        """Take away the blank row left unnamed: no empty field stays behind."""
        row = self._new_row
        if row < 0 or self.fields_table.state() == QAbstractItemView.State.EditingState:
            return
        self._new_row = -1
        with QSignalBlocker(self.fields_table):
            self.fields_table.removeRow(row)

    def start_new_field(self, name: str = "") -> None:
        """Open a blank row at the end, its name ready for typing (no Add field click):
        Return names it and opens the next; Return or Escape on a blank one ends it.
        `name`: a refused name given back, all selected, to fix."""
        self.flush_fields()
        if self.current is None or self._new_row >= 0:
            return
        table = self.fields_table
        row = table.rowCount()
        with QSignalBlocker(table):
            table.insertRow(row)
            table.setItem(row, FIELD_NAME, QTableWidgetItem(name))
            table.setItem(row, FIELD_TYPE, hint_item(table, self.tr("guessed from the name")))
        self._new_row = row
        table.scrollToBottom()
        self.edit_field_name(row)

    def _focus_field_type(self, row: int) -> None:
        combo = self.fields_table.cellWidget(row, FIELD_TYPE)
        if combo is not None:
            self.fields_table.setCurrentCell(row, FIELD_TYPE)
            combo.setFocus()

    @Slot()
    def on_fields_edited(self) -> None:
        self.save_fields(self._fields_from_table())

    @Slot()
    def on_add_field_clicked(self) -> None:
        self.flush_fields()  # a name still being typed goes first
        if self.current is None:
            return
        names = {f.name for f in self.current.fields}
        number = 1
        while f"field{number}" in names:
            number += 1
        if self.save_fields((*self.current.fields, FieldDef(f"field{number}", ValueType("text")))):
            self.edit_field_name(self.fields_table.rowCount() - 1)

    def edit_field_name(self, row: int) -> None:
        """Open a field's name for typing, all selected: typing replaces it, Return
        saves it, Tab saves it and moves to its type."""
        item = self.fields_table.item(row, FIELD_NAME)
        if item is None:
            return
        self.fields_table.setFocus()
        self.fields_table.setCurrentItem(item)
        self.fields_table.editItem(item)  # Qt selects a line editor's whole text

    @Slot()
    def on_remove_field_clicked(self) -> None:
        self.flush_fields()
        row = self.fields_table.currentRow()
        if self.current is None or not 0 <= row < len(self.current.fields):
            return
        # Not undoable: the removed field's values are gone (the stack is cleared).
        self.save_fields(
            tuple(f for i, f in enumerate(self.current.fields) if i != row), undoable=False
        )

    @Slot()
    def on_new_type_clicked(self) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("New data type"))
        dialog.setLabelText(self.tr("Name (e.g. Customer)"))
        dialog.setOkButtonText(self.tr("Create"))
        # Words only, no stock tick / cross icons (its buttons exist once it is shown).
        QTimer.singleShot(0, lambda: _words_only(dialog))
        if dialog.exec() == QInputDialog.DialogCode.Accepted and dialog.textValue().strip():
            self.create_type(dialog.textValue().strip())

    def create_type(self, name: str) -> None:
        if not self.settle():
            return
        try:
            self.data_service.create_type(name)
        except CueflowError as exc:
            self.status_message.emit(
                self.tr("'{name}' cannot be a new data type name: {reason}").format(
                    name=name, reason=exc.reason
                )
            )
            return
        self.reload(name)
        self.field_note.setText(
            self.tr("Type the first field's name (e.g. email), then Return for the next.")
        )
        self.start_new_field()  # the fields come next: ready for typing at once

    # --- things -------------------------------------------------------------------

    @Slot(str)
    def on_search_changed(self, text: str) -> None:
        self.things_model.set_data_type(self.current, text)

    @Slot()
    def on_add_thing_clicked(self) -> None:
        """Ask for the fields first; the thing is saved (and triggers fire) on Save."""
        self.flush_fields()  # a field name still being typed is part of the form
        if self.current is None:
            return
        dialog = AddThingDialog(self.data_service, self.current, self)
        dialog.accepted.connect(self.on_add_thing_accepted)
        dialog.finished.connect(self.on_add_thing_finished)
        self.add_thing_dialog = dialog
        dialog.open()

    @Slot()
    def on_add_thing_finished(self) -> None:
        dialog = self.sender()
        if dialog is self.add_thing_dialog:
            self.add_thing_dialog = None
        if isinstance(dialog, AddThingDialog):
            dialog.deleteLater()

    @Slot()
    def on_add_thing_accepted(self) -> None:
        dialog = self.sender()
        if not isinstance(dialog, AddThingDialog) or dialog.created is None:
            return
        self._scroll_to_end = True
        created = dialog.created
        label = thing_label(dict(created.raw), created.id, brief=True)
        # Saved by the form already: the command's first redo does nothing.
        self.undo_stack.push(
            AddThingCommand(
                self.data_service,
                created,
                self.tr("Add {type} {label}").format(type=dialog.definition.name, label=label),
                self.on_things_changed_by_command,
            )
        )
        self.things_model.reload()
        self.status_message.emit(
            self.tr("Added {type} {label}").format(type=dialog.definition.name, label=label)
        )

    @Slot()
    def on_things_loaded(self) -> None:
        """The things were read on a worker: size the columns, show what was added."""
        self.thing_error.setText(self.things_model.error)
        self.things_view.resizeColumnsToContents()
        if self._scroll_to_end:
            self._scroll_to_end = False
            self.things_view.scrollToBottom()

    @Slot()
    def on_delete_thing_clicked(self) -> None:
        rows = sorted({i.row() for i in self.things_view.selectionModel().selectedRows()})
        if not rows:
            return
        ids = [self.things_model.thing_id(r) for r in rows]
        type_name = self.current.name if self.current else ""
        label = thing_label(self.things_model.thing_fields(rows[0]), ids[0], brief=True)
        question = (
            self.tr("Delete {type} {label}?") if len(ids) == 1 else self.tr("Delete {n} {types}?")
        ).format(n=f"{len(ids):,}", type=type_name, types=plural(type_name), label=label)
        if (
            QMessageBox.question(self, self.tr("Delete"), question)
            != QMessageBox.StandardButton.Yes
        ):
            return
        self.delete_things(ids, label)

    def delete_things(self, ids: list[str], label: str = "") -> None:
        """Delete things in one change set (one trigger run per thing), undoably:
        Edit ▸ Undo Delete 3 things creates them again with their IDs and fields."""
        type_name = self.current.name if self.current else ""
        if len(ids) == 1:
            text = self.tr("Delete {type} {label}").format(type=type_name, label=label or ids[0])
            done = self.tr("Deleted {type} {label}").format(type=type_name, label=label or ids[0])
        else:
            text = self.tr("Delete {n} things").format(n=f"{len(ids):,}")
            done = self.tr("Deleted {n} {types}").format(n=f"{len(ids):,}", types=plural(type_name))
        command = DeleteThingsCommand(
            self.data_service, ids, text, self.on_things_changed_by_command
        )
        self.undo_stack.push(command)
        if command.failed is None:
            self._offered_delete = command
            self.undo_bar.offer(done, ids)

    @Slot(int)
    def on_undo_stack_index_changed(self, index: int) -> None:
        """The bar goes once its delete is no longer the last change (undone elsewhere)."""
        offered = self._offered_delete
        if offered is not None and (index < 1 or self.undo_stack.command(index - 1) is not offered):
            self._offered_delete = None
            self.undo_bar.withdraw()

    @Slot(list)
    def on_undo_delete_clicked(self, ids: list[str]) -> None:
        """Undo in the bar: the same as Edit ▸ Undo while the delete is the last change."""
        stack = self.undo_stack
        offered, self._offered_delete = self._offered_delete, None
        if offered is not None and stack.canUndo() and stack.command(stack.index() - 1) is offered:
            stack.undo()
        else:
            self.status_message.emit(
                self.tr("Not undone: something else changed since; use Edit ▸ Undo.")
            )

    def on_things_changed_by_command(self, failed: CueflowError | None) -> None:
        """An add or delete was done, undone or redone: show the things as they are."""
        if failed is not None:
            self.status_message.emit(str(failed))
        self.things_model.reload()

    @Slot(str)
    def on_privacy_saved(self, name: str) -> None:
        self.types = self.data_service.data_types()
        self.current = self.types.get(name, self.current)

    @Slot()
    def on_things_data_changed(self) -> None:
        self.thing_error.setText(self.things_model.error)


def _words_only(dialog: QWidget) -> None:
    """No stock tick / cross icons on a dialog's buttons."""
    for button in dialog.findChildren(QAbstractButton):
        button.setIcon(QIcon())


def _one_line(text: str, limit: int = 200) -> str:
    """An error as one short line (a refused 5,000-character name is not repeated whole)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
