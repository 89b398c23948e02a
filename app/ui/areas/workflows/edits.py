"""The workflow editor's edits: each makes the new definition and emits it.

A mixin of WorkflowEditor, apart so that neither file grows past a screenful
of concerns: the editor shows, this module changes. Every method builds the
whole new WorkflowDef and hands it to `_emit`; the Workflows area turns it into
an undo command that saves it through the workflow service.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog

from app.actions import registry
from app.core.definitions import DataTypeDef, ParameterDef, RetryPolicy, StepDef, WorkflowDef
from app.core.types import ValueType
from app.engine.editor_queries import suggested_type
from app.ui.action_words import action_words

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget as _Base

    from app.ui.areas.workflows.inspector import WorkflowPanel
    from app.ui.areas.workflows.parameters import ParametersTable
else:
    _Base = object


_PLACEHOLDER = re.compile(r"^parameter_[0-9]+\Z")  # the key Add parameter gives


class EditsMixin(_Base):
    """Fields, parameters and steps of the shown workflow, changed."""

    # What WorkflowEditor provides.
    workflow: WorkflowDef | None
    data_types: dict[str, DataTypeDef]
    workflow_panel: WorkflowPanel
    params_table: ParametersTable
    edited: Any

    def selected_step(self) -> int | None:
        raise NotImplementedError  # the editor's

    def select_step(self, position: int | None) -> None:
        raise NotImplementedError  # the editor's

    def _emit(self, workflow: WorkflowDef, text: str) -> None:
        if self.workflow is not None and workflow != self.workflow:
            self.edited.emit(workflow, text)

    # --- the workflow's own fields ---------------------------------------------

    @Slot()
    def on_fields_committed(self) -> None:
        if self.workflow is None:
            return
        wf = self.workflow
        panel = self.workflow_panel
        new = dataclasses.replace(
            wf,
            name=panel.name_edit.text().strip(),
            label=panel.label_edit.text(),
            description=panel.description_edit.text(),
            ignore_privacy_rules=panel.privacy_check.isChecked(),
            timeout=float(panel.timeout_spin.value()),
            retries=RetryPolicy(panel.attempts_spin.value(), panel.backoff_spin.value()),
            on_missed=str(panel.missed_combo.currentData()),
            only_when=panel.only_when_edit.text().strip() or None,
            api=panel.api_section.value(),
        )
        changed = [
            f.name for f in dataclasses.fields(wf) if getattr(wf, f.name) != getattr(new, f.name)
        ]
        words = {
            "ignore_privacy_rules": "privacy",
            "on_missed": "missed runs",
            "only_when": "condition",
            "api": "API",
        }
        what = ", ".join(words.get(name, name) for name in changed)
        self._emit(new, self.tr("Change {what}").format(what=what))

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

    # --- parameters -------------------------------------------------------------

    @Slot()
    def on_params_edited(self) -> None:
        if self.workflow is None:
            return
        params = list(self.params_table.parameters())
        before = self.workflow.parameters
        for row, param in enumerate(params):
            if row >= len(before) or (
                _PLACEHOLDER.match(before[row].key) and param.key != (before[row].key)
            ):  # a new parameter named for the first time: the type its name suggests
                suggestion = suggested_type(param.key, self.data_types)
                if suggestion and param.type == ValueType("text"):
                    params[row] = dataclasses.replace(param, type=ValueType(suggestion))
        self._emit(
            dataclasses.replace(self.workflow, parameters=tuple(params)),
            self.tr("Edit parameters"),
        )

    @Slot()
    def on_add_param_clicked(self) -> None:
        self.params_table.flush()  # a key still being typed goes first
        if self.workflow is None:
            return
        keys = {p.key for p in self.workflow.parameters}
        number = 1
        while f"parameter_{number}" in keys:
            number += 1
        new = ParameterDef(f"parameter_{number}", ValueType("text"))
        params = (*self.workflow.parameters, new)
        self._emit(dataclasses.replace(self.workflow, parameters=params), self.tr("Add parameter"))
        self.params_table.edit_key(len(params) - 1)

    @Slot()
    def on_remove_param_clicked(self) -> None:
        self.params_table.flush()  # a key still being typed goes first
        row = self.params_table.currentRow()
        if self.workflow is None or not 0 <= row < len(self.workflow.parameters):
            return
        params = tuple(p for i, p in enumerate(self.workflow.parameters) if i != row)
        self._emit(
            dataclasses.replace(self.workflow, parameters=params), self.tr("Remove parameter")
        )

    @Slot(int)
    def move_parameter(self, delta: int) -> None:
        self.params_table.flush()  # a key still being typed goes first
        row = self.params_table.currentRow()
        if self.workflow is None:
            return
        params = moved(self.workflow.parameters, row, row + delta)
        if params is not None:
            self._emit(
                dataclasses.replace(self.workflow, parameters=params), self.tr("Move parameter")
            )
            self.params_table.selectRow(row + delta)

    # --- steps --------------------------------------------------------------------

    def add_step(self, action: str, position: int | None = None) -> None:
        """A new step of `action` at `position` (0-based; None: at the end), selected."""
        if self.workflow is None:
            return
        spec = registry.get(action)
        defaults = (
            {i.name: i.default for i in spec.inputs if i.default not in (None, False)}
            if spec
            else {}
        )
        steps = list(self.workflow.steps)
        at = len(steps) if position is None else max(0, min(position, len(steps)))
        steps.insert(at, StepDef(action, defaults))
        label = action_words(spec.label) if spec else action
        self._emit(
            dataclasses.replace(self.workflow, steps=tuple(steps)),
            self.tr("Add step {n} · {label}").format(n=at + 1, label=label),
        )
        self.select_step(at)

    def move_step_to(self, source: int, target: int) -> None:
        """Move the step at `source` to `target` (0-based), keeping it selected."""
        if self.workflow is None:
            return
        steps = moved(self.workflow.steps, source, target)
        if steps is None:
            return
        self._emit(
            dataclasses.replace(self.workflow, steps=steps),
            self.tr("Move step {a} to {b}").format(a=source + 1, b=target + 1),
        )
        self.select_step(target)

    @Slot(int)
    def move_step(self, delta: int) -> None:
        position = self.selected_step()
        if position is not None:
            self.move_step_to(position, position + delta)

    @Slot()
    def on_remove_step_clicked(self) -> None:
        position = self.selected_step()
        if self.workflow is None or position is None:
            return
        steps = tuple(s for i, s in enumerate(self.workflow.steps) if i != position)
        self._emit(
            dataclasses.replace(self.workflow, steps=steps),
            self.tr("Remove step {n}").format(n=position + 1),
        )
        if steps:
            self.select_step(min(position, len(steps) - 1))
        else:
            self.select_step(None)

    @Slot(object)
    def on_step_form_edited(self, step: StepDef) -> None:
        position = self.selected_step()
        if self.workflow is None or position is None or position >= len(self.workflow.steps):
            return
        steps = tuple(step if i == position else s for i, s in enumerate(self.workflow.steps))
        self._emit(
            dataclasses.replace(self.workflow, steps=steps),
            self.tr("Edit step {n}").format(n=position + 1),
        )


def moved(items: tuple[Any, ...], source: int, target: int) -> tuple[Any, ...] | None:
    """`items` with the one at `source` moved to `target`, or None when out of range."""
    if not 0 <= source < len(items) or not 0 <= target < len(items) or source == target:
        return None
    out = list(items)
    out.insert(target, out.pop(source))
    return tuple(out)
