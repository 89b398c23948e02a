"""The Add thing form: fill in a new thing's fields, then save it once.

Nothing is written until the person confirms, so "created" triggers fire once,
on the thing as filled in; Cancel leaves no trace.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.definitions import DataTypeDef
from app.core.things import ThingView
from app.engine.data import DataService
from app.errors import CueflowError
from app.ui.dialogs import sizing
from app.ui.widgets.inputs import (
    ListEditor,
    OptionalDateEditor,
    TextEditor,
    ValueEditor,
    YesNoEditor,
    editor_for,
)
from app.ui.widgets.palette_colours import error_style


class NumberText(TextEditor):
    """A number typed as text: left empty, the field stays empty (not 0)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line.setPlaceholderText(self.tr("empty"))


class AddThingDialog(QDialog):
    """One input per field; Save creates the thing through the service."""

    def __init__(
        self,
        data_service: DataService,
        definition: DataTypeDef,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("addThingDialog")
        self.data_service = data_service
        self.definition = definition
        self.created: ThingView | None = None
        self.setWindowTitle(self.tr("Add {type}").format(type=definition.name))
        self.setMinimumWidth(480)
        outer = QVBoxLayout(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget(scroll)
        form = QFormLayout(body)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.editors: dict[str, ValueEditor] = {}
        for field in definition.fields:
            editor: ValueEditor
            if field.type.base == "number" and not field.type.is_list:
                editor = NumberText(body)
            else:
                editor = editor_for(field.type, data_service, True, body)
            editor.setObjectName(f"field_{field.name}")
            form.addRow(f"{field.name} ({field.type})", editor)
            self.editors[field.name] = editor
        if not definition.fields:
            form.addRow(QLabel(self.tr("This data type has no fields yet."), body))
        # The error line keeps its room (two lines) whether or not it says something,
        # so an error never squeezes the fields into scrolling out of sight.
        self.problem = QLabel(self)
        self.problem.setObjectName("addThingProblem")
        self.problem.setStyleSheet(error_style(self.palette()))
        self.problem.setWordWrap(True)
        self.problem.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.problem.setMinimumHeight(2 * self.problem.fontMetrics().lineSpacing() + 2)
        outer.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("addThingSaveButton")
        self.buttons.accepted.connect(self.on_save_clicked)
        self.buttons.rejected.connect(self.reject)
        for button in self.buttons.buttons():
            button.setIcon(QIcon())  # words only: no stock tick / cross icons
        outer.addWidget(self.buttons)
        self.outer, self.body = outer, body
        sizing.fit_to_content(self, outer, body, (self.problem, self.buttons))
        first = next(iter(self.editors.values()), None)
        if isinstance(first, TextEditor):
            first.line.setFocus()

    def values(self) -> dict[str, Any]:
        """The fields as filled in; an empty input leaves its field empty."""
        out: dict[str, Any] = {}
        for name, editor in self.editors.items():
            value = editor.value()
            if isinstance(editor, ListEditor):
                if value:
                    out[name] = value
            elif isinstance(editor, YesNoEditor):
                out[name] = value
            elif value is not None and not (isinstance(value, str) and not value.strip()):
                out[name] = value.strip() if isinstance(editor, NumberText) else value
        return out

    def date_problem(self) -> str:
        """The first date typed in a way it cannot be read, said in the form's words."""
        for name, editor in self.editors.items():
            if isinstance(editor, OptionalDateEditor) and editor.problem(name):
                return editor.problem(name)
        return ""

    @Slot()
    def on_save_clicked(self) -> None:
        problem = self.date_problem()
        if problem:
            self.problem.setText(problem)
            return
        try:
            self.created = self.data_service.add_thing(self.definition.name, self.values())
        except CueflowError as exc:
            self.problem.setText(str(exc))
            return
        self.accept()
