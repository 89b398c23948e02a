"""The Run now / Schedule form: one typed input per parameter, who and when."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.definitions import WorkflowDef
from app.core.types import utcnow
from app.engine.service import prepare_params
from app.errors import CueflowError
from app.storage import catalog
from app.ui.context import AppContext
from app.ui.inputs import DateEditor, ThingPicker, ValueEditor, editor_for

ERROR_STYLE = "color: #b91c1c;"
WHEN_NOW, WHEN_AT, WHEN_DELAY = range(3)
DELAY_UNITS = (("minutes", 60), ("hours", 3600), ("days", 86400), ("seconds", 1))


class RunDialog(QDialog):
    """Schedules a run (or starts one now) of one workflow.

    "Run now" schedules the run at the current time through the service; the
    clock's workers execute it, so the window never waits on it.
    """

    scheduled = Signal(str)

    def __init__(self, context: AppContext, workflow: WorkflowDef, *, run_now: bool = False,
                 problems: list[str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runDialog")
        self.context = context
        self.workflow = workflow
        self.run_now = run_now
        self.workflow_problems = problems or []
        self.last_run_id: str | None = None
        title_text = self.tr("Run {name} now") if run_now else self.tr("Schedule {name}")
        self.setWindowTitle(title_text.format(name=workflow.title))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        title = QLabel(f"<b>{workflow.title}</b>", self)
        layout.addWidget(title)
        if workflow.description:
            about = QLabel(workflow.description, self)
            about.setWordWrap(True)
            layout.addWidget(about)

        self.editors: dict[str, ValueEditor] = {}
        self.field_errors: dict[str, QLabel] = {}
        params_box = QGroupBox(self.tr("Parameters"), self)
        form = QFormLayout(params_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for param in workflow.parameters:
            editor = editor_for(param.type, context.db, param.optional, params_box)
            editor.setObjectName(f"param_{param.key}")
            editor.changed.connect(self.on_input_changed)
            error = QLabel(params_box)
            error.setStyleSheet(ERROR_STYLE)
            error.setVisible(False)
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(editor)
            column.addWidget(error)
            suffix = self.tr(" (optional)") if param.optional else ""
            form.addRow(f"{param.key} — {param.type}{suffix}", column)
            self.editors[param.key] = editor
            self.field_errors[param.key] = error
        if not workflow.parameters:
            form.addRow(QLabel(self.tr("This workflow has no parameters."), params_box))
        layout.addWidget(params_box)

        options = QGroupBox(self.tr("Run"), self)
        options_form = QFormLayout(options)
        self.run_as = ThingPicker(context.db, None, self.tr("Nobody"), options)
        self.run_as.setObjectName("runAsPicker")
        self.run_as.changed.connect(self.on_input_changed)
        options_form.addRow(self.tr("Run as"), self.run_as)
        self.ignore_privacy = QCheckBox(self.tr("Ignore privacy rules"), options)
        self.ignore_privacy.setChecked(workflow.ignore_privacy_rules)
        options_form.addRow("", self.ignore_privacy)
        layout.addWidget(options)

        self.when_group = QButtonGroup(self)
        self.when_now = QRadioButton(self.tr("Now"))
        self.when_at = QRadioButton(self.tr("At"))
        self.when_delay = QRadioButton(self.tr("After"))
        self.at_editor = DateEditor(False)
        self.at_editor.setObjectName("whenAt")
        self.at_editor.set_value(utcnow() + timedelta(hours=1))
        self.delay_amount = QSpinBox()
        self.delay_amount.setRange(1, 100000)
        self.delay_amount.setValue(5)
        self.delay_unit = QComboBox()
        for unit, _ in DELAY_UNITS:
            self.delay_unit.addItem(self.tr(unit))
        if not run_now:
            when_box = QGroupBox(self.tr("When"), self)
            when_layout = QVBoxLayout(when_box)
            for number, (button, extra) in enumerate(
                ((self.when_now, []), (self.when_at, [self.at_editor]),
                 (self.when_delay, [self.delay_amount, self.delay_unit]))
            ):
                self.when_group.addButton(button, number)
                row = QHBoxLayout()
                row.addWidget(button)
                for widget in extra:
                    row.addWidget(widget, 1 if widget is self.at_editor else 0)
                row.addStretch(0 if extra else 1)
                when_layout.addLayout(row)
            self.when_at.setChecked(True)
            layout.addWidget(when_box)
            self.when_group.idToggled.connect(self.on_when_toggled)
            self.at_editor.changed.connect(self.on_input_changed)
            self.delay_amount.valueChanged.connect(self.on_input_changed)
        else:
            self.when_now.setChecked(True)

        self.problem = QLabel(self)
        self.problem.setObjectName("runProblem")
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)

        self.result_row = QWidget(self)
        result_layout = QHBoxLayout(self.result_row)
        result_layout.setContentsMargins(0, 0, 0, 0)
        self.result_label = QLabel(self.result_row)
        result_layout.addWidget(self.result_label)
        self.result_id = QLineEdit(self.result_row)
        self.result_id.setObjectName("runIdField")
        self.result_id.setReadOnly(True)
        result_layout.addWidget(self.result_id, 1)
        self.copy_button = QPushButton(self.tr("Copy"), self.result_row)
        self.copy_button.setObjectName("copyRunIdButton")
        self.copy_button.clicked.connect(self.on_copy_clicked)
        result_layout.addWidget(self.copy_button)
        self.result_row.setVisible(False)
        layout.addWidget(self.result_row)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.ok_button = self.buttons.addButton(
            self.tr("Run now") if run_now else self.tr("Schedule"),
            QDialogButtonBox.ButtonRole.ApplyRole,
        )
        self.ok_button.setObjectName("runOkButton")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.on_ok_clicked)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.on_input_changed()

    # --- values -----------------------------------------------------------------

    def raw_values(self) -> dict[str, Any]:
        values = {key: editor.value() for key, editor in self.editors.items()}
        return {key: value for key, value in values.items() if value is not None}

    def when(self) -> datetime | None:
        if self.run_now or self.when_now.isChecked():
            return None
        if self.when_at.isChecked():
            return self.at_editor.value()
        seconds = DELAY_UNITS[self.delay_unit.currentIndex()][1] * self.delay_amount.value()
        return utcnow() + timedelta(seconds=seconds)

    def check(self) -> tuple[dict[str, Any] | None, str]:
        """The encoded parameters, or None and the reason they cannot be used."""
        for label in self.field_errors.values():
            label.setVisible(False)
        for editor in self.editors.values():
            editor.setStyleSheet("")
        if self.workflow_problems:
            return None, self.tr("The workflow has problems: {first}").format(
                first=self.workflow_problems[0])
        values = self.raw_values()
        loader = catalog.DbThingLoader(self.context.db)
        try:
            encoded = prepare_params(self.workflow, values, loader.resolve)
        except CueflowError as exc:
            key = next((k for k in self.editors if f"'{k}'" in exc.reason), None)
            if key is not None:
                self.field_errors[key].setText(exc.reason)
                self.field_errors[key].setVisible(True)
                self.editors[key].setStyleSheet("QLineEdit, QComboBox { border: 1px solid "
                                                "#dc2626; }")
            return None, exc.reason
        run_as = self.run_as.value()
        if run_as and loader.load(run_as) is None:
            return None, self.tr("Run as: no thing with ID '{id}'").format(id=run_as)
        return encoded, ""

    # --- slots ------------------------------------------------------------------

    @Slot()
    def on_input_changed(self) -> None:
        encoded, reason = self.check()
        self.ok_button.setEnabled(encoded is not None)
        self.ok_button.setToolTip(reason)
        self.problem.setText(reason)

    @Slot(int, bool)
    def on_when_toggled(self, button_id: int, checked: bool) -> None:
        if checked:
            self.at_editor.setEnabled(button_id == WHEN_AT)
            self.delay_amount.setEnabled(button_id == WHEN_DELAY)
            self.delay_unit.setEnabled(button_id == WHEN_DELAY)
            self.on_input_changed()

    @Slot()
    def on_ok_clicked(self) -> None:
        encoded, reason = self.check()
        if encoded is None:
            self.problem.setText(reason)
            return
        try:
            run_id = self.context.service.schedule(
                self.workflow.name,
                encoded,
                at=self.when(),
                run_as=self.run_as.value() or None,
                ignore_privacy=self.ignore_privacy.isChecked(),
            )
        except CueflowError as exc:
            self.problem.setText(str(exc))
            return
        self.last_run_id = run_id
        self.result_label.setText(
            self.tr("Started run") if self.run_now or self.when() is None
            else self.tr("Scheduled run")
        )
        self.result_id.setText(run_id)
        self.result_row.setVisible(True)
        self.scheduled.emit(run_id)

    @Slot()
    def on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.result_id.text())
