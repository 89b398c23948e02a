"""Adding and deleting things in the Data area are undoable: Ctrl+Z / Ctrl+Shift+Z and
the Edit menu name the action, an undone delete brings the things back with their
IDs and fields, and triggers fire for each change (an undo is a change too)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QMessageBox

from app.core.definitions import TriggerDef
from app.storage import catalog
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import AREA_DATA, MainWindow


def stored(context: AppContext) -> dict[str, dict[str, Any]]:
    with context.db.read() as session:
        return {t.id: dict(t.raw) for t in catalog.list_things(session, "User")}


def trigger_runs(context: AppContext) -> int:
    with context.db.read() as session:
        found = (
            session.connection()
            .exec_driver_sql("SELECT count(*) FROM runs WHERE \"trigger\" = 'on_user'")
            .scalar()
        )
    return int(found or 0)


def shown_text(action: Any) -> str:
    return str(action.text()).replace("&", "")


def press(qtbot: Any, window: MainWindow, *, redo: bool = False) -> None:
    """Ctrl+Z, or Ctrl+Shift+Z, as a hand types it in the window."""
    modifiers = Qt.KeyboardModifier.ControlModifier
    if redo:
        modifiers |= Qt.KeyboardModifier.ShiftModifier
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.data_area.things_view, Qt.Key.Key_Z, modifiers)


@pytest.fixture
def data_window(qtbot: Any, greeting: AppContext, window: MainWindow) -> MainWindow:
    greeting.data.save_trigger(
        TriggerDef(
            "on_user",
            "User",
            ("created", "deleted"),
            "greet",
            None,
            {"user": "{{ thing_now or thing_before }}"},
        )
    )
    window.show_area(AREA_DATA)
    area = window.data_area
    qtbot.waitUntil(lambda: area.current is not None and area.things_model.rowCount() == 1)
    return window


def test_adding_a_thing_is_undone_and_redone_with_the_same_id(
    qtbot: Any, greeting: AppContext, data_window: MainWindow
) -> None:
    window = data_window
    area = window.data_area
    model = area.things_model
    qtbot.mouseClick(area.add_thing_button, Qt.MouseButton.LeftButton)
    dialog = area.add_thing_dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.editors["email"].line, "grace@example.com")  # type: ignore[attr-defined]
    qtbot.keyClicks(dialog.editors["name"].line, "Grace")  # type: ignore[attr-defined]
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    grace = next(i for i, t in stored(greeting).items() if t.get("name") == "Grace")
    assert shown_text(window.undo_action) == "Undo Add User Grace"
    assert trigger_runs(greeting) == 1  # created
    press(qtbot, window)
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert grace not in stored(greeting)
    assert trigger_runs(greeting) == 2  # the undo deleted it: a "deleted" trigger run
    assert shown_text(window.redo_action) == "Redo Add User Grace"
    press(qtbot, window, redo=True)
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    assert stored(greeting)[grace] == {"email": "grace@example.com", "name": "Grace"}
    assert trigger_runs(greeting) == 3


def test_deleting_things_is_undone_with_their_ids_and_fields(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, greeting: AppContext, data_window: MainWindow
) -> None:
    window = data_window
    area = window.data_area
    model = area.things_model
    for name in ("Bea", "Cy"):
        greeting.data.add_thing("User", {"name": name, "email": f"{name.lower()}@example.com"})
    runs_before = trigger_runs(greeting)
    area.things_model.reload()
    qtbot.waitUntil(lambda: model.rowCount() == 3)
    before = stored(greeting)
    order = [model.thing_id(r) for r in range(3)]
    asked: list[str] = []

    def yes(parent: Any, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    chosen = area.things_view.selectionModel()
    for row in range(3):
        chosen.select(
            model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    qtbot.mouseClick(area.delete_thing_button, Qt.MouseButton.LeftButton)
    assert asked == ["Delete 3 Users?"]  # what is deleted, by name
    qtbot.waitUntil(lambda: model.rowCount() == 0)
    assert stored(greeting) == {}
    assert window.undo_action.isEnabled()
    assert shown_text(window.undo_action) == "Undo Delete 3 things"
    press(qtbot, window)
    qtbot.waitUntil(lambda: model.rowCount() == 3)
    assert stored(greeting) == before  # the same IDs, the same fields
    assert [model.thing_id(r) for r in range(3)] == order  # and in their order
    assert trigger_runs(greeting) == runs_before + 6  # three deleted, three created again
    press(qtbot, window, redo=True)
    qtbot.waitUntil(lambda: model.rowCount() == 0)
    assert stored(greeting) == {}
    window.undo_action.trigger()  # from the Edit menu
    qtbot.waitUntil(lambda: model.rowCount() == 3)
    # one thing: the action names it
    chosen.clearSelection()
    ada_row = next(r for r in range(3) if model.thing_id(r) == "ada")
    chosen.select(
        model.index(ada_row, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    qtbot.mouseClick(area.delete_thing_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    assert shown_text(window.undo_action) == "Undo Delete User Ada"


def test_an_undo_the_service_refuses_says_why_and_leaves_the_stack(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, greeting: AppContext, data_window: MainWindow
) -> None:
    window = data_window
    area = window.data_area
    model = area.things_model
    messages: list[str] = []
    area.status_message.connect(messages.append)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    area.things_view.selectRow(0)
    qtbot.mouseClick(area.delete_thing_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.rowCount() == 0)
    # meanwhile, elsewhere (the command line, a workflow), the ID is taken again
    with greeting.db.write() as session:
        catalog.create_thing(session, "User", {"name": "Another Ada"}, thing_id="ada")
    window.undo_action.trigger()
    assert messages[-1] == "a thing with ID 'ada' exists already"
    assert stored(greeting) == {"ada": {"name": "Another Ada"}}  # unchanged
    assert not window.undo_action.isEnabled()  # the refused command left the stack
