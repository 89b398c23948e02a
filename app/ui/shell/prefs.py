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


def person_prefs() -> QSettings:
    """The person's own preferences (how Getting started shows), the same for every
    data folder: an INI file in their configuration folder (tests point it elsewhere
    with `QSettings.setPath`)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "Cueflow", "preferences"
    )
