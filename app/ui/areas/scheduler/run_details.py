"""A run's details: each attempt's steps as readable fields, not JSON.

A tree shows one line per step ("1 · Send email — Succeeded · 12 ms"); open
it and its inputs and result read as name / value rows under the titles the
step's form uses ("To", "Reply to"), things by their label and times in local
time, a list or a mapping opening into its items. Errors name the step and
the field ("Step 1 · Send email: To is required"). A choice of attempt shows a
retried run's earlier attempts; the log lines of the run are below.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.engine import presenting, schedule_queries
from app.engine import run_queries as queries
from app.engine.run_queries import Database
from app.ui.action_words import action_words
from app.ui.models.runs import status_icon, status_words
from app.ui.widgets import formatting
from app.ui.widgets.palette_colours import error_colour

MAX_CHILDREN = 200  # items of a long list shown under a value; the rest are counted
MAX_DEPTH = 6
OPEN_UP_TO = 4  # a value with this many fields or items at most is shown open
CAPTURED = "captured"  # the mark of a test run's preview (app.actions.spec.CAPTURED)
# How an action's result fields read, where they are not its inputs' names.
RESULT_WORDS = {
    "http_request": {"status": "Status code", "headers": "Headers", "json": "JSON", "text": "Text"},
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("RunDetails", text)


def _moment(value: str) -> datetime | None:
    """An ISO 8601 time with an offset (as the ledger records one), else None."""
    if len(value) < 16 or len(value) > 40 or value[4:5] != "-" or "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def value_text(value: Any, labels: dict[str, str] | None = None) -> str:
    """A value on one line: text as is, yes/no, a time in words, a thing by its
    label, a count for lists and mappings."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return (
            QCoreApplication.translate("RunDetails", "yes")
            if value
            else QCoreApplication.translate("RunDetails", "no")
        )
    if isinstance(value, dict):
        count = len(value)
        return (
            QCoreApplication.translate("RunDetails", "1 field")
            if count == 1
            else QCoreApplication.translate("RunDetails", "{n} fields").format(n=f"{count:,}")
        )
    if isinstance(value, list):
        count = len(value)
        return (
            QCoreApplication.translate("RunDetails", "1 item")
            if count == 1
            else QCoreApplication.translate("RunDetails", "{n} items").format(n=f"{count:,}")
        )
    if isinstance(value, str):
        if labels and value in labels:
            return labels[value]
        moment = _moment(value)
        if moment is not None:
            return formatting.when_words(moment)
    return formatting.short(str(value), 300)


def add_value(
    parent: QTreeWidgetItem,
    name: str,
    value: Any,
    depth: int = 0,
    labels: dict[str, str] | None = None,
) -> QTreeWidgetItem:
    """A name / value row; a list or a mapping opens into its items."""
    item = QTreeWidgetItem(parent, [name, value_text(value, labels)])
    if not isinstance(value, dict | list):  # a long text whole; a mapping opens instead
        item.setToolTip(1, formatting.short(str(value), 2000))
    if depth >= MAX_DEPTH:
        return item
    children: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        children = [(str(key), inner) for key, inner in value.items()]
    elif isinstance(value, list):
        children = [(f"#{number + 1}", inner) for number, inner in enumerate(value)]
    for key, inner in children[:MAX_CHILDREN]:
        add_value(item, key, inner, depth + 1, labels)
    if len(children) > MAX_CHILDREN:
        more = len(children) - MAX_CHILDREN
        QTreeWidgetItem(
            item, ["…", QCoreApplication.translate("RunDetails", "{n} more").format(n=f"{more:,}")]
        )
    return item


def titled_params(value: Any) -> Any:
    """A scheduling step's parameters under the Run form's titles ("User", not "user")."""
    if not isinstance(value, dict):
        return value
    return {presenting.key_words(str(key)): inner for key, inner in value.items()}


def _title(key: str) -> str:
    """`from` → "From": a field the action did not title, as a title."""
    return key[:1].upper() + key[1:].replace("_", " ") if key.islower() else key


def result_fields(action: str, result: dict[str, Any]) -> list[tuple[str, Any]]:
    """A mapping result's fields under readable names: a test run's preview by the
    step's input titles ("To", "Subject"), a web call's answer by RESULT_WORDS;
    fields the workflow named itself (return_data's values) as they are."""
    if result.get(CAPTURED) is True:
        return [
            (_title(presenting.input_title(action, str(key))), value)
            for key, value in result.items()
            if key != CAPTURED
        ]
    words = RESULT_WORDS.get(action, {})
    fields = list(result.items())
    if action == "http_request" and result.get("json") is not None:
        # The answer's JSON opens as fields: its text again, as JSON, says nothing more.
        fields = [(key, value) for key, value in result.items() if key != "text"]
    return [(words.get(str(key), str(key)), value) for key, value in fields]


