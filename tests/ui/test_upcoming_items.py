"""The Upcoming table's rows on screen are C++ items: a repaint runs no Python, the
items follow refreshes, scrolling and time, and the Cancel button is a picture."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication
from sqlalchemy import insert

from app.core.types import utcnow
from app.storage import ledger
from app.storage import models as m
from app.ui.models import runs as runs_module
from app.ui.models.roles import ID_ROLE
from app.ui.models.runs import UpcomingRunsModel
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import AREA_SCHEDULER, MainWindow
from app.ui.widgets import formatting

U = UpcomingRunsModel


def bulk(context: AppContext, count: int) -> None:
    start, now = utcnow() + timedelta(days=1), utcnow()
    with context.db.write() as session:
        session.execute(
            insert(m.Run),
            [
                {
                    "id": f"bulk{i:07d}",
                    "workflow": "greet",
                    "workflow_version": 1,
                    "status": ledger.SCHEDULED,
                    "scheduled_for": start + timedelta(seconds=i),
                    "created_at": now,
                    "params": {"user": "ada"},
                    "attempt": 1,
                    "ignore_privacy": False,
                }
                for i in range(count)
            ],
        )


def shown_scheduler(qtbot: Any, window: MainWindow) -> Any:
    window.resize(1400, 900)
    window.show_area(AREA_SCHEDULER)
    area = window.scheduler_area
    area.reload()
    qtbot.waitUntil(lambda: area.upcoming_view.viewport().height() > 300)
    QApplication.processEvents()
    return area


# What a view calls for each painted cell: the model's data() and the delegate's painting.
PER_CELL = {"data", "itemData", "flags", "paint", "sizeHint", "initStyleOption"}


def python_overrides(obj: Any, qt_class: type) -> set[str]:
    """The per-cell methods `obj`'s class defines in Python over `qt_class`'s own."""
    return {
        name
        for name in PER_CELL
        if hasattr(qt_class, name) and getattr(type(obj), name) is not getattr(qt_class, name)
    }


def test_a_repaint_of_upcoming_calls_no_python_for_its_cells(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    """A paint of Upcoming reaches no Python per cell: its model and its delegates are
    Qt's own for everything painting asks (checked on the classes: a sys.setprofile
    probe around a repaint once hung the suite after the reliability tests' threads)."""
    from PySide6.QtCore import QAbstractTableModel
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QStyledItemDelegate

    bulk(greeting, 300)
    area = shown_scheduler(qtbot, window)
    view = area.upcoming_view
    assert view.rowAt(view.viewport().height() - 1) > 20  # a screenful of rows
    model = view.model()
    assert isinstance(model, QStandardItemModel)
    assert python_overrides(model, QStandardItemModel) == set()
    delegates = {view.itemDelegate()} | {
        view.itemDelegateForColumn(c) for c in range(model.columnCount())
    }
    for delegate in delegates - {None}:
        assert python_overrides(delegate, QStyledItemDelegate) == set(), type(delegate)
    # the cells hold their words already: nothing is computed while painting
    assert model.index(0, 0).data() and model.index(20, 1).data()
    # the History, whose data() is Python, is what the same check tells apart
    assert "data" in python_overrides(area.history_view.model(), QAbstractTableModel)


def test_the_cancel_button_is_a_picture_in_the_cell_and_clicks_cancel(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    bulk(greeting, 3)
    area = shown_scheduler(qtbot, window)
    model, view = area.upcoming_model, area.upcoming_view
    look = model.index(0, U.COL_CANCEL).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(look, QPixmap)
    button = area.upcoming_page.cancel_rect(0)
    assert look.deviceIndependentSize().toSize() == button.size()
    assert model.index(0, U.COL_CANCEL).data() is None  # no text beside the picture
    assert model.index(0, U.COL_CANCEL).data(Qt.ItemDataRole.AccessibleTextRole) == (
        "Cancel run bulk0000000"
    )
    assert (
        model.index(0, U.COL_CANCEL)
        .data(Qt.ItemDataRole.ToolTipRole)
        .startswith("Cancel Greet a user, ")
    )
    # the button is painted where a click cancels: the cell differs from an empty one
    image = view.viewport().grab().toImage()
    if shots := __import__("os").environ.get("CUEFLOW_SHOTS"):
        window.grab().save(f"{shots}/upcoming_items.png")
    centre = button.center()
    inside = {image.pixelColor(centre.x() + dx, button.top() + 3).name() for dx in (-20, 0, 20)}
    row_colour = image.pixelColor(button.right() + 3, centre.y()).name()
    assert inside != {row_colour}, (inside, row_colour)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=3000)
    assert model.index(0, U.COL_CANCEL).data(Qt.ItemDataRole.AccessibleTextRole) == (
        "Cancel run bulk0000001"
    )
    # another width of the column draws the button again at that width
    view.setColumnWidth(U.COL_CANCEL, 120)
    wider = model.index(0, U.COL_CANCEL).data(Qt.ItemDataRole.DecorationRole)
    assert wider.deviceIndependentSize().width() == area.upcoming_page.cancel_rect(0).width()


