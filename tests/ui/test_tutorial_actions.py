"""The seed tutorial's steps as a first-time user does them, with mouse and keyboard
through the real widgets, each test counting its actions (issue 14: the tutorial
in under 40 actions). One action: a click, a typed word, or one key."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QWidget,
)

from app.core.types import ValueType
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import AREA_DATA, MainWindow
from app.ui.widgets.dynamic_data import LeftwardMenu, menu_actions


class Actions:
    """Drives the widgets like the person did and counts what they did."""

    def __init__(self, qtbot: Any) -> None:
        self.qtbot = qtbot
        self.count = 0

    def click(self, widget: Any) -> None:
        self.count += 1
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def type(self, text: str) -> None:
        """Type into whatever has the focus (the person does not click first)."""
        self.count += 1
        focused = QApplication.focusWidget()
        assert isinstance(focused, QLineEdit), focused
        self.qtbot.keyClicks(focused, text)

    def key(self, key: Qt.Key) -> None:
        self.count += 1
        focused = QApplication.focusWidget()
        assert focused is not None
        self.qtbot.keyClick(focused, key)


def _answer_new_type(qtbot: Any, actions: Actions, name: str) -> None:
    """Type the new type's name into the modal name question, then Return."""

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog) or not dialog.isVisible():
            QTimer.singleShot(10, answer)  # not shown yet
            return
        line = dialog.findChild(QLineEdit)
        line.setFocus()
        actions.count += 1
        qtbot.keyClicks(line, name)
        actions.count += 1
        qtbot.keyClick(line, Qt.Key.Key_Return)

    QTimer.singleShot(0, answer)


def test_a_new_data_type_and_its_fields_take_seven_actions(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    window.show_area(AREA_DATA)
    area = window.data_area
    qtbot.waitExposed(window)
    window.activateWindow()
    actions = Actions(qtbot)
    messages: list[str] = []
    area.status_message.connect(messages.append)
    _answer_new_type(qtbot, actions, "User")
    actions.click(area.new_type_button)  # returns once the question is answered
    assert area.current is not None and area.current.name == "User"
    # The fields table waits for the first field's name: no Add field click.
    window.activateWindow()  # as the window manager does once the question closes
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    assert area.fields_table.rowCount() == 2  # name, and the blank row typed into
    actions.type("email")
    actions.key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: area.current is not None and len(area.current.fields) == 2)
    qtbot.waitUntil(lambda: area.fields_table.rowCount() == 3)  # the next blank row
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    actions.type("birthday")
    actions.key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: area.current is not None and len(area.current.fields) == 3)
    assert actions.count == 7
    assert [(f.name, f.type) for f in area.current.fields] == [
        ("name", ValueType("text")),
        ("email", ValueType("text")),
        ("birthday", ValueType("date")),
    ]
    # The guess is shown where the person looks: the Type cell and a short note.
    combo = area.fields_table.cellWidget(2, 1)
    assert combo.currentText() == "date"
    assert area.field_note.text().startswith("birthday: date (guessed")
    assert "Added the field birthday" in messages
    # Return on the blank row ends it: no empty field left behind.
    qtbot.waitUntil(lambda: area.fields_table.rowCount() == 4)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: area.fields_table.rowCount() == 3)
    assert [f.name for f in context.data.data_types()["User"].fields] == [
        "name",
        "email",
        "birthday",
    ]


def test_escape_or_a_click_elsewhere_ends_the_blank_field_row(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    window.show_area(AREA_DATA)
    area = window.data_area
    qtbot.waitExposed(window)
    window.activateWindow()
    area.create_type("User")
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, "half typed")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)  # nothing saved, the row goes
    qtbot.waitUntil(lambda: area.fields_table.rowCount() == 1)
    assert [f.name for f in context.data.data_types()["User"].fields] == ["name"]
    area.start_new_field()
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    qtbot.mouseClick(area.search_edit, Qt.MouseButton.LeftButton)  # leaves it blank
    area.search_edit.setFocus()
    qtbot.waitUntil(lambda: area.fields_table.rowCount() == 1)
    assert [f.name for f in context.data.data_types()["User"].fields] == ["name"]


