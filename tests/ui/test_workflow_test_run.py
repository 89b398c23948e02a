"""The editor's Test run, driven as a person does: the button, sample values,
Preview only or Send for real, then each card shows what its step did (an email
preview in the inspector), against a real SMTP server and the window's clock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel

from app.storage import ledger
from app.ui.areas.workflows.area import WorkflowsArea
from app.ui.dialogs.test_run_dialog import TestRunDialog
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import AREA_SCHEDULER, AREA_WORKFLOWS, MainWindow
from app.ui.widgets.inputs import NumberEditor, TextEditor, ThingPicker
from app.workflow_file import import_text

MORE = """
cueflow: 1
workflows:
  bad_address:
    parameters: {user: {type: User}}
    steps:
      - action: log
        with: {message: "trying {{ user.name }}"}
      - action: send_email
        with: {to: "{{ user.name }}", subject: Hi, body: there}
      - action: log
        with: {message: never}
  slow_call:
    parameters: {url: {type: text}}
    steps:
      - action: http_request
        with: {url: "{{ url }}/slow"}
      - action: log
        with: {message: after}
  note:
    parameters:
      title: {type: text}
      count: {type: number}
    steps:
      - action: log
        with: {message: "{{ title }} {{ count }}"}
      - action: return_data
        with: {values: {big: "{{ count * 10 }}"}}
