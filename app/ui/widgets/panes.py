"""Small layout pieces the editors share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def list_pane(
    parent: QWidget,
    title: str,
    list_name: str,
    on_current_changed: Callable[[int], None],
    buttons: Sequence[tuple[str, str, Callable[[], None]]],
) -> tuple[QWidget, QLabel, QListWidget, list[QPushButton]]:
    """The left half of a master/detail editor: a title, a list, a row of buttons.

    `buttons` are (text, object name, slot); returns the pane, its title label,
    the list and the buttons in the order given.
    """
    pane = QWidget(parent)
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(0, 0, 0, 0)
    label = QLabel(title, pane)
    layout.addWidget(label)
    items = QListWidget(pane)
    items.setObjectName(list_name)
    items.currentRowChanged.connect(on_current_changed)
    layout.addWidget(items, 1)
    row = QHBoxLayout()
    made = []
    for text, name, slot in buttons:
        button = QPushButton(text, pane)
        button.setObjectName(name)
        button.clicked.connect(slot)
        row.addWidget(button)
        made.append(button)
    layout.addLayout(row)
    return pane, label, items, made


def named_button(text: str, name: str, parent: QWidget, slot: Callable[[], Any]) -> QPushButton:
    """A push button with a stable object name whose click calls `slot()`."""
    button = QPushButton(text, parent)
    button.setObjectName(name)
    button.clicked.connect(lambda _=False: slot())
    return button


def hint_item(table: QTableWidget, text: str) -> QTableWidgetItem:
    """A greyed, read-only cell that says what will go there ("guessed from the name")."""
    hint = QTableWidgetItem(text)
    hint.setFlags(Qt.ItemFlag.ItemIsEnabled)
    hint.setForeground(table.palette().placeholderText())
    return hint
