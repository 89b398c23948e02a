"""The workflow editor, driven as a person would: fields, parameters, steps, undo."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLineEdit

from app.storage import catalog
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import MainWindow
from app.ui.widgets.expression_edit import ExpressionLineEdit, LongTextEdit


def stored(context: AppContext, name: str) -> Any:
    with context.db.read() as session:
        return catalog.find_workflow(session, name)


def type_into(qtbot: Any, edit: QLineEdit, text: str) -> None:
    """Replace the text as typed, then press Enter (which commits the edit)."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def fill_long(form_widget: LongTextEdit, text: str) -> None:
    form_widget.setPlainText(text)
    form_widget.editing_finished.emit()


def new_greeting_workflow(qtbot: Any, window: MainWindow) -> None:
    """New workflow, two parameters and a send_email step, all through the editor."""
    window.new_workflow_action.trigger()
    area = window.workflows_area
    editor = area.editor
    type_into(qtbot, editor.name_edit, "greet_people")
    type_into(qtbot, editor.label_edit, "Greet people")
    qtbot.mouseClick(editor.add_param_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.add_param_button, Qt.MouseButton.LeftButton)
    table = editor.params_table
    assert table.rowCount() == 2
    table.item(0, 0).setText("email")
    table.item(1, 0).setText("count")
    combo = table.cellWidget(1, 1)
    assert isinstance(combo, QComboBox)
    combo.setCurrentText("number")
    table.item(1, 3).setCheckState(Qt.CheckState.Checked)  # optional

    action = editor.add_step_menu.findChild(QAction, "addStep_send_email")
    assert action is not None
    action.trigger()
    form = editor.step_form
    assert form is not None and form.step.action == "send_email"
    type_into(qtbot, form.widgets["to"], "{{ email }}")
    type_into(qtbot, form.widgets["subject"], "Hello, you are number {{ count }}")
    fill_long(form.widgets["body"], "See you soon.")


def test_create_workflow_with_two_parameters_and_send_email(
    qtbot: Any, window: MainWindow, context: AppContext
) -> None:
    new_greeting_workflow(qtbot, window)
    wf = stored(context, "greet_people")
    assert wf is not None, window.workflows_area.editor.problem_banner.text()
    assert wf.label == "Greet people"
    assert [(p.key, str(p.type), p.optional) for p in wf.parameters] == [
        ("email", "text", False),
        ("count", "number", True),
    ]
    assert len(wf.steps) == 1
    step = wf.steps[0]
    assert step.action == "send_email"
    assert step.inputs == {
        "to": "{{ email }}",
        "subject": "Hello, you are number {{ count }}",
        "body": "See you soon.",
    }
    assert stored(context, "new_workflow") is None  # renamed, not copied
    editor = window.workflows_area.editor
    assert not editor.problem_banner.isVisible()
    card = editor.flow.card(editor.flow.row_of_step(0))
    assert card is not None and card.title == "1. Send email"
    assert card.summary.startswith("Send email to ‹email›")
    assert editor.run_now_button.isEnabled()


def test_undo_and_redo_an_edit(qtbot: Any, greeting: AppContext, window: MainWindow) -> None:
    area = window.workflows_area
    area.select("greet")
    editor = area.editor
    type_into(qtbot, editor.label_edit, "Say hello")
    assert stored(greeting, "greet").label == "Say hello"
    assert window.undo_action.isEnabled()
    assert "label" in window.undo_action.text()

    window.undo_action.trigger()
    assert stored(greeting, "greet").label == "Greet a user"
    assert editor.label_edit.text() == "Greet a user"

    window.redo_action.trigger()
    assert stored(greeting, "greet").label == "Say hello"
    assert editor.label_edit.text() == "Say hello"

    editor.set_colour("#123456")
    assert stored(greeting, "greet").colour == "#123456"
    window.undo_stack.undo()
    assert stored(greeting, "greet").colour == "#e67e22"


def test_undo_a_new_workflow_removes_it(
    qtbot: Any, window: MainWindow, context: AppContext
) -> None:
    window.new_workflow_action.trigger()
    assert stored(context, "new_workflow") is not None
    window.undo_stack.undo()
    assert stored(context, "new_workflow") is None
    assert window.workflows_area.workflow_list.count() == 0


