"""The one date-time control: typed entry in the locale, calendar pick, Tab, whole
minutes, the time zone shown; and the Things table's date cells that use it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QDate, QLocale, QPoint, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView, QVBoxLayout, QWidget

from app.ui.shell.context import AppContext
from app.ui.shell.main_window import AREA_DATA, MainWindow
from app.ui.widgets.datetime_edit import DateTimeEdit
from app.workflow_file import import_text

BERLIN = ZoneInfo("Europe/Berlin")
EVENTS = """
cueflow: 1
data_types:
  Event:
    fields: {title: text, starts: date}
things:
  Event:
    - {id: ev1, title: Launch, starts: 2031-05-17T14:30:00+00:00}
"""


@pytest.fixture
def form(qtbot: Any) -> Iterator[tuple[QWidget, DateTimeEdit, QLineEdit]]:
    """The control between two line edits, shown and active (typing needs focus)."""
    page = QWidget()
    layout = QVBoxLayout(page)
    before = QLineEdit(page)  # (the Tab order is the order of creation)
    control = DateTimeEdit(datetime(2026, 1, 2, 3, 4, tzinfo=BERLIN), BERLIN, page)
    after = QLineEdit(page)
    for widget in (before, control, after):
        layout.addWidget(widget)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(lambda: page.isActiveWindow())
    yield page, control, after


@pytest.fixture
def german() -> Iterator[None]:
    previous = QLocale()
    QLocale.setDefault(QLocale("de_DE"))
    yield
    QLocale.setDefault(previous)


def type_over(qtbot: Any, control: DateTimeEdit, text: str) -> None:
    control.edit.setFocus()
    control.edit.lineEdit().selectAll()
    qtbot.keyClicks(control.edit, text)


def test_typed_entry_reads_the_whole_date_and_shows_the_zone(qtbot: Any, form: Any) -> None:
    _, control, _ = form
    assert control.edit.displayFormat() == "yyyy-MM-dd HH:mm"  # no locale set: ISO order
    with qtbot.waitSignal(control.value_changed):
        type_over(qtbot, control, "2031-05-17 14:30")
    assert control.value() == datetime(2031, 5, 17, 14, 30, tzinfo=BERLIN)
    assert control.zone_label.text() == "Berlin, UTC+02:00"  # summer time
    type_over(qtbot, control, "2031-12-24 18:05")
    assert control.value() == datetime(2031, 12, 24, 18, 5, tzinfo=BERLIN)
    assert control.zone_label.text() == "Berlin, UTC+01:00"


def test_typed_entry_follows_the_users_locale(qtbot: Any, german: None) -> None:
    control = DateTimeEdit(datetime(2026, 1, 2, 3, 4, tzinfo=BERLIN), BERLIN)
    qtbot.addWidget(control)
    control.show()
    control.activateWindow()
    qtbot.waitUntil(control.isActiveWindow)
    assert control.edit.displayFormat() == "dd.MM.yyyy HH:mm"  # four-digit year, no seconds
    assert control.text() == "02.01.2026 03:04"
    type_over(qtbot, control, "17.05.2031 14:30")
    assert control.value() == datetime(2031, 5, 17, 14, 30, tzinfo=BERLIN)


def test_whole_minutes_only_and_any_zone_in_or_out(qtbot: Any) -> None:
    control = DateTimeEdit(zone=BERLIN)
    qtbot.addWidget(control)
    control.setValue(datetime.fromisoformat("2031-05-06T07:08:09.5+00:00"))
    assert control.value() == datetime.fromisoformat("2031-05-06T07:08:00+00:00")
    assert control.value().tzinfo is BERLIN and control.text() == "2031-05-06 09:08"
    control.setZone(ZoneInfo("America/New_York"))  # the same moment, shown there
    assert control.text() == "2031-05-06 03:08"
    assert control.value() == datetime.fromisoformat("2031-05-06T07:08:00+00:00")
    # a wall time inside a DST gap does not exist: the control keeps a real moment
    control.setZone(BERLIN)
    control.setValue(datetime(2031, 3, 30, 2, 30))  # naive: read in the control's zone
    assert control.value().utcoffset() is not None


def test_calendar_pick_changes_the_day_and_keeps_the_time(qtbot: Any, form: Any) -> None:
    _, control, _ = form
    arrow = QPoint(control.edit.width() - 6, control.edit.height() // 2)
    qtbot.mouseMove(control.edit, arrow)
    qtbot.mouseClick(control.edit, Qt.MouseButton.LeftButton, pos=arrow)  # the popup's arrow
    calendar = control.edit.calendarWidget()
    qtbot.waitUntil(calendar.isVisible)
    view = calendar.findChild(QTableView, "qt_calendar_calendarview")
    assert view is not None
    model = view.model()
    target = next(
        model.index(row, column)
        for row in range(model.rowCount())
        for column in range(model.columnCount())
        if model.index(row, column).data() == 20 and row > 1  # the 20th of January
    )
    with qtbot.waitSignal(control.value_changed):
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(target).center()
        )
    assert control.value() == datetime(2026, 1, 20, 3, 4, tzinfo=BERLIN)
    assert calendar.selectedDate() == QDate(2026, 1, 20)


def test_tab_walks_the_sections_then_leaves(qtbot: Any, form: Any) -> None:
    _, control, after = form
    control.edit.setFocus()
    control.edit.setCurrentSectionIndex(0)
    visited = [control.edit.currentSectionIndex()]
    for _ in range(control.edit.sectionCount() - 1):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is control.edit  # still inside, mid-field
        visited.append(control.edit.currentSectionIndex())
    assert visited == [0, 1, 2, 3, 4]  # year, month, day, hour, minute
    qtbot.keyClicks(control.edit, "45")  # the minute section is the current one
    assert control.value().minute == 45
    qtbot.keyClick(control.edit, Qt.Key.Key_Backtab)
    assert control.edit.currentSectionIndex() == 3 and QApplication.focusWidget() is control.edit
    qtbot.keyClick(control.edit, Qt.Key.Key_Tab)
    qtbot.keyClick(control.edit, Qt.Key.Key_Tab)  # after the last section: out
    assert QApplication.focusWidget() is after


def test_things_table_edits_a_date_with_the_same_control(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    import_text(context.db, EVENTS)
    window.data_area.reload()
    window.show_area(AREA_DATA)
    area = window.data_area
    qtbot.waitUntil(lambda: area.current is not None and area.current.name == "Event")
    view, model = area.things_view, area.things_model
    qtbot.waitUntil(lambda: model.rowCount() > 0)  # the things are read on a worker
    column = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == "starts (date)"
    )
    index = model.index(0, column)
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.indexWidget(index) or view.findChild(DateTimeEdit)
    assert isinstance(editor, DateTimeEdit)
    start = editor.value()
    assert start == datetime.fromisoformat("2031-05-17T14:30:00+00:00")
    editor.edit.setFocus()
    editor.edit.setCurrentSectionIndex(0)
    for _ in range(editor.edit.sectionCount() - 1):  # Tab stays in the cell's editor
        qtbot.keyClick(editor.edit, Qt.Key.Key_Tab)
        assert view.findChild(DateTimeEdit) is editor
    qtbot.keyClick(editor.edit, Qt.Key.Key_Up)  # one minute later
    qtbot.keyClick(editor.edit, Qt.Key.Key_Tab)  # past the last section: saved
    qtbot.waitUntil(lambda: view.findChild(DateTimeEdit) is None or not editor.isVisible())
    (row,) = context.data.things_page("Event", "", 0, 10)
    assert datetime.fromisoformat(row.data["starts"]) == datetime.fromisoformat(
        "2031-05-17T14:31:00+00:00"
    )
