"""What a first-time user stumbled over in the tutorial (issue 14, second pass):
each test drives the widgets as the person did and fails on the old behaviour."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import QLocale, QPoint, QSize, Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel

from app.core.definitions import FieldDef
from app.core.types import ValueType
from app.storage import views
from app.storage.db import DB_FILENAME, init_db
from app.ui.dialogs import sizing
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import AREA_DATA, AREA_SCHEDULER, MainWindow
from app.ui.widgets.inputs import OptionalDateEditor
from app.workflow_file import import_text


@pytest.fixture
def locale_named() -> Iterator[Any]:
    """Set the window's locale for the widgets made next; put back afterwards."""
    before = QLocale()

    def use(name: str) -> None:
        QLocale.setDefault(QLocale(name))

    yield use
    QLocale.setDefault(before)


def _add_thing_dialog(qtbot: Any, greeting: AppContext, window: MainWindow) -> Any:
    area = window.data_area
    assert area.data_service.add_field("User", FieldDef("birthday", ValueType("date")))
    window.show_area(AREA_DATA)
    area.reload("User")
    qtbot.mouseClick(area.add_thing_button, Qt.MouseButton.LeftButton)
    dialog = area.add_thing_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


@pytest.mark.parametrize(
    ("locale", "typed"),
    [("en_GB", "14/05/1990"), ("de_DE", "14.05.1990"), ("en_US", "5/14/1990"), ("C", "14/05/1990")],
)
def test_a_birthday_typed_the_local_way_is_saved(
    qtbot: Any, locale_named: Any, greeting: AppContext, window: MainWindow, locale: str, typed: str
) -> None:
    locale_named(locale)
    window.resize(900, 600)
    dialog = _add_thing_dialog(qtbot, greeting, window)
    birthday = dialog.editors["birthday"]
    assert isinstance(birthday, OptionalDateEditor)
    qtbot.keyClicks(dialog.editors["name"].line, "Grace")
    qtbot.keyClicks(birthday.line, typed)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.data_area.things_model.rowCount() == 2)
    (grace,) = greeting.data.things_page("User", "Grace", 0, 10)
    zone = birthday.zone_info
    stored = datetime.fromisoformat(grace.data["birthday"])
    assert stored == datetime(1990, 5, 14, 9, 0, tzinfo=zone)


def test_a_date_it_cannot_read_is_said_in_the_forms_words_and_nothing_moves(
    qtbot: Any, locale_named: Any, greeting: AppContext, window: MainWindow
) -> None:
    locale_named("en_US")
    window.resize(900, 600)
    dialog = _add_thing_dialog(qtbot, greeting, window)
    birthday = dialog.editors["birthday"]
    qtbot.keyClicks(dialog.editors["name"].line, "Grace")
    qtbot.keyClicks(birthday.line, "14/05/1990")  # day first: not a US date
    where = birthday.mapTo(dialog, birthday.rect().topLeft())
    seen = birthday.visibleRegion().boundingRect()
    size = dialog.size()
    assert seen.height() == birthday.height()  # the whole field in sight
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.problem.text() == "Birthday: type a date like 5/14/1990, or pick a day"
    assert "ISO" not in dialog.problem.text()
    # Nothing jumps: the field is where it was, whole, in a dialog of the same size.
    assert dialog.size() == size
    assert birthday.mapTo(dialog, birthday.rect().topLeft()) == where
    assert birthday.visibleRegion().boundingRect() == seen
    assert len(greeting.data.things_page("User", "", 0, 10)) == 1  # nothing added
    # Hostile text says the same, and nothing is added either.
    birthday.line.setText("14th of Smarch \udcff" + "9" * 500)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.problem.text().startswith("Birthday: type a date like")
    assert len(greeting.data.things_page("User", "", 0, 10)) == 1
    # The form fits a 600-pixel-high window: every field shows without scrolling.
    assert dialog.height() <= 600


BIRTHDAYS = """
cueflow: 1
data_types:
  User:
    fields: {name: text, email: text, birthday: date}
things:
  User:
    - {id: ada, name: Ada, email: ada@example.com, birthday: 1990-05-14T09:00:00+00:00}
    - {id: bob, name: Bob, email: bob@example.com}
workflows:
  birthday_email:
    label: Birthday email
    parameters:
      user: {type: User}
      birthday: {type: date}
    steps:
      - action: log
        with: {message: "{{ user.name }} {{ birthday }}"}
"""


