"""The Data area's privacy-rules editor and the Triggers editor."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.core.definitions import TriggerDef
from app.storage import catalog, ledger, views
from app.ui.areas.data.area import TAB_PRIVACY, TAB_TRIGGERS
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import AREA_DATA, AREA_SCHEDULER, MainWindow
from app.workflow_file import import_text


def test_privacy_editor_saves_a_rule_and_everyone_else(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    window.show_area(AREA_DATA)
    area = window.data_area
    area.type_tabs.setCurrentIndex(TAB_PRIVACY)
    editor = area.privacy_editor
    assert editor.definition is not None and editor.definition.name == "User"
    assert "no privacy rules" in editor.summary.text()
    assert not editor.save_button.isEnabled()

    qtbot.mouseClick(editor.add_rule_button, Qt.MouseButton.LeftButton)
    assert editor.rule_list.count() == 1
    editor.name_edit.clear()
    qtbot.keyClicks(editor.name_edit, "Own record")
    editor.condition_edit.setText("thing.email == current_usr.email")
    assert editor.condition_error.isVisibleTo(editor)
    assert "current_usr" in editor.condition_error.text()
    assert not editor.save_button.isEnabled()
    editor.condition_edit.setText("thing.email == current_user.email")
    assert not editor.condition_error.isVisibleTo(editor)
    editor.rule_grant.modify_check.setChecked(True)

    editor.others_enabled.setChecked(True)
    editor.others_grant.view_listed.setChecked(True)
    names = [editor.others_grant.fields.item(i) for i in range(editor.others_grant.fields.count())]
    next(item for item in names if item.text() == "name").setCheckState(Qt.CheckState.Checked)
    editor.others_grant.find_check.setChecked(True)
    assert editor.save_button.isEnabled(), editor.problem.text()
    with qtbot.waitSignal(editor.saved):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    with greeting.db.read() as session:
        privacy = catalog.get_data_type(session, "User").privacy
    (rule,) = privacy.rules
    assert (rule.name, rule.when, rule.view) == (
        "Own record",
        "thing.email == current_user.email",
        "all",
    )
    assert (rule.find, rule.modify, rule.delete) == (True, True, False)
    assert privacy.everyone_else is not None
    assert privacy.everyone_else.view == ("name",)
    assert privacy.everyone_else.find and not privacy.everyone_else.modify
    # fields edited afterwards keep the rules
    qtbot.mouseClick(area.add_field_button, Qt.MouseButton.LeftButton)
    with greeting.db.read() as session:
        assert catalog.get_data_type(session, "User").privacy == privacy


def test_trigger_editor_saves_a_trigger_that_a_new_thing_starts(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    window.show_area(AREA_DATA)
    area = window.data_area
    area.tabs.setCurrentIndex(TAB_TRIGGERS)
    editor = area.triggers_editor
    assert editor.trigger_list.count() == 0
    qtbot.mouseClick(editor.new_button, Qt.MouseButton.LeftButton)
    editor.name_edit.setText("welcome")
    assert editor.type_combo.currentText() == "User"
    assert editor.event_checks["created"].isChecked()
    assert editor.workflow_combo.currentData() == "greet"
    # a User parameter is offered the changed thing
    assert editor.param_edits["user"].text() == "{{ thing_now }}"
    editor.condition_edit.setText("thing_now.emial is not none and")
    assert editor.condition_error.isVisibleTo(editor)
    assert not editor.save_button.isEnabled()
    editor.condition_edit.setText("thing_now is not none")
    editor.param_edits["user"].setText("{{ thing_after }}")
    assert "thing_after" in editor.param_errors["user"].text()
    assert not editor.save_button.isEnabled()
    editor.param_edits["user"].setText("{{ thing_now }}")
    assert editor.save_button.isEnabled(), editor.problem.text()
    with qtbot.waitSignal(editor.saved):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    with greeting.db.read() as session:
        assert catalog.list_triggers(session) == [
            TriggerDef(
                "welcome",
                "User",
                ("created",),
                "greet",
                "thing_now is not none",
                {"user": "{{ thing_now }}"},
            )
        ]
    assert editor.trigger_list.count() == 1 and editor.editing == "welcome"

    # a thing added in the Data area goes through the service: the trigger starts a run
    area.tabs.setCurrentIndex(0)
    qtbot.mouseClick(area.add_thing_button, Qt.MouseButton.LeftButton)
    dialog = area.add_thing_dialog
    assert dialog is not None
    dialog.editors["email"].line.setText("new@example.com")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not area.things_model.loading)  # read on a worker
    new_id = area.things_model.thing_id(area.things_model.rowCount() - 1)
    with greeting.db.read() as session:
        upcoming = views.upcoming_page(session, views.RunFilter())
    assert [(r.workflow, r.params) for r in upcoming] == [("greet", {"user": new_id})]
    window.show_area(AREA_SCHEDULER)
    qtbot.waitUntil(lambda: window.scheduler_area.upcoming_model.rowCount() == 1, timeout=3000)

    # editing a cell also goes through the service (modified: not this trigger's event)
    model = area.things_model
    row = model.rowCount() - 1
    assert model.setData(model.index(row, 1), "New person")  # fields first, the ID last
    with greeting.db.read() as session:
        assert ledger.count_scheduled(session) == 1
        assert catalog.get_thing(session, new_id).raw["name"] == "New person"

    # renaming replaces the trigger; delete removes it
    editor.name_edit.setText("welcome_user")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    with greeting.db.read() as session:
        assert [t.name for t in catalog.list_triggers(session)] == ["welcome_user"]
    editor.confirm = lambda title, question: True  # type: ignore[method-assign]
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    with greeting.db.read() as session:
        assert catalog.list_triggers(session) == []
    assert editor.trigger_list.count() == 0 and not editor.form_box.isEnabled()


def test_unknown_fields_are_inline_errors_in_rules_and_triggers(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    window.show_area(AREA_DATA)
    area = window.data_area
    area.type_tabs.setCurrentIndex(TAB_PRIVACY)
    editor = area.privacy_editor
    qtbot.mouseClick(editor.add_rule_button, Qt.MouseButton.LeftButton)
    editor.condition_edit.setText("thing.emial == current_user.email")
    assert editor.condition_error.isVisibleTo(editor)
    assert "User has no field 'emial'" in editor.condition_error.text()
    assert not editor.save_button.isEnabled()

    area.tabs.setCurrentIndex(TAB_TRIGGERS)
    triggers = area.triggers_editor
    qtbot.mouseClick(triggers.new_button, Qt.MouseButton.LeftButton)
    triggers.name_edit.setText("welcome")
    triggers.condition_edit.setText("thing_now.emale is not none")
    assert "User has no field 'emale'" in triggers.condition_error.text()
    triggers.condition_edit.setText("thing_now.email is not none")
    triggers.param_edits["user"].setText("{{ thing_before.nme }}")
    assert "User has no field 'nme'" in triggers.param_errors["user"].text()
    assert not triggers.save_button.isEnabled()
    triggers.param_edits["user"].setText("{{ thing_now }}")
    assert triggers.save_button.isEnabled(), triggers.problem.text()


ADD_THING = """
cueflow: 1
data_types:
  User:
    fields: {email: text, name: text, age: number, vip: yes/no, tags: list of text}
