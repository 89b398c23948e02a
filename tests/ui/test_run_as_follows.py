"""The birthday example's first Test run succeeds: Run as follows the user picked
as a parameter (User has privacy rules), so the run may read that user's email,
until the person picks someone else in Run as."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.engine import run_queries
from app.storage import views
from app.ui.dialogs.test_run_dialog import TestRunDialog
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import MainWindow
from app.workflow_file import import_text


@pytest.fixture
def users(context: AppContext) -> dict[str, str]:
    """The birthday example imported, as Load examples does; {name: thing ID}."""
    text = resources.files("resources").joinpath("examples/birthday.yaml").read_text()
    import_text(context.db, text)
    with context.db.read() as session:
        rows = views.thing_choice_rows(session, "User", 10)
    return {str(data["name"]): thing_id for thing_id, _, data in rows}


@pytest.fixture
def running(qtbot: Any, context: AppContext, users: dict[str, str]) -> Iterator[MainWindow]:
    context.start_clock()
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.resize(900, 600)
    win.show()
    yield win
    win.close()


def open_test(qtbot: Any, window: MainWindow, name: str) -> TestRunDialog:
    area = window.workflows_area
    window.show_area(0)
    area.select(name)
    qtbot.mouseClick(area.editor.test_button, Qt.MouseButton.LeftButton)
    dialog = area.findChildren(TestRunDialog)[-1]
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_the_first_test_run_of_the_birthday_example_reaches_ada(
    qtbot: Any, running: MainWindow, users: dict[str, str]
) -> None:
    dialog = open_test(qtbot, running, "send_birthday_email")
    dialog.editors["user"].select(users["Ada"])  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: dialog.run_as.value() == users["Ada"])
    note = dialog.follow_note
    assert note.isVisibleTo(dialog) and "Runs as the user chosen above" in note.text()
    assert "User's privacy rules" in note.text()
    assert dialog.start_button.isEnabled(), dialog.problem.text()
    with qtbot.waitSignal(dialog.started) as blocker:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    run_id = str(blocker.args[0])

    def ended() -> Any:
        trace = run_queries.run_trace(running.context.db, run_id)
        return trace is not None and trace.run.status in ("succeeded", "failed")

    qtbot.waitUntil(ended, timeout=15_000)
    trace = run_queries.run_trace(running.context.db, run_id)
    assert trace is not None
    assert (trace.run.status, trace.run.error) == ("succeeded", None)  # not "no recipient"
    assert trace.run.run_as == users["Ada"]
    assert trace.steps[0]["inputs"]["to"] == "ada@example.com"


def test_run_as_keeps_what_the_person_chose(
    qtbot: Any, running: MainWindow, users: dict[str, str]
) -> None:
    dialog = open_test(qtbot, running, "send_birthday_email")
    user = dialog.editors["user"]
    user.select(users["Ada"])  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: dialog.run_as.value() == users["Ada"])
    user.select(users["Grace"])  # type: ignore[attr-defined]  # still following
    qtbot.waitUntil(lambda: dialog.run_as.value() == users["Grace"])
    dialog.run_as.select(users["Ada"])  # the person's own choice
    qtbot.waitUntil(lambda: dialog.run_as.value() == users["Ada"])
    assert not dialog.follow_note.isVisibleTo(dialog)
    user.select(users["Grace"])  # type: ignore[attr-defined]
    assert dialog.run_as.value() == users["Ada"]  # not changed behind the person's back


@pytest.fixture
def ignoring(context: AppContext, users: dict[str, str]) -> None:
    """A workflow over Users that ignores privacy rules (imported before the window)."""
    import_text(
        context.db,
        """
cueflow: 1
workflows:
  greet_all:
    ignore_privacy_rules: true
    parameters: {user: {type: User}}
    steps:
      - action: log
        with: {message: "{{ user.email }}"}
""",
    )


def test_a_workflow_that_ignores_privacy_rules_runs_as_nobody(
    qtbot: Any, ignoring: None, running: MainWindow, users: dict[str, str]
) -> None:
    dialog = open_test(qtbot, running, "greet_all")
    dialog.editors["user"].select(users["Ada"])  # type: ignore[attr-defined]
    assert dialog.run_as.value() is None and not dialog.follow_note.isVisibleTo(dialog)


def test_run_now_and_schedule_follow_too_but_not_for_a_list(
    qtbot: Any, running: MainWindow, users: dict[str, str], smtp_server: Any
) -> None:
    smtp_server.configure(running.context.db)
    area = running.workflows_area
    area.select("send_birthday_email")
    dialog = area.open_run_dialog(True)  # Run now
    assert dialog is not None
    dialog.editors["user"].select(users["Grace"])  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: dialog.run_as.value() == users["Grace"])
    assert dialog.follower.note.isVisibleTo(dialog)
    with qtbot.waitSignal(dialog.scheduled) as blocker:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    run_id = str(blocker.args[0])
    dialog.close()

    def ended() -> Any:
        trace = run_queries.run_trace(running.context.db, run_id)
        return trace is not None and trace.run.status in ("succeeded", "failed")

    qtbot.waitUntil(ended, timeout=15_000)
    trace = run_queries.run_trace(running.context.db, run_id)
    assert trace is not None and (trace.run.status, trace.run.error) == ("succeeded", None)
    assert smtp_server.messages[-1]["to"] == ["grace@example.com"]

    schedule = area.open_run_dialog(False)  # Schedule…, For each user in a list
    assert schedule is not None
    schedule.for_each.setChecked(True)
    qtbot.waitUntil(lambda: schedule.list_param() == "user")
    schedule.editors["user"].select(users["Ada"])  # type: ignore[attr-defined]
    assert schedule.run_as.value() is None and not schedule.follower.note.isVisibleTo(schedule)
    schedule.close()
