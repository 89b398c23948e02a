"""The workflow editor's inspector: what the selected card edits.

`WorkflowPanel` (the parameters card: parameters first, then the workflow's
name, label, colour and limits) and `StepPanel` (one step: its form, moving
and removing it, and what its last run did, as fields and a table). Both only
show values and report what the person did; the editor makes the edits.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.actions.spec import CAPTURED
from app.core import expressions
from app.engine.editor_queries import StepOutcome, free_name_from_label, plain_reason
from app.engine.validation import check_fields
from app.ui.action_words import action_words
from app.ui.areas.scheduler.run_details import add_value, titled_params
from app.ui.areas.scheduler.run_details import value_text as run_value_text
from app.ui.areas.workflows.api_section import ApiSection
from app.ui.areas.workflows.parameters import ParametersTable
from app.ui.models.runs import status_words
from app.ui.widgets import formatting
from app.ui.widgets.dynamic_data import DynamicDataButton
from app.ui.widgets.expression_edit import ExpressionLineEdit, LongTextEdit
from app.ui.widgets.flow_style import action_pixmap, family_colour
from app.ui.widgets.panes import named_button

ERROR_STYLE = "color: #b91c1c;"
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")
ON_MISSED_CHOICES = (("run_late", "Run late (within the grace period)"), ("skip", "Skip the run"))


def scrolled(widget: QWidget, parent: QWidget) -> QScrollArea:
    scroll = QScrollArea(parent)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(widget)
    return scroll


class WorkflowPanel(QWidget):
    """The workflow's name (its technical name derived from it), its parameters (key,
    type of content, is a list, optional) and its other settings."""

    fields_committed = Signal()
    colour_clicked = Signal()
    params_edited = Signal()
    add_param_clicked = Signal()
    remove_param_clicked = Signal()
    param_moved = Signal(int)  # -1 up, +1 down

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 4)
        layout.addWidget(self._build_name())
        layout.addWidget(self._build_parameters())
        layout.addWidget(self._build_fields())
        self.api_section = ApiSection(self)
        self.api_section.committed.connect(self.fields_committed)
        layout.addWidget(self.api_section)
        layout.addStretch(1)

    def _build_parameters(self) -> QGroupBox:
        box = QGroupBox(self.tr("Parameters: what each run is given"), self)
        layout = QVBoxLayout(box)
        self.params_table = ParametersTable(box)
        self.params_table.edited.connect(self.params_edited)
        layout.addWidget(self.params_table)
        buttons = QGridLayout()  # two a row: fits a narrow inspector
        self.add_param_button = named_button(
            self.tr("Add parameter"), "addParameterButton", box, self.add_param_clicked.emit
        )
        self.remove_param_button = named_button(
            self.tr("Remove"), "removeParameterButton", box, self.remove_param_clicked.emit
        )
        self.param_up_button = named_button(
            self.tr("Move up"), "parameterUpButton", box, lambda: self.param_moved.emit(-1)
        )
        self.param_down_button = named_button(
            self.tr("Move down"), "parameterDownButton", box, lambda: self.param_moved.emit(1)
        )
        buttons.addWidget(self.add_param_button, 0, 0)
        buttons.addWidget(self.remove_param_button, 0, 1)
        buttons.addWidget(self.param_up_button, 1, 0)
        buttons.addWidget(self.param_down_button, 1, 1)
        buttons.setColumnStretch(2, 1)
        layout.addLayout(buttons)
        return box

    def _build_name(self) -> QWidget:
        """The workflow's name as people read it, and the technical name it gives."""
        box = QWidget(self)
        form = QFormLayout(box)
        form.setContentsMargins(0, 0, 0, 4)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        label_row = QHBoxLayout()
        self.label_edit = QLineEdit(box)
        self.label_edit.setObjectName("workflowLabel")
        self.label_edit.setAccessibleName(self.tr("Name"))
        self.label_edit.setPlaceholderText(self.tr("e.g. Send birthday email"))
        self.label_edit.editingFinished.connect(self.fields_committed)
        self.label_edit.textEdited.connect(self.on_label_edited)
        label_row.addWidget(self.label_edit, 1)
        self.colour_button = QPushButton(box)
        self.colour_button.setObjectName("workflowColour")
        self.colour_button.setAccessibleName(self.tr("Colour"))
        self.colour_button.setIconSize(QSize(18, 18))
        self.colour_button.setFixedWidth(36)
        self.colour_button.clicked.connect(self.colour_clicked)
        label_row.addWidget(self.colour_button)
        form.addRow(self.tr("Name"), label_row)
        # The technical name: derived from the name until the person edits it here.
        technical = QVBoxLayout()  # the caption above: the input keeps the row's width
        technical.setSpacing(0)
        caption = QLabel(self.tr("Used in files and web links:"), box)
        caption.setStyleSheet("color: palette(placeholder-text);")
        technical.addWidget(caption)
        self.name_edit = QLineEdit(box)
        self.name_edit.setObjectName("workflowName")
        self.name_edit.setAccessibleName(self.tr("Used in files and web links"))
        self.name_edit.setToolTip(
            self.tr(
                "Lower-case letters, digits and _; made from the name until you change it "
                "(commands, the API and workflow files use it)"
            )
        )
        self.name_edit.editingFinished.connect(self.fields_committed)
        self.name_edit.textEdited.connect(self.on_name_edited)
        technical.addWidget(self.name_edit)
        self.name_error = QLabel(box)
        self.name_error.setObjectName("workflowNameError")
        self.name_error.setStyleSheet(ERROR_STYLE)
        self.name_error.setWordWrap(True)
        self.name_error.setVisible(False)
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addLayout(technical)
        column.addWidget(self.name_error)
        form.addRow("", column)
        self.name_follows = True  # the technical name is derived from the name
        self.taken_names: set[str] = set()
        return box

    def on_label_edited(self, text: str) -> None:
        """While the name is typed, the technical name it gives is shown under it."""
        if self.name_follows:
            self.name_edit.setText(free_name_from_label(text, self.taken_names))

    def on_name_edited(self, text: str) -> None:
        self.name_follows = False  # chosen by the person: the name no longer changes it

    def _build_fields(self) -> QGroupBox:
        box = QGroupBox(self.tr("More settings"), self)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.description_edit = LongTextEdit(box)
        self.description_edit.setObjectName("workflowDescription")
        self.description_edit.setFixedHeight(54)
        self.description_edit.editing_finished.connect(self.fields_committed)
        form.addRow(self.tr("Description"), self.description_edit)
        self.privacy_check = QCheckBox(self.tr("Ignore privacy rules when it runs"), box)
        self.privacy_check.setObjectName("workflowIgnorePrivacy")
        self.privacy_check.toggled.connect(self.fields_committed)
        form.addRow("", self.privacy_check)
        self.timeout_spin = QSpinBox(box)
        self.timeout_spin.setObjectName("workflowTimeout")
        self.timeout_spin.setRange(1, 7 * 86400)
        self.timeout_spin.setSuffix(self.tr(" seconds"))
        self.timeout_spin.editingFinished.connect(self.fields_committed)
        form.addRow(self.tr("Stop after"), self.timeout_spin)
        self.attempts_spin = QSpinBox(box)
        self.attempts_spin.setObjectName("workflowRetries")
        self.attempts_spin.setRange(0, 100)
        self.attempts_spin.setSuffix(self.tr(" more tries"))
        self.attempts_spin.editingFinished.connect(self.fields_committed)
        form.addRow(self.tr("If it fails, try"), self.attempts_spin)
        self.backoff_spin = QDoubleSpinBox(box)
        self.backoff_spin.setObjectName("workflowBackoff")
        self.backoff_spin.setRange(0, 86400)
        self.backoff_spin.setDecimals(0)
        self.backoff_spin.setSuffix(self.tr(" seconds"))
        self.backoff_spin.editingFinished.connect(self.fields_committed)
        form.addRow(self.tr("First retry after"), self.backoff_spin)
        for spin, one, many in (
            (self.timeout_spin, self.tr(" second"), self.tr(" seconds")),
            (self.attempts_spin, self.tr(" more try"), self.tr(" more tries")),
            (self.backoff_spin, self.tr(" second"), self.tr(" seconds")),
        ):  # "1 second", "2 seconds": never "1 seconds"
            spin.valueChanged.connect(
                lambda value, s=spin, a=one, b=many: s.setSuffix(a if value == 1 else b)
            )
        self.missed_combo = QComboBox(box)
        self.missed_combo.setObjectName("workflowOnMissed")
        for value, text in ON_MISSED_CHOICES:
            self.missed_combo.addItem(self.tr(text), value)
        self.missed_combo.currentIndexChanged.connect(self.fields_committed)
        form.addRow(self.tr("Missed runs"), self.missed_combo)
        self.only_when_edit = ExpressionLineEdit(True, box)
        self.only_when_edit.setObjectName("workflowOnlyWhen")
        self.only_when_edit.setAccessibleName(self.tr("Run only when"))
        self.only_when_edit.setPlaceholderText(self.tr("always (or a condition on the parameters)"))
        self.only_when_edit.editingFinished.connect(self.fields_committed)
        self.only_when_edit.textChanged.connect(self.on_only_when_text_changed)
        self.only_when_data = DynamicDataButton(self.only_when_edit, "", True, box)
        self.only_when_data.setObjectName("data_workflow_only_when")
        self.only_when_error = QLabel(box)
        self.only_when_error.setObjectName("workflowOnlyWhenError")
        self.only_when_error.setStyleSheet(ERROR_STYLE)
        self.only_when_error.setWordWrap(True)
        self.only_when_error.setVisible(False)
        row = QHBoxLayout()
        row.addWidget(self.only_when_edit, 1)
        row.addWidget(self.only_when_data)
        column = QVBoxLayout()
        column.addLayout(row)
        column.addWidget(self.only_when_error)
        form.addRow(self.tr("Run only when"), column)
        return box

    def set_scope(self, names: list[str], typed: dict[str, str], data_types: Any) -> None:
        """What the workflow's condition may read: its parameters (and their fields)."""
        self._names, self._typed, self._data_types = names, typed, data_types
        self.only_when_edit.set_words(names)
        self.on_only_when_text_changed(self.only_when_edit.text())

    def on_only_when_text_changed(self, text: str) -> None:
        problems: list[str] = []
        if text.strip():
            problems = expressions.check(text, getattr(self, "_names", []), condition=True)
            if not problems and getattr(self, "_typed", None):
                problems = check_fields(text, self._typed, self._data_types, condition=True)
        self.only_when_error.setText("; ".join(plain_reason(p) for p in problems))
        self.only_when_error.setVisible(bool(problems))


