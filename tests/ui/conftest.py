"""Fixtures for the window's tests: a fresh data folder and window per test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.storage.db import DB_FILENAME, init_db
from app.ui.shell.context import AppContext
from app.workflow_file import import_text
from tests.conftest import fresh_sqlite


@pytest.fixture(autouse=True)
def gui_thread_collector(qapp: Any) -> Iterator[None]:
    """As in the application (app.ui.shell.app.application): garbage cycles are
    collected on the GUI thread only, never on a worker that happens to allocate."""
    from app.ui.shell.collector import GuiThreadCollector

    guard = GuiThreadCollector()
    yield
    guard.stop()
    guard.deleteLater()


GREETING = """
cueflow: 1
data_types:
  User:
    fields: {email: text, name: text}
things:
  User:
    - {id: ada, email: ada@example.com, name: Ada}
workflows:
  greet:
    label: Greet a user
    colour: "#e67e22"
    parameters:
      user: {type: User}
    steps:
      - action: send_email
        with:
          to: "{{ user.email }}"
          subject: "Hello {{ user.name }}"
          body: "Nice to see you."
"""


@pytest.fixture(autouse=True)
def person_prefs_folder(tmp_path: Path) -> Iterator[Path]:
    """The person's own preferences (app/ui/shell/prefs.person_prefs) in the test's
    folder, never in the real configuration folder."""
    from PySide6.QtCore import QSettings

    folder = tmp_path / "config"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture
def context(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[AppContext]:
    """A fresh data folder and database (a copy of the migrated template); no clock
    (nothing runs by itself)."""
    folder = tmp_path / "data"
    folder.mkdir()
    db = init_db(f"sqlite:///{fresh_sqlite(request, folder / DB_FILENAME)}")
    ctx = AppContext(folder, db)
    yield ctx
    ctx.stop_clock()
    db.dispose()


@pytest.fixture
def greeting(context: AppContext) -> AppContext:
    """The context with a User type, Ada, and a valid `greet` workflow."""
    import_text(context.db, GREETING)
    return context


@pytest.fixture
def window(qtbot: Any, context: AppContext) -> Iterator[Any]:
    from app.ui.shell.main_window import MainWindow

    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    # Closing asks about unsaved privacy rules (a modal question): a test that left
    # some discards them. Tests of the question replace this answer.
    from PySide6.QtWidgets import QMessageBox

    win.data_area.privacy_editor.ask_unsaved = (  # type: ignore[method-assign]
        lambda can_save, reason: QMessageBox.StandardButton.Discard
    )
    win.report_examples = lambda lines: None  # type: ignore[method-assign]  # modal
    yield win
    win.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The offscreen platform cannot raise windows or grab the keyboard (popups); fine."""
    for item in items:
        if "tests/ui/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(r"This plugin does not support"))