class RunDetails(QWidget):
    """The steps of a run's attempts, its error in words and its log."""

    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        title_of: Callable[[str], str] = lambda workflow: workflow,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("runDetails")
        self.db = db
        self.title_of = title_of  # a workflow's name → its label
        self.run_id: str | None = None
        self.attempt_steps: list[schedule_queries.AttemptSteps] = []
        self.labels: dict[str, str] = {}  # thing ID → label, of the things the run names
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.title = QLabel(self.tr("Select a run above to see its steps."), self)
        self.title.setObjectName("traceTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.title, 1)
        self.attempt_choice = QComboBox(self)
        self.attempt_choice.setObjectName("attemptChoice")
        self.attempt_choice.setAccessibleName(self.tr("Attempt shown"))
        self.attempt_choice.currentIndexChanged.connect(self.on_attempt_chosen)
        top.addWidget(self.attempt_choice)
        layout.addLayout(top)
        self.error = QLabel(self)
        self.error.setObjectName("runError")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.error)
        self.steps = QTreeWidget(self)
        self.steps.setObjectName("traceTable")
        self.steps.setAccessibleName(self.tr("Steps of the run"))
        self.steps.setColumnCount(2)
        self.steps.setHeaderLabels([self.tr("Step"), self.tr("Value")])
        self.steps.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.steps.header().setStretchLastSection(True)
        self.steps.setColumnWidth(0, 260)
        self.steps.setWordWrap(True)
        # Steps above, the log below; drag the line between them to see more of one.
        self.parts = QSplitter(Qt.Orientation.Vertical, self)
        self.parts.setChildrenCollapsible(False)
        self.parts.addWidget(self.steps)
        self.log = QPlainTextEdit(self.parts)
        self.log.setObjectName("traceLog")
        self.log.setReadOnly(True)
        self.log.setAccessibleName(self.tr("Log of the run"))
        self.log.setPlaceholderText(self.tr("The run's log lines appear here."))
        self.log.setMinimumHeight(40)
        self.parts.addWidget(self.log)
        self.parts.setStretchFactor(0, 3)
        self.parts.setStretchFactor(1, 1)
        layout.addWidget(self.parts, 1)
        self.show_run(None)

    # --- showing ------------------------------------------------------------------------

    def show_run(self, run_id: str | None) -> queries.RunTrace | None:
        """Show a run's attempts (the last one first); None clears the panel."""
        self.run_id = run_id
        self.steps.clear()
        self.log.clear()
        self.error.setText("")
        self.error.setVisible(False)
        self.attempt_steps = []
        self.labels = {}
        self.attempt_choice.blockSignals(True)
        self.attempt_choice.clear()
        self.attempt_choice.blockSignals(False)
        self.attempt_choice.setVisible(False)
        if run_id is None:
            self.title.setText(self.tr("Select a run above to see its steps."))
            return None
        trace = queries.run_trace(self.db, run_id)
        if trace is None:
            self.title.setText(self.tr("This run is no longer in the ledger."))
            return None
        run = trace.run
        words = self.tr("<b>{workflow}</b> · <b>{status}</b>").format(
            workflow=html.escape(self.title_of(run.workflow)),
            status=self.tr(status_words(run.status)),
        )
        if run.attempt > 1:
            words += self.tr(" · attempt {attempt}").format(attempt=run.attempt)
        if run.captured:
            words += self.tr(" · test run: emails and web calls were previewed, not sent")
        self.title.setText(words)
        self.title.setToolTip(self.tr("Run {id}").format(id=run.id))
        if run.error and run.status != queries.CANCELLED:
            self.error.setText(run.error)  # in words: "Step 1 · Send email: To is required"
            self.error.setVisible(True)
            self.error.setStyleSheet(f"color: {error_colour(self.palette()).name()};")
        self.attempt_steps = schedule_queries.attempts(self.db, run_id)
        self.labels = queries.thing_labels_in(
            self.db,
            run.run_as,
            run.params,
            [(step["inputs"], step["result"]) for a in self.attempt_steps for step in a.steps],
            [message for _, _, message in trace.lines],
        )
        self.attempt_choice.blockSignals(True)
        for attempt in self.attempt_steps:
            status = self.tr(status_words(attempt.status)) if attempt.status else self.tr("no step")
            self.attempt_choice.addItem(
                self.tr("Attempt {n} — {status}").format(n=attempt.attempt, status=status),
                attempt.attempt,
            )
        self.attempt_choice.setCurrentIndex(len(self.attempt_steps) - 1)
        self.attempt_choice.blockSignals(False)
        self.attempt_choice.setVisible(len(self.attempt_steps) > 1)
        self._show_attempt(len(self.attempt_steps) - 1)
        if not self.attempt_steps:
            QTreeWidgetItem(self.steps, [self.tr("No step has run yet."), ""])
        self.log.setPlainText(
            "\n".join(
                f"{formatting.local_time(at)}  {level:<7} "
                f"{times_in_words(presenting.log_words(message, self.labels, self.title_of))}"
                for at, level, message in trace.lines
            )
        )
        return trace

    @Slot(int)
    def on_attempt_chosen(self, number: int) -> None:
        self._show_attempt(number)

    def _show_attempt(self, number: int) -> None:
        self.steps.clear()
        if not 0 <= number < len(self.attempt_steps):
            return
        for step in self.attempt_steps[number].steps:
            self._add_step(step)

    def _add_step(self, step: dict[str, Any]) -> None:
        """One step: "1 · Send email", its status and duration; inputs by their titles,
        the result, the error pointing at the field."""
        action = str(step["action"])
        status = str(step["status"])
        line = QTreeWidgetItem(
            self.steps,
            [
                f"{step['step']} · {action_words(presenting.action_label(action))}",
                self.tr("{status} · {duration}").format(
                    status=self.tr(status_words(status)),
                    duration=formatting.elapsed(float(step["duration_ms"]) / 1000),
                ),
            ],
        )
        line.setIcon(0, status_icon(status))
        line.setToolTip(0, presenting.step_name(int(step["step"]), action))
        inputs = step["inputs"] or {}
        if inputs:
            group = QTreeWidgetItem(line, [self.tr("Inputs"), ""])
            for key, value in inputs.items():
                if key == "workflow" and isinstance(value, str):  # a workflow by its label
                    value = self.title_of(value)
                if key == "params":
                    value = titled_params(value)
                item = add_value(
                    group,
                    action_words(presenting.input_title(action, str(key))),  # "An", "Betreff"
                    value,
                    0,
                    self.labels,
                )
                item.setExpanded(0 < item.childCount() <= OPEN_UP_TO)
            group.setExpanded(True)
        result = step["result"]
        if isinstance(result, dict) and result:
            group = QTreeWidgetItem(line, [self.tr("Result"), ""])
            for name, value in result_fields(action, result):
                if name == presenting.input_title(action, "workflow") and isinstance(value, str):
                    value = self.title_of(value)
                if name == presenting.input_title(action, "params"):
                    value = titled_params(value)
                item = add_value(group, action_words(name), value, 0, self.labels)
                item.setExpanded(0 < item.childCount() <= OPEN_UP_TO)
            group.setExpanded(True)
        elif result is not None or status == "succeeded":
            add_value(line, self.tr("Result"), result, 0, self.labels)
        if step["error"]:
            words = presenting.step_error_words(action, str(step["error"]))
            error = QTreeWidgetItem(line, [self.tr("Error"), words])
            error.setForeground(1, error_colour(self.palette()))
            error.setToolTip(1, words)
        line.setExpanded(True)

    def details_text(self) -> str:
        """Everything the panel shows as text, top to bottom (for tests)."""
        parts = [self.title.text(), self.error.text()]

        def walk(item: QTreeWidgetItem) -> None:
            parts.append(f"{item.text(0)}: {item.text(1)}")
            for number in range(item.childCount()):
                child = item.child(number)
                if child is not None:
                    walk(child)

        for number in range(self.steps.topLevelItemCount()):
            top = self.steps.topLevelItem(number)
            if top is not None:
                walk(top)
        parts.append(self.log.toPlainText())
        return "\n".join(parts)

    def step_lines(self) -> list[str]:
        """The shown steps' lines (for tests): 'name: value' per top-level step."""
        items = [self.steps.topLevelItem(i) for i in range(self.steps.topLevelItemCount())]
        return [f"{item.text(0)}: {item.text(1)}" for item in items if item is not None]


_ISO_IN_TEXT = re.compile(
    r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:\d{2}|Z)"
)


def times_in_words(text: str) -> str:
    """A log line with its ISO 8601 times written as the Scheduler writes times."""

    def words(found: re.Match[str]) -> str:
        moment = _moment(found.group(0))
        return formatting.when_words(moment) if moment is not None else found.group(0)

    return _ISO_IN_TEXT.sub(words, text)
