"""A notice in the window's status bar: what just happened, in words, and one
button to act on it ("Scheduled Send birthday email for Fri 4 Dec 09:00 · Show"),
for a while. `UndoBar` (app/ui/widgets/undo_bar.py) is the same with "Undo"."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

NOTICE_SECONDS = 20


class Notice(QWidget):
    """Words and one button for `seconds`; `acted(key)` when the button is pressed
    (`key`: what the notice is about, e.g. a run's ID)."""

    acted = Signal(object)
    offered = Signal()  # it shows: another notice in the same place may step aside

    def __init__(
        self, button_text: str, parent: QWidget | None = None, *, seconds: int = NOTICE_SECONDS
    ) -> None:
        super().__init__(parent)
        self.key: Any = ""
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.label.setObjectName("noticeLabel")
        row.addWidget(self.label)
        self.button = QPushButton(button_text, self)
        self.button.setObjectName("noticeButton")
        self.button.clicked.connect(self.on_button_clicked)
        row.addWidget(self.button)
        row.addStretch(1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(seconds * 1000)
        self.timer.timeout.connect(self.withdraw)
        self.setVisible(False)

    def offer(self, text: str, key: Any) -> None:
        self.key = key
        self.label.setText(text)
        self.button.setAccessibleName(self.accessible_name(text))
        self.setVisible(True)
        self.timer.start()
        self.offered.emit()

    def accessible_name(self, text: str) -> str:
        return f"{self.button.text()}: {text}"

    @Slot()
    def withdraw(self) -> None:
        self.timer.stop()
        self.key = ""
        self.setVisible(False)

    @Slot()
    def on_button_clicked(self) -> None:
        key = self.key
        self.withdraw()
        if key:
            self.act(key)

    def act(self, key: Any) -> None:
        self.acted.emit(key)
