"""One typed input per parameter of a workflow, with its error under it: the
form the Run / Schedule dialog and the editor's Test run share."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.core.definitions import ParameterDef, WorkflowDef
from app.core.things import ThingView
from app.core.types import ValueType
from app.engine.data import DataService
from app.engine.presenting import key_words, parameter_error_words, thing_label
from app.engine.service import prepare_params
from app.errors import CueflowError, undecodable
from app.ui.widgets.inputs import (
    OptionalDateEditor,
    TextEditor,
    ValueEditor,
    date_example,
    editor_for,
)
from app.ui.widgets.palette_colours import error_style

MAX_ID = 200  # longer "IDs" typed into a thing picker are not looked up
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
        self.hints: dict[str, QLabel] = {}
        self.filled: dict[str, str] = {}  # key → the text filled in from a thing (untouched)
        self._filling = False
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for param in workflow.parameters:
            single_date = param.type.base == "date" and not param.type.is_list
            # A date starts empty, never "now": it is typed, picked, or filled from a thing.
            editor = editor_for(param.type, data, param.optional or single_date, self)
            if isinstance(editor, OptionalDateEditor) and not param.optional:
                editor.line.setPlaceholderText(
                    self.tr("type a date like {example}, or pick a day").format(
                        example=date_example(editor.display_format)
                    )
                )
            editor.setObjectName(f"param_{param.key}")
            editor.changed.connect(self.on_editor_changed)
            if param.type.is_thing and not param.type.is_list:
                editor.changed.connect(self.on_thing_changed)
            error = QLabel(self)
            error.setObjectName(f"paramError_{param.key}")
            error.setStyleSheet(error_style(self.palette()))
            error.setWordWrap(True)
            error.setVisible(False)
            hint = QLabel(self)
            hint.setObjectName(f"paramHint_{param.key}")
            hint.setStyleSheet("color: palette(placeholder-text);")
            hint.setVisible(False)
            column = QVBoxLayout()
            column.setSpacing(2)
            line = QHBoxLayout()  # the hint beside the input: filling it moves nothing
            line.addWidget(editor, 1)
            line.addWidget(hint)
            column.addLayout(line)
            column.addWidget(error)
            label = QLabel(self._label(param), self)
            label.setToolTip(self.tr("In the workflow: {{{{ {key} }}}}").format(key=param.key))
            form.addRow(label, column)
            self.editors[param.key] = editor
            self.field_errors[param.key] = error
            self.hints[param.key] = hint
        if not workflow.parameters:
            form.addRow(QLabel(self.tr("This workflow has no parameters."), self))

    def _label(self, param: ParameterDef) -> str:
        """ "Birthday (date, optional)", "User" for a `user` of type User."""
        name = key_words(param.key)
        kind = str(param.type)
        if name.lower() == kind.lower():
            return self.tr("{name} (optional)").format(name=name) if param.optional else name
        if param.optional:
            return self.tr("{name} ({kind}, optional)").format(name=name, kind=kind)
        return self.tr("{name} ({kind})").format(name=name, kind=kind)

    @Slot()
    def on_editor_changed(self) -> None:
        if not self._filling:
            for key in [k for k, text in self.filled.items() if _typed(self.editors[k]) != text]:
                del self.filled[key]  # the person changed it: theirs now
                self.hints[key].setVisible(False)
        self.changed.emit()

    @Slot()
    def on_thing_changed(self) -> None:
        """A thing chosen (user = Ada): fill the untouched parameters its fields match."""
        self._filling = True
        try:
            self.fill_from_things()
        finally:
            self._filling = False
        self.changed.emit()

    def fill_from_things(self) -> None:
        """Each date or text parameter left untouched takes the value of the chosen
        thing's field with the same key and type ("from Ada's birthday"); one
        filled so before goes back to empty when no thing offers it any more."""
        loader = self.data.thing_loader()
        things = []
        for param in self.workflow.parameters:
            if param.type.is_thing and not param.type.is_list:
                chosen = self.editors[param.key].value()
                # An ID typed by hand may be anything: only a plausible one is looked up.
                plausible = (
                    isinstance(chosen, str)
                    and 0 < len(chosen) <= MAX_ID
                    and not undecodable(chosen)
                    and "\x00" not in chosen
                )
                thing = loader.load(chosen) if plausible else None
                if thing is not None:
                    things.append(thing)
        for param in self.workflow.parameters:
            editor = self.editors[param.key]
            if param.type.is_list or not isinstance(editor, OptionalDateEditor | TextEditor):
                continue
            typed = _typed(editor)
            if typed and typed != self.filled.get(param.key):
                continue  # the person's own value
            source = next((t for t in things if _matches(t, param.key, param.type)), None)
            hint = self.hints[param.key]
            if source is None:
                if param.key in self.filled:
                    editor.clear()
                    del self.filled[param.key]
                hint.setVisible(False)
                continue
            raw = source.raw[param.key]
            if isinstance(editor, OptionalDateEditor):
                try:
                    editor.set_value(datetime.fromisoformat(str(raw)))
                except ValueError:  # not a date after all: left for the person
                    hint.setVisible(False)
                    continue
            elif isinstance(editor, TextEditor):
                editor.line.setText(str(raw))
            self.filled[param.key] = _typed(editor)
            hint.setText(
                self.tr("from {thing}'s {field}").format(
                    thing=thing_label(dict(source.raw), source.id, brief=True),
                    field=param.key.replace("_", " "),
                )
            )
            hint.setVisible(True)

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
                        "{name} holds a character that cannot be stored (a NUL "
                        "character, or bytes that are not UTF-8)"
                    ).format(name=key_words(param.key))
                    self.mark(param.key, reason)
                    return None, reason
            editor = self.editors[param.key]
            if isinstance(editor, OptionalDateEditor) and editor.problem(param.key):
                reason = editor.problem(param.key)
                self.mark(param.key, reason)
                return None, reason
            if not param.optional and isinstance(editor, OptionalDateEditor) and value is None:
                reason = self.tr("{name} is needed: type a date like {example}, or pick a day")
                reason = reason.format(
                    name=key_words(param.key), example=date_example(editor.display_format)
                )
                self.mark(param.key, reason)
                return None, reason
            if not param.optional and isinstance(value, str) and not value.strip():
                reason = self.tr("{name} needs a value").format(name=key_words(param.key))
                self.mark(param.key, reason)
                return None, reason
        workflow = self.workflow
        if skip is not None:
            workflow = dataclasses.replace(workflow, parameters=tuple(params))
        try:
            encoded = prepare_params(workflow, values, self.data.thing_loader().resolve)
        except CueflowError as exc:
            key, reason = parameter_error_words(exc.reason)
            if key not in self.editors:
                key = next((k for k in self.editors if f"'{k}'" in exc.reason), None)
            if key is not None:
                self.mark(key, reason)
            return None, reason
        return encoded, ""


def _typed(editor: ValueEditor) -> str:
    """The text in a date or text input, as typed or filled in."""
    line = getattr(editor, "line", None)
    return line.text() if line is not None else ""


def _matches(thing: ThingView, key: str, vtype: ValueType) -> bool:
    """The thing has a field `key` of this type holding a value."""
    field = thing.data_type.field(key)
    return field is not None and field.type == vtype and thing.raw.get(key) not in (None, "")
