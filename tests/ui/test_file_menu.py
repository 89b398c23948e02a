"""File ▸ Import, Export and Export history as CSV (issue 14 item 6): done off the
GUI thread, said in the status bar, problems shown in a message, nothing lost."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMenu

from app.storage import catalog
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import MainWindow
from tests.conftest import EXAMPLES

BIRTHDAY = EXAMPLES / "birthday.yaml"


def workflow_names(context: AppContext) -> set[str]:
    with context.db.read() as session:
        return catalog.workflow_names(session)


@pytest.fixture
def said(window: MainWindow) -> list[str]:
    messages: list[str] = []
    window.file_actions.status_message.connect(messages.append)
    return messages


def test_import_from_the_file_menu_and_again_replacing(
    qtbot: Any, context: AppContext, window: MainWindow, said: list[str]
) -> None:
    actions = window.file_actions
    actions.ask_open = lambda: str(BIRTHDAY)  # type: ignore[method-assign]
    menu = window.menuBar().findChild(QMenu, "menuFile")
    assert actions.import_action in menu.actions()
    actions.import_action.trigger()
    qtbot.waitUntil(lambda: bool(said))
    assert said[-1].startswith("Imported birthday.yaml: ")
    assert {"send_birthday_email", "send_welcome"} <= workflow_names(context)
    qtbot.waitUntil(lambda: window.workflows_area.editor is not None)
    asked: list[list[str]] = []
    actions.ask_replace = lambda taken: asked.append(taken) or True  # type: ignore[method-assign]
    actions.import_action.trigger()
    qtbot.waitUntil(lambda: len(said) == 2)
    assert asked and any("send_birthday_email" in name for name in asked[0])
    assert said[-1].startswith("Imported birthday.yaml")


def test_a_bad_file_is_refused_in_a_message_and_writes_nothing(
    qtbot: Any, context: AppContext, window: MainWindow, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"workflows:\n  w:\n    timeout: .nan\n  \xff: 1\n")
    shown: list[tuple[str, str, str]] = []
    actions = window.file_actions
    actions.ask_open = lambda: str(bad)  # type: ignore[method-assign]
    actions.report_problem = lambda *a: shown.append(a)  # type: ignore[method-assign]
    actions.import_action.trigger()
    qtbot.waitUntil(lambda: bool(shown))
    title, text, *details = shown[0]
    assert title == "Nothing was imported", shown
    assert "bad.yaml: not UTF-8 text (byte 0xff" in text, shown
    assert workflow_names(context) == set()
    assert actions.import_action.isEnabled()  # ready again
    bad.write_text("workflows:\n  w:\n    timeout: .nan\n  x: {steps: 3}\n")
    actions.import_action.trigger()
    qtbot.waitUntil(lambda: len(shown) == 2)
    title, text, *details = shown[1]
    assert title == "Nothing was imported"
    assert text == "The file has 2 problems; nothing of it was written."
    assert details[0].splitlines() == [  # each place in words, not `workflows.w.timeout`
        "Workflow 'w' · Timeout: expected a number of seconds, got nan (not a finite number)",
        "Workflow 'x' · Steps: expected a list of steps",
    ]
    assert workflow_names(context) == set()


def test_export_writes_a_file_that_imports_back(
    qtbot: Any, context: AppContext, window: MainWindow, said: list[str], tmp_path: Path
) -> None:
    from app.storage.db import init_db
    from app.workflow_file import import_file

    actions = window.file_actions
    actions.ask_open = lambda: str(BIRTHDAY)  # type: ignore[method-assign]
    actions.import_action.trigger()
    qtbot.waitUntil(lambda: bool(said))
    target = tmp_path / "out.yaml"
    actions.ask_save = lambda *a: str(target)  # type: ignore[method-assign]
    actions.export_things_action.trigger()
    qtbot.waitUntil(lambda: len(said) == 2)
    assert said[-1] == f"Exported to {target}"
    other = init_db(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        summary = import_file(other, target)
        assert summary.workflows == 2 and summary.things == 2
    finally:
        other.dispose()


def test_history_exports_as_csv(
    qtbot: Any, context: AppContext, window: MainWindow, said: list[str], tmp_path: Path
) -> None:
    from datetime import timedelta

    from app.core.types import utcnow
    from app.workflow_file import import_file

    import_file(context.db, BIRTHDAY)
    with context.db.read() as session:
        ada = catalog.list_things(session, "User")[0].id
    ids = [
        context.service.schedule("send_welcome", {"user": ada}, at=utcnow() + timedelta(hours=1))
        for _ in range(3)
    ]
    context.service.cancel(ids[:2])
    target = tmp_path / "history.csv"
    window.file_actions.ask_save = lambda *a: str(target)  # type: ignore[method-assign]
    window.file_actions.history_action.trigger()
    qtbot.waitUntil(lambda: bool(said))
    assert said[-1] == f"Exported 2 runs to {target}"
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0][:2] == ["id", "status"] and rows[0][-1] == "origin"
    assert {r[0] for r in rows[1:]} == set(ids[:2])
    assert {r[1] for r in rows[1:]} == {"cancelled"} and {r[-1] for r in rows[1:]} == {"window"}
