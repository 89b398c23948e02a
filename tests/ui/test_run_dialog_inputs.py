"""The Run / Schedule form refuses what it cannot run, and stores what it shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt

from app.storage import ledger, views
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import MainWindow
from app.ui.widgets.inputs import OptionalDateEditor, TextEditor
from app.workflow_file import import_text

NOTE = """
cueflow: 1
workflows:
  note:
    parameters:
      title: {type: text}
      remark: {type: text, optional: true}
      due: {type: date, optional: true}
    steps:
      - action: log
        with: {message: "{{ title }} {{ due }}"}
"""


def open_schedule_dialog(window: MainWindow) -> Any:
    area = window.workflows_area
    area.select("note")
    dialog = area.open_run_dialog(False)
    assert dialog is not None
    return dialog


def test_a_required_text_parameter_needs_a_value(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    import_text(context.db, NOTE)
    window.workflows_area.refresh_list()
    dialog = open_schedule_dialog(window)
    title = dialog.editors["title"]
    assert isinstance(title, TextEditor)
    assert not dialog.ok_button.isEnabled()
    assert "Title needs a value" in dialog.problem.text()
    assert dialog.field_errors["title"].isVisibleTo(dialog)
    qtbot.keyClicks(title.line, "   ")
    assert not dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    with context.db.read() as session:
        assert ledger.count_scheduled(session) == 0

    qtbot.keyClicks(title.line, "Buy milk")
    assert dialog.ok_button.isEnabled(), dialog.problem.text()
    assert not dialog.field_errors["title"].isVisibleTo(dialog)  # the optional one may be empty
    with qtbot.waitSignal(dialog.scheduled):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    dialog.close()
    with context.db.read() as session:
        (run,) = views.upcoming_page(session, views.RunFilter())
    assert run.params["title"] == "   Buy milk"
    assert "remark" not in run.params or run.params["remark"] == ""


def test_date_pickers_store_the_time_as_shown_without_hidden_seconds(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    import_text(context.db, NOTE)
    window.workflows_area.refresh_list()
    dialog = open_schedule_dialog(window)
    qtbot.keyClicks(dialog.editors["title"].line, "x")
    due = dialog.editors["due"]
    assert isinstance(due, OptionalDateEditor)  # a date parameter starts empty, never "now"
    assert due.value() is None
    value = dialog.at_editor.value()
    assert (value.second, value.microsecond) == (0, 0)
    assert dialog.at_editor.edit.dateTime().time().second() == 0
    # a value with seconds (e.g. from a run being edited) is shown and kept as its minute
    due.set_value(datetime.fromisoformat("2031-05-06T07:08:09+00:00"))
    assert due.value() == datetime.fromisoformat("2031-05-06T07:08:00+00:00")
    with qtbot.waitSignal(dialog.scheduled):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    dialog.close()
    with context.db.read() as session:
        (run,) = views.upcoming_page(session, views.RunFilter())
    assert datetime.fromisoformat(run.params["due"]) == datetime.fromisoformat(
        "2031-05-06T07:08:00+00:00"
    )
    assert (run.scheduled_for.second, run.scheduled_for.microsecond) == (0, 0)


def test_parameters_are_labelled_in_words_not_keys(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    """ "Title (text)", "Due (date, optional)": the key and its type read as words."""
    from PySide6.QtWidgets import QLabel

    import_text(context.db, NOTE)
    window.workflows_area.refresh_list()
    dialog = open_schedule_dialog(window)
    labels = [w.text() for w in dialog.findChildren(QLabel) if w.toolTip().startswith("In the")]
    assert labels == ["Title (text)", "Remark (text, optional)", "Due (date, optional)"]
    dialog.close()
