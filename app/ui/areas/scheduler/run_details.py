"""A run's details: each attempt's steps as readable fields, not JSON.

A tree shows one line per step ("1 · send_email — Succeeded · 12 ms"); open
it and its inputs and result read as name / value rows, a list or a mapping
opening into its items. A choice of attempt shows a retried run's earlier
attempts; the log lines of the run are below.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.engine import run_queries as queries
from app.engine import schedule_queries
from app.engine.run_queries import Database
from app.ui.models.runs import status_icon, status_words
from app.ui.widgets import formatting
from app.ui.widgets.palette_colours import error_colour

MAX_CHILDREN = 200  # items of a long list shown under a value; the rest are counted
MAX_DEPTH = 6


def value_text(value: Any) -> str:
    """A value on one line: text as is, yes/no, numbers, a count for lists and mappings."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return f"{len(value)} fields" if len(value) != 1 else "1 field"
    if isinstance(value, list):
        return f"{len(value)} items" if len(value) != 1 else "1 item"
    return formatting.short(str(value), 300)


def add_value(parent: QTreeWidgetItem, name: str, value: Any, depth: int = 0) -> QTreeWidgetItem:
    """A name / value row; a list or a mapping opens into its items."""
    item = QTreeWidgetItem(parent, [name, value_text(value)])
    item.setToolTip(1, formatting.short(str(value), 2000))
    if depth >= MAX_DEPTH:
        return item
    children: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        children = [(str(key), inner) for key, inner in value.items()]
    elif isinstance(value, list):
        children = [(f"#{number + 1}", inner) for number, inner in enumerate(value)]
    for key, inner in children[:MAX_CHILDREN]:
        add_value(item, key, inner, depth + 1)
    if len(children) > MAX_CHILDREN:
        QTreeWidgetItem(item, ["…", f"{len(children) - MAX_CHILDREN} more"])
    return item


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
        self.steps.setColumnWidth(0, 300)
        self.steps.setWordWrap(True)
        layout.addWidget(self.steps, 3)
        self.log = QPlainTextEdit(self)
        self.log.setObjectName("traceLog")
        self.log.setReadOnly(True)
        self.log.setAccessibleName(self.tr("Log of the run"))
        self.log.setPlaceholderText(self.tr("The run's log lines appear here."))
        self.log.setMaximumHeight(90)
        layout.addWidget(self.log)
        self.show_run(None)

    # --- showing ------------------------------------------------------------------------

    def show_run(self, run_id: str | None) -> queries.RunTrace | None:
        """Show a run's attempts (the last one first); None clears the panel."""
        self.run_id = run_id
        self.steps.clear()
        self.log.clear()
        self.error.setText("")
        self.attempt_steps = []
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
            self.error.setText(self.tr("Error: {error}").format(error=run.error))
            self.error.setStyleSheet(f"color: {error_colour(self.palette()).name()};")
        self.attempt_steps = schedule_queries.attempts(self.db, run_id)
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
                f"{formatting.local_time(at)}  {level:<7} {message}"
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
            status = self.tr(status_words(str(step["status"])))
            line = QTreeWidgetItem(
                self.steps,
                [
                    f"{step['step']} · {step['action']}",
                    f"{status} · {float(step['duration_ms']):.0f} ms",
                ],
            )
            line.setIcon(0, status_icon(str(step["status"])))
            inputs = QTreeWidgetItem(line, [self.tr("Inputs"), value_text(step["inputs"])])
            for key, value in (step["inputs"] or {}).items():
                add_value(inputs, str(key), value)
            add_value(line, self.tr("Result"), step["result"])
            if step["error"]:
                error = QTreeWidgetItem(line, [self.tr("Error"), str(step["error"])])
                error.setForeground(1, error_colour(self.palette()))
                error.setToolTip(1, str(step["error"]))
            line.setExpanded(True)
            inputs.setExpanded(True)

    def step_lines(self) -> list[str]:
        """The shown steps' lines (for tests): 'name: value' per top-level step."""
        items = [self.steps.topLevelItem(i) for i in range(self.steps.topLevelItemCount())]
        return [f"{item.text(0)}: {item.text(1)}" for item in items if item is not None]