class StepPanel(QWidget):
    """One step: a header, its form (set by the editor), moving, removing, its last run."""

    move_clicked = Signal(int)  # -1 up, +1 down
    remove_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepFormBox")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 4)
        header = QHBoxLayout()
        self.icon = QLabel(self)
        self.icon.setFixedSize(28, 28)
        header.addWidget(self.icon)
        self.title = QLabel(self)
        self.title.setObjectName("stepTitle")
        self.title.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.title.setWordWrap(True)
        header.addWidget(self.title, 1)
        layout.addLayout(header)
        buttons = QHBoxLayout()
        self.step_up_button = named_button(
            self.tr("Move up"), "stepUpButton", self, lambda: self.move_clicked.emit(-1)
        )
        self.step_down_button = named_button(
            self.tr("Move down"), "stepDownButton", self, lambda: self.move_clicked.emit(1)
        )
        self.remove_step_button = named_button(
            self.tr("Remove step"), "removeStepButton", self, self.remove_clicked.emit
        )
        for button in (self.step_up_button, self.step_down_button, self.remove_step_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.form_holder = QVBoxLayout()
        layout.addLayout(self.form_holder)
        self.last_run = QGroupBox(self.tr("Last run of this step"), self)
        self.last_run.setObjectName("stepLastRun")
        last = QVBoxLayout(self.last_run)
        self.last_status = QLabel(self.last_run)
        self.last_status.setObjectName("stepLastStatus")
        self.last_status.setWordWrap(True)
        last.addWidget(self.last_status)
        self.last_table = QTableWidget(0, 2, self.last_run)
        self.last_table.setObjectName("stepLastTable")
        self.last_table.setHorizontalHeaderLabels([self.tr("What"), self.tr("Value")])
        self.last_table.verticalHeader().setVisible(False)
        self.last_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.last_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.last_table.setWordWrap(True)
        self.last_table.setMaximumHeight(180)
        last.addWidget(self.last_table)
        self.last_run.setVisible(False)
        layout.addWidget(self.last_run)
        layout.addWidget(self._build_last_test())
        layout.addStretch(1)

    def _build_last_test(self) -> QGroupBox:
        """What the step did in the editor's Test run: an email as it would be sent,
        then its inputs and result as name / value rows (the Scheduler's renderer)."""
        self.last_test = QGroupBox(self.tr("Last test"), self)
        self.last_test.setObjectName("stepLastTest")
        box = QVBoxLayout(self.last_test)
        self.test_status = QLabel(self.last_test)
        self.test_status.setObjectName("stepTestStatus")
        self.test_status.setWordWrap(True)
        box.addWidget(self.test_status)
        self.email_preview = QLabel(self.last_test)
        self.email_preview.setObjectName("emailPreview")
        self.email_preview.setWordWrap(True)
        self.email_preview.setTextFormat(Qt.TextFormat.RichText)
        self.email_preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.email_preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.email_preview.setStyleSheet("padding: 8px; background: palette(base);")
        box.addWidget(self.email_preview)
        self.test_values = QTreeWidget(self.last_test)
        self.test_values.setObjectName("stepTestValues")
        self.test_values.setColumnCount(2)
        self.test_values.setHeaderLabels([self.tr("What"), self.tr("Value")])
        self.test_values.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.test_values.setWordWrap(True)
        self.test_values.setMinimumHeight(140)
        box.addWidget(self.test_values)
        self.last_test.setVisible(False)
        return self.last_test

    def show_test(
        self,
        outcome: StepOutcome | None,
        input_titles: dict[str, str],
        words: str,
        labels: dict[str, str] | None = None,
    ) -> None:
        """The step in the Test run: `words` says where it is (running, not reached …);
        `labels` name the things its values hold by ID."""
        names = labels or {}
        self.last_test.setVisible(bool(words) or outcome is not None)
        self.last_run.setVisible(False)  # the test is the newest run: shown once, here
        self.test_values.clear()
        preview = _captured(outcome.result) if outcome is not None else None
        email = preview is not None and "subject" in preview and "to" in preview
        self.email_preview.setVisible(email)
        if outcome is None:
            self.test_status.setText(words)
            return
        text = self.tr("{status} in {duration}").format(
            status=self.tr(outcome.status).capitalize(),
            duration=formatting.elapsed(outcome.duration_ms / 1000),
        )
        if preview is not None:
            nothing = (
                self.tr("nothing was scheduled")
                if "workflow" in preview
                else self.tr("nothing was sent")
            )
            text = self.tr("Previewed in {duration}: {nothing}").format(
                duration=formatting.elapsed(outcome.duration_ms / 1000), nothing=nothing
            )
        if outcome.error:
            text += "\n" + outcome.error
        self.test_status.setText(text)
        if email and preview is not None:
            self.email_preview.setText(email_html(preview))
        inputs = QTreeWidgetItem(self.test_values, [self.tr("Inputs"), ""])
        for name, value in (outcome.inputs or {}).items():
            value = titled_params(value) if name == "params" else value  # "User", not "user"
            add_value(inputs, input_titles.get(name, name), readable(value, names))
        if outcome.status != "failed" and not email:  # (an email's result is its preview)
            result = QTreeWidgetItem(self.test_values, [self.tr("Result"), ""])
            shown = outcome.result
            if preview is not None:
                shown = {k: v for k, v in preview.items() if k != CAPTURED}
            if isinstance(shown, dict):
                for key, value in shown.items():
                    words = _tr(RESULT_WORDS.get(str(key), str(key)))
                    value = titled_params(value) if key == "params" else value
                    add_value(result, words, readable(value, names))
            else:
                result.setText(1, run_value_text(readable(shown, names)))
        self.test_values.expandToDepth(1)  # names and their fields; deeper on a click

    def set_header(self, position: int, label: str, icon: str, family: str, count: int) -> None:
        self.icon.setPixmap(action_pixmap(icon, family_colour(family), 28))
        self.title.setText(self.tr("Step {n} · {label}").format(n=position + 1, label=label))
        self.step_up_button.setEnabled(position > 0)
        self.step_down_button.setEnabled(position < count - 1)

    def show_outcome(
        self,
        outcome: StepOutcome | None,
        input_titles: dict[str, str],
        labels: dict[str, str] | None = None,
    ) -> None:
        """What the step did in the workflow's last run: inputs and result as rows;
        `labels` name the things its values hold by ID ("Ada", not its ID)."""
        names = labels or {}
        self.last_run.setVisible(outcome is not None)
        if outcome is None:
            return
        text = self.tr("{status} in {duration}").format(
            status=status_words(outcome.status),  # "Failed", in the window's language
            duration=formatting.elapsed(outcome.duration_ms / 1000),
        )
        if outcome.error:
            text += "\n" + outcome.error
        self.last_status.setText(text)
        rows: list[tuple[str, str]] = []
        for name, value in (outcome.inputs or {}).items():
            value = titled_params(value) if name == "params" else value  # "User: Ada"
            rows.append((input_titles.get(name, name), value_text(readable(value, names))))
        result = outcome.result
        if isinstance(result, dict):
            rows += [
                (self.tr("Result: {key}").format(key=k), value_text(readable(v, names)))
                for k, v in result.items()
            ]
        elif result is not None:
            rows.append((self.tr("Result"), value_text(readable(result, names))))
        self.last_table.setRowCount(len(rows))
        for row, (what, value) in enumerate(rows):
            self.last_table.setItem(row, 0, QTableWidgetItem(what))
            self.last_table.setItem(row, 1, QTableWidgetItem(value))
        self.last_table.setVisible(bool(rows))


# How a preview's fields read (the keys ActionSpec.capture gives).
RESULT_WORDS = {
    "from": str(QT_TRANSLATE_NOOP("StepValues", "From")),
    "to": str(QT_TRANSLATE_NOOP("StepValues", "To")),
    "cc": str(QT_TRANSLATE_NOOP("StepValues", "Cc")),
    "bcc": str(QT_TRANSLATE_NOOP("StepValues", "Bcc")),
    "reply_to": str(QT_TRANSLATE_NOOP("StepValues", "Reply to")),
    "subject": str(QT_TRANSLATE_NOOP("StepValues", "Subject")),
    "body": str(QT_TRANSLATE_NOOP("StepValues", "Body")),
    "html": str(QT_TRANSLATE_NOOP("StepValues", "Sent as HTML")),
    "method": str(QT_TRANSLATE_NOOP("StepValues", "Method")),
    "url": str(QT_TRANSLATE_NOOP("StepValues", "Address")),
    "headers": str(QT_TRANSLATE_NOOP("StepValues", "Headers")),
    "json": str(QT_TRANSLATE_NOOP("StepValues", "JSON body")),
    "workflow": str(QT_TRANSLATE_NOOP("StepValues", "Workflow")),
    "params": str(QT_TRANSLATE_NOOP("StepValues", "Parameters")),
    "at": str(QT_TRANSLATE_NOOP("StepValues", "When")),
    "every": str(QT_TRANSLATE_NOOP("StepValues", "Repeat every")),
    "runs": str(QT_TRANSLATE_NOOP("StepValues", "Runs")),
    "interval": str(QT_TRANSLATE_NOOP("StepValues", "Seconds between items")),
}


def readable(value: Any, labels: dict[str, str], depth: int = 0) -> Any:
    """A recorded value as people read it: times in local time, things by their label."""
    if isinstance(value, str) and value in labels:
        return labels[value]
    if isinstance(value, str) and _ISO.match(value):
        return value_text(value)
    if depth < 8 and isinstance(value, dict):
        return {key: readable(item, labels, depth + 1) for key, item in value.items()}
    if depth < 8 and isinstance(value, list):
        return [readable(item, labels, depth + 1) for item in value]
    return value


def _captured(result: Any) -> dict[str, Any] | None:
    """A test run's preview (a result marked captured), or None."""
    return result if isinstance(result, dict) and result.get(CAPTURED) is True else None


def email_html(preview: dict[str, Any]) -> str:
    """An email preview as a mail program shows it: header lines, then the body."""
    rows = [
        (_tr(RESULT_WORDS[key]), str(preview[key]))
        for key in ("from", "to", "cc", "bcc", "reply_to", "subject")
        if preview.get(key)
    ]
    head = "".join(f"<b>{html.escape(name)}:</b> {html.escape(value)}<br>" for name, value in rows)
    body = str(preview.get("body") or "")
    # As text, an HTML body too (its source: its markup and links are not run here).
    return f"{head}<hr>{html.escape(body).replace(chr(10), '<br>')}"


def value_text(value: Any, limit: int = 300, depth: int = 0) -> str:
    """A value as a person reads it: yes/no, a list as items, a mapping as name: value
    (three levels deep at most: a result can be nested thousands deep)."""
    if depth > 3 and isinstance(value, dict | list):
        return "…"
    if value is None:
        text = QCoreApplication.translate("StepValues", "(empty)")
    elif isinstance(value, bool):
        text = (
            QCoreApplication.translate("StepValues", "yes")
            if value
            else QCoreApplication.translate("StepValues", "no")
        )
    elif isinstance(value, dict):
        parts = [f"{k}: {value_text(v, 80, depth + 1)}" for k, v in list(value.items())[:50]]
        text = ", ".join(parts) or QCoreApplication.translate("StepValues", "(empty)")
    elif isinstance(value, list):
        text = ", ".join(
            value_text(v, 80, depth + 1) for v in value[:50]
        ) or QCoreApplication.translate("StepValues", "(empty list)")
    elif isinstance(value, str) and _ISO.match(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            text = value
        else:
            text = formatting.when_words(
                moment
            )  # "Fri 10 Dec 2027 09:00", in the window's language
    else:
        text = str(value)[: limit + 1]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tr(text: str) -> str:
    return QCoreApplication.translate("StepValues", text)


def titles(inputs: Any) -> dict[str, str]:
    """{input name: its title} of an ActionSpec's inputs."""
    return {item.name: action_words(item.title) for item in inputs}