"""


@pytest.fixture
def window(qtbot: Any, greeting: AppContext, smtp_server: Any) -> Iterator[MainWindow]:
    smtp_server.configure(greeting.db)
    import_text(greeting.db, MORE)
    greeting.start_clock()
    win = MainWindow(greeting)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    yield win
    win.close()


def open_test(qtbot: Any, area: WorkflowsArea, name: str) -> TestRunDialog:
    """Select the workflow and click Test run; the dialog that opens."""
    area.select(name)
    qtbot.mouseClick(area.editor.test_button, Qt.MouseButton.LeftButton)
    dialog = area.findChildren(TestRunDialog)[-1]
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def start(qtbot: Any, area: WorkflowsArea, dialog: TestRunDialog) -> str:
    with qtbot.waitSignal(dialog.started) as blocker:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    run_id = str(blocker.args[0])
    editor = area.editor
    qtbot.waitUntil(lambda: editor.test is not None and editor.test.ended, timeout=15_000)
    return run_id


def greeting_run(area: WorkflowsArea, run_id: str) -> Any:
    from app.engine import run_queries

    trace = run_queries.run_trace(area.context.db, run_id)
    assert trace is not None
    return trace.run


def test_a_preview_shows_the_email_on_its_card_and_sends_nothing(
    qtbot: Any, window: MainWindow, smtp_server: Any
) -> None:
    area = window.workflows_area
    editor = area.editor
    assert editor.test_button.shortcut() == QKeySequence("Ctrl+T")
    dialog = open_test(qtbot, area, "greet")
    assert dialog.preview_radio.isChecked()  # the safe choice first
    picker = dialog.editors["user"]
    assert isinstance(picker, ThingPicker)
    picker.select("ada")
    assert dialog.start_button.isEnabled(), dialog.problem.text()
    start(qtbot, area, dialog)

    assert editor.test is not None and editor.test.status == ledger.SUCCEEDED
    assert "Test run succeeded (preview only: nothing is sent)" in editor.test_status.text()
    card = editor.flow.card(editor.flow.row_of_step(0))
    assert card is not None and card.status_text.startswith("preview · ")
    editor.select_step(0)
    panel = editor.step_panel
    assert panel.last_test.isVisibleTo(editor)
    preview = panel.email_preview.text()
    assert "<b>To:</b> ada@example.com" in preview
    assert "<b>Subject:</b> Hello Ada" in preview
    assert "<b>From:</b> cueflow@example.com" in preview
    assert "Nice to see you." in preview
    assert "Previewed" in panel.test_status.text()
    tree = panel.test_values
    inputs = tree.topLevelItem(0)
    assert inputs.text(0) == "Inputs"
    rows = {inputs.child(i).text(0): inputs.child(i).text(1) for i in range(inputs.childCount())}
    assert rows["To"] == "ada@example.com" and rows["Subject"] == "Hello Ada"
    assert tree.topLevelItemCount() == 1  # an email's result is its preview, above
    assert smtp_server.messages == []

    # The Scheduler's History says it was a test run, not a real send.
    scheduler = window.scheduler_area
    window.show_area(AREA_SCHEDULER)
    scheduler.tabs.setCurrentWidget(scheduler.history_page)
    history = scheduler.history_model
    qtbot.waitUntil(lambda: history.rowCount() == 1)
    origin = history.index(0, history.COL_ORIGIN)
    assert origin.data() == "Test run (preview)"
    scheduler.history_view.setCurrentIndex(history.index(0, 0))
    title = scheduler.trace_title.text()
    assert "<b>Greet a user</b> · <b>Succeeded</b>" in title and "previewed, not sent" in title
    assert "attempt" not in title and "greet" not in title.replace("Greet", "")
    window.show_area(AREA_WORKFLOWS)

    # The choice is remembered for this workflow; Send for real sends.
    again = open_test(qtbot, area, "greet")
    assert again.preview_radio.isChecked()
    again.editors["user"].select("ada")  # type: ignore[attr-defined]
    radio = again.real_radio  # (on its circle: the button is wider than its words)
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
    assert again.real_radio.isChecked() and not again.captured()
    real_id = start(qtbot, area, again)
    run = greeting_run(area, real_id)
    assert run.status == ledger.SUCCEEDED, run.error
    assert [m["subject"] for m in smtp_server.wait_for(1)] == ["Hello Ada"]
    card = editor.flow.card(editor.flow.row_of_step(0))
    assert card is not None and card.status_text.startswith("Succeeded · ")
    assert "emails and web calls for real" in editor.test_status.text()
    third = open_test(qtbot, area, "greet")
    assert third.real_radio.isChecked()
    third.reject()

    # An edit ends the shown test: the cards no longer claim it.
    editor.label_edit.setText("Greet someone")
    editor.label_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: editor.test_run_id is None)
    assert not editor.test_status.isVisible()


def test_a_failed_step_says_why_on_its_card(qtbot: Any, window: MainWindow) -> None:
    area = window.workflows_area
    editor = area.editor
    dialog = open_test(qtbot, area, "bad_address")
    dialog.editors["user"].select("ada")  # type: ignore[attr-defined]
    start(qtbot, area, dialog)
    assert editor.test is not None and editor.test.status == ledger.FAILED
    first, email, last = (editor.flow.card(editor.flow.row_of_step(i)) for i in range(3))
    assert first is not None and first.status == "succeeded" and not first.error
    assert email is not None and email.status == "failed"
    assert "'Ada' is not an email address" in email.error
    assert email.error.startswith("To: ") and "send_email" not in email.error  # the form's words
    assert last is not None and last.status_text == "not run"
    assert editor.test_status.text() == "Test run failed at step 2 · Send email: see its card."
    editor.select_step(1)
    assert "'Ada' is not an email address" in editor.step_panel.test_status.text()
    assert "send_email" not in editor.step_panel.test_status.text()


def test_hostile_sample_values_are_refused_at_their_input(
    qtbot: Any, window: MainWindow, greeting: AppContext
) -> None:
    area = window.workflows_area
    dialog = open_test(qtbot, area, "note")
    title = dialog.editors["title"]
    count = dialog.editors["count"]
    assert isinstance(title, TextEditor) and isinstance(count, NumberEditor)
    title.line.setText("bad \udcff bytes")  # Qt keeps no lone surrogate
    assert "\udcff" not in title.value() and dialog.start_button.isEnabled()
    title.line.setText("nul \x00 inside")  # PostgreSQL could not store it
    assert not dialog.start_button.isEnabled()
    assert "Title holds a character that cannot be stored" in dialog.problem.text()
    assert dialog.params_form.field_errors["title"].isVisibleTo(dialog)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)  # refused: disabled
    with greeting.db.read() as session:
        assert ledger.count_scheduled(session) == 0
    title.line.setText("")
    assert "Title needs a value" in dialog.problem.text()

    # Letters and a number past the input's range: the box keeps a number it can hold.
    count.spin.clear()
    qtbot.keyClicks(count.spin, "abc99999999999999999999")
    assert abs(count.value()) <= 1e12
    qtbot.keyClicks(title.line, "Milk")
    assert dialog.start_button.isEnabled(), dialog.problem.text()
    start(qtbot, area, dialog)
    assert area.editor.test is not None and area.editor.test.status == ledger.SUCCEEDED


def test_while_it_runs_the_cards_say_where_it_is(
    qtbot: Any, window: MainWindow, http_server: Any
) -> None:
    """Send for real to a server that answers after 2 s: the card shows it running."""
    area = window.workflows_area
    editor = area.editor
    dialog = open_test(qtbot, area, "slow_call")
    qtbot.keyClicks(dialog.editors["url"].line, http_server.url)  # type: ignore[attr-defined]
    dialog.real_radio.setChecked(True)
    with qtbot.waitSignal(dialog.started):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)

    def card_text(position: int) -> str:
        card = editor.flow.card(editor.flow.row_of_step(position))
        return card.status_text if card is not None else ""

    qtbot.waitUntil(lambda: card_text(0) == "running…", timeout=10_000)
    assert card_text(1) == "waiting"
    assert "Test run in progress" in editor.test_status.text()
    qtbot.waitUntil(lambda: editor.test is not None and editor.test.ended, timeout=15_000)
    assert card_text(0).startswith("Succeeded · ") and card_text(1).startswith("Succeeded · ")
    assert [r["path"] for r in http_server.requests] == ["/slow"]


def test_a_paused_scheduler_is_said_and_the_test_waits_for_it(
    qtbot: Any, window: MainWindow, greeting: AppContext, smtp_server: Any
) -> None:
    greeting.service.set_paused(True)
    area = window.workflows_area
    editor = area.editor
    dialog = open_test(qtbot, area, "greet")
    note = dialog.findChild(QLabel, "testRunPaused")
    assert note is not None and "paused" in note.text()
    dialog.editors["user"].select("ada")  # type: ignore[attr-defined]
    with qtbot.waitSignal(dialog.started):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.test is not None)
    card = editor.flow.card(editor.flow.row_of_step(0))
    assert card is not None and card.status_text == "waiting"
    assert "waiting to start" in editor.test_status.text()
    greeting.service.set_paused(False)
    qtbot.waitUntil(lambda: editor.test is not None and editor.test.ended, timeout=15_000)
    assert editor.test.status == ledger.SUCCEEDED
    assert smtp_server.messages == []
