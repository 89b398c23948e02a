"""What a first-time user does in the seed tutorial, driven through the real widgets:
the fixes for the stumbles a new user met (each test names the stumble)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QMenu

from app.core.definitions import FieldDef
from app.core.types import ValueType
from app.engine.dynamic_data import DataEntry, DataGroup
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import AREA_DATA, AREA_SCHEDULER, MainWindow
from app.ui.widgets.dynamic_data import menu_actions
from app.ui.widgets.inputs import OptionalDateEditor, ThingPicker


def test_add_field_opens_the_name_for_typing_and_tab_moves_to_its_type(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    window.show_area(AREA_DATA)
    area = window.data_area
    qtbot.waitUntil(lambda: area.current is not None and area.current.name == "User")
    messages: list[str] = []
    area.status_message.connect(messages.append)
    qtbot.mouseClick(area.add_field_button, Qt.MouseButton.LeftButton)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.selectedText() == "field1"
    qtbot.keyClicks(editor, "birthday")  # typing replaces the whole name
    qtbot.keyClick(editor, Qt.Key.Key_Tab)  # saved once the editor has closed
    qtbot.waitUntil(lambda: area.current is not None and area.current.fields[2].name == "birthday")
    combo = area.fields_table.cellWidget(2, 1)
    assert isinstance(combo, QComboBox)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is combo)
    assert area.current is not None
    assert messages == ["Added the field birthday"]  # words, not "field1 → birthday (s)"
    assert area.current.fields[2].type == ValueType("date")  # what its name suggests
    assert combo.currentText() == "date"
    combo.setCurrentIndex(combo.findText("text"))  # a suggestion, changed freely
    assert area.current.fields[2].type == ValueType("text")
    qtbot.mouseClick(area.add_field_button, Qt.MouseButton.LeftButton)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "user")  # a data type's name: a reference to one
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # (Qt commits it just after)
    qtbot.waitUntil(lambda: area.current is not None and len(area.current.fields) == 4)
    qtbot.waitUntil(lambda: area.current is not None and area.current.fields[3].name == "user")
    assert area.current.fields[3].type == ValueType("User")


def test_things_show_their_fields_first_and_the_added_one_by_its_name(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    window.show_area(AREA_DATA)
    area = window.data_area
    model = area.things_model
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["email (text)", "name (text)", "ID"]
    assert model.index(0, 0).data() == "ada@example.com"
    messages: list[str] = []
    area.status_message.connect(messages.append)
    qtbot.mouseClick(area.add_thing_button, Qt.MouseButton.LeftButton)
    dialog = area.add_thing_dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.editors["email"].line, "grace@example.com")  # type: ignore[attr-defined]
    qtbot.keyClicks(dialog.editors["name"].line, "Grace")  # type: ignore[attr-defined]
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    assert messages == ["Added User Grace"]


def test_an_optional_date_starts_empty_and_is_set_by_typing_or_picking_a_day(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    area = window.data_area
    assert area.data_service.add_field("User", FieldDef("birthday", ValueType("date")))
    area.reload("User")
    qtbot.mouseClick(area.add_thing_button, Qt.MouseButton.LeftButton)
    dialog = area.add_thing_dialog
    assert dialog is not None
    birthday = dialog.editors["birthday"]
    assert isinstance(birthday, OptionalDateEditor) and birthday.value() is None
    assert birthday.line.isEnabled()  # no box to tick first
    qtbot.keyClicks(birthday.line, "1990-05-14")  # typed directly; a day alone is 09:00
    zone = birthday.zone_info
    assert birthday.value() == datetime(1990, 5, 14, 9, 0, tzinfo=zone)
    # a day picked from the calendar keeps the typed time
    birthday.line.setText("1990-05-14 18:30")
    birthday.on_calendar_about_to_show()
    assert birthday.calendar.selectedDate() == QDate(1990, 5, 14)
    birthday.calendar.clicked.emit(QDate(1990, 5, 20))
    assert birthday.value() == datetime(1990, 5, 20, 18, 30, tzinfo=zone)
    birthday.clear()
    birthday.calendar.clicked.emit(QDate(2001, 2, 3))  # nothing typed: 09:00
    assert birthday.value() == datetime(2001, 2, 3, 9, 0, tzinfo=zone)
    # hostile text: the service says what is wrong; nothing is added
    birthday.line.setText("14th of Smarch \udcff" + "9" * 500)
    qtbot.keyClicks(dialog.editors["name"].line, "Grace")  # type: ignore[attr-defined]
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.problem.text().startswith("Birthday: type a date")
    assert area.data_service.things_page("User", "", 0, 10).__len__() == 1
    birthday.line.setText("1990-05-14")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: area.things_model.rowCount() == 2)
    (grace,) = [r for r in area.data_service.things_page("User", "Grace", 0, 10)]
    assert grace.data["birthday"].startswith("1990-05-14T09:00")


def stored_names(context: AppContext) -> set[str]:
    return set(context.workflows.names())


def test_typing_a_workflow_name_derives_its_technical_name_without_a_ghost_entry(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    window.new_workflow_action.trigger()
    area = window.workflows_area
    editor = area.editor
    label = editor.label_edit
    assert QApplication.focusWidget() is label and label.selectedText() == "New workflow"
    qtbot.keyClicks(label, "Send birthday email")  # typed over the selection
    assert editor.name_edit.text() == "send_birthday_email"  # shown while typing
    assert not editor.workflow_panel.name_error.isVisible()
    assert len(area.workflow_names()) == 2  # no ghost entry while typing
    qtbot.keyClick(label, Qt.Key.Key_Return)
    assert stored_names(greeting) == {"greet", "send_birthday_email"}
    assert area.workflow_names() == ["greet", "send_birthday_email"]
    items = [area.workflow_list.item(i) for i in range(area.workflow_list.count())]
    assert [i.text() for i in items] == ["Greet a user", "Send birthday email"]
    assert "send_birthday_email" in items[1].toolTip()
    # renaming again follows too; a name taken by another workflow gets a number
    label.selectAll()
    qtbot.keyClicks(label, "greet")
    assert editor.name_edit.text() == "greet_2"
    qtbot.keyClick(label, Qt.Key.Key_Return)
    assert stored_names(greeting) == {"greet", "greet_2"}
    # a technical name the person chose no longer follows the name
    editor.name_edit.selectAll()
    qtbot.keyClicks(editor.name_edit, "Not Valid")
    qtbot.keyClick(editor.name_edit, Qt.Key.Key_Return)
    assert editor.workflow_panel.name_error.isVisible()  # a draft with its problem …
    assert area.workflow_names() == ["Not Valid", "greet"]  # … in the place of greet_2
    assert stored_names(greeting) == {"greet", "greet_2"}
    editor.name_edit.selectAll()
    qtbot.keyClicks(editor.name_edit, "birthday_mail")
    qtbot.keyClick(editor.name_edit, Qt.Key.Key_Return)
    label.selectAll()
    qtbot.keyClicks(label, "Happy birthday")
    qtbot.keyClick(label, Qt.Key.Key_Return)
    assert stored_names(greeting) == {"greet", "birthday_mail"}
    assert area.workflow_names() == ["birthday_mail", "greet"]


def test_add_parameter_opens_its_key_for_typing_and_tab_moves_to_its_type(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    area = window.workflows_area
    area.select("greet")
    editor = area.editor
    qtbot.mouseClick(editor.add_param_button, Qt.MouseButton.LeftButton)
    key = QApplication.focusWidget()
    assert isinstance(key, QLineEdit) and key.selectedText() == "parameter_1"
    qtbot.keyClicks(key, "birthday")
    qtbot.keyClick(key, Qt.Key.Key_Tab)  # kept once the editor has closed
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QComboBox))
    combo = editor.params_table.cellWidget(1, 1)
    assert QApplication.focusWidget() is combo
    qtbot.waitUntil(lambda: combo.currentText() == "date")  # what the name suggests
    qtbot.keyClicks(combo, "yes")  # a closed combo box picks by the typed letters
    assert combo.currentText() == "yes/no"
    combo.setCurrentIndex(combo.findText("date"))
    qtbot.mouseClick(editor.add_param_button, Qt.MouseButton.LeftButton)
    key = QApplication.focusWidget()
    assert isinstance(key, QLineEdit)
    qtbot.keyClicks(key, "owner")  # not a type's name: text, as it was
    qtbot.mouseClick(editor.add_param_button, Qt.MouseButton.LeftButton)  # leaving commits
    key = QApplication.focusWidget()
    assert isinstance(key, QLineEdit)
    qtbot.keyClicks(key, "USER")
    qtbot.keyClick(key, Qt.Key.Key_Return)  # (Qt commits it just after)
    qtbot.waitUntil(
        lambda: editor.workflow is not None and editor.workflow.parameters[-1].key == "USER"
    )
    wf = greeting.workflows.find("greet")
    assert wf is not None
    assert [(p.key, str(p.type)) for p in wf[0].parameters] == [
        ("user", "User"),
        ("birthday", "date"),
        ("owner", "text"),
        ("USER", "User"),
    ]


def test_a_new_step_says_required_only_after_leaving_and_checks_while_typing(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    area = window.workflows_area
    area.select("greet")
    editor = area.editor
    editor.add_step("send_email")
    form = editor.step_form
    assert form is not None and editor.selected_step() == 1
    errors = form.errors
    assert not any(errors[name].isVisibleTo(form) for name in ("to", "subject", "body"))
    assert not editor.schedule_button.isEnabled()  # not saved: still a draft …
    assert "To is required" in editor.schedule_button.toolTip()  # … and it says why,
    assert not editor.problem_banner.isVisibleTo(editor)  # but nothing opens in red
    card = editor.flow.card(editor.flow.row_of_step(1))
    assert card is not None and not card.problem
    to = form.widgets["to"]
    line_height = errors["to"].parentWidget().height()
    to.setFocus()
    form.widgets["subject"].setFocus()  # left "To" empty: now it says so
    qtbot.waitUntil(lambda: errors["to"].isVisibleTo(form))
    assert "required" in errors["to"].text().lower()
    assert editor.problem_banner.isVisibleTo(editor)
    assert "To is required" in editor.problem_banner.text()
    assert "Subject" not in editor.problem_banner.text()  # not left yet
    assert errors["to"].parentWidget().height() == line_height  # the form did not move
    qtbot.keyClicks(to, "{{ user.email }}")
    qtbot.keyClicks(form.widgets["subject"], "Happy birthday")
    body = form.widgets["body"]
    body.setFocus()
    qtbot.keyClicks(body, "Have a great day.")
    # no Tab, no click elsewhere: the pause after typing checks and saves
    qtbot.waitUntil(lambda: editor.schedule_button.isEnabled(), timeout=3000)
    assert not editor.problem_banner.isVisible()
    assert not errors["to"].isVisibleTo(form)
    wf = greeting.workflows.find("greet")
    assert wf is not None and wf[0].steps[1].inputs["body"] == "Have a great day."
    assert QApplication.focusWidget() is body  # typing was not interrupted


def _direct(menu: QMenu) -> dict[str, QAction]:
    return {a.text(): a for a in menu.actions() if not a.isSeparator() and a.text()}


def test_insert_data_reaches_a_field_in_three_clicks_and_reads_in_words(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    area = window.workflows_area
    area.select("greet")
    editor = area.editor
    editor.add_step("send_email")
    form = editor.step_form
    assert form is not None
    button = form.data_buttons["to"]
    menu = button.build_menu()  # click 1: Insert data
    top = _direct(menu)
    email = top["user's email"]  # click 2: few fields, each at the top
    assert email.menu() is None
    email.trigger()
    to = form.widgets["to"]
    assert to.text() == "{{ user.email }}"
    # edited, it is the raw token; elsewhere it reads as a chip of words
    assert QApplication.focusWidget() is to and not to.chips_shown()
    raw = to.grab().toImage()
    form.widgets["subject"].setFocus()
    qtbot.waitUntil(lambda: to.chips_shown())
    assert to.grab().toImage() != raw  # drawn otherwise
    assert to.text() == "{{ user.email }}"  # the stored text is the token
    draft = editor.workflow  # subject and body are missing still: not saved yet
    assert draft is not None and draft.steps[1].inputs["to"] == "{{ user.email }}"
    # what changes a value waits in a submenu of its own, in words
    more = top["Change a value (capitals, + days, formats …)"].menu()
    assert isinstance(more, QMenu)
    changes = _direct(_direct(more)["user's name"].menu())  # type: ignore[arg-type]
    assert "user's name in capitals" in changes
    texts = [action.text() for action in menu_actions(menu)]
    assert texts and not any(re.search(r"[A-Za-z]:[a-z]", text) for text in texts)  # no code
    # a condition lists its tests in place
    condition = form.data_buttons["only_when"].build_menu()
    tests = _direct(_direct(condition)["user's email"].menu())  # type: ignore[arg-type]
    assert "user's email is not empty" in tests
    # many fields: a parameter's fields are in its submenu, still each one click there
    many = [
        DataEntry(
            f"p{i}",
            f"p{i}",
            "T",
            tuple(DataEntry(f"p{i}'s f", f"p{i}.f", "text") for _ in range(1)),
        )
        for i in range(9)
    ]
    button.set_groups([DataGroup("Parameters", tuple(many))])
    nested = _direct(button.build_menu())
    assert "p0's f" in _direct(nested["p0"].menu())  # type: ignore[arg-type]


def test_schedule_dialog_picks_whole_hours_names_things_by_label_and_closes(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    area = window.workflows_area
    area.select("greet")
    dialog = area.open_run_dialog(False)
    assert dialog is not None
    picker = dialog.editors["user"]
    assert isinstance(picker, ThingPicker)
    qtbot.waitUntil(lambda: not picker.loading)  # the choices are read on a worker
    assert [picker.combo.itemText(i) for i in range(picker.combo.count())] == [
        "Ada <ada@example.com>"
    ]  # no ID to read
    assert picker.value() == "ada"
    at = dialog.at_editor.value()
    assert (at.minute, at.second) == (0, 0) and at > datetime.now(at.tzinfo)
    # another day picked, the time untouched: that day at 09:00
    day = at.date() + timedelta(days=3)
    edit = dialog.at_editor.edit
    edit.setDate(QDate(day.year, day.month, day.day))
    assert dialog.at_editor.value().date() == day
    assert dialog.at_editor.value().time() == time(9, 0)
    # a time chosen stays when the day changes again
    edit.setTime(QTime(18, 30))
    edit.setDate(QDate(day.year, day.month, day.day).addDays(1))
    assert dialog.at_editor.value().time() == time(18, 30)
    assert "Nobody" in dialog.run_as.combo.currentText()
    with qtbot.waitSignal(dialog.announced) as blocker:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    text, run_id = blocker.args
    assert text.startswith("Scheduled Greet a user for ") and text.endswith("18:30")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.run_notice.label.text() == text and window.run_notice.key == run_id


def test_upcoming_reads_in_words_and_cancelling_moves_nothing(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    run_id = greeting.service.schedule(
        "greet", {"user": "ada"}, at=datetime.now().astimezone() + timedelta(days=3)
    )
    window.show_area(AREA_SCHEDULER)
    area = window.scheduler_area
    area.reload()
    model, view = area.upcoming_model, area.upcoming_view
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    U = type(model)
    assert model.index(0, U.COL_WORKFLOW).data() == "Greet a user"  # the label
    assert model.index(0, U.COL_RUN_AS).data() == ""  # not "nobody"
    assert model.index(0, U.COL_PARAMS).data() == "User: Ada"
    assert view.isColumnHidden(U.COL_ID)  # the ID waits in the header's menu …
    header = view.horizontalHeader()
    assert header.visualIndex(U.COL_CANCEL) == header.count() - 1  # Cancel stays last
    menu = area.upcoming_page.fitter.header_menu()
    (show_id,) = [a for a in menu.actions() if a.text() == "ID"]
    show_id.trigger()
    assert not view.isColumnHidden(U.COL_ID)
    assert header.visualIndex(U.COL_ID) == header.count() - 2  # … and comes last
    table_top = view.geometry().top()
    area.cancel_runs([run_id])
    qtbot.waitUntil(lambda: model.rowCount() == 0)
    assert area.upcoming_page.empty.shown()  # "Nothing is scheduled …"
    assert view.geometry().top() == table_top  # in its kept line: the table stays put
    bar = area.undo_bar
    assert bar.label.text().startswith("Cancelled Greet a user (") and bar.isVisible()
    assert window.statusBar().currentMessage() == ""  # said once
    assert not window.run_notice.isVisible()  # no "Scheduled … — Show" beside it


def test_the_window_goes_down_to_900_by_600_on_every_area(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    for area in range(4):
        window.show_area(area)
        hint = window.minimumSizeHint()
        assert hint.width() <= 900 and hint.height() <= 600, (area, hint)
    window.resize(900, 600)
    qtbot.waitUntil(lambda: window.width() == 900 and window.height() == 600)
    window.show_area(AREA_SCHEDULER)
    view = window.scheduler_area.upcoming_view
    assert not view.isColumnHidden(type(window.scheduler_area.upcoming_model).COL_CANCEL)


def test_a_field_name_being_typed_is_saved_before_add_thing_opens_its_form(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    window.show_area(AREA_DATA)
    area = window.data_area
    qtbot.waitUntil(lambda: area.current is not None and area.current.name == "User")
    qtbot.mouseClick(area.add_field_button, Qt.MouseButton.LeftButton)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "birthday")  # no Return: the next click leaves the name
    qtbot.mouseClick(area.add_thing_button, Qt.MouseButton.LeftButton)
    dialog = area.add_thing_dialog
    assert dialog is not None
    assert isinstance(dialog.editors.get("birthday"), OptionalDateEditor)
    dialog.reject()


def test_data_edits_are_undoable_from_the_edit_menu(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    window.show_area(AREA_DATA)
    area = window.data_area
    model = area.things_model
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert not window.undo_action.isEnabled()
    assert model.setData(model.index(0, 1), "Ada Lovelace")  # a cell edit
    assert greeting.data.things_page("User", "", 0, 5)[0].data["name"] == "Ada Lovelace"
    assert window.undo_action.isEnabled()
    window.undo_action.trigger()
    assert greeting.data.things_page("User", "", 0, 5)[0].data["name"] == "Ada"
    assert model.index(0, 1).data() == "Ada"  # shown as stored
    window.redo_action.trigger()
    assert model.index(0, 1).data() == "Ada Lovelace"
    # a refused value is no command: nothing to undo for it
    count = window.data_undo_stack.count()
    assert greeting.data.add_field("User", FieldDef("joined", ValueType("number")))
    model.set_data_type(greeting.data.data_type("User"))
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.columnCount() == 4)
    assert not model.setData(model.index(0, 2), "1e999")  # not a finite number
    assert "joined" in model.error or "number" in model.error
    assert window.data_undo_stack.count() == count
    area.reload("User")
    # a rename moves the values; undo moves them back
    area.fields_table.item(1, 0).setText("full_name")
    assert area.current is not None and area.current.fields[1].name == "full_name"
    window.undo_action.trigger()
    assert area.current is not None and area.current.fields[1].name == "name"
    assert greeting.data.things_page("User", "", 0, 5)[0].data["name"] == "Ada Lovelace"
    # removing a field is not undoable (its values are gone): the stack is cleared
    area.fields_table.setCurrentCell(0, 0)
    qtbot.mouseClick(area.remove_field_button, Qt.MouseButton.LeftButton)
    assert [f.name for f in area.current.fields] == ["name", "joined"]
    assert not window.undo_action.isEnabled()
    window.show_area(AREA_SCHEDULER)  # elsewhere, Data's edits are not undone
    assert not window.undo_action.isEnabled()


def test_upcoming_follows_a_workflow_label_changed_in_the_editor(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    greeting.service.schedule(
        "greet", {"user": "ada"}, at=datetime.now().astimezone() + timedelta(days=1)
    )
    area = window.scheduler_area
    model = area.upcoming_model
    area.reload()
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert model.index(0, type(model).COL_WORKFLOW).data() == "Greet a user"
    workflows = window.workflows_area
    workflows.select("greet")
    label = workflows.editor.label_edit
    label.selectAll()
    qtbot.keyClicks(label, "Say hello")
    qtbot.keyClick(label, Qt.Key.Key_Return)
    area.reload()
    assert model.index(0, type(model).COL_WORKFLOW).data() == "Say hello"


def test_the_workflow_settings_say_1_second_not_1_seconds(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    panel = window.workflows_area.editor.workflow_panel
    panel.timeout_spin.setValue(1)
    panel.attempts_spin.setValue(1)
    assert panel.timeout_spin.text() == "1 second" and panel.attempts_spin.text() == "1 more try"
    panel.timeout_spin.setValue(300)
    assert panel.timeout_spin.text() == "300 seconds"
