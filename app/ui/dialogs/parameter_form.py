"""One typed input per parameter of a workflow, with its error under it: the
form the Run / Schedule dialog and the editor's Test run share."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from app.core.definitions import WorkflowDef
from app.engine.data import DataService
from app.engine.service import prepare_params
from app.errors import CueflowError, undecodable
from app.ui.widgets.inputs import OptionalDateEditor, ValueEditor, editor_for
from app.ui.widgets.palette_colours import error_style

INVALID_OUTLINE = "QLineEdit, QComboBox, QDoubleSpinBox { border: 1px solid #dc2626; }"


class ParameterForm(QGroupBox):
    """The workflow's parameters as typed inputs; `check` encodes them or says why not."""

    changed = Signal()

    def __init__(self, data: DataService, workflow: WorkflowDef, parent: QWidget | None) -> None:
        super().__init__(self.tr("Parameters"), parent)
        self.setObjectName("parameterForm")
        self.data = data
        self.workflow = workflow
        self.editors: dict[str, ValueEditor] = {}
        self.field_errors: dict[str, QLabel] = {}
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for param in workflow.parameters:
            editor = editor_for(param.type, data, param.optional, self)
            editor.setObjectName(f"param_{param.key}")
            editor.changed.connect(self.on_editor_changed)
            error = QLabel(self)
            error.setObjectName(f"paramError_{param.key}")
            error.setStyleSheet(error_style(self.palette()))
            error.setWordWrap(True)
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
            form.addRow(QLabel(self.tr("This workflow has no parameters."), self))

    @Slot()
    def on_editor_changed(self) -> None:
        self.changed.emit()

    def raw_values(self) -> dict[str, Any]:
        values = {key: editor.value() for key, editor in self.editors.items()}
        return {key: value for key, value in values.items() if value is not None}

    def clear_marks(self) -> None:
        for label in self.field_errors.values():
            label.setVisible(False)
        for editor in self.editors.values():
            editor.setStyleSheet("")

    def mark(self, key: str, reason: str) -> None:
        """Show `reason` under the parameter's input and outline the input."""
        self.field_errors[key].setText(reason)
        self.field_errors[key].setVisible(True)
        self.editors[key].setStyleSheet(INVALID_OUTLINE)

    def check(self, skip: str | None = None) -> tuple[dict[str, Any] | None, str]:
        """The encoded values (things as IDs), or None and the reason, shown at its input.

        `skip`: a parameter filled otherwise (each item of a For each list).
        """
        self.clear_marks()
        values = self.raw_values()
        params = [p for p in self.workflow.parameters if p.key != skip]
        values.pop(skip or "", None)
        for param in params:
            value = values.get(param.key)
            texts = value if isinstance(value, list) else [value]
            for text in texts:
                if isinstance(text, str) and (undecodable(text) or "\x00" in text):
                    reason = self.tr(
                        "'{key}' holds a character that cannot be stored (a NUL "
                        "character, or bytes that are not UTF-8)"
                    ).format(key=param.key)
                    self.mark(param.key, reason)
                    return None, reason
            editor = self.editors[param.key]
            if isinstance(editor, OptionalDateEditor) and editor.problem(param.key):
                reason = editor.problem(param.key)
                self.mark(param.key, reason)
                return None, reason
            if not param.optional and isinstance(value, str) and not value.strip():
                reason = self.tr("'{key}' needs a value").format(key=param.key)
                self.mark(param.key, reason)
                return None, reason
        workflow = self.workflow
        if skip is not None:
            workflow = dataclasses.replace(workflow, parameters=tuple(params))
        try:
            encoded = prepare_params(workflow, values, self.data.thing_loader().resolve)
        except CueflowError as exc:
            key = next((k for k in self.editors if f"'{k}'" in exc.reason), None)
            if key is not None:
                self.mark(key, exc.reason)
            return None, exc.reason
        return encoded, ""
