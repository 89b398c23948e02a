"""A short-lived "… — Undo" bar: what was just done, and a button to take it back."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

UNDO_SECONDS = 8


class UndoBar(QWidget):
    """ "Cancelled run 06h… — Undo" for a few seconds after a cancel or a delete
    (the Scheduler's cancels, the Data area's deletes).

    `run_ids` are the IDs the Undo gives back (runs to schedule again, things to
    create again); `undo_clicked` hands them to whoever offered the bar.
    """

    undo_clicked = Signal(list)  # the IDs to give back

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undoBar")
        self.run_ids: list[str] = []
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.label.setObjectName("undoLabel")
        row.addWidget(self.label)
        self.button = QPushButton(self.tr("Undo"), self)
        self.button.setObjectName("undoCancelButton")
        self.button.clicked.connect(self.on_button_clicked)
        row.addWidget(self.button)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(UNDO_SECONDS * 1000)
        self.timer.timeout.connect(self.withdraw)
        self.setVisible(False)

    def offer(self, text: str, run_ids: list[str]) -> None:
        self.run_ids = list(run_ids)
        self.label.setText(text)
        self.button.setAccessibleName(self.tr("Undo: {text}").format(text=text))
        self.setVisible(True)
        self.timer.start()

    @Slot()
    def withdraw(self) -> None:
        self.timer.stop()
        self.run_ids = []
        self.setVisible(False)

    @Slot()
    def on_button_clicked(self) -> None:
        ids = self.run_ids
        self.withdraw()
        if ids:
            self.undo_clicked.emit(ids)
