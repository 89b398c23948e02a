"""Run as follows the person a run is about.

A beginner who runs "send Ada her birthday email" expects the email to reach
Ada. When a workflow's parameter holds one thing of a data type with privacy
rules (the birthday example's `user`), a run as nobody sees only what
"everyone else" may see — not Ada's email — and fails with "no recipient".
So the Run as picker follows the thing picked for that parameter until the
person picks someone else (nobody included), and a note under it says so.
Not when the workflow ignores privacy rules, and not for a For-each list
(each item is another thing; one Run as cannot follow them all).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QLabel, QWidget

from app.core.definitions import WorkflowDef
from app.engine.data import DataService
from app.ui.widgets.inputs import ThingPicker, ValueEditor


def private_thing_parameter(data: DataService, workflow: WorkflowDef) -> str | None:
    """The first parameter holding one thing of a data type with privacy rules
    (None when the workflow ignores privacy rules or has none such)."""
    if workflow.ignore_privacy_rules:
        return None
    types = data.data_types()
    for param in workflow.parameters:
        definition = types.get(param.type.base)
        private = definition is not None and not definition.privacy.is_open
        if private and not param.type.is_list:
            return param.key
    return None


class RunAsFollower(QObject):
    """Keeps `run_as` on the thing picked in `editors[key]` while the person has not
    chosen another; `note` says what it does (hidden when it does nothing)."""

    def __init__(
        self,
        data: DataService,
        workflow: WorkflowDef,
        editors: Mapping[str, ValueEditor],
        run_as: ThingPicker,
        parent: QWidget,
        *,
        skipped: Callable[[], str | None] = lambda: None,
    ) -> None:
        super().__init__(parent)
        self.workflow = workflow
        self.editors = editors
        self.run_as = run_as
        self.skipped = skipped  # the parameter a For-each list fills, if any
        self.key = private_thing_parameter(data, workflow)
        self.followed: str | None = None  # the thing Run as was set to by following
        self._selecting = False
        self.note = QLabel(parent)
        self.note.setObjectName("runAsFollows")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(placeholder-text);")
        self.note.setVisible(False)
        run_as.changed.connect(self.on_run_as_changed)

    @property
    def active(self) -> bool:
        return self.key is not None and self.key != self.skipped()

    def follow(self) -> None:
        """Run as becomes the thing the parameter holds (call when the parameters
        change), unless the person chose someone else."""
        if not self.active or self.key is None:
            self.note.setVisible(False)
            return
        current = self.run_as.value()
        if current not in (None, self.followed):
            self.note.setVisible(False)  # the person chose: their choice stays
            return
        chosen = self.editors[self.key].value()
        if chosen and chosen != current:
            self.followed = str(chosen)
            self._selecting = True
            try:
                self.run_as.select(str(chosen))
            finally:
                self._selecting = False
        type_name = next(p.type.base for p in self.workflow.parameters if p.key == self.key)
        self.note.setText(
            self.tr(
                "Runs as the {param} chosen above, so it sees what {type}'s privacy rules "
                "let that {type} see. Pick someone else here to change that."
            ).format(param=self.key, type=type_name)
        )
        self.note.setVisible(True)

    @Slot()
    def on_run_as_changed(self) -> None:
        if not self._selecting and self.run_as.value() != self.followed:
            self.key = None  # chosen by the person (nobody included): no more following
            self.note.setVisible(False)