def test_two_parameters_take_five_actions_and_a_blank_row_ends_them(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    qtbot.waitExposed(window)
    window.activateWindow()
    area = window.workflows_area
    area.select("greet")
    editor = area.editor
    table = editor.params_table
    actions = Actions(qtbot)
    actions.click(editor.add_param_button)
    actions.type("birthday")
    actions.key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.rowCount() == 3)  # the next blank row, ready for typing
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    actions.type("owner")
    actions.key(Qt.Key.Key_Return)
    assert actions.count == 5
    qtbot.waitUntil(lambda: table.rowCount() == 4)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # ends the blank row
    qtbot.waitUntil(lambda: table.rowCount() == 3)
    assert editor.workflow is not None
    assert [(p.key, str(p.type)) for p in editor.workflow.parameters] == [
        ("user", "User"),
        ("birthday", "date"),  # guessed from the key, shown in its Type cell
        ("owner", "text"),
    ]
    assert table.cellWidget(1, 1).currentText() == "date"
    table.start_new_row()
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # blank: ends it too
    qtbot.waitUntil(lambda: table.rowCount() == 3)
    assert len(editor.workflow.parameters) == 3


def test_a_delete_names_the_thing_and_offers_undo_in_a_bar(
    qtbot: Any, monkeypatch: Any, greeting: AppContext, window: MainWindow
) -> None:
    window.show_area(AREA_DATA)
    area = window.data_area
    model = area.things_model
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    asked: list[str] = []

    def yes(parent: Any, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    area.things_view.selectRow(0)
    qtbot.mouseClick(area.delete_thing_button, Qt.MouseButton.LeftButton)
    assert asked == ["Delete User Ada?"]
    qtbot.waitUntil(lambda: model.rowCount() == 0)
    bar = area.undo_bar
    assert bar.isVisible() and bar.label.text() == "Deleted User Ada"
    qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert not bar.isVisible()
    assert [choice[0] for choice in greeting.data.thing_choices("User")] == ["ada"]
    # Undone from the Edit menu instead: the bar goes with it.
    area.things_view.selectRow(0)
    qtbot.mouseClick(area.delete_thing_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.rowCount() == 0)
    assert bar.isVisible()
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert not bar.isVisible()
    # Refused: the question, answered No, deletes nothing and offers nothing.
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.No)
    area.things_view.selectRow(0)
    qtbot.mouseClick(area.delete_thing_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == 1 and not bar.isVisible()


def test_grey_run_buttons_say_why_beside_them_and_in_their_tooltips(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    area = window.workflows_area
    area.select("greet")
    editor = area.editor
    assert editor.test_button.isEnabled() and not editor.run_reason.isVisibleTo(editor)
    editor.add_step("send_email")
    form = editor.step_form
    assert form is not None
    reason = "Fill in To, Subject and Body of step 2 first"
    assert editor.run_reason.isVisibleTo(editor)
    assert editor.run_reason.text() == reason
    for button in (editor.test_button, editor.run_now_button, editor.schedule_button):
        assert not button.isEnabled()
        assert button.toolTip().startswith(reason)
        assert "Step 2 · Send email: To is required" in button.toolTip()
    qtbot.keyClicks(form.widgets["to"], "{{ user.email }}")
    qtbot.waitUntil(lambda: editor.run_reason.text() == "Fill in Subject and Body of step 2 first")
    qtbot.keyClicks(form.widgets["subject"], "Hi")
    qtbot.waitUntil(lambda: editor.run_reason.text() == "Fill in Body of step 2 first")
    form.widgets["body"].setFocus()
    qtbot.keyClicks(form.widgets["body"], "Hello")
    form.widgets["to"].setFocus()  # the body is kept once it is left
    qtbot.waitUntil(lambda: editor.test_button.isEnabled())
    assert not editor.run_reason.isVisibleTo(editor)
    assert editor.schedule_button.toolTip() == ""
    # A problem that is not a missing input is named as it is.
    form.widgets["to"].clear()
    qtbot.keyClicks(form.widgets["to"], "{{ nobody.email }}")
    qtbot.waitUntil(lambda: editor.run_reason.text().startswith("Fix first: Step 2 · Send email"))


def _direct(menu: QMenu) -> dict[str, QAction]:
    return {a.text(): a for a in menu.actions() if not a.isSeparator() and a.text()}


def test_insert_data_puts_ids_and_searches_under_more_and_opens_leftwards(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    window.resize(1400, 900)
    qtbot.waitExposed(window)
    area = window.workflows_area
    area.select("greet")
    editor = area.editor
    editor.add_step("send_email")
    form = editor.step_form
    assert form is not None
    button = form.data_buttons["subject"]
    menu = button.build_menu()
    top = _direct(menu)
    assert "user's name" in top and "user's email" in top  # what a beginner wants, first
    assert not {"user's id", "Run ID", "number of Users"} & set(top)
    labels = [a.text() for a in menu.actions() if a.text()]
    assert labels.index("More (IDs, searches)") > labels.index("user's email")
    more = top["More (IDs, searches)"].menu()
    assert isinstance(more, QMenu)
    hidden = {a.text(): str(a.data()) for a in menu_actions(more)}
    assert hidden["user's id"] == "{{ user.id }}"
    assert hidden["Run ID"] == "{{ run.id }}"
    assert "number of Users" in hidden
    # The whole menu still offers every value (nothing lost, only moved).
    offered = {str(a.data()) for a in menu_actions(menu)}
    assert {"{{ user.id }}", "{{ run.id }}", "{{ user.name }}"} <= offered
    # Opened, it stays inside the screen (the window is wider than the test screen).
    menu.popup(button.mapToGlobal(QPoint(0, button.height())))  # where Qt would open it
    qtbot.waitUntil(menu.isVisible)
    screen = button.screen().availableGeometry()
    assert screen.contains(menu.geometry())
    menu.close()


def test_the_insert_data_menu_hangs_leftwards_from_its_button(qtbot: Any) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    holder.setGeometry(0, 0, 700, 300)
    button = QPushButton("Insert data", holder)
    button.setGeometry(500, 10, 100, 30)
    holder.show()
    qtbot.waitExposed(holder)
    menu = LeftwardMenu(button)
    for text in ("user's email", "Change a value (capitals, + days, formats …)"):
        menu.addAction(text)
    corner = button.mapToGlobal(QPoint(button.width(), button.height()))
    menu.popup(button.mapToGlobal(QPoint(0, button.height())))  # rightwards, as Qt would
    qtbot.waitUntil(menu.isVisible)
    # Its right edge on the button's right edge, below it: it reaches no further right.
    qtbot.waitUntil(lambda: abs(menu.geometry().right() - corner.x()) <= 2)
    assert menu.geometry().top() == corner.y()
    assert button.screen().availableGeometry().contains(menu.geometry())
    menu.close()


def test_a_refused_field_name_says_why_under_the_table_and_is_given_back(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    window.show_area(AREA_DATA)
    area = window.data_area
    qtbot.waitExposed(window)
    window.activateWindow()
    area.create_type("User")
    table = area.fields_table
    previous: object = None

    def new_editor() -> bool:  # the blank row's own editor, not the one just closed
        focused = QApplication.focusWidget()
        return (
            isinstance(focused, QLineEdit)
            and focused is not previous
            and table.state() == QAbstractItemView.State.EditingState
        )

    for name, reason in (
        ("name", "Not added: field 'name' appears twice"),  # taken already
        ("1st", "Not added: '1st' cannot be a field name"),
        ("x" * 5000, "Not added: "),
    ):
        qtbot.waitUntil(new_editor)
        editor = previous = QApplication.focusWidget()
        editor.selectAll()  # a name given back is selected: typing replaces it
        qtbot.keyClicks(editor, name) if len(name) < 100 else editor.setText(name)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda r=reason: area.field_note.text().startswith(r))
        assert len(area.field_note.text()) < 160  # one short line, however long the name
        assert [f.name for f in context.data.data_types()["User"].fields] == ["name"]
        # The refused name comes back in the blank row, to be fixed.
        qtbot.waitUntil(lambda: table.rowCount() == 2)
        qtbot.waitUntil(new_editor)
        assert QApplication.focusWidget().text() == name
        previous = None
    editor = QApplication.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "email")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(context.data.data_types()["User"].fields) == 2)
    assert area.field_note.text() == "email: text"


def test_a_bad_parameter_key_in_the_blank_row_is_explained_and_not_saved(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    qtbot.waitExposed(window)
    window.activateWindow()
    area = window.workflows_area
    area.select("greet")
    editor = area.editor
    table = editor.params_table
    table.start_new_row()
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    key = QApplication.focusWidget()
    key.setText("user" + "x" * 5000 + " {{")  # far too long, not a name
    qtbot.keyClick(key, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.problem_banner.isVisibleTo(editor))
    assert "Parameter" in editor.problem_banner.text()
    assert not editor.test_button.isEnabled() and editor.run_reason.text()
    stored = greeting.workflows.find("greet")
    assert stored is not None
    assert [p.key for p in stored[0].parameters] == ["user"]  # unchanged
