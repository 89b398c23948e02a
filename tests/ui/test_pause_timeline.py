"""Pause / Resume, cancelling many selected rows, and the timeline of upcoming runs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QColor
from sqlalchemy import insert

from app.core.types import utcnow
from app.storage import ledger
from app.storage import models as m
from app.ui.areas.scheduler.area import TAB_TIMELINE
from app.ui.areas.scheduler.timeline import HEADER_HEIGHT, LANE_HEIGHT, TimelineWidget
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import AREA_SCHEDULER, MainWindow
from app.workflow_file import import_text

SECOND = """
cueflow: 1
workflows:
  digest:
    colour: "#16a34a"
    steps:
      - action: log
        with: {message: hi}
"""


def test_pause_and_resume_from_the_button_and_the_run_menu(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    window.show_area(AREA_SCHEDULER)  # its buttons are clicked where they are shown
    area = window.scheduler_area
    action = window.findChild(QAction, "actionPauseRuns")
    assert action is not None and action.isCheckable() and not action.isChecked()
    assert area.pause_button.text() == "Pause all runs"
    qtbot.mouseClick(area.pause_button, Qt.MouseButton.LeftButton)
    assert greeting.service.is_paused()
    assert area.pause_button.text() == "Resume runs" and area.pause_button.isChecked()
    assert action.isChecked() and area.paused_banner.isVisibleTo(area)
    action.trigger()
    assert not greeting.service.is_paused()
    assert area.pause_button.text() == "Pause all runs" and not action.isChecked()
    assert not area.paused_banner.isVisibleTo(area)


def test_pause_state_follows_the_clock(qtbot: Any, greeting: AppContext) -> None:
    greeting.service.set_paused(True)
    greeting.start_clock()
    window = MainWindow(greeting)
    qtbot.addWidget(window)
    assert window.scheduler_area.paused and window.pause_action.isChecked()
    qtbot.waitUntil(lambda: window.scheduler_label.text().startswith("Paused"), timeout=3000)
    window.scheduler_area.set_paused(False)
    qtbot.waitUntil(lambda: window.scheduler_label.text().startswith("Running"), timeout=3000)
    greeting.stop_clock()
    window.close()


def bulk_runs(
    context: AppContext, workflow: str, count: int, start_in: timedelta, step: timedelta
) -> None:
    now = utcnow()
    with context.db.write() as session:
        session.execute(
            insert(m.Run),
            [
                {
                    "id": f"{workflow}{i:06d}",
                    "workflow": workflow,
                    "workflow_version": 1,
                    "status": ledger.SCHEDULED,
                    "scheduled_for": now + start_in + step * i,
                    "created_at": now,
                    "params": {"user": "ada"} if workflow == "greet" else {},
                    "attempt": 1,
                    "depth": 0,
                    "ignore_privacy": False,
                }
                for i in range(count)
            ],
        )


def test_cancel_selected_works_for_thousands_of_rows(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    bulk_runs(greeting, "greet", 3000, timedelta(hours=1), timedelta(seconds=1))
    window.show_area(AREA_SCHEDULER)
    area = window.scheduler_area
    area.reload()
    assert area.upcoming_model.rowCount() == 3000
    view = area.upcoming_view
    view.selectAll()
    view.selectionModel().select(
        area.upcoming_model.index(0, 0),
        view.selectionModel().SelectionFlag.Deselect | view.selectionModel().SelectionFlag.Rows,
    )
    assert len(area.selected_upcoming_ids()) == 2999
    qtbot.mouseClick(area.cancel_selected_button, Qt.MouseButton.LeftButton)
    assert area.upcoming_model.rowCount() == 1
    assert area.upcoming_model.row_at(0).id == "greet000000"
    with greeting.db.read() as session:
        assert ledger.count_scheduled(session) == 1


def test_timeline_paints_a_lane_per_workflow_within_the_window(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    import_text(greeting.db, SECOND)
    bulk_runs(greeting, "greet", 40, timedelta(hours=1), timedelta(minutes=20))  # 1 h … 14 h
    bulk_runs(greeting, "digest", 5, timedelta(days=2), timedelta(hours=3))  # day 2–3 only
    window.show_area(AREA_SCHEDULER)
    area = window.scheduler_area
    area.tabs.setCurrentIndex(TAB_TIMELINE)
    timeline = area.timeline
    assert timeline.lanes == ["greet"]  # the next 24 hours: digest has nothing yet
    assert timeline.lane_counts() == {"greet": 40}
    assert area.timeline_summary.text() == "40 runs of 1 workflow · click a mark to see its run"
    qtbot.mouseClick(area.span_week_button, Qt.MouseButton.LeftButton)
    assert timeline.lanes == ["digest", "greet"]
    assert timeline.lane_counts() == {"digest": 5, "greet": 40}

    timeline.resize(900, 200)
    image = timeline.grab().toImage()
    assert not image.isNull()

    def lane_has(colour: str, lane: int) -> bool:
        y = HEADER_HEIGHT + lane * LANE_HEIGHT + LANE_HEIGHT // 2
        wanted = QColor(colour)
        return any(image.pixelColor(x, y) == wanted for x in range(170, image.width()))

    assert lane_has("#16a34a", 0) and lane_has("#e67e22", 1)
    assert not lane_has("#e67e22", 0)
    # a run 2 days and 6 hours ahead sits near the right place on the week's axis
    digest_x = timeline.x_of(utcnow() + timedelta(days=2, hours=6))
    assert timeline.tooltip_at(QPoint(digest_x, HEADER_HEIGHT + 5)).startswith("digest at ")
    assert timeline.tooltip_at(QPoint(10, 5)) == ""

    qtbot.mouseClick(area.span_day_button, Qt.MouseButton.LeftButton)
    assert timeline.lanes == ["greet"]


def test_timeline_reads_only_its_window(qtbot: Any, greeting: AppContext) -> None:
    bulk_runs(greeting, "greet", 10, timedelta(days=30), timedelta(hours=1))
    timeline = TimelineWidget(greeting.db)
    qtbot.addWidget(timeline)
    timeline.reload()
    assert timeline.runs == [] and timeline.lanes == []
    assert not timeline.grab().isNull()  # paints "Nothing is scheduled"
