"""The visual workflow editor, driven with the mouse and keyboard: cards, drag to
reorder (undo/redo), "+" to insert from the action menu, Insert data menus,
sentences at the field, the last run on the cards, and a 900×600 window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QMenu, QWidget

from app.engine.runner import Runner
from app.engine.validation import validate_workflow
from app.storage import catalog
from app.ui.areas.workflows.flow import END, PARAMETERS, STEP, FlowView
from app.ui.areas.workflows.inspector import value_text
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import MainWindow
from app.ui.widgets.dynamic_data import DynamicDataButton, menu_actions
from app.ui.widgets.expression_edit import LongTextEdit
from app.workflow_file import import_text

THREE_LOGS = """
cueflow: 1
workflows:
  three:
    parameters:
      who: {type: User}
    steps:
      - action: log
        with: {message: one}
      - action: log
        with: {message: two}
      - action: log
        only_when: "who is not none"
        with: {message: three}
"""


def stored(context: AppContext, name: str) -> Any:
    with context.db.read() as session:
        return catalog.find_workflow(session, name)


def messages(context: AppContext, name: str = "three") -> list[str]:
    return [s.inputs.get("message", s.action) for s in stored(context, name).steps]


def centre_of(flow: FlowView, row: int) -> QPoint:
    return flow.visualItemRect(flow.item(row)).center() + QPoint(0, 10)


def drag(qtbot: Any, flow: FlowView, start: QPoint, end: QPoint) -> None:
    """Press, move in a few steps (past the drag distance) and release, as a hand does."""
    viewport = flow.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for i in range(1, 6):
        qtbot.mouseMove(viewport, start + (end - start) * (i / 5))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)


def open_three(qtbot: Any, greeting: AppContext, window: MainWindow) -> Any:
    import_text(greeting.db, THREE_LOGS)
    area = window.workflows_area
    area.refresh_list()
    area.select("three")
    editor = area.editor
    qtbot.waitUntil(lambda: editor.workflow is not None and editor.workflow.name == "three")
    return editor


def test_cards_read_as_a_flow(qtbot: Any, greeting: AppContext, window: MainWindow) -> None:
    editor = open_three(qtbot, greeting, window)
    flow = editor.flow
    kinds = [flow.card(r).kind for r in range(flow.count())]
    assert kinds == [PARAMETERS, STEP, STEP, STEP, END]
    params = flow.card(0)
    assert "‹who› User" in params.summary
    third = flow.card(3)
    assert third.title == "3. Write to the run log"
    assert third.family == "other" and third.icon == "log"
    assert third.condition == "only when who is not empty"
    greet = window.workflows_area
    greet.select("greet")
    qtbot.waitUntil(lambda: editor.workflow.name == "greet")
    card = flow.card(1)
    assert card.summary == "Send email to ‹user's email›: Hello ‹user's name›"
    assert card.family == "email" and "{{" not in card.summary


def test_drag_a_card_to_reorder_then_undo_and_redo(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    editor = open_three(qtbot, greeting, window)
    flow = editor.flow
    # the third card, dragged above the first
    top_of_first = flow.visualItemRect(flow.item(1)).top() + 4
    drag(qtbot, flow, centre_of(flow, 3), QPoint(flow.viewport().width() // 2, top_of_first))
    assert messages(greeting) == ["three", "one", "two"]
    assert editor.selected_step() == 0  # the moved card stays selected
    assert window.undo_action.text().endswith("Move step 3 to 1")

    window.undo_action.trigger()
    assert messages(greeting) == ["one", "two", "three"]
    assert [flow.card(r).summary for r in (1, 2, 3)] == ["Log: one", "Log: two", "Log: three"]
    window.redo_action.trigger()
    assert messages(greeting) == ["three", "one", "two"]

    # the first card dropped below the last one
    bottom = flow.visualItemRect(flow.item(3)).bottom() - 2
    drag(qtbot, flow, centre_of(flow, 1), QPoint(flow.viewport().width() // 2, bottom))
    assert messages(greeting) == ["one", "two", "three"]
    # a short wobble is a click, not a move
    start = centre_of(flow, 2)
    drag(qtbot, flow, start, start + QPoint(1, 1))
    assert messages(greeting) == ["one", "two", "three"]
    assert editor.selected_step() == 1

    # and from the keyboard: Alt+Up moves the selected step
    flow.setFocus()
    qtbot.keyClick(flow, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert messages(greeting) == ["two", "one", "three"]


def test_plus_on_a_connector_inserts_from_the_searchable_action_menu(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    editor = open_three(qtbot, greeting, window)
    flow = editor.flow
    menu = editor.add_step_menu
    qtbot.mouseClick(flow.viewport(), Qt.MouseButton.LeftButton, pos=flow.plus_point(1))
    qtbot.waitUntil(menu.isVisible)
    # grouped by family, with a section per family
    assert [a.text() for a in menu.actions() if a.isSeparator() and a.text()] == [
        "Data",
        "Email",
        "Web",
        "Workflows and scheduling",
        "Other",
    ]
    qtbot.keyClicks(menu.search, "notif")
    shown = menu.shown_actions()
    assert [a.objectName() for a in shown] == ["addStep_notify"]
    assert not all(a.isVisible() for a in menu.sections.values())
    qtbot.keyClick(menu.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not menu.isVisible())
    assert [s.action for s in editor.workflow.steps] == [
        "log",
        "notify",  # between the first and the second card
        "log",
        "log",
    ]
    assert editor.selected_step() == 1
    form = editor.step_form
    assert form is not None and form.step.action == "notify"
    assert editor.step_panel.title.text() == "Step 2 · Show a notification"
    # a new step has a required input: the sentence says so, at the field and above
    assert not form.errors["title"].isVisible()  # nothing typed yet: drafts are shown
    assert "Step 2 · Show a notification: Title is required" in editor.problem_banner.text()
    assert len(stored(greeting, "three").steps) == 3  # a draft with a problem is not saved
    title = form.widgets["title"]
    title.setFocus()
    qtbot.keyClicks(title, "Hello")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert [s.action for s in stored(greeting, "three").steps] == ["log", "notify", "log", "log"]
    assert not editor.problem_banner.isVisible()

    # the tail of the flow adds at the end; undo removes it again
    end_row = flow.count() - 1
    tail = flow.visualItemRect(flow.item(end_row)).center() + QPoint(0, 12)
    qtbot.mouseClick(flow.viewport(), Qt.MouseButton.LeftButton, pos=tail)
    qtbot.waitUntil(menu.isVisible)
    next(a for a in menu.shown_actions() if a.objectName() == "addStep_terminate").trigger()
    assert stored(greeting, "three").steps[-1].action == "terminate"
    assert editor.selected_step() == 4
    window.undo_action.trigger()
    assert [s.action for s in stored(greeting, "three").steps] == ["log", "notify", "log", "log"]


def test_insert_data_gives_a_token_the_engine_accepts_and_runs(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    editor = open_three(qtbot, greeting, window)
    greeting_text = """
