"""A notice in the window's status bar: what just happened, in words, and one
button to act on it ("Scheduled Send birthday email for Fri 4 Dec 09:00 · Show")."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

NOTICE_SECONDS = 20


class Notice(QWidget):
    """Words and one button for a while; `acted(key)` when the button is pressed."""

    acted = Signal(str)

    def __init__(self, button_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = ""
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
        self.timer.setInterval(NOTICE_SECONDS * 1000)
        self.timer.timeout.connect(self.withdraw)
        self.setVisible(False)

    def offer(self, text: str, key: str) -> None:
        self.key = key
        self.label.setText(text)
        self.button.setAccessibleName(f"{self.button.text()}: {text}")
        self.setVisible(True)
        self.timer.start()

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
            self.acted.emit(key)
