"""A step's form, generated from the inputs its action declares.

The same `InputSpec` declarations drive the engine's checks, so a new action
gets its form for free. Expression inputs are checked while typing (unknown
name, syntax) and committed when editing finishes.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.actions import registry
from app.actions.registry import ActionSpec, InputSpec
from app.core import expressions
from app.core.definitions import DataTypeDef, StepDef
from app.engine.condition_words import describe
from app.engine.dynamic_data import DataGroup, readable, readable_text
from app.engine.editor_queries import plain_reason
from app.engine.validation import check_fields
from app.ui.action_words import action_words
from app.ui.widgets.dynamic_data import DynamicDataButton
from app.ui.widgets.expression_edit import ExpressionLineEdit, LongTextEdit

ERROR_STYLE = "color: #b91c1c;"
ONLY_WHEN = "only_when"
NARROW_FORM = 460  # below this width, labels go above their inputs
COMMIT_DELAY_MS = 300  # typing pauses this long: the text is committed (and checked)
# Inputs that hold expressions the dynamic-data menu can fill.
DYNAMIC_KINDS = frozenset(
    {
        registry.TEXT,
        registry.LONG_TEXT,
        registry.TEXT_OR_LIST,
        registry.THING_OR_LIST,
        registry.DATE,
        registry.NUMBER,
        registry.ANY,
    }
)


class MappingEditor(QWidget):
    """Names to expressions (a step's `params`, `fields`, `headers` …)."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Value")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setFixedHeight(112)
        layout.addWidget(self.table, 1)
        buttons = QVBoxLayout()
        self.add_button = QPushButton(self.tr("Add"), self)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        # Dynamic data goes into the selected row's value (a new row when none is).
        self.data_button = DynamicDataButton(self.insert_value, registry.ANY, False, self)
        self.data_button.setObjectName("mappingData")
        buttons.addWidget(self.data_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.on_add_clicked)
        self.remove_button.clicked.connect(self.on_remove_clicked)
        self.table.itemChanged.connect(self.on_table_item_changed)

    def set_value(self, value: Any) -> None:
        mapping = value if isinstance(value, dict) else {}
        with QSignalBlocker(self.table):
            self.table.setRowCount(0)
            for key, item in mapping.items():
                self._append(str(key), item if isinstance(item, str) else _literal_text(item))

    def _append(self, key: str, text: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(key))
        self.table.setItem(row, 1, QTableWidgetItem(text))

    def value(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for row in range(self.table.rowCount()):
            key_item, value_item = self.table.item(row, 0), self.table.item(row, 1)
            key = key_item.text().strip() if key_item else ""
            if key:
                out[key] = value_item.text() if value_item else ""
        return out

    def insert_value(self, token: str) -> None:
        """Append `token` to the selected row's value, or add a row holding it."""
        row = self.table.currentRow()
        with QSignalBlocker(self.table):
            if row < 0:
                row = self.table.rowCount()
                self._append(f"name{row + 1}", "")
            item = self.table.item(row, 1)
            if item is None:
                item = QTableWidgetItem("")
                self.table.setItem(row, 1, item)
            item.setText(item.text() + token)
        self.table.setCurrentCell(row, 1)
        self.edited.emit()

    @Slot()
    def on_add_clicked(self) -> None:
        with QSignalBlocker(self.table):
            self._append(f"name{self.table.rowCount() + 1}", "")
        self.edited.emit()

    @Slot()
    def on_remove_clicked(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.edited.emit()

    @Slot(QTableWidgetItem)
    def on_table_item_changed(self, item: QTableWidgetItem) -> None:
        self.edited.emit()


def _literal_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


class StepForm(QWidget):
    """The inputs of one step; emits `step_edited` with the new StepDef."""

    step_edited = Signal(object)
    touched_changed = Signal()  # an input was left: its problems may show now

    def __init__(
        self,
        step: StepDef,
        names: list[str],
        words: list[str],
        choices: dict[str, list[str]],
        parent: QWidget | None = None,
        *,
        typed: Mapping[str, str] | None = None,
        data_types: Mapping[str, DataTypeDef] | None = None,
        groups: list[DataGroup] | None = None,
    ) -> None:
        super().__init__(parent)
        self.groups = list(groups or [])
        self.data_buttons: dict[str, DynamicDataButton] = {}
        self.step = step
        self.names = names
        # Names whose data type is certain, so `user.na` is caught while typing.
        self.typed = dict(typed or {})
        self.data_types = dict(data_types or {})
        self.spec: ActionSpec | None = registry.get(step.action)
        self.widgets: dict[str, Any] = {}
        self.errors: dict[str, QLabel] = {}
        self.reads: dict[str, QLabel] = {}  # how an expression input's data reads
        # Inputs the person has left (or all, once they tried to run): only these say
        # "is required" while empty, so a new step does not open in red.
        self.touched: set[str] = set()
        self.problems: dict[str, list[str]] = {}
        # Typing commits after a short pause, so problems and buttons follow the text.
        self.commit_timer = QTimer(self)
        self.commit_timer.setSingleShot(True)
        self.commit_timer.setInterval(COMMIT_DELAY_MS)
        self.commit_timer.timeout.connect(self.commit)
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setContentsMargins(0, 0, 0, 0)
        if self.spec is None:
            self.form.addRow(QLabel(self.tr("Unknown action '{name}'").format(name=step.action)))
            return
        if self.spec.result:
            about = QLabel(
                self.tr("Later steps can use its result ({result}) through Insert data").format(
                    result=action_words(self.spec.result)
                ),
                self,
            )
            about.setObjectName("stepResultAbout")
            about.setToolTip(about.text())
            # One line, cut at the edge: a wrapping label in a form overlaps its neighbours.
            about.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            about.setStyleSheet("color: palette(placeholder-text);")
            self.form.addRow(about)
        for item in self.spec.inputs:
            widget = self._widget_for(item, words, choices)
            widget.setObjectName(f"input_{item.name}")
            widget.setToolTip(action_words(item.help))
            widget.setAccessibleName(action_words(item.title))
            self.widgets[item.name] = widget
            title = action_words(item.title) + (" *" if item.required else "")
            dynamic = item.kind in DYNAMIC_KINDS
            self._add_row(title, widget, item.name, dynamic=dynamic, kind=item.kind)
        condition = ExpressionLineEdit(True, self)
        condition.setObjectName("input_only_when")
        condition.set_words(words)
        condition.setPlaceholderText(
            self.tr("always (or pick a test from Insert data, e.g. “birthday is not empty”)")
        )
        condition.editingFinished.connect(self.on_input_committed)
        condition.textChanged.connect(self.on_expression_text_changed)
        condition.setAccessibleName(self.tr("Only when"))
        self.widgets[ONLY_WHEN] = condition
        self._add_row(self.tr("Only when"), condition, ONLY_WHEN, dynamic=True)
        self.set_step(step)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Labels above the inputs when the form is narrow, so inputs keep their width."""
        super().resizeEvent(event)
        wanted = (
            QFormLayout.RowWrapPolicy.WrapAllRows
            if self.width() < NARROW_FORM
            else QFormLayout.RowWrapPolicy.DontWrapRows
        )
        if self.form.rowWrapPolicy() != wanted:
            self.form.setRowWrapPolicy(wanted)

    def _add_row(
        self, label: str, widget: QWidget, key: str, *, dynamic: bool = False, kind: str = ""
    ) -> None:
        error = QLabel()
        error.setObjectName(f"error_{key}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        # A hidden error keeps its line, so showing one never moves the form.
        policy = error.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        error.setSizePolicy(policy)
        error.setVisible(False)
        column = QVBoxLayout()
        column.setSpacing(2)
        if dynamic and isinstance(widget, ExpressionLineEdit | LongTextEdit):
            row = QHBoxLayout()
            row.setSpacing(4)
            row.addWidget(widget, 1)
            button = DynamicDataButton(widget, kind, key == ONLY_WHEN, self)
            button.setObjectName(f"data_{key}")
            button.set_groups(self.groups)
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            self.data_buttons[key] = button
            column.addLayout(row)
        else:
            column.addWidget(widget)
        # One line under the input: its error, or else how its data reads (same place).
        holder = QWidget(self)  # one line kept under every input: nothing moves
        holder.setMinimumHeight(self.fontMetrics().height())
        line = QGridLayout(holder)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(error, 0, 0)
        reads = QLabel()
        reads.setObjectName(f"reads_{key}")
        reads.setStyleSheet("color: palette(placeholder-text);")
        reads.setTextFormat(Qt.TextFormat.RichText)
        reads.setWordWrap(True)
        reads.setVisible(False)
        line.addWidget(reads, 0, 0)
        column.addWidget(holder)
        self.form.addRow(label, column)
        self.errors[key] = error
        self.reads[key] = reads

    def _widget_for(
        self, item: InputSpec, words: list[str], choices: dict[str, list[str]]
    ) -> QWidget:
        if item.kind == registry.YES_NO:
            box = QCheckBox(self)
            box.toggled.connect(self.on_input_committed)
            return box
        if item.kind == registry.CHOICE:
            combo = QComboBox(self)
            combo.addItems(list(item.choices))
            combo.currentIndexChanged.connect(self.on_input_committed)
            return combo
        if item.kind == registry.MAPPING:
            mapping = MappingEditor(self)
            mapping.data_button.set_groups(self.groups)
            mapping.edited.connect(self.on_input_committed)
            return mapping
        if item.kind == registry.LONG_TEXT:
            long_text = LongTextEdit(self)
            long_text.setPlaceholderText(action_words(item.help))
            long_text.editing_finished.connect(self.on_input_committed)
            long_text.textChanged.connect(self.on_expression_text_changed)
            return long_text
        line = ExpressionLineEdit(False, self)
        line.setPlaceholderText(action_words(item.help))
        if item.kind == registry.WORKFLOW:
            line.condition = True
            line.set_words(choices.get("workflows", []))
        elif item.kind == registry.DATA_TYPE:
            line.condition = True
            line.set_words(choices.get("data_types", []))
        else:
            line.set_words(words)
        line.editingFinished.connect(self.on_input_committed)
        line.left.connect(self.on_input_left)
        line.textChanged.connect(self.on_expression_text_changed)
        return line

    # --- values ---------------------------------------------------------------

    def set_step(self, step: StepDef) -> None:
        """Show these values (without emitting edits)."""
        self.step = step
        for name, widget in self.widgets.items():
            value = step.only_when if name == ONLY_WHEN else step.inputs.get(name)
            with QSignalBlocker(widget):
                if isinstance(widget, QCheckBox):
                    widget.setChecked(bool(value))
                elif isinstance(widget, QComboBox):
                    widget.setCurrentIndex(max(widget.findText(str(value or "").upper()), 0))
                elif isinstance(widget, MappingEditor):
                    widget.set_value(value)
                else:
                    text = value if isinstance(value, str) else _literal_text(value)
                    if widget.text() != text:
                        widget.setText(text)
            if isinstance(widget, ExpressionLineEdit | LongTextEdit):
                self._check_live(name, widget.text())

    def current_step(self) -> StepDef:
        assert self.spec is not None
        inputs: dict[str, Any] = {}
        for item in self.spec.inputs:
            widget = self.widgets[item.name]
            if isinstance(widget, QCheckBox):
                if widget.isChecked() or item.name in self.step.inputs:
                    inputs[item.name] = widget.isChecked()
            elif isinstance(widget, QComboBox):
                inputs[item.name] = widget.currentText()
            elif isinstance(widget, MappingEditor):
                mapping = widget.value()
                if mapping:
                    inputs[item.name] = mapping
            else:
                text = widget.text()
                if text.strip():
                    inputs[item.name] = _typed(item, text)
        condition = self.widgets[ONLY_WHEN].text().strip() or None
        return StepDef(self.step.action, inputs, condition)

    def quiet_inputs(self) -> set[str]:
        """Text inputs still empty that the person has not left: they keep quiet."""
        return {
            name
            for name, widget in self.widgets.items()
            if isinstance(widget, ExpressionLineEdit | LongTextEdit)
            and name not in self.touched
            and not widget.text().strip()
        }

    def reveal_all(self) -> None:
        """Show every problem, also of inputs not visited yet (before a run)."""
        self.touched.update(self.errors)
        self.show_problems(self.problems)

    def show_problems(self, problems: dict[str, list[str]]) -> None:
        """Problems found on save, by input name (live checks come first). An empty
        input the person has not left yet keeps quiet about being required."""
        self.problems = problems
        for name, label in self.errors.items():
            widget = self.widgets.get(name)
            text = widget.text() if isinstance(widget, ExpressionLineEdit | LongTextEdit) else None
            live = self._live_problems(name, text) if text is not None else []
            messages = live or problems.get(name, [])
            if text is not None and name not in self.touched and not text.strip():
                messages = []
            if isinstance(widget, ExpressionLineEdit | LongTextEdit):
                self._show_line(name, messages, widget.text())
            else:
                label.setText("; ".join(messages))
                label.setVisible(bool(messages))

    # --- live checks ------------------------------------------------------------

    def _live_problems(self, name: str, text: str) -> list[str]:
        if not text.strip():
            return []
        spec_item = self.spec.input(name) if self.spec else None
        if (
            spec_item is not None
            and spec_item.kind in (registry.WORKFLOW, registry.DATA_TYPE)
            and not expressions.is_template(text)
        ):
            return []
        condition = name == ONLY_WHEN
        problems = expressions.check(text, self.names, condition=condition)
        if not problems and self.typed:
            problems = check_fields(text, self.typed, self.data_types, condition=condition)
        return [plain_reason(p) for p in problems]

    def _check_live(self, name: str, text: str) -> None:
        problems = self._live_problems(name, text)
        self._show_line(name, problems, text)

    def _show_line(self, name: str, problems: list[str], text: str) -> None:
        """The line under an input: its problem in red, else how its data reads."""
        label, reads = self.errors[name], self.reads[name]
        label.setText("; ".join(problems))
        label.setVisible(bool(problems))
        shown = "" if problems else readable_html(text) if "{{" in text else ""
        if name == ONLY_WHEN and not problems and text.strip():
            # as the card's badge says it: `notify` (a yes/no) reads "notify is yes"
            words = describe(text, self._name_types(), self.data_types)
            shown = "" if words is None else _reads_html(words)  # no words: the field says it
        reads.setText(shown)
        reads.setVisible(bool(shown))

    def _name_types(self) -> dict[str, str]:
        """The type of each name in scope (parameters, results, now …), when known."""
        types = {
            entry.expression: entry.type
            for group in self.groups
            for entry in group.entries
            if entry.expression.isidentifier()
        }
        types.update(self.typed)
        return types

    @Slot()
    def on_expression_text_changed(self) -> None:
        sender = self.sender()
        for name, widget in self.widgets.items():
            if widget is sender:
                self._check_live(name, widget.text())  # type: ignore[attr-defined]
        self.commit_timer.start()

    @Slot()
    def on_input_committed(self) -> None:
        """An input was left (or a choice made): it may now say what it lacks."""
        sender = self.sender()
        for name, widget in self.widgets.items():
            if widget is sender and name not in self.touched:
                self.touched.add(name)
                self.touched_changed.emit()
        self.commit()
        self.show_problems(self.problems)

    @Slot()
    def on_input_left(self) -> None:
        sender = self.sender()
        for name, widget in self.widgets.items():
            if widget is sender and name not in self.touched:
                self.touched.add(name)
                self.show_problems(self.problems)
                self.touched_changed.emit()

    @Slot()
    def commit(self) -> None:
        """Hand the step as the inputs show it to the editor (when it changed)."""
        self.commit_timer.stop()
        step = self.current_step()
        if step != self.step:
            self.step = step
            self.step_edited.emit(step)


def _reads_html(words: str) -> str:
    """ "Reads: ‹words›", all of it data (a condition in words)."""
    reads = html.escape(QCoreApplication.translate("StepForm", "Reads:"))
    return f"{reads} {_CHIP_OPEN}{html.escape(words, quote=False)}&nbsp;</span>"


def readable_html(text: str) -> str:
    """`Hi {{ user.name }}` as "Reads: Hi ‹user's name›", each piece of data highlighted."""
    if not text.strip():
        return ""
    shown = html.escape(readable_text(text) if "{{" in text else readable(text), quote=False)
    shown = shown.replace("‹", _CHIP_OPEN).replace("›", "&nbsp;</span>")
    if "{{" not in text:  # a condition: all of it is data
        shown = _CHIP_OPEN + shown + "&nbsp;</span>"
    return f"{html.escape(QCoreApplication.translate('StepForm', 'Reads:'))} {shown}"


_CHIP_OPEN = '<span style="background-color: rgba(124, 58, 237, 40);">&nbsp;'


def _typed(item: InputSpec, text: str) -> Any:
    """A literal number stays a number; everything else is text (or a template)."""
    if item.kind == registry.NUMBER and not expressions.is_template(text):
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() else number
    return text
