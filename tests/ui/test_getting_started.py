"""Help ▸ Getting started: the tutorial as a checklist that ticks itself as the
folder's data shows each step done, with Show me opening the right area."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QPushButton

from app.core.definitions import FieldDef
from app.core.types import ValueType, utcnow
from app.engine.run_queries import tutorial_progress
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import AREA_DATA, AREA_SCHEDULER, MainWindow
from app.workflow_file import import_text

BIRTHDAY_FLOW = """
cueflow: 1
workflows:
  greet:
    parameters: {user: {type: User}}
    steps:
      - action: send_email
        with: {to: "{{ user.email }}", subject: hi, body: hello}
"""


def test_progress_follows_the_tutorial_steps(context: AppContext) -> None:
    db = context.db
    assert tutorial_progress(db) == dict.fromkeys(
        ("data_type", "thing", "workflow", "scheduled", "cancelled"), False
    )
    context.data.create_type("User")
    assert not tutorial_progress(db)["data_type"]  # its text asks for email and birthday
    context.data.save_fields(
        "User", [FieldDef("name", ValueType("text")), FieldDef("email", ValueType("text"))]
    )
    assert tutorial_progress(db)["data_type"] and not tutorial_progress(db)["thing"]
    ada = context.data.add_thing("User", {"name": "Ada", "email": "ada@example.com"}).id
    import_text(db, BIRTHDAY_FLOW)
    run_id = context.service.schedule("greet", {"user": ada}, at=utcnow() + timedelta(days=3))
    progress = tutorial_progress(db)
    assert progress["thing"] and progress["workflow"] and progress["scheduled"]
    assert not progress["cancelled"]
    context.service.cancel([run_id])
    assert all(tutorial_progress(db).values())


def test_the_guide_ticks_done_steps_and_shows_the_area(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    window.guide_action.trigger()
    guide = window.guide
    assert guide is not None and guide.isVisible() and not guide.isModal()
    qtbot.waitUntil(lambda: guide.summary.text() == "5 steps to go.")
    assert guide.marks["data_type"].text() == "1"
    context.data.create_type("User")  # only the automatic "name" field: not done yet
    guide.refresh()
    qtbot.waitUntil(lambda: guide.done_steps.get("data_type") is False)
    assert guide.marks["data_type"].text() == "1"
    context.data.save_fields(
        "User", [FieldDef("name", ValueType("text")), FieldDef("email", ValueType("text"))]
    )
    guide.refresh()
    qtbot.waitUntil(lambda: guide.marks["data_type"].text() == "✔")
    assert guide.summary.text() == "4 steps to go."
    guide.findChild(QPushButton, "show_cancelled").click()
    assert window.stack.currentIndex() == AREA_SCHEDULER
    guide.findChild(QPushButton, "show_thing").click()
    assert window.stack.currentIndex() == AREA_DATA


def test_the_guide_is_docked_beside_the_work_and_folds_when_narrow(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    window.resize(1400, 900)
    window.guide_action.trigger()
    guide = window.guide
    qtbot.waitUntil(lambda: guide.isVisible())
    assert isinstance(guide, QDockWidget) and not guide.isFloating()
    assert window.dockWidgetArea(guide) == Qt.DockWidgetArea.RightDockWidgetArea
    # Beside the areas, never over them: the central widget ends where the panel starts.
    central = window.centralWidget().geometry()
    qtbot.waitUntil(lambda: guide.geometry().left() >= central.right())
    assert not guide.compact and guide.intro.isVisible()
    window.resize(900, 600)  # narrow: one line along the bottom, the words in tooltips
    qtbot.waitUntil(lambda: guide.compact)
    assert window.dockWidgetArea(guide) == Qt.DockWidgetArea.BottomDockWidgetArea
    window.resize(900, 600)  # (the panel took its room at the right until it folded)
    qtbot.waitUntil(lambda: window.width() == 900)  # the areas keep the window's width
    qtbot.waitUntil(lambda: 0 < guide.height() < 90)
    step = guide.strip_steps["data_type"]
    assert step.isVisible() and "New data type" in step.toolTip()
    assert step.text() == "1 Make a data type"
    qtbot.mouseClick(step, Qt.MouseButton.LeftButton)
    assert window.stack.currentIndex() == AREA_DATA
    qtbot.mouseClick(guide.more_words, Qt.MouseButton.LeftButton)  # the person's choice
    assert not guide.compact
    # A narrow window keeps its width: the words go along the bottom.
    assert window.dockWidgetArea(guide) == Qt.DockWidgetArea.BottomDockWidgetArea
    window.resize(1000, 600)
    assert not guide.compact  # kept, whatever the width
    qtbot.mouseClick(guide.fewer_words, Qt.MouseButton.LeftButton)
    assert guide.compact
