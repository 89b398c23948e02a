"""A short-lived "… — Undo" bar: what was just done, and a button to take it back."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QWidget

from app.ui.widgets.notice import Notice

UNDO_SECONDS = 8


class UndoBar(Notice):
    """ "Cancelled run 06h… — Undo" for a few seconds after a cancel or a delete
    (the Scheduler's cancels, the Data area's deletes).

    `run_ids` are the IDs the Undo gives back (runs to schedule again, things to
    create again); `undo_clicked` hands them to whoever offered the bar.
    """

    undo_clicked = Signal(list)  # the IDs to give back

    def __init__(self, parent: QWidget | None = None) -> None:
        undo = QCoreApplication.translate("UndoBar", "Undo")
        super().__init__(undo, parent, seconds=UNDO_SECONDS)
        self.setObjectName("undoBar")
        self.label.setObjectName("undoLabel")
        self.button.setObjectName("undoCancelButton")

    @property
    def run_ids(self) -> list[str]:
        return list(self.key or [])

    def offer(self, text: str, key: Any) -> None:
        super().offer(text, list(key))

    def accessible_name(self, text: str) -> str:
        return QCoreApplication.translate("UndoBar", "Undo: {text}").format(text=text)

    def act(self, key: Any) -> None:
        self.undo_clicked.emit(list(key))
