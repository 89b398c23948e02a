"""Help ▸ Getting started: the tutorial as a checklist that ticks itself as the
folder's data shows each step done, with Show me opening the right area."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtWidgets import QPushButton

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
    context.data.create_type("User")
    guide.refresh()
    qtbot.waitUntil(lambda: guide.marks["data_type"].text() == "✔")
    assert guide.summary.text() == "4 steps to go."
    guide.findChild(QPushButton, "show_cancelled").click()
    assert window.stack.currentIndex() == AREA_SCHEDULER
    guide.findChild(QPushButton, "show_thing").click()
    assert window.stack.currentIndex() == AREA_DATA
