"""The workflow's "Start over HTTP" section (PRODUCT §6): exposure, its options,
the full URL and a ready curl example, each with a Copy button.

It only shows values and reports a change (`committed`); the editor makes the
edit, undoable like every other.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from app.core.definitions import ApiExposure, WorkflowDef

DEFAULT_LISTEN = "127.0.0.1:8931"
# Example values for the curl command, by parameter type (a thing: its ID).
_EXAMPLES: dict[str, Any] = {
    "text": "some text",
    "long text": "some text",
    "number": 1,
    "yes/no": True,
    "date": "2026-12-24T09:00:00+00:00",
}


def endpoint(workflow: WorkflowDef, listen: str) -> str:
    """The full URL other programs call (host and port from the setting api.listen)."""
    return f"http://{listen or DEFAULT_LISTEN}/api/1.1/wf/{workflow.name}"


def curl_example(workflow: WorkflowDef, listen: str) -> str:
    """A command that starts the workflow as its API settings say (example values)."""
    values: dict[str, Any] = {}
    for param in workflow.parameters:
        one = _EXAMPLES.get(param.type.base, "THING_ID")
        values[param.key] = [one] if param.type.is_list else one
    url = endpoint(workflow, listen)
    lines = []
    if workflow.api.method == "GET":
        query = "&".join(
            f"{key}={json.dumps(v) if isinstance(v, list) else str(v).lower() if v is True else v}"
            for key, v in values.items()
        ).replace(" ", "%20")
        lines.append(f"curl '{url}{'?' + query if query else ''}'")
    else:
        lines.append(f"curl -X POST {url}")
        lines.append("  -H 'Content-Type: application/json'")
        lines.append(f"  -d '{json.dumps(values)}'")
    if workflow.api.auth == "token":
        lines.insert(1, "  -H 'Authorization: Bearer YOUR_TOKEN'")
    return " \\\n".join(lines)


class ApiSection(QGroupBox):
    """Expose the workflow over HTTP, and how; the URL and a curl example to copy."""

    committed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Start it over HTTP (Workflow API)"), parent)
        self.setObjectName("workflowApiSection")
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.expose_check = QCheckBox(self.tr("Other programs may start this workflow"), self)
        self.expose_check.setObjectName("apiExpose")
        self.expose_check.toggled.connect(self._on_changed)
        form.addRow("", self.expose_check)
        self.auth_combo = self._combo(
            "apiAuth",
            (
                ("token", self.tr("A token (made in Settings)")),
                ("none", self.tr("Nothing: anyone")),
            ),
        )
        form.addRow(self.tr("Callers need"), self.auth_combo)
        self.method_combo = self._combo("apiMethod", (("POST", "POST"), ("GET", "GET")))
        form.addRow(self.tr("Method"), self.method_combo)
        self.respond_combo = self._combo(
            "apiRespond",
            (
                ("when_done", self.tr("When the run has finished")),
                ("at_once", self.tr("At once (the run goes on)")),
            ),
        )
        form.addRow(self.tr("Answer"), self.respond_combo)
        self.unmet_check = QCheckBox(self.tr("Answer success when its condition is not met"), self)
        self.unmet_check.setObjectName("apiUnmet200")
        self.unmet_check.toggled.connect(self._on_changed)
        form.addRow("", self.unmet_check)
        self.url_edit = QLineEdit(self)
        self.url_edit.setObjectName("apiUrl")
        self.url_edit.setReadOnly(True)
        self.url_edit.setAccessibleName(self.tr("The workflow's address"))
        form.addRow(self.tr("Address"), self._with_copy(self.url_edit, self.url_edit.text))
        self.curl_edit = QPlainTextEdit(self)
        self.curl_edit.setObjectName("apiCurl")
        self.curl_edit.setReadOnly(True)
        self.curl_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.curl_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        lines = self.curl_edit.fontMetrics().lineSpacing() * 5  # the longest example's lines
        self.curl_edit.setFixedHeight(lines + 2 * self.curl_edit.frameWidth() + 12)
        self.curl_edit.setAccessibleName(self.tr("A curl command that starts it"))
        form.addRow(self.tr("Try it"), self._with_copy(self.curl_edit, self.curl_edit.toPlainText))
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        form.addRow("", self.hint)
        self._showing = False

    def _combo(self, name: str, choices: tuple[tuple[str, str], ...]) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        for value, text in choices:
            combo.addItem(text, value)
        combo.currentIndexChanged.connect(self._on_changed)
        return combo

    def _with_copy(self, field: QWidget, text: Any) -> QWidget:
        holder = QWidget(self)
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(field, 1)
        button = QPushButton(self.tr("Copy"), holder)
        button.setObjectName(f"{field.objectName()}Copy")
        button.setAccessibleName(self.tr("Copy {what}").format(what=field.accessibleName()))
        button.clicked.connect(lambda _=False: QGuiApplication.clipboard().setText(text()))
        row.addWidget(button)
        return holder

    def show_api(self, workflow: WorkflowDef, listen: str) -> None:
        """Show the workflow's API settings and what follows from them."""
        self._showing = True
        try:
            api = workflow.api
            self.expose_check.setChecked(api.expose)
            for combo, value in (
                (self.auth_combo, api.auth),
                (self.method_combo, api.method),
                (self.respond_combo, api.respond),
            ):
                combo.setCurrentIndex(max(combo.findData(value), 0))
            self.unmet_check.setChecked(api.return_200_if_condition_unmet)
        finally:
            self._showing = False
        for widget in (self.auth_combo, self.method_combo, self.respond_combo, self.unmet_check):
            widget.setEnabled(api.expose)
        self.url_edit.setText(endpoint(workflow, listen) if api.expose else "")
        self.curl_edit.setPlainText(curl_example(workflow, listen) if api.expose else "")
        self.hint.setText(
            self.tr("Served while Settings ▸ Workflow API is on (or by 'cueflow runner --api').")
            if api.expose
            else self.tr("Not reachable over HTTP.")
        )

    def value(self) -> ApiExposure:
        return ApiExposure(
            expose=self.expose_check.isChecked(),
            auth=str(self.auth_combo.currentData()),
            method=str(self.method_combo.currentData()),
            respond=str(self.respond_combo.currentData()),
            return_200_if_condition_unmet=self.unmet_check.isChecked(),
        )

    def _on_changed(self, *_: object) -> None:
        if not self._showing:
            self.committed.emit()
