"""Window preferences (geometry, last area) in an INI QSettings.

They live in the data folder, beside the database, so each data folder (and
each test's temporary folder) has its own.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

PREFS_FILENAME = "window.ini"


def window_prefs(data_dir: Path) -> QSettings:
    return QSettings(str(data_dir / PREFS_FILENAME), QSettings.Format.IniFormat)