workflows:
  welcome:
    parameters: {user: {type: User}}
    steps:
      - action: log
        with: {message: "{{ user.email }}"}
triggers:
  on_new_user:
    data_type: User
    on: [created]
    workflow: welcome
    params: {user: "{{ thing_now }}"}
"""


def test_add_thing_asks_for_the_fields_and_saves_once_on_save(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    import_text(context.db, ADD_THING)
    window.data_area.reload("User")
    window.show_area(AREA_DATA)
    area = window.data_area

    def stored() -> tuple[list[Any], int]:
        with context.db.read() as session:
            return catalog.list_things(session, "User"), ledger.count_scheduled(session)

    # Cancel saves nothing and starts nothing
    qtbot.mouseClick(area.add_thing_button, Qt.MouseButton.LeftButton)
    dialog = area.add_thing_dialog
    assert dialog is not None and dialog.isVisible()
    assert stored() == ([], 0)  # nothing saved while the form is open
    dialog.editors["email"].line.setText("half@example.com")
    dialog.reject()
    assert stored() == ([], 0) and area.things_model.rowCount() == 0

    # a value that does not fit is said in the form, which stays open
    qtbot.mouseClick(area.add_thing_button, Qt.MouseButton.LeftButton)
    dialog = area.add_thing_dialog
    assert dialog is not None
    dialog.editors["email"].line.setText("ada@example.com")
    dialog.editors["name"].line.setText("Ada")
    dialog.editors["age"].line.setText("many")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "'many' is not a number" in dialog.problem.text()
    assert stored() == ([], 0)

    dialog.editors["age"].line.setText("36")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    things, scheduled = stored()
    (thing,) = things
    assert thing.raw == {"email": "ada@example.com", "name": "Ada", "age": 36, "vip": False}
    assert scheduled == 1  # the created trigger fired once, on the filled-in thing
    with context.db.read() as session:
        (run,) = views.upcoming_page(session, views.RunFilter())
    assert run.params == {"user": thing.id}
    qtbot.waitUntil(lambda: area.things_model.rowCount() == 1)


def test_unsaved_privacy_edits_are_not_dropped_when_leaving(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    from PySide6.QtWidgets import QMessageBox

    window.show_area(AREA_DATA)
    area = window.data_area
    area.type_tabs.setCurrentIndex(TAB_PRIVACY)
    editor = area.privacy_editor
    answers: list[QMessageBox.StandardButton] = []
    asked: list[bool] = []

    def ask(can_save: bool, reason: str) -> QMessageBox.StandardButton:
        asked.append(can_save)
        return answers.pop(0)

    editor.ask_unsaved = ask  # type: ignore[method-assign]

    def stored_rules() -> tuple[Any, ...]:
        with greeting.db.read() as session:
            return catalog.get_data_type(session, "User").privacy.rules

    qtbot.mouseClick(editor.add_rule_button, Qt.MouseButton.LeftButton)
    editor.name_edit.setText("Own record")
    editor.on_rule_edited()
    assert editor.dirty

    # Cancel: the window stays in the Data area, the edits stay on screen
    answers.append(QMessageBox.StandardButton.Cancel)
    window.show_area(AREA_SCHEDULER)
    assert asked == [True]
    assert window.current_area() == AREA_DATA and window.sidebar.currentRow() == AREA_DATA
    assert editor.dirty and editor.rule_list.count() == 1

    # Save: stored, then the area changes
    answers.append(QMessageBox.StandardButton.Save)
    window.show_area(AREA_SCHEDULER)
    assert window.current_area() == AREA_SCHEDULER
    assert [r.name for r in stored_rules()] == ["Own record"]
    window.show_area(AREA_DATA)
    assert editor.rule_list.count() == 1 and not editor.dirty

    # a change that cannot be saved yet: Discard is offered, Save is not
    editor.condition_edit.setText("thing.email ==")
    assert editor.dirty
    answers.append(QMessageBox.StandardButton.Discard)
    qtbot.mouseClick(area.add_field_button, Qt.MouseButton.LeftButton)  # reloads the type
    assert asked[-1] is False
    assert stored_rules()[0].when == "thing.email == current_user.email"
    assert not editor.dirty

    # no question when nothing is unsaved
    window.show_area(AREA_SCHEDULER)
    assert len(asked) == 3 and window.current_area() == AREA_SCHEDULER