def test_bad_expression_shows_inline_error_and_blocks_the_run(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    area = window.workflows_area
    area.select("greet")
    editor = area.editor
    editor.select_step(0)
    form = editor.step_form
    assert form is not None
    subject = form.widgets["subject"]
    assert isinstance(subject, ExpressionLineEdit)
    subject.setFocus()
    subject.selectAll()
    qtbot.keyClicks(subject, "Hi {{ usr.name }}")
    error = form.errors["subject"]
    # shown while typing, before anything is committed
    assert error.isVisible() and "unknown name 'usr'" in error.text()
    qtbot.keyClick(subject, Qt.Key.Key_Return)

    assert stored(greeting, "greet").steps[0].inputs["subject"] == "Hello {{ user.name }}"
    assert editor.problem_banner.isVisible()
    assert "Step 1 · Send email: Subject — unknown name 'usr'" in editor.problem_banner.text()
    assert not editor.run_now_button.isEnabled()
    assert not editor.schedule_button.isEnabled()
    dialog = area.open_run_dialog(True)
    assert dialog is not None
    assert not dialog.ok_button.isEnabled()
    assert "unknown name 'usr'" in dialog.problem.text()
    dialog.close()

    # a syntax error reads as one too
    subject.setFocus()
    subject.selectAll()
    qtbot.keyClicks(subject, "Hi {{ user.name ")
    assert form.errors["subject"].isVisible()

    # fixing it saves again
    subject.selectAll()
    qtbot.keyClicks(subject, "Hi {{ user.name }}")
    qtbot.keyClick(subject, Qt.Key.Key_Return)
    assert stored(greeting, "greet").steps[0].inputs["subject"] == "Hi {{ user.name }}"
    assert editor.run_now_button.isEnabled()


def test_completer_offers_names_in_scope(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    area = window.workflows_area
    area.select("greet")
    form = area.editor.step_form
    assert form is not None
    words = form.widgets["to"].completer_model.stringList()
    assert "user" in words and "user.email" in words and "add_days(1)" in words
    assert "step1" not in words  # not yet in scope for step 1


def test_steps_reorder_and_remove(qtbot: Any, greeting: AppContext, window: MainWindow) -> None:
    area = window.workflows_area
    area.select("greet")
    editor = area.editor
    editor.add_step_menu.findChild(QAction, "addStep_log").trigger()
    form = editor.step_form
    assert form is not None and form.step.action == "log"
    fill_long(form.widgets["message"], "sent {{ step1 }}")
    assert [s.action for s in stored(greeting, "greet").steps] == ["send_email", "log"]
    editor.select_step(1)
    qtbot.mouseClick(editor.step_up_button, Qt.MouseButton.LeftButton)
    # step1 is no longer in scope for the log step: not saved, shown as a problem
    assert "unknown name 'step1'" in editor.problem_banner.text()
    window.undo_stack.undo()
    editor.select_step(1)
    qtbot.mouseClick(editor.remove_step_button, Qt.MouseButton.LeftButton)
    assert [s.action for s in stored(greeting, "greet").steps] == ["send_email"]


def test_delete_with_upcoming_runs_says_how_many_it_cancels(
    qtbot: Any, greeting: AppContext, window: MainWindow, monkeypatch: Any
) -> None:
    for _ in range(3):
        greeting.service.schedule("greet", {"user": "ada"}, at=None)
    area = window.workflows_area
    area.select("greet")
    questions: list[str] = []
    monkeypatch.setattr(area, "confirm", lambda title, q: questions.append(q) or True)
    qtbot.mouseClick(area.delete_button, Qt.MouseButton.LeftButton)
    assert "3 upcoming runs" in questions[0]
    assert stored(greeting, "greet") is None
    from app.storage import ledger

    with greeting.db.read() as session:
        assert ledger.count_scheduled(session) == 0

    window.undo_action.trigger()  # the workflow and its three runs are back
    assert stored(greeting, "greet") is not None
    with greeting.db.read() as session:
        assert ledger.count_scheduled(session) == 3
    window.redo_action.trigger()
    with greeting.db.read() as session:
        assert ledger.count_scheduled(session) == 0


def test_renaming_moves_upcoming_runs_and_undo_moves_them_back(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    from datetime import timedelta

    from app.core.types import utcnow
    from app.engine.service import Service
    from app.storage import ledger

    run_id = Service(greeting.db).schedule(
        "greet", {"user": "ada"}, at=utcnow() + timedelta(hours=2)
    )
    messages: list[str] = []
    area = window.workflows_area
    area.status_message.connect(messages.append)
    area.select("greet")
    type_into(qtbot, area.editor.name_edit, "welcome")

    def run_workflow() -> str:
        with greeting.db.read() as session:
            return ledger.get_run(session, run_id).workflow

    assert stored(greeting, "greet") is None and stored(greeting, "welcome") is not None
    assert run_workflow() == "welcome"
    assert messages[-1] == "Renamed; moved 1 run"
    window.undo_action.trigger()
    assert stored(greeting, "welcome") is None and stored(greeting, "greet") is not None
    assert run_workflow() == "greet"


def _upcoming(context: AppContext, workflow: str) -> int:
    from app.storage import ledger

    with context.db.read() as session:
        return ledger.count_scheduled(session, workflow)


def test_undo_finds_the_stored_workflow_after_edits_that_could_not_be_saved(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    import dataclasses

    from app.core.definitions import StepDef

    greeting.service.schedule("greet", {"user": "ada"}, at=None)
    area = window.workflows_area
    area.select("greet")
    good = stored(greeting, "greet")
    broken = dataclasses.replace(
        good, steps=(*good.steps, StepDef("log", {"message": "{{ nosuchname }}"}))
    )
    area.on_editor_edited(broken, "add a step")  # a problem: not saved
    area.on_editor_edited(dataclasses.replace(broken, name="welcome"), "rename")  # not saved
    area.on_editor_edited(dataclasses.replace(good, name="welcome"), "remove the step")  # saved
    assert stored(greeting, "greet") is None and _upcoming(greeting, "welcome") == 1
    for _ in range(3):
        window.undo_action.trigger()
    with greeting.db.read() as session:
        assert catalog.workflow_names(session) == {"greet"}  # not a copy under each name
    assert _upcoming(greeting, "greet") == 1


def test_undoing_a_delete_brings_back_what_was_stored_not_the_unsaved_draft(
    qtbot: Any, greeting: AppContext, window: MainWindow, monkeypatch: Any
) -> None:
    import dataclasses

    from app.core.definitions import StepDef

    greeting.service.schedule("greet", {"user": "ada"}, at=None)
    area = window.workflows_area
    area.select("greet")
    good = stored(greeting, "greet")
    area.on_editor_edited(
        dataclasses.replace(good, steps=(StepDef("log", {"message": "{{ nosuchname }}"}),)),
        "break it",
    )
    monkeypatch.setattr(area, "confirm", lambda title, question: True)
    qtbot.mouseClick(area.delete_button, Qt.MouseButton.LeftButton)
    assert stored(greeting, "greet") is None and _upcoming(greeting, "greet") == 0
    window.undo_action.trigger()
    assert dataclasses.replace(stored(greeting, "greet"), version=0) == dataclasses.replace(
        good, version=0
    )
    assert _upcoming(greeting, "greet") == 1


def test_unknown_field_of_a_known_type_is_an_inline_error_while_typing(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    area = window.workflows_area
    area.select("greet")
    editor = area.editor
    editor.select_step(0)
    form = editor.step_form
    assert form is not None
    to = form.widgets["to"]
    to.setFocus()
    to.selectAll()
    qtbot.keyClicks(to, "{{ user.na }}")
    assert form.errors["to"].isVisible()
    assert "User has no field 'na'" in form.errors["to"].text()
    qtbot.keyClick(to, Qt.Key.Key_Return)
    assert stored(greeting, "greet").steps[0].inputs["to"] == "{{ user.email }}"
    assert "Step 1 · Send email: To — User has no field 'na'" in editor.problem_banner.text()
    assert not editor.run_now_button.isEnabled()

    to.selectAll()
    qtbot.keyClicks(to, "{{ user.email }}")
    assert not form.errors["to"].isVisible()


def test_undo_acts_only_on_the_area_shown(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    from app.ui.shell.main_window import AREA_DATA, AREA_SCHEDULER, AREA_WORKFLOWS

    area = window.workflows_area
    area.select("greet")
    type_into(qtbot, area.editor.label_edit, "Say hello")
    assert window.undo_action.isEnabled()
    assert "label" in window.undo_action.text()

    for other in (AREA_SCHEDULER, AREA_DATA):
        window.show_area(other)
        assert not window.undo_action.isEnabled()
        assert "label" not in window.undo_action.text()
        window.undo_action.trigger()  # the shortcut does nothing here
        assert stored(greeting, "greet").label == "Say hello"

    window.show_area(AREA_WORKFLOWS)
    assert window.undo_action.isEnabled() and "label" in window.undo_action.text()
    window.undo_action.trigger()
    assert stored(greeting, "greet").label == "Greet a user"
    assert window.redo_action.isEnabled()
    window.show_area(AREA_SCHEDULER)
    assert not window.redo_action.isEnabled()