cueflow: 1
data_types:
  User:
    fields: {email: text, name: text, birthday: date}
things:
  User:
    - {id: bob, email: bob@example.com, name: Bob, birthday: 2000-02-03T10:00:00+00:00}
"""
    import_text(greeting.db, greeting_text, replace=True)
    window.workflows_area.select("greet")  # shown again with the new data type
    window.workflows_area.select("three")
    editor.select_step(0)
    form = editor.step_form
    assert form is not None
    message = form.widgets["message"]
    assert isinstance(message, LongTextEdit)
    message.setPlainText("Born ")
    cursor = message.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    message.setTextCursor(cursor)
    button = form.data_buttons["message"]
    assert isinstance(button, DynamicDataButton)
    assert button.accessibleName() == "Insert dynamic data"
    menu = button.build_menu()
    offered = {str(a.data()): a for a in menu_actions(menu)}
    # the parameter's fields, with operators fitting their types
    token = "{{ who.birthday | format_date('%d %B %Y') }}"
    assert token in offered
    assert "{{ who }}" not in offered  # a thing is no text
    assert "{{ who.email }}" in offered and "{{ now }}" in offered
    sections = [a.text() for a in menu.actions() if a.isSeparator() and a.text()]
    assert sections == ["Parameters", "This run"]  # no earlier step for step 1
    assert "More (IDs, searches)" in [a.text() for a in menu.actions()]  # Search is in it
    assert '{{ (search("User") or []) | length }}' in offered
    offered[token].trigger()
    assert message.toPlainText() == "Born " + token
    wf = stored(greeting, "three")
    assert wf.steps[0].inputs["message"] == "Born " + token  # committed: saved
    types, workflows = greeting.workflows.context()
    assert validate_workflow(wf, types, workflows) == []

    Runner(greeting.db).run_now("three", {"who": "bob"}, from_text=True)
    window.workflows_area.load_last_run("three")
    qtbot.waitUntil(lambda: editor.flow.card(1).status == "succeeded", timeout=5000)
    outcome = editor.last_run.steps[1]
    assert outcome.inputs == {"message": "Born 03 February 2000"}
    assert editor.flow.card(1).status_text.startswith("Succeeded · ")
    # the inspector shows the step's last inputs as a table, not JSON
    editor.select_step(0)
    table = editor.step_panel.last_table
    assert editor.step_panel.last_run.isVisibleTo(editor)
    assert table.item(0, 0).text() == "Message"
    assert table.item(0, 1).text() == "Born 03 February 2000"

    # a condition gets a bare test, joined with "and"
    condition = form.widgets["only_when"]
    cond_menu = form.data_buttons["only_when"].build_menu()
    tests = {str(a.data()): a for a in menu_actions(cond_menu)}
    assert "who.birthday is not none" in tests and "{{" not in "".join(tests)
    tests["who.birthday is not none"].trigger()
    assert condition.text() == "who.birthday is not none"
    condition.setCursorPosition(len(condition.text()))
    form.data_buttons["only_when"].build_menu()
    tests = {str(a.data()): a for a in menu_actions(form.data_buttons["only_when"].data_menu)}
    tests["not who.email"].trigger()  # "who's email is empty"
    assert condition.text() == "who.birthday is not none and not who.email"
    assert stored(greeting, "three").steps[0].only_when == condition.text()


def test_unknown_field_is_flagged_while_typing_and_the_form_does_not_move(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    area = window.workflows_area
    area.select("greet")
    editor = area.editor
    editor.select_step(0)
    form = editor.step_form
    assert form is not None
    subject = form.widgets["subject"]
    body = form.widgets["body"]
    before = body.mapTo(form, QPoint(0, 0))
    subject.setFocus()
    subject.selectAll()
    qtbot.keyClicks(subject, "Hi {{ user.nmae }}")
    error = form.errors["subject"]
    assert error.isVisible() and error.text() == "User has no field 'nmae'"
    assert body.mapTo(form, QPoint(0, 0)) == before  # the error took its own line

    # clearing a required input: a sentence at the field and in the banner
    to = form.widgets["to"]
    form_at = to.mapTo(window, QPoint(0, 0))
    card_at = editor.flow.visualItemRect(editor.flow.item(1)).topLeft()
    assert not editor.problem_banner.isVisible()
    to.setFocus()
    to.selectAll()
    qtbot.keyClick(to, Qt.Key.Key_Delete)
    qtbot.keyClick(to, Qt.Key.Key_Return)
    assert form.errors["to"].isVisible()
    assert form.errors["to"].text() == "To is required"
    assert "• Step 1 · Send email: To is required" in editor.problem_banner.text()
    assert "steps[1]" not in editor.problem_banner.text()
    assert editor.problem_banner.isVisible()
    # neither the form nor the cards moved for it (once the layouts have run)
    QApplication.processEvents()
    assert editor.step_form is form and to.mapTo(window, QPoint(0, 0)) == form_at
    assert editor.flow.visualItemRect(editor.flow.item(1)).topLeft() == card_at
    assert editor.flow.card(1).problem
    assert not editor.run_now_button.isEnabled()
    assert stored(greeting, "greet").steps[0].inputs["to"] == "{{ user.email }}"  # kept
    # labels come from the action's declared inputs
    labels = [
        form.form.labelForField(form.form.itemAt(i, form.form.ItemRole.FieldRole).layout()).text()
        for i in range(form.form.rowCount())
        if form.form.itemAt(i, form.form.ItemRole.FieldRole) is not None
        and form.form.itemAt(i, form.form.ItemRole.FieldRole).layout() is not None
    ]
    assert "Reply to" in labels and "reply_to" not in labels


def test_editor_is_usable_in_a_900_by_600_window(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    # The Data area's own minimum keeps the window at 967 px today (not the editor's):
    # let it go, so the window is really 900×600.
    window.data_area.setMinimumSize(1, 1)
    qtbot.waitUntil(lambda: window.minimumSizeHint().width() <= 900)
    window.setMinimumSize(0, 0)  # (a main window's minimum only grows by itself)
    window.resize(900, 600)
    assert window.size().toTuple() == (900, 600), (window.minimumSize(), window.minimumSizeHint())
    area = window.workflows_area
    area.select("greet")
    editor = area.editor
    editor.select_step(0)
    form = editor.step_form
    assert form is not None
    names = ("to", "subject", "body", "reply_to", "only_when")
    # the form puts its labels above the inputs when narrow (laid out on the next pass)
    qtbot.waitUntil(lambda: min(form.widgets[n].width() for n in names) >= 180)

    def inside(widget: QWidget) -> bool:
        top_left = widget.mapTo(window, QPoint(0, 0))
        return (
            top_left.x() >= 0
            and top_left.x() + widget.width() <= window.width()
            and widget.isVisibleTo(window)
        )

    for button in (editor.run_now_button, editor.schedule_button, editor.add_step_button):
        assert inside(button), button.objectName()
        assert button.width() >= button.sizeHint().width()  # no clipped text
    for name in names:
        widget = form.widgets[name]
        assert inside(widget), name
        assert widget.width() >= 180, (name, widget.width())
        data = form.data_buttons[name]
        assert inside(data) and data.width() >= data.sizeHint().width()
    assert editor.flow.width() >= 220
    assert editor.flow.visualItemRect(editor.flow.item(1)).width() >= 200

    # the parameters card opens the parameters, also usable at this size
    editor.select_step(None)
    assert editor.inspector.currentIndex() == 0
    for widget in (
        editor.add_param_button,
        editor.params_table,
        editor.label_edit,
        editor.name_edit,
    ):
        assert inside(widget), widget.objectName()
    assert editor.label_edit.width() >= 150 and editor.name_edit.width() >= 150
    assert all(
        b.width() >= b.sizeHint().width()
        for b in editor.workflow_panel.findChildren(QAbstractButton)
        if b.isVisibleTo(window) and not isinstance(b.parent(), QMenu)
    )
    assert isinstance(editor.name_edit, QLineEdit)


def test_insert_data_into_a_mapping_value(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    """A step's parameters (a mapping) get dynamic data in the selected row's value."""
    editor = open_three(qtbot, greeting, window)
    editor.add_step("run_workflow", 3)
    form = editor.step_form
    assert form is not None and form.step.action == "run_workflow"
    workflow = form.widgets["workflow"]
    workflow.setFocus()
    qtbot.keyClicks(workflow, "three")
    qtbot.keyClick(workflow, Qt.Key.Key_Return)
    params = form.widgets["params"]
    menu = params.data_button.build_menu()
    offered = {str(a.data()): a for a in menu_actions(menu)}
    assert "{{ who }}" in offered  # a mapping value takes a thing as it is
    offered["{{ who }}"].trigger()  # no row selected: a row is added for it
    params.table.item(0, 0).setText("who")
    saved = stored(greeting, "three")
    assert saved.steps[3].action == "run_workflow"
    assert saved.steps[3].inputs["params"] == {"who": "{{ who }}"}


def test_typing_braces_completes_a_whole_token_and_the_line_reads_it(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    area = window.workflows_area
    area.select("greet")
    editor = area.editor
    editor.select_step(0)
    form = editor.step_form
    assert form is not None
    subject = form.widgets["subject"]
    subject.setFocus()
    subject.selectAll()
    qtbot.keyClicks(subject, "Hi {{ user.na")
    completer = subject.name_completer
    assert completer.completionPrefix() == "user.na"
    assert completer.currentCompletion() == "user.name"
    completer.activated.emit(completer.currentCompletion())  # as choosing it in the popup does
    assert subject.text() == "Hi {{ user.name }}"
    assert subject.cursorPosition() == len(subject.text())
    assert stored(greeting, "greet").steps[0].inputs["subject"] == "Hi {{ user.name }}"
    reads = form.reads["subject"]
    assert reads.isVisible() and "user's name" in reads.text() and "{{" not in reads.text()
    assert not form.errors["subject"].isVisible()
    # inside a token that is already closed, nothing more is added
    subject.setText("{{ user.na }} ok")
    subject.setCursorPosition(len("{{ user.na"))
    subject.on_text_edited(subject.text())
    completer.activated.emit("user.name")
    assert subject.text() == "{{ user.name }} ok"
    # an error takes the reads line's place
    subject.selectAll()
    qtbot.keyClicks(subject, "{{ user.nope }}")
    assert form.errors["subject"].isVisible() and not reads.isVisible()


def test_a_run_from_the_editor_shows_on_its_cards(
    qtbot: Any, greeting: AppContext, smtp_server: Any
) -> None:
    """Run now from the editor (real clock, real SMTP): when the run ends, each card
    shows its status and duration and the inspector the step's inputs and result."""
    from app.ui.widgets.inputs import ThingPicker

    smtp_server.configure(greeting.db)
    greeting.start_clock()
    window = MainWindow(greeting)
    qtbot.addWidget(window)
    window.show()
    area = window.workflows_area
    area.select("greet")
    editor = area.editor
    assert editor.flow.card(1).status == ""  # never ran
    dialog = area.open_run_dialog(True)
    assert dialog is not None
    picker = dialog.editors["user"]
    assert isinstance(picker, ThingPicker)
    picker.select("ada")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.flow.card(1).status == "succeeded", timeout=10_000)
    assert editor.flow.card(1).status_text.startswith("Succeeded · ")
    editor.select_step(0)
    panel = editor.step_panel
    assert panel.last_status.text().startswith("Succeeded in ")
    rows = {
        panel.last_table.item(r, 0).text(): panel.last_table.item(r, 1).text()
        for r in range(panel.last_table.rowCount())
    }
    assert rows["To"] == "ada@example.com"
    assert rows["Subject"] == "Hello Ada"
    assert rows["Result"].startswith("<")  # the message id
    assert smtp_server.messages[0]["subject"] == "Hello Ada"
    window.close()


