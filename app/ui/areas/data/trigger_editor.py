"""Database triggers: the list and an editor for one trigger.

A trigger starts a workflow after a thing of a data type is created, modified
or deleted and its condition over `thing_before` / `thing_now` holds. Every
expression is checked as it is typed; Save writes through the data service.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSignalBlocker, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core import expressions
from app.core.definitions import DataTypeDef, TriggerDef, WorkflowDef
from app.core.expressions import TRIGGER_NAMES
from app.engine.condition_words import describe
from app.engine.data import DataService
from app.engine.presenting import key_words
from app.engine.validation import TRIGGER_EVENTS as EVENTS
from app.engine.validation import check_fields
from app.errors import CueflowError
from app.ui.widgets.expression_edit import ExpressionLineEdit, scope_words
from app.ui.widgets.panes import list_pane

ERROR_STYLE = "color: #b91c1c;"
BAD_INPUT_STYLE = "QLineEdit { border: 1px solid #dc2626; }"
TRIGGER_NAME = re.compile(r"^[A-Za-z0-9_]+$")


# The events in words, for the translation (self.tr(event) looks them up).
EVENT_WORDS = (
    QT_TRANSLATE_NOOP("TriggersEditor", "created"),
    QT_TRANSLATE_NOOP("TriggersEditor", "modified"),
    QT_TRANSLATE_NOOP("TriggersEditor", "deleted"),
)


class TriggersEditor(QWidget):
    """Triggers on the left; the selected trigger's form on the right."""

    status_message = Signal(str)
    saved = Signal(str)  # the trigger's name

    def __init__(self, data_service: DataService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_service = data_service
        self.triggers: list[TriggerDef] = []
        self.types: dict[str, DataTypeDef] = {}
        self.workflows: dict[str, WorkflowDef] = {}
        self.editing: str | None = None  # the saved name of the trigger in the form
        self.param_edits: dict[str, ExpressionLineEdit] = {}
        self.param_errors: dict[str, QLabel] = {}
        layout = QHBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)

        left, _title, self.trigger_list, buttons = list_pane(
            splitter,
            self.tr("Triggers"),
            "triggerList",
            self.on_trigger_list_current_changed,
            [
                (self.tr("New trigger"), "newTriggerButton", self.on_new_clicked),
                (self.tr("Delete…"), "deleteTriggerButton", self.on_delete_clicked),
            ],
        )
        self.new_button, self.delete_button = buttons

        right = QWidget(splitter)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.form_box = QGroupBox(self.tr("Trigger"), right)
        form = QFormLayout(self.form_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name_edit = QLineEdit(self.form_box)
        self.name_edit.setObjectName("triggerName")
        self.name_edit.textChanged.connect(self.on_form_changed)
        form.addRow(self.tr("Name"), self.name_edit)
        self.type_combo = QComboBox(self.form_box)
        self.type_combo.setObjectName("triggerDataType")
        self.type_combo.currentTextChanged.connect(self.on_type_changed)
        form.addRow(self.tr("When a thing of"), self.type_combo)
        events = QHBoxLayout()
        self.event_checks: dict[str, QCheckBox] = {}
        for event in EVENTS:
            check = QCheckBox(self.tr("is {event}").format(event=self.tr(event)), self.form_box)
            check.setObjectName(f"triggerOn_{event}")
            check.toggled.connect(self.on_form_changed)
            events.addWidget(check)
            self.event_checks[event] = check
        events.addStretch(1)
        form.addRow(self.tr("Events"), events)
        self.condition_edit = ExpressionLineEdit(True, self.form_box)
        self.condition_edit.setObjectName("triggerCondition")
        self.condition_edit.setPlaceholderText(self.tr("always (e.g. thing_now.email is not none)"))
        self.condition_edit.textChanged.connect(self.on_form_changed)
        self.condition_error = _error_label(self.form_box, "triggerConditionError")
        self.condition_words = QLabel(self.form_box)  # "Reads: thing now's email is not empty"
        self.condition_words.setObjectName("triggerConditionWords")
        self.condition_words.setStyleSheet("color: palette(placeholder-text);")
        self.condition_words.setWordWrap(True)
        condition = _stacked(self.condition_edit, self.condition_error)
        condition.insertWidget(1, self.condition_words)
        form.addRow(self.tr("Only when"), condition)
        self.workflow_combo = QComboBox(self.form_box)
        self.workflow_combo.setObjectName("triggerWorkflow")
        self.workflow_combo.currentIndexChanged.connect(self.on_workflow_changed)
        form.addRow(self.tr("Start workflow"), self.workflow_combo)
        right_layout.addWidget(self.form_box)

        self.params_box = QGroupBox(
            self.tr("The workflow's parameters (from the thing before and after the change)"),
            right,
        )
        self.params_form = QFormLayout(self.params_box)
        self.params_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        right_layout.addWidget(self.params_box)
        note = QLabel(
            self.tr(
                "The workflow starts right after the change is saved, once per "
                "change, as the user who made it, and always respects privacy "
                "rules. Changes made by a trigger's own run do not fire triggers "
                "again."
            ),
            right,
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(mid);")
        right_layout.addWidget(note)
        right_layout.addStretch(1)
        bar = QHBoxLayout()
        self.problem = _error_label(right, "triggerProblem")
        self.problem.setVisible(True)  # keeps its room, so Save stays a normal button
        bar.addWidget(self.problem, 1)
        self.save_button = QPushButton(self.tr("Save trigger"), right)
        self.save_button.setObjectName("saveTriggerButton")
        self.save_button.clicked.connect(self.on_save_clicked)
        bar.addWidget(self.save_button)
        right_layout.addLayout(bar)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([240, 700])
        layout.addWidget(splitter)

    # --- loading ------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        self.triggers, self.types, self.workflows = self.data_service.trigger_context()
        with QSignalBlocker(self.type_combo), QSignalBlocker(self.workflow_combo):
            self.type_combo.clear()
            self.type_combo.addItems(sorted(self.types))
            self.workflow_combo.clear()
            for wf in self.workflows.values():
                self.workflow_combo.addItem(f"{wf.title} ({wf.name})", wf.name)
        wanted = select if select is not None else self.editing
        names = [t.name for t in self.triggers]
        with QSignalBlocker(self.trigger_list):
            self.trigger_list.clear()
            for trigger in self.triggers:
                self.trigger_list.addItem(self._list_text(trigger))
        row = names.index(wanted) if wanted in names else (0 if names else -1)
        self.trigger_list.setCurrentRow(row)
        self.on_trigger_list_current_changed(row)
        self.new_button.setEnabled(bool(self.types) and bool(self.workflows))
        self.new_button.setToolTip(
            ""
            if self.new_button.isEnabled()
            else self.tr("A trigger needs a data type and a workflow first.")
        )

    def _list_text(self, trigger: TriggerDef) -> str:
        wf = self.workflows.get(trigger.workflow)
        return self.tr("{name}\n    {type} {events} → {workflow}").format(
            name=trigger.name,
            type=trigger.data_type,
            events=self.tr(" or ").join(self.tr(event) for event in trigger.on),
            workflow=wf.title if wf is not None else trigger.workflow,
        )

    def show_trigger(self, trigger: TriggerDef | None) -> None:
        """Fill the form with a trigger (None: an empty, disabled form)."""
        self.editing = (
            trigger.name if trigger and trigger.name in {t.name for t in self.triggers} else None
        )
        self.form_box.setEnabled(trigger is not None)
        self.params_box.setEnabled(trigger is not None)
        self.delete_button.setEnabled(self.editing is not None)
        blockers = [
            QSignalBlocker(w)
            for w in (
                self.name_edit,
                self.type_combo,
                self.condition_edit,
                self.workflow_combo,
                *self.event_checks.values(),
            )
        ]
        self.name_edit.setText(trigger.name if trigger else "")
        self.type_combo.setCurrentText(trigger.data_type if trigger else "")
        for event, check in self.event_checks.items():
            check.setChecked(trigger is not None and event in trigger.on)
        self.condition_edit.setText((trigger.only_when or "") if trigger else "")
        index = self.workflow_combo.findData(trigger.workflow) if trigger else -1
        self.workflow_combo.setCurrentIndex(index)
        del blockers
        self._build_params(dict(trigger.params) if trigger else {})
        self._update_words()
        self.on_form_changed()

    def _build_params(self, values: dict[str, Any]) -> None:
        while self.params_form.rowCount():
            self.params_form.removeRow(0)
        self.param_edits.clear()
        self.param_errors.clear()
        wf = self.workflows.get(self.workflow_combo.currentData() or "")
        if wf is None:
            self.params_form.addRow(QLabel(self.tr("Choose a workflow."), self.params_box))
            return
        if not wf.parameters:
            self.params_form.addRow(
                QLabel(self.tr("This workflow has no parameters."), self.params_box)
            )
        for param in wf.parameters:
            edit = ExpressionLineEdit(False, self.params_box)
            edit.setObjectName(f"triggerParam_{param.key}")
            raw = values.get(param.key)
            edit.setText("" if raw is None else str(raw))
            edit.setPlaceholderText(
                "{{ thing_now }}"
                if param.type.is_thing and param.type.base == self.type_combo.currentText()
                else ""
            )
            edit.textChanged.connect(self.on_form_changed)
            error = _error_label(self.params_box, f"triggerParamError_{param.key}")
            label = QLabel(
                _param_label(param.key, str(param.type), param.optional), self.params_box
            )
            label.setToolTip(self.tr("In the workflow: {{{{ {key} }}}}").format(key=param.key))
            self.params_form.addRow(label, _stacked(edit, error))
            self.param_edits[param.key] = edit
            self.param_errors[param.key] = error
        self._update_words()

    def _update_words(self) -> None:
        definition = self.types.get(self.type_combo.currentText())
        fields = [f.name for f in definition.fields] if definition else []
        words = scope_words(sorted(TRIGGER_NAMES), {n: fields for n in TRIGGER_NAMES})
        self.condition_edit.set_words(words)
        for edit in self.param_edits.values():
            edit.set_words(words)

    # --- the edited trigger -------------------------------------------------------

    def trigger(self) -> TriggerDef:
        params = {key: edit.text() for key, edit in self.param_edits.items() if edit.text().strip()}
        return TriggerDef(
            name=self.name_edit.text().strip(),
            data_type=self.type_combo.currentText(),
            on=tuple(e for e, check in self.event_checks.items() if check.isChecked()),
            workflow=str(self.workflow_combo.currentData() or ""),
            only_when=self.condition_edit.text().strip() or None,
            params=params,
        )

    def check(self) -> list[str]:
        """Problems of the form, each also shown beside its input."""
        trigger = self.trigger()
        problems: list[str] = []
        if not TRIGGER_NAME.match(trigger.name):
            problems.append(self.tr("A trigger's name uses letters, digits and _"))
        elif trigger.name != self.editing and trigger.name in {t.name for t in self.triggers}:
            problems.append(
                self.tr("There is already a trigger called '{name}'").format(name=trigger.name)
            )
        if trigger.data_type not in self.types:
            problems.append(self.tr("Choose a data type"))
        if not trigger.on:
            problems.append(self.tr("Choose at least one event"))
        typed = dict.fromkeys(TRIGGER_NAMES, trigger.data_type)
        reasons = (
            _expression_problems(trigger.only_when, typed, self.types, condition=True)
            if trigger.only_when
            else []
        )
        _show(self.condition_edit, self.condition_error, reasons)
        words = None if reasons else describe(trigger.only_when, typed, self.types)
        self.condition_words.setText(self.tr("Reads: {words}").format(words=words) if words else "")
        self.condition_words.setVisible(bool(words))
        problems += [self.tr("Only when: {reason}").format(reason=r) for r in reasons]
        wf = self.workflows.get(trigger.workflow)
        if wf is None:
            problems.append(self.tr("Choose a workflow"))
        for key, edit in self.param_edits.items():
            text = edit.text()
            param = wf.parameter(key) if wf else None
            if not text.strip():
                reasons = [self.tr("required")] if param is not None and not param.optional else []
            else:
                reasons = _expression_problems(text, typed, self.types)
            _show(edit, self.param_errors[key], reasons)
            problems += [f"{key_words(key)}: {r}" for r in reasons]
        return problems

    # --- slots --------------------------------------------------------------------

    @Slot(int)
    def on_trigger_list_current_changed(self, row: int) -> None:
        self.show_trigger(self.triggers[row] if 0 <= row < len(self.triggers) else None)

    @Slot()
    def on_form_changed(self) -> None:
        if not self.form_box.isEnabled():
            self.problem.setText("")
            self.save_button.setEnabled(False)
            return
        problems = self.check()
        self.problem.setText(problems[0] if problems else "")
        self.save_button.setEnabled(not problems)

    @Slot(str)
    def on_type_changed(self, name: str) -> None:
        self._update_words()
        self.on_form_changed()

    @Slot(int)
    def on_workflow_changed(self, index: int) -> None:
        kept = {key: edit.text() for key, edit in self.param_edits.items()}
        wf = self.workflows.get(self.workflow_combo.currentData() or "")
        if wf is not None:  # a parameter of the changed thing's type: offer thing_now
            for param in wf.parameters:
                if (
                    not kept.get(param.key)
                    and param.type.base == self.type_combo.currentText()
                    and not param.type.is_list
                ):
                    kept[param.key] = "{{ thing_now }}"
        self._build_params(kept)
        self.on_form_changed()

    @Slot()
    def on_new_clicked(self) -> None:
        taken = {t.name for t in self.triggers}
        number = 1
        while f"trigger_{number}" in taken:
            number += 1
        type_name = sorted(self.types)[0] if self.types else ""
        workflow = next(iter(self.workflows), "")
        with QSignalBlocker(self.trigger_list):
            self.trigger_list.clearSelection()
            self.trigger_list.setCurrentRow(-1)
        self.show_trigger(TriggerDef(f"trigger_{number}", type_name, ("created",), workflow))
        self.on_workflow_changed(self.workflow_combo.currentIndex())
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    @Slot()
    def on_save_clicked(self) -> None:
        self.save()

    def save(self) -> bool:
        problems = self.check()
        if problems:
            self.problem.setText(problems[0])
            return False
        trigger = self.trigger()
        try:
            self.data_service.save_trigger(trigger, replacing=self.editing)
        except CueflowError as exc:
            self.problem.setText(str(exc))
            return False
        self.editing = trigger.name
        self.reload(trigger.name)
        self.status_message.emit(self.tr("Saved trigger {name}").format(name=trigger.name))
        self.saved.emit(trigger.name)
        return True

    @Slot()
    def on_delete_clicked(self) -> None:
        if self.editing is None:
            return
        if self.confirm(
            self.tr("Delete trigger"),
            self.tr("Delete the trigger '{name}'?").format(name=self.editing),
        ):
            self.delete(self.editing)

    def delete(self, name: str) -> None:
        self.data_service.delete_trigger(name)
        self.editing = None
        self.reload()
        self.status_message.emit(self.tr("Deleted trigger {name}").format(name=name))

    def confirm(self, title: str, question: str) -> bool:
        """Ask yes or no (tests replace this)."""
        return QMessageBox.question(self, title, question) == QMessageBox.StandardButton.Yes


def _param_label(key: str, kind: str, optional: bool) -> str:
    """ "Birthday (date, optional)", "User" for a `user` of type User: as the Run form."""
    name = key_words(key)
    if name.lower() == kind.lower():
        return (
            QCoreApplication.translate("TriggersEditor", "{name} (optional)").format(name=name)
            if optional
            else name
        )
    if optional:
        return QCoreApplication.translate("TriggersEditor", "{name} ({kind}, optional)").format(
            name=name, kind=kind
        )
    return QCoreApplication.translate("TriggersEditor", "{name} ({kind})").format(
        name=name, kind=kind
    )


def _error_label(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def _stacked(edit: QWidget, error: QLabel) -> QVBoxLayout:
    column = QVBoxLayout()
    column.setSpacing(2)
    column.addWidget(edit)
    column.addWidget(error)
    return column


def _show(edit: QLineEdit, error: QLabel, reasons: list[str]) -> None:
    error.setText("; ".join(reasons))
    error.setVisible(bool(reasons))
    edit.setStyleSheet(BAD_INPUT_STYLE if reasons else "")


def _expression_problems(
    source: str, typed: dict[str, str], types: dict[str, DataTypeDef], *, condition: bool = False
) -> list[str]:
    """Unknown names and syntax first; then fields `thing_now` / `thing_before` lack."""
    reasons = expressions.check(source, TRIGGER_NAMES, condition=condition)
    return reasons or check_fields(source, typed, types, condition=condition)
