"""The workflow editor: the fields, parameters and steps of one workflow.

It never saves: each edit is emitted as the new definition (`edited`), which
the Workflows area turns into an undo command; `show_workflow` brings the
widgets in line with what the command saved or left as a draft.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QSignalBlocker, QSize, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.actions import registry
from app.core.definitions import DataTypeDef, ParameterDef, RetryPolicy, StepDef, WorkflowDef
from app.core.types import SCALARS, ValueType
from app.engine.validation import Problem, typed_names
from app.ui.areas.workflows.parameters import ParametersTable
from app.ui.widgets.expression_edit import LongTextEdit, scope_words
from app.ui.widgets.panes import named_button
from app.ui.widgets.step_form import StepForm

ERROR_STYLE = "color: #b91c1c;"
ON_MISSED_CHOICES = (("run_late", "Run late (within the grace period)"), ("skip", "Skip the run"))
CARD_STYLE = """
QListWidget#stepList { background: palette(base); border: none; }
QListWidget#stepList::item { border: 1px solid palette(mid); border-radius: 6px;
    padding: 8px; margin: 3px 2px; }
QListWidget#stepList::item:selected { border: 2px solid palette(highlight);
    background: palette(alternate-base); color: palette(text); }
"""


def colour_chip(colour: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour) if QColor.isValidColorName(colour) else QColor("#9ca3af"))
    return QIcon(pixmap)


def step_title(index: int, step: StepDef) -> str:
    spec = registry.get(step.action)
    summary = spec.summary(step.inputs) if spec else step.action
    text = f"Step {index}: {summary}"
    if step.only_when:
        text += f"\n    only when {step.only_when}"
    return text


class WorkflowEditor(QWidget):
    """The fields, parameters and steps of one workflow; reports edits as values."""

    edited = Signal(object, str)  # the new WorkflowDef, the undo text
    run_requested = Signal(bool)  # run now?

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workflow: WorkflowDef | None = None
        self.problems: list[Problem] = []
        self.data_type_fields: dict[str, list[str]] = {}
        self.data_types: dict[str, DataTypeDef] = {}
        self.workflow_names: list[str] = []
        self.step_form: StepForm | None = None
        self._form_key: tuple[Any, ...] | None = None
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        self.title = QLabel(self)
        self.title.setObjectName("workflowTitle")
        self.title.setStyleSheet("font-size: 16px; font-weight: 600;")
        top.addWidget(self.title, 1)
        self.run_now_button = QPushButton(self.tr("Run now"), self)
        self.run_now_button.setObjectName("runNowButton")
        self.run_now_button.clicked.connect(self.on_run_now_clicked)
        top.addWidget(self.run_now_button)
        self.schedule_button = QPushButton(self.tr("Schedule…"), self)
        self.schedule_button.setObjectName("editorScheduleButton")
        self.schedule_button.clicked.connect(self.on_schedule_clicked)
        top.addWidget(self.schedule_button)
        layout.addLayout(top)

        self.problem_banner = QLabel(self)
        self.problem_banner.setObjectName("workflowProblems")
        self.problem_banner.setWordWrap(True)
        self.problem_banner.setStyleSheet(
            "background: #fee2e2; color: #7f1d1d; border-radius: 4px; padding: 6px;"
        )
        self.problem_banner.setVisible(False)
        layout.addWidget(self.problem_banner)

        layout.addWidget(self._build_fields())
        layout.addWidget(self._build_parameters())
        layout.addWidget(self._build_steps(), 1)

    # --- building -------------------------------------------------------------

    def _build_fields(self) -> QGroupBox:
        box = QGroupBox(self.tr("Workflow"), self)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name_edit = QLineEdit(box)
        self.name_edit.setObjectName("workflowName")
        self.name_edit.editingFinished.connect(self.on_fields_committed)
        self.name_error = QLabel(box)
        self.name_error.setStyleSheet(ERROR_STYLE)
        self.name_error.setVisible(False)
        name_column = QVBoxLayout()
        name_column.addWidget(self.name_edit)
        name_column.addWidget(self.name_error)
        form.addRow(self.tr("Name"), name_column)
        label_row = QHBoxLayout()
        self.label_edit = QLineEdit(box)
        self.label_edit.setObjectName("workflowLabel")
        self.label_edit.editingFinished.connect(self.on_fields_committed)
        label_row.addWidget(self.label_edit, 1)
        self.colour_button = QPushButton(box)
        self.colour_button.setObjectName("workflowColour")
        self.colour_button.setIconSize(QSize(16, 16))
        self.colour_button.clicked.connect(self.on_colour_clicked)
        label_row.addWidget(self.colour_button)
        form.addRow(self.tr("Label"), label_row)
        self.description_edit = LongTextEdit(box)
        self.description_edit.setObjectName("workflowDescription")
        self.description_edit.setFixedHeight(54)
        self.description_edit.editing_finished.connect(self.on_fields_committed)
        form.addRow(self.tr("Description"), self.description_edit)
        self.privacy_check = QCheckBox(
            self.tr("Ignore privacy rules when running the workflow"), box
        )
        self.privacy_check.setObjectName("workflowIgnorePrivacy")
        self.privacy_check.toggled.connect(self.on_fields_committed)
        form.addRow("", self.privacy_check)
        limits = QHBoxLayout()
        self.timeout_spin = QSpinBox(box)
        self.timeout_spin.setObjectName("workflowTimeout")
        self.timeout_spin.setRange(1, 7 * 86400)
        self.timeout_spin.setSuffix(self.tr(" s"))
        self.timeout_spin.editingFinished.connect(self.on_fields_committed)
        limits.addWidget(self.timeout_spin)
        limits.addSpacing(16)
        limits.addWidget(QLabel(self.tr("Retries"), box))
        self.attempts_spin = QSpinBox(box)
        self.attempts_spin.setObjectName("workflowRetries")
        self.attempts_spin.setRange(0, 100)
        self.attempts_spin.editingFinished.connect(self.on_fields_committed)
        limits.addWidget(self.attempts_spin)
        limits.addWidget(QLabel(self.tr("first wait"), box))
        self.backoff_spin = QDoubleSpinBox(box)
        self.backoff_spin.setObjectName("workflowBackoff")
        self.backoff_spin.setRange(0, 86400)
        self.backoff_spin.setDecimals(0)
        self.backoff_spin.setSuffix(self.tr(" s"))
        self.backoff_spin.editingFinished.connect(self.on_fields_committed)
        limits.addWidget(self.backoff_spin)
        limits.addStretch(1)
        form.addRow(self.tr("Timeout"), limits)
        self.missed_combo = QComboBox(box)
        self.missed_combo.setObjectName("workflowOnMissed")
        for value, text in ON_MISSED_CHOICES:
            self.missed_combo.addItem(self.tr(text), value)
        self.missed_combo.currentIndexChanged.connect(self.on_fields_committed)
        form.addRow(self.tr("Missed runs"), self.missed_combo)
        return box

    def _build_parameters(self) -> QGroupBox:
        box = QGroupBox(self.tr("Parameters"), self)
        layout = QHBoxLayout(box)
        self.params_table = ParametersTable(box)
        self.params_table.edited.connect(self.on_params_edited)
        layout.addWidget(self.params_table, 1)
        buttons = QVBoxLayout()
        self.add_param_button = named_button(
            self.tr("Add"), "addParameterButton", box, self.on_add_param_clicked
        )
        self.remove_param_button = named_button(
            self.tr("Remove"), "removeParameterButton", box, self.on_remove_param_clicked
        )
        self.param_up_button = named_button(
            self.tr("Up"), "parameterUpButton", box, lambda: self.move_parameter(-1)
        )
        self.param_down_button = named_button(
            self.tr("Down"), "parameterDownButton", box, lambda: self.move_parameter(1)
        )
        for button in (
            self.add_param_button,
            self.remove_param_button,
            self.param_up_button,
            self.param_down_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        return box

    def _build_steps(self) -> QGroupBox:
        box = QGroupBox(self.tr("Steps"), self)
        layout = QVBoxLayout(box)
        bar = QHBoxLayout()
        self.add_step_button = QToolButton(box)
        self.add_step_button.setObjectName("addStepButton")
        self.add_step_button.setText(self.tr("Add step"))
        self.add_step_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_step_menu = QMenu(self.add_step_button)
        self.add_step_menu.setObjectName("addStepMenu")
        families: dict[str, list[registry.ActionSpec]] = {}
        for spec in registry.actions().values():
            families.setdefault(spec.family, []).append(spec)
        for family in sorted(families):
            submenu = self.add_step_menu.addMenu(self.tr(family))
            for spec in sorted(families[family], key=lambda s: s.label):
                action = QAction(spec.label, submenu)
                action.setObjectName(f"addStep_{spec.name}")
                action.setToolTip(spec.name)
                action.triggered.connect(lambda _=False, name=spec.name: self.add_step(name))
                submenu.addAction(action)
        self.add_step_button.setMenu(self.add_step_menu)
        bar.addWidget(self.add_step_button)
        self.step_up_button = named_button(
            self.tr("Move up"), "stepUpButton", box, lambda: self.move_step(-1)
        )
        self.step_down_button = named_button(
            self.tr("Move down"), "stepDownButton", box, lambda: self.move_step(1)
        )
        self.remove_step_button = named_button(
            self.tr("Remove"), "removeStepButton", box, self.on_remove_step_clicked
        )
        for button in (self.step_up_button, self.step_down_button, self.remove_step_button):
            bar.addWidget(button)
        bar.addStretch(1)
        layout.addLayout(bar)
        splitter = QSplitter(Qt.Orientation.Horizontal, box)
        self.step_list = QListWidget(splitter)
        self.step_list.setObjectName("stepList")
        self.step_list.setStyleSheet(CARD_STYLE)
        self.step_list.setWordWrap(True)
        self.step_list.setMinimumWidth(260)
        self.step_list.currentRowChanged.connect(self.on_step_list_current_changed)
        self.step_box = QGroupBox(splitter)
        self.step_box.setObjectName("stepFormBox")
        box_layout = QVBoxLayout(self.step_box)
        box_layout.setContentsMargins(4, 4, 4, 4)
        step_scroll = QScrollArea(self.step_box)
        step_scroll.setWidgetResizable(True)
        step_scroll.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget(step_scroll)
        self.step_box_layout = QVBoxLayout(inner)
        self.step_placeholder = QLabel(self.tr("Add a step, or select one to edit it."), inner)
        self.step_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.step_box_layout.addWidget(self.step_placeholder)
        self.step_box_layout.addStretch(1)
        step_scroll.setWidget(inner)
        box_layout.addWidget(step_scroll)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([300, 520])
        splitter.setMinimumHeight(460)
        layout.addWidget(splitter, 1)
        return box

    # --- showing ----------------------------------------------------------------

    def set_context(
        self,
        data_type_fields: dict[str, list[str]],
        workflow_names: list[str],
        data_types: Mapping[str, DataTypeDef] | None = None,
    ) -> None:
        self.data_type_fields = data_type_fields
        self.workflow_names = workflow_names
        self.data_types = dict(data_types or {})

    def show_workflow(self, workflow: WorkflowDef | None, problems: list[Problem]) -> None:
        """Bring every widget in line with `workflow`, touching only what differs."""
        self.workflow = workflow
        self.problems = problems
        self.setEnabled(workflow is not None)
        if workflow is None:
            self.title.setText(self.tr("No workflow selected"))
            self.params_table.setRowCount(0)
            self.step_list.clear()
            self._set_step_form(None)
            self.problem_banner.setVisible(False)
            return
        self.title.setText(workflow.title)
        _set_text(self.name_edit, workflow.name)
        _set_text(self.label_edit, workflow.label)
        if self.description_edit.text() != workflow.description:
            with QSignalBlocker(self.description_edit):
                self.description_edit.setText(workflow.description)
        self.colour_button.setIcon(colour_chip(workflow.colour))
        self.colour_button.setText(workflow.colour)
        _set_blocked(self.privacy_check, "setChecked", workflow.ignore_privacy_rules)
        _set_blocked(self.timeout_spin, "setValue", int(workflow.timeout))
        _set_blocked(self.attempts_spin, "setValue", workflow.retries.attempts)
        _set_blocked(self.backoff_spin, "setValue", workflow.retries.backoff)
        _set_blocked(
            self.missed_combo,
            "setCurrentIndex",
            max(self.missed_combo.findData(workflow.on_missed), 0),
        )
        self._show_parameters(workflow.parameters)
        self._show_steps(workflow.steps)
        self._show_problems(problems)

    def _type_names(self) -> list[str]:
        return [*SCALARS, *sorted(self.data_type_fields)]

    def _show_parameters(self, parameters: tuple[ParameterDef, ...]) -> None:
        self.params_table.show_parameters(parameters, self._type_names())

    def _show_steps(self, steps: tuple[StepDef, ...]) -> None:
        current = self.step_list.currentRow()
        with QSignalBlocker(self.step_list):
            if self.step_list.count() != len(steps):
                self.step_list.clear()
                for _ in steps:
                    self.step_list.addItem(QListWidgetItem())
            for index, step in enumerate(steps, start=1):
                item = self.step_list.item(index - 1)
                item.setText(step_title(index, step))
                spec = registry.get(step.action)
                item.setToolTip(spec.label if spec else step.action)
            if steps:
                self.step_list.setCurrentRow(min(max(current, 0), len(steps) - 1))
        self._sync_step_form()

    def _names_in_scope(self, index: int) -> list[str]:
        assert self.workflow is not None
        keys = [p.key for p in self.workflow.parameters]
        return keys + [f"step{i}" for i in range(1, index)]

    def _sync_step_form(self) -> None:
        """Rebuild the form only when the step, its action or the names change."""
        row = self.step_list.currentRow()
        if self.workflow is None or not 0 <= row < len(self.workflow.steps):
            self._set_step_form(None)
            return
        step = self.workflow.steps[row]
        names = self._names_in_scope(row + 1)
        thing_fields = {
            p.key: self.data_type_fields.get(p.type.base, [])
            for p in self.workflow.parameters
            if p.type.is_thing and not p.type.is_list
        }
        typed = typed_names(self.workflow, self.data_types, row + 1)
        key = (
            row,
            step.action,
            tuple(names),
            tuple(sorted(thing_fields.items(), key=lambda kv: kv[0])),
            tuple(sorted(typed.items())),
            tuple(self.data_types.values()),
        )
        spec = registry.get(step.action)
        self.step_box.setTitle(f"Step {row + 1} · {spec.label if spec else step.action}")
        if key != self._form_key or self.step_form is None:
            form = StepForm(
                step,
                names,
                scope_words(names, thing_fields),
                {"workflows": self.workflow_names, "data_types": sorted(self.data_type_fields)},
                self.step_box,
                typed=typed,
                data_types=self.data_types,
            )
            form.step_edited.connect(self.on_step_form_edited)
            self._set_step_form(form)
            self._form_key = key
        elif self.step_form is not None and self.step_form.step != step:
            self.step_form.set_step(step)
        if self.step_form is not None:
            self.step_form.show_problems(self._step_problems(row + 1))

    def _set_step_form(self, form: StepForm | None) -> None:
        if self.step_form is not None and self.step_form is not form:
            self.step_box_layout.removeWidget(self.step_form)
            self.step_form.hide()
            self.step_form.deleteLater()
        self.step_form = form
        self._form_key = None if form is None else self._form_key
        self.step_placeholder.setVisible(form is None)
        if form is not None:
            self.step_box_layout.insertWidget(0, form)
        else:
            self.step_box.setTitle(self.tr("Step"))

    def _step_problems(self, index: int) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        prefix = f"steps[{index}]."
        for problem in self.problems:
            if problem.place.startswith(prefix):
                rest = problem.place[len(prefix) :]
                name = (
                    rest[len("with.") :].split(".")[0].split("[")[0]
                    if rest.startswith("with.")
                    else rest.split(".")[0]
                )
                out.setdefault(name, []).append(problem.reason)
        return out

    def _show_problems(self, problems: list[Problem]) -> None:
        if problems:
            lines = [self.tr("Not saved until these are fixed:")] + [f"• {p}" for p in problems]
            self.problem_banner.setText("\n".join(lines))
        self.problem_banner.setVisible(bool(problems))
        name_problems = [p.reason for p in problems if p.place == "name"]
        self.name_error.setText("; ".join(name_problems))
        self.name_error.setVisible(bool(name_problems))
        reason = str(problems[0]) if problems else ""
        for button in (self.run_now_button, self.schedule_button):
            button.setEnabled(not problems)
            button.setToolTip(
                self.tr("Fix the problems first: {reason}").format(reason=reason)
                if problems
                else ""
            )

    # --- edits ------------------------------------------------------------------

    def _emit(self, workflow: WorkflowDef, text: str) -> None:
        if self.workflow is not None and workflow != self.workflow:
            self.edited.emit(workflow, text)

    @Slot()
    def on_fields_committed(self) -> None:
        if self.workflow is None:
            return
        wf = self.workflow
        new = dataclasses.replace(
            wf,
            name=self.name_edit.text().strip(),
            label=self.label_edit.text(),
            description=self.description_edit.text(),
            ignore_privacy_rules=self.privacy_check.isChecked(),
            timeout=float(self.timeout_spin.value()),
            retries=RetryPolicy(self.attempts_spin.value(), self.backoff_spin.value()),
            on_missed=str(self.missed_combo.currentData()),
        )
        changed = [
            f.name for f in dataclasses.fields(wf) if getattr(wf, f.name) != getattr(new, f.name)
        ]
        self._emit(new, self.tr("Change {what}").format(what=", ".join(changed)))

    @Slot()
    def on_colour_clicked(self) -> None:
        if self.workflow is None:
            return
        colour = QColorDialog.getColor(
            QColor(self.workflow.colour), self, self.tr("Workflow colour")
        )
        if colour.isValid():
            self.set_colour(colour.name())

    def set_colour(self, colour: str) -> None:
        assert self.workflow is not None
        self._emit(dataclasses.replace(self.workflow, colour=colour), self.tr("Change colour"))

    @Slot()
    def on_params_edited(self) -> None:
        if self.workflow is None:
            return
        params = self.params_table.parameters()
        self._emit(
            dataclasses.replace(self.workflow, parameters=params), self.tr("Edit parameters")
        )

    @Slot()
    def on_add_param_clicked(self) -> None:
        if self.workflow is None:
            return
        keys = {p.key for p in self.workflow.parameters}
        number = 1
        while f"param{number}" in keys:
            number += 1
        params = (*self.workflow.parameters, ParameterDef(f"param{number}", ValueType("text")))
        self._emit(dataclasses.replace(self.workflow, parameters=params), self.tr("Add parameter"))

    @Slot()
    def on_remove_param_clicked(self) -> None:
        row = self.params_table.currentRow()
        if self.workflow is None or not 0 <= row < len(self.workflow.parameters):
            return
        params = tuple(p for i, p in enumerate(self.workflow.parameters) if i != row)
        self._emit(
            dataclasses.replace(self.workflow, parameters=params), self.tr("Remove parameter")
        )

    def move_parameter(self, delta: int) -> None:
        row = self.params_table.currentRow()
        if self.workflow is None:
            return
        params = _moved(self.workflow.parameters, row, delta)
        if params is not None:
            self._emit(
                dataclasses.replace(self.workflow, parameters=params), self.tr("Move parameter")
            )
            self.params_table.selectRow(row + delta)

    def add_step(self, action: str) -> None:
        if self.workflow is None:
            return
        spec = registry.get(action)
        defaults = (
            {i.name: i.default for i in spec.inputs if i.default not in (None, False)}
            if spec
            else {}
        )
        steps = (*self.workflow.steps, StepDef(action, defaults))
        self._emit(
            dataclasses.replace(self.workflow, steps=steps),
            self.tr("Add step {n}").format(n=len(steps)),
        )
        self.step_list.setCurrentRow(len(steps) - 1)

    def move_step(self, delta: int) -> None:
        row = self.step_list.currentRow()
        if self.workflow is None:
            return
        steps = _moved(self.workflow.steps, row, delta)
        if steps is not None:
            self._emit(dataclasses.replace(self.workflow, steps=steps), self.tr("Move step"))
            self.step_list.setCurrentRow(row + delta)

    @Slot()
    def on_remove_step_clicked(self) -> None:
        row = self.step_list.currentRow()
        if self.workflow is None or not 0 <= row < len(self.workflow.steps):
            return
        steps = tuple(s for i, s in enumerate(self.workflow.steps) if i != row)
        self._emit(
            dataclasses.replace(self.workflow, steps=steps),
            self.tr("Remove step {n}").format(n=row + 1),
        )

    @Slot(int)
    def on_step_list_current_changed(self, row: int) -> None:
        self._sync_step_form()

    @Slot(object)
    def on_step_form_edited(self, step: StepDef) -> None:
        row = self.step_list.currentRow()
        if self.workflow is None or not 0 <= row < len(self.workflow.steps):
            return
        steps = tuple(step if i == row else s for i, s in enumerate(self.workflow.steps))
        self._emit(
            dataclasses.replace(self.workflow, steps=steps),
            self.tr("Edit step {n}").format(n=row + 1),
        )

    @Slot()
    def on_run_now_clicked(self) -> None:
        self.run_requested.emit(True)

    @Slot()
    def on_schedule_clicked(self) -> None:
        self.run_requested.emit(False)


def _moved(items: tuple[Any, ...], row: int, delta: int) -> tuple[Any, ...] | None:
    target = row + delta
    if not 0 <= row < len(items) or not 0 <= target < len(items):
        return None
    out = list(items)
    out[row], out[target] = out[target], out[row]
    return tuple(out)


def _set_text(edit: QLineEdit, text: str) -> None:
    if edit.text() != text:
        with QSignalBlocker(edit):
            edit.setText(text)


def _set_blocked(widget: Any, setter: str, value: Any) -> None:
    with QSignalBlocker(widget):
        getattr(widget, setter)(value)
