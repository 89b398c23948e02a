"""The item roles the table models share, named as napari and Vorta name theirs."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

ROW_ROLE = Qt.ItemDataRole.UserRole  # the row's value object (RunRow / ThingRow)
ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the run's or thing's ID
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # raw value behind a formatted cell

Index = QModelIndex | QPersistentModelIndex