def _schedule_dialog(qtbot: Any, context: AppContext, window: MainWindow) -> Any:
    import_text(context.db, BIRTHDAYS)
    area = window.workflows_area
    area.refresh_list()
    area.select("birthday_email")
    dialog = area.open_run_dialog(False)
    assert dialog is not None
    return dialog


def test_a_date_parameter_is_filled_from_the_chosen_things_field_never_now(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    dialog = _schedule_dialog(qtbot, context, window)
    user, birthday = dialog.editors["user"], dialog.editors["birthday"]
    hint = dialog.params_form.hints["birthday"]
    qtbot.waitUntil(lambda: not user.loading)
    # Ada (the first user) is chosen: her birthday fills the untouched parameter.
    assert user.value() == "ada"
    qtbot.waitUntil(lambda: birthday.value() is not None)
    assert birthday.value() == datetime.fromisoformat("1990-05-14T09:00:00+00:00")
    assert hint.isVisibleTo(dialog) and hint.text() == "from Ada's birthday"
    assert dialog.ok_button.isEnabled(), dialog.problem.text()
    # Bob has no birthday: the parameter goes back to empty and says what is missing.
    user.select("bob")
    qtbot.waitUntil(lambda: birthday.value() is None)
    assert not hint.isVisibleTo(dialog)
    assert not dialog.ok_button.isEnabled()
    reason = "Birthday is needed: type a date like 1990-05-14, or pick a day"
    assert dialog.problem.text() == reason
    assert dialog.ok_button.toolTip() == reason
    assert dialog.field_errors["birthday"].text() == reason
    # A date the person typed is theirs: choosing Ada again does not replace it.
    qtbot.keyClicks(birthday.line, "2031-01-02 10:30")
    user.select("ada")
    qtbot.waitUntil(lambda: user.value() == "ada")
    assert birthday.value() == datetime(2031, 1, 2, 10, 30, tzinfo=birthday.zone_info)
    assert not hint.isVisibleTo(dialog)
    with qtbot.waitSignal(dialog.scheduled):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    with context.db.read() as session:
        (run,) = views.upcoming_page(session, views.RunFilter())
    assert run.params == {"user": "ada", "birthday": "2031-01-02T10:30:00+00:00"}


def test_the_schedulers_schedule_button_offers_workflows_by_their_titles(
    qtbot: Any, monkeypatch: Any, greeting: AppContext, window: MainWindow
) -> None:
    import_text(greeting.db, BIRTHDAYS, replace=True)
    offered: list[list[str]] = []

    def pick(parent: Any, title: str, label: str, items: list[str], *args: Any) -> Any:
        offered.append(list(items))
        return "Birthday email", True

    monkeypatch.setattr(QInputDialog, "getItem", pick)
    window.show_area(AREA_SCHEDULER)
    area = window.scheduler_area
    opened: list[Any] = []
    monkeypatch.setattr(area, "open_run_dialog", lambda name, *a: opened.append(name))
    qtbot.mouseClick(area.schedule_button, Qt.MouseButton.LeftButton)
    assert offered == [["Birthday email", "Greet a user"]]  # not birthday_email, greet
    assert opened == ["birthday_email"]


def test_the_scheduler_state_keeps_its_place_when_an_undo_is_offered(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    window.resize(1400, 900)
    window.show_area(AREA_SCHEDULER)
    qtbot.waitExposed(window)
    label, bar = window.scheduler_label, window.scheduler_area.undo_bar

    def right_edge() -> int:
        return label.mapTo(window, label.rect().topRight()).x()

    qtbot.waitUntil(lambda: right_edge() > window.width() - 60)  # at the right edge
    before = right_edge()
    bar.offer("Cancelled Greet a user (Wed 9 Dec 09:00)", ["run-1"])
    qtbot.waitUntil(lambda: bar.isVisible() and bar.width() > 100)
    QApplication.sendPostedEvents()  # the status bar's layout requests
    QApplication.processEvents()
    assert right_edge() == before
    assert (
        bar.mapTo(window, bar.rect().topRight()).x()
        < label.mapTo(window, label.rect().topLeft()).x()
    )
    bar.withdraw()


def test_with_no_workflow_the_editor_says_what_to_do_instead_of_a_grey_form(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    window.resize(1400, 900)
    qtbot.waitExposed(window)
    editor = window.workflows_area.editor
    empty = editor.empty_state
    assert empty.isVisible()
    assert empty.text() == "No workflow selected — New workflow or pick one on the left"
    api = editor.workflow_panel.api_section
    for widget in (editor.splitter, editor.test_button, editor.schedule_button, api):
        assert not widget.isVisible()
    window.new_workflow_action.trigger()
    qtbot.waitUntil(lambda: editor.workflow is not None)
    assert not empty.isVisible() and editor.splitter.isVisible() and editor.test_button.isVisible()


def test_the_workflow_editor_speaks_a_beginners_words(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    area = window.workflows_area
    area.select("greet")
    editor = area.editor
    table = editor.params_table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == ["Name", "Type of content", "Is a list", "Optional"]
    qtbot.mouseClick(editor.add_param_button, Qt.MouseButton.LeftButton)
    assert editor.workflow is not None
    assert [p.key for p in editor.workflow.parameters] == ["user", "parameter_1"]  # a valid key
    captions = [label.text() for label in editor.workflow_panel.findChildren(QLabel)]
    assert "Used in files and web links:" in captions
    assert not [c for c in captions if "API:" in c]
    editor.add_step("send_email")
    form = editor.step_form
    assert form is not None
    about = form.findChild(QLabel, "stepResultAbout")
    assert about.text() == "Later steps can use its result (the message's ID) through Insert data"


def test_a_date_control_names_utc_and_cities_not_zone_keys(qtbot: Any) -> None:
    from zoneinfo import ZoneInfo

    from app.ui.widgets.datetime_edit import DateTimeEdit

    control = DateTimeEdit(
        datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Etc/UTC")), ZoneInfo("Etc/UTC")
    )
    qtbot.addWidget(control)
    assert control.zone_label.text() == "UTC"
    control.setZone(ZoneInfo("America/New_York"))
    assert control.zone_label.text() == "New York, UTC-05:00"
    assert control.zone_label.toolTip() == "America/New_York (UTC-05:00)"


def test_the_schedule_dialog_fits_a_600_pixel_high_window_with_its_buttons_in_sight(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    window.resize(900, 600)
    qtbot.waitExposed(window)
    dialog = _schedule_dialog(qtbot, context, window)
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.editors["birthday"].value() is not None)  # from Ada
    frame = window.frameGeometry().height()
    assert dialog.height() + sizing.TITLE_BAR <= frame
    buttons = dialog.buttons.geometry()
    assert dialog.rect().contains(buttons) and dialog.ok_button.isVisible()
    # Sized to its content: the whole form shows, with no empty band above the buttons.
    scroll = dialog.body_scroll
    assert not scroll.verticalScrollBar().isVisible()
    used = dialog.for_each.geometry().bottom()
    assert scroll.viewport().height() - used < 40
    # At 1400×900 it still shows Repeat and For each without scrolling.
    dialog.fit_to_content(QSize(1400, 900))
    qtbot.waitUntil(lambda: not scroll.verticalScrollBar().isVisible())
    assert dialog.repeat.isVisible() and dialog.for_each.isVisible()


def _settle() -> None:
    QApplication.sendPostedEvents()  # layout requests and the guide's own fitting
    QApplication.processEvents()


def test_more_words_in_a_900_window_wraps_the_words_inside_it_and_never_resizes_it(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    window.resize(900, 600)
    qtbot.waitUntil(lambda: window.width() == 900 and window.height() == 600)
    window.guide_action.trigger()
    guide = window.guide
    qtbot.waitUntil(lambda: guide.isVisible() and guide.compact)
    qtbot.mouseClick(guide.more_words, Qt.MouseButton.LeftButton)
    _settle()
    assert not guide.compact and guide.intro.isVisible()
    assert window.size() == QSize(900, 600)  # not 1162×667
    inside = window.geometry()  # on the screen
    for label in (guide.intro, guide.marks["thing"]):
        for corner in (label.rect().topLeft(), label.rect().topRight()):
            assert inside.contains(label.mapToGlobal(corner)), label.text()
    assert guide.intro.height() > guide.intro.fontMetrics().lineSpacing()  # wrapped
    qtbot.mouseClick(guide.fewer_words, Qt.MouseButton.LeftButton)
    _settle()
    assert guide.compact and window.size() == QSize(900, 600)


def test_the_guide_shows_its_words_when_there_is_room_and_keeps_the_persons_choice(
    qtbot: Any, tmp_path: Any, context: AppContext, window: MainWindow
) -> None:
    window.resize(1280, 800)  # the window's first size
    qtbot.waitUntil(lambda: window.width() == 1280)
    window.guide_action.trigger()
    guide = window.guide
    qtbot.waitUntil(guide.isVisible)
    _settle()
    assert not guide.compact and guide.intro.isVisible()  # words, not bare titles
    assert window.dockWidgetArea(guide) == Qt.DockWidgetArea.RightDockWidgetArea
    assert window.width() == 1280
    qtbot.mouseClick(guide.fewer_words, Qt.MouseButton.LeftButton)
    assert guide.compact
    # Another start, with a fresh data folder: the person's choice is kept.
    folder = tmp_path / "other"
    folder.mkdir()
    db = init_db(f"sqlite:///{folder / DB_FILENAME}")
    other = MainWindow(AppContext(folder, db))
    qtbot.addWidget(other)
    other.resize(1400, 900)
    other.show()
    other.guide_action.trigger()
    qtbot.waitUntil(lambda: other.guide is not None and other.guide.isVisible())
    _settle()
    assert other.guide.compact
    other.close()
    db.dispose()


def test_the_add_step_list_opens_inside_a_900_by_600_window(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    window.resize(900, 600)
    qtbot.waitUntil(lambda: window.height() == 600)
    area = window.workflows_area
    area.select("greet")
    editor = area.editor
    menu = editor.add_step_menu
    low = window.mapToGlobal(QPoint(420, 348))  # the "+" under a card, as in the tutorial
    editor.on_flow_insert_requested(1, low)
    qtbot.waitUntil(menu.isVisible)
    assert window.frameGeometry().contains(menu.geometry()), menu.geometry()
    other = menu.sections["other"]
    assert menu.geometry().contains(menu.mapToGlobal(menu.actionGeometry(other).center()))
    menu.close()


def test_a_step_cards_chip_is_whole_or_left_out(qtbot: Any) -> None:
    from PySide6.QtGui import QFont, QFontMetrics

    from app.ui.areas.workflows.flow import chip_lines

    metrics = QFontMetrics(QFont())
    text = "Send email to ‹user's email›: Happy birthday, ‹user's name›!"
    width = metrics.horizontalAdvance("Send email to ‹user's email›") + 4
    lines = chip_lines(metrics, text, width, max_lines=2)
    shown_chips = [word for line in lines for _, word, chip in line if chip]
    assert all(chip in ("user's email", "user's name") for chip in shown_chips), shown_chips
    assert lines[-1][-1][1].endswith("…")


@pytest.mark.parametrize("typed", ["\udcff\udcfe", "x" * 100_000, "a\x00b", "{{ user }}"])
def test_a_hostile_id_typed_into_the_user_picker_fills_nothing_and_is_refused(
    qtbot: Any, context: AppContext, window: MainWindow, typed: str
) -> None:
    dialog = _schedule_dialog(qtbot, context, window)
    user, birthday = dialog.editors["user"], dialog.editors["birthday"]
    qtbot.waitUntil(lambda: birthday.value() is not None)  # Ada's, first
    user.combo.setEditText(typed)
    qtbot.waitUntil(lambda: birthday.value() is None)  # no thing offers it any more
    assert not dialog.ok_button.isEnabled()
    assert dialog.problem.text() and len(dialog.problem.text()) < 300
    with context.db.read() as session:
        assert views.upcoming_page(session, views.RunFilter()) == []


def test_a_date_field_at_midnight_reads_as_a_day_and_other_times_keep_their_time() -> None:
    from app.core.types import local_zone
    from app.ui.widgets.formatting import when_words

    zone = local_zone()
    midnight = datetime(1990, 5, 14, 0, 0, tzinfo=zone)
    morning = datetime(1990, 5, 14, 9, 0, tzinfo=zone)
    assert when_words(midnight, whole_day=True) == "Mon 14 May 1990"
    assert when_words(morning, whole_day=True) == "Mon 14 May 1990 09:00"  # a real time
    assert when_words(midnight) == "Mon 14 May 1990 00:00"  # a run's time always has one