def test_values_read_as_text_even_when_nested_deep() -> None:
    """Step results shown in the inspector: readable, clipped, never a RecursionError."""
    deep: list = []
    for _ in range(5_000):
        deep = [deep]
    assert value_text(deep) == "…" or value_text(deep).startswith("…")
    assert value_text({"a": True, "b": None, "c": [1, 2]}) == "a: yes, b: (empty), c: 1, 2"
    assert value_text(float("nan")) == "nan"
    assert value_text("x" * 10_000).endswith("…")
    assert value_text("2026-12-10T09:00:00+00:00") != "2026-12-10T09:00:00+00:00"


def test_the_flow_works_from_the_keyboard(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    editor = open_three(qtbot, greeting, window)
    flow = editor.flow
    editor.select_step(0)
    flow.setFocus()
    qtbot.keyClick(flow, Qt.Key.Key_Plus)  # after the selected card
    menu = editor.add_step_menu
    qtbot.waitUntil(menu.isVisible)
    qtbot.keyClicks(menu.search, "run log")
    qtbot.keyClick(menu.search, Qt.Key.Key_Return)
    assert [s.action for s in editor.workflow.steps] == ["log", "log", "log", "log"]
    assert editor.selected_step() == 1 and editor.workflow.steps[1].inputs == {}
    flow.setFocus()
    qtbot.keyClick(flow, Qt.Key.Key_Delete)
    assert messages(greeting) == ["one", "two", "three"]
    qtbot.keyClick(flow, Qt.Key.Key_Delete)  # now the second one, "two"
    assert messages(greeting) == ["one", "three"]
    window.undo_action.trigger()
    assert messages(greeting) == ["one", "two", "three"]


def test_parameters_card_edits_the_workflow_condition_and_names_its_triggers(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    import_text(
        greeting.db,
        THREE_LOGS
        + """
triggers:
  on_new_user:
    data_type: User
    on: [created, modified]
    workflow: three
    params: {who: "{{ thing_now }}"}
""",
    )
    area = window.workflows_area
    area.refresh_list()
    area.select("three")
    editor = area.editor
    qtbot.waitUntil(lambda: editor.workflow is not None and editor.workflow.name == "three")
    card = editor.flow.card(0)
    assert card.note == "also starts when a User is created or modified"
    editor.select_step(None)
    panel = editor.workflow_panel
    condition = panel.only_when_edit
    condition.setFocus()
    qtbot.keyClicks(condition, "who.nmae")
    assert panel.only_when_error.isVisible()
    assert panel.only_when_error.text() == "User has no field 'nmae'"
    condition.clear()
    offered = {str(a.data()): a for a in menu_actions(panel.only_when_data.build_menu())}
    assert "{{" not in "".join(offered)  # a condition: bare tests
    offered["who.email is not none and who.email != ''"].trigger()
    assert not panel.only_when_error.isVisible()
    assert stored(greeting, "three").only_when == "who.email is not none and who.email != ''"
    assert editor.flow.card(0).condition.startswith("only when ")
    window.undo_action.trigger()
    assert stored(greeting, "three").only_when is None
    assert editor.flow.card(0).condition == ""


def test_a_long_summary_wraps_twice_then_is_elided(qtbot: Any) -> None:
    from PySide6.QtGui import QFont, QFontMetrics

    from app.ui.areas.workflows.flow import chip_lines

    metrics = QFontMetrics(QFont())
    text = "Send email to ‹user's email›: " + "word " * 200
    lines = chip_lines(metrics, text, 200)
    assert len(lines) == 3  # readable in a narrow flow (900-pixel window), then "…"
    chips = [(word, chip) for line in lines for _, word, chip in line if chip]
    assert chips == [("user's email", True)]  # the chip stays whole
    assert lines[-1][-1][1].endswith("…")
    for line in lines:  # nothing drawn past the width
        x, word, _ = line[-1]
        assert x + metrics.horizontalAdvance(word) <= 200
    assert chip_lines(metrics, "short", 200) == [[(0, "short", False)]]
    assert len(chip_lines(metrics, "‹" + "x" * 5000 + "›", 200)) == 1


def test_a_burst_of_ended_runs_is_shown_once_and_only_on_screen(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    open_three(qtbot, greeting, window)
    area = window.workflows_area
    loads: list[str] = []
    area.load_last_run = loads.append  # type: ignore[method-assign]
    for n in range(200):
        area.on_run_changed(f"r{n}", "three", "succeeded")
    area.on_run_changed("x", "other", "succeeded")  # another workflow: nothing to show
    qtbot.waitUntil(lambda: loads == ["three"])
    qtbot.wait(400)
    assert loads == ["three"]  # 200 ends, one read
    window.show_area(1)  # the Scheduler: the Workflows area is off screen
    area.on_run_changed("r", "three", "succeeded")
    qtbot.wait(400)
    assert loads == ["three"]
    window.show_area(0)
    qtbot.waitUntil(lambda: loads == ["three", "three"])  # caught up when shown