def test_rows_scrolled_into_view_get_their_items_and_far_ones_are_emptied(
    qtbot: Any, greeting: AppContext, window: MainWindow, monkeypatch: Any
) -> None:
    monkeypatch.setattr(runs_module, "MAX_FILLED_ROWS", 200)
    bulk(greeting, 3000)
    area = shown_scheduler(qtbot, window)
    model, view = area.upcoming_model, area.upcoming_view
    assert model.index(1500, U.COL_ID).data() is None  # not shown yet: no items
    for row in range(0, 3000, 25):  # scroll down the whole table
        view.scrollTo(model.index(row, U.COL_WORKFLOW))
        QApplication.processEvents()
    view.scrollToBottom()
    QApplication.processEvents()
    assert model.index(2999, U.COL_ID).data() == "bulk0002999"
    assert model.index(2999, U.COL_WORKFLOW).data() == "Greet a user"
    filled = [row for row in range(3000) if model.item(row, U.COL_ID) is not None]
    assert 0 < len(filled) <= 200 and filled[-1] == 2999
    assert model.index(0, U.COL_ID).data() is None  # the first rows, far away now, were emptied
    view.scrollToTop()
    QApplication.processEvents()
    assert model.index(0, U.COL_ID).data() == "bulk0000000"  # and come back when shown


def test_a_refresh_changes_only_the_cells_whose_words_changed(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    bulk(greeting, 5)
    area = shown_scheduler(qtbot, window)
    model = area.upcoming_model
    same = model.item(1, U.COL_WORKFLOW)
    greeting.service.cancel(["bulk0000000"])  # every row moves up by one
    area.reload()
    assert [model.index(r, U.COL_ID).data() for r in range(4)] == [
        f"bulk000000{i}" for i in range(1, 5)
    ]
    assert model.item(1, U.COL_WORKFLOW) is same  # the item stayed, its words too
    assert model.index(0, U.COL_CANCEL).data(ID_ROLE) == "bulk0000001"  # what a click cancels
    assert model.index(4, U.COL_ID).data() is None and model.rowCount() == 4


def test_the_clock_timer_says_the_shown_times_again(
    qtbot: Any, greeting: AppContext, window: MainWindow, monkeypatch: Any
) -> None:
    bulk(greeting, 2)
    area = shown_scheduler(qtbot, window)
    model = area.upcoming_model
    assert model.index(0, U.COL_SCHEDULED).data().endswith(" h")  # "… · in 24 h"
    monkeypatch.setattr(formatting, "relative", lambda when: "a moment later")
    area.on_clock_timer_timeout()
    assert model.index(0, U.COL_SCHEDULED).data().endswith(" · a moment later")


def add_runs(context: AppContext, prefix: str, count: int) -> None:
    with context.db.write() as session:
        session.execute(
            insert(m.Run),
            [
                {
                    "id": f"{prefix}{i:03d}",
                    "workflow": "greet",
                    "workflow_version": 1,
                    "status": ledger.SCHEDULED,
                    "scheduled_for": utcnow() + timedelta(days=2, minutes=i),
                    "created_at": utcnow(),
                    "params": {"user": "ada"},
                    "attempt": 1,
                    "ignore_privacy": False,
                }
                for i in range(count)
            ],
        )


def test_rows_that_arrive_or_a_taller_window_shows_get_their_items(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    bulk(greeting, 1)
    area = shown_scheduler(qtbot, window)
    model, view = area.upcoming_model, area.upcoming_view
    add_runs(greeting, "more", 10)  # they still fit: the scroll bar does not change
    area.reload()
    QApplication.processEvents()
    assert [model.index(r, U.COL_WORKFLOW).data() for r in range(11)] == ["Greet a user"] * 11
    add_runs(greeting, "many", 60)
    area.reload()
    QApplication.processEvents()
    last_shown = view.rowAt(view.viewport().height() - 1)
    assert last_shown > 10
    assert all(model.index(r, U.COL_WORKFLOW).data() == "Greet a user" for r in range(last_shown))
    window.resize(900, 600)
    qtbot.waitUntil(lambda: view.rowAt(view.viewport().height() - 1) < last_shown)
    area.reload()  # rows below the screen lose their items
    window.resize(1400, 1000)  # taller than before: those rows come into view
    qtbot.waitUntil(lambda: view.rowAt(view.viewport().height() - 1) > last_shown)
    QApplication.processEvents()
    bottom = view.rowAt(view.viewport().height() - 1)
    assert all(model.index(r, U.COL_WORKFLOW).data() == "Greet a user" for r in range(bottom))


def test_a_new_palette_draws_the_cancel_button_again(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    from PySide6.QtGui import QColor, QPalette

    bulk(greeting, 1)
    area = shown_scheduler(qtbot, window)
    model = area.upcoming_model
    light = model.index(0, U.COL_CANCEL).data(Qt.ItemDataRole.DecorationRole)
    dark = QPalette(area.upcoming_page.palette())
    dark.setColor(QPalette.ColorRole.Button, QColor("#1f2937"))
    dark.setColor(QPalette.ColorRole.ButtonText, QColor("#f9fafb"))
    area.upcoming_page.setPalette(dark)
    drawn = model.index(0, U.COL_CANCEL).data(Qt.ItemDataRole.DecorationRole)
    assert drawn.cacheKey() != light.cacheKey()
    centre = drawn.toImage().pixelColor(drawn.width() // 2, drawn.height() - 4)
    assert centre.lightness() < 100, centre.name()  # the button's face is dark now
