"""The Scheduler you can read: retries, each attempt's steps, recurring schedules,
the timeline's marks, the History chart, cancel with Undo, 900×600, dark palette."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QPushButton
from sqlalchemy import insert, select, update

from app.core.recurrence import Recurrence
from app.core.types import utcnow
from app.engine import schedule_queries
from app.storage import ledger
from app.storage import models as m
from app.ui.areas.scheduler.area import TAB_HISTORY, TAB_SCHEDULES, TAB_TIMELINE, TAB_UPCOMING
from app.ui.models.runs import HistoryRunsModel, UpcomingRunsModel
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import AREA_SCHEDULER, MainWindow
from app.ui.widgets.palette_colours import contrast_ratio, error_colour

U = UpcomingRunsModel


def ids_of(model: Any) -> list[str]:
    return [model.row_at(row).id for row in range(model.rowCount())]


def occurrence_of(context: AppContext, schedule_id: str) -> str:
    with context.db.read() as session:
        found = session.scalar(
            select(m.Run.id).where(
                m.Run.schedule_id == schedule_id, m.Run.status == ledger.SCHEDULED
            )
        )
    assert found is not None
    return found


def schedule_runs(context: AppContext, count: int, first_in: timedelta) -> list[str]:
    service = context.service
    return [
        service.schedule("greet", {"user": "ada"}, at=utcnow() + first_in + timedelta(minutes=i))
        for i in range(count)
    ]


def test_cancel_then_undo_schedules_the_same_run_again(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    (run_id,) = schedule_runs(greeting, 1, timedelta(hours=2))
    window.show_area(AREA_SCHEDULER)
    area = window.scheduler_area
    area.reload()
    model, view = area.upcoming_model, area.upcoming_view
    assert model.index(0, U.COL_CANCEL).data(Qt.ItemDataRole.AccessibleTextRole) == (
        f"Cancel run {run_id}"
    )
    rect = area.upcoming_page.cancel_rect(0)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: run_id not in ids_of(model), timeout=3000)
    with greeting.db.read() as session:
        assert ledger.get_run(session, run_id).status == ledger.CANCELLED
    bar = area.undo_bar
    assert bar.parent() is window.statusBar() and bar.isVisible()  # "Undo" in the status bar
    assert bar.label.text().startswith("Cancelled Greet a user (")  # in words, once:
    assert window.statusBar().currentMessage() == ""  # not again on the left
    qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: run_id in ids_of(model), timeout=3000)
    with greeting.db.read() as session:
        run = ledger.get_run(session, run_id)
        assert (run.status, run.error, run.finished_at) == (ledger.SCHEDULED, None, None)
    assert not bar.isVisible()
    said = window.statusBar().currentMessage()
    assert said.startswith("Scheduled again: Greet a user (") and run_id not in said


def test_undo_is_offered_for_a_few_seconds_only(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    (run_id,) = schedule_runs(greeting, 1, timedelta(hours=2))
    area = window.scheduler_area
    area.reload()
    area.undo_bar.timer.setInterval(50)
    area.cancel_runs([run_id])
    assert area.undo_bar.isVisible()
    qtbot.waitUntil(lambda: not area.undo_bar.isVisible(), timeout=3000)
    assert area.undo_bar.run_ids == []


def test_undo_of_a_schedules_occurrence_keeps_one_upcoming(greeting: AppContext) -> None:
    service = greeting.service
    schedule_id = service.schedule(
        "greet", {"user": "ada"}, at=utcnow() + timedelta(hours=1), every=Recurrence.parse("1 day")
    )
    first = occurrence_of(greeting, schedule_id)
    service.cancel([first])  # the schedule makes way for its next occurrence
    with greeting.db.read() as session:
        assert ledger.count_scheduled(session) == 1
    restored = schedule_queries.SchedulerService(greeting.db).restore([first, "nonexistent"])
    assert restored == [first]
    with greeting.db.read() as session:
        assert ledger.count_scheduled(session) == 1  # the next one stepped back
        assert ledger.get_run(session, first).status == ledger.SCHEDULED


def test_upcoming_shows_a_retrys_attempt_and_last_error_and_history_each_attempt(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    (waiting,) = schedule_runs(greeting, 1, timedelta(minutes=30))
    (done,) = schedule_runs(greeting, 1, timedelta(minutes=40))
    now = utcnow()
    with greeting.db.write() as session:
        session.execute(
            update(m.Run)
            .where(m.Run.id == waiting)
            .values(attempt=2, error="step 1 (send_email): connection refused")
        )
        session.execute(
            update(m.Run)
            .where(m.Run.id == done)
            .values(status=ledger.SUCCEEDED, attempt=2, started_at=now, finished_at=now)
        )
        session.execute(
            insert(m.StepResult),
            [
                {
                    "run_id": done,
                    "attempt": attempt,
                    "position": 1,
                    "action": "send_email",
                    "status": status,
                    "inputs": {"to": "ada@example.com", "cc": ["a@x.org", "b@x.org"]},
                    "result": {"message_id": "<1@x>"} if status == "succeeded" else None,
                    "error": "connection refused" if status == "failed" else None,
                    "started_at": now,
                    "duration_ms": 12.0,
                }
                for attempt, status in ((1, "failed"), (2, "succeeded"))
            ],
        )
    window.show_area(AREA_SCHEDULER)
    area = window.scheduler_area
    area.reload()
    model = area.upcoming_model
    row = ids_of(model).index(waiting)
    assert model.index(row, U.COL_ATTEMPT).data() == "2"
    # the engine's "step 1 (send_email): …" in the editor's words
    assert model.index(row, U.COL_ERROR).data() == "Step 1 · Send email: connection refused"

    area.tabs.setCurrentIndex(TAB_HISTORY)
    history = area.history_model
    area.history_view.setCurrentIndex(history.index(ids_of(history).index(done), 0))
    details = area.run_details
    assert details.attempt_choice.isVisibleTo(area) and details.attempt_choice.count() == 2
    assert details.attempt_choice.currentText() == "Attempt 2 — Succeeded"
    assert details.step_lines() == ["1 · Send email: Succeeded · 12 ms"]  # its label
    step = details.steps.topLevelItem(0)
    inputs = step.child(0)
    assert (inputs.child(0).text(0), inputs.child(0).text(1)) == ("To", "ada@example.com")
    cc = inputs.child(1)
    assert cc.text(0) == "Cc" and cc.text(1) == "2 items" and cc.child(1).text(1) == "b@x.org"
    assert (step.child(1).text(0), step.child(1).child(0).text(1)) == ("Result", "<1@x>")
    details.attempt_choice.setCurrentIndex(0)  # the first attempt, which failed
    assert details.step_lines() == ["1 · Send email: Failed · 12 ms"]
    failed = details.steps.topLevelItem(0)
    rows = [(failed.child(i).text(0), failed.child(i).text(1)) for i in range(failed.childCount())]
    assert rows[1:] == [("Error", "connection refused")]  # no empty Result for a failed step
    assert history.index(ids_of(history).index(done), HistoryRunsModel.COL_STATUS).data() == (
        "Succeeded"
    )


def test_schedules_list_pause_resume_and_end(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    service = greeting.service
    schedule_id = service.schedule(
        "greet",
        {"user": "ada"},
        at=utcnow() + timedelta(hours=1),
        every=Recurrence.parse("cron:0 9 * * 1-5"),
        timezone="Europe/Berlin",
    )
    first = occurrence_of(greeting, schedule_id)
    window.show_area(AREA_SCHEDULER)
    area = window.scheduler_area
    area.tabs.setCurrentIndex(TAB_SCHEDULES)
    page = area.schedules_page
    assert page.table.rowCount() == 1 and not page.empty.isVisibleTo(page)
    (item,) = page.items
    assert item.id == schedule_id
    assert page.table.item(0, 0).text() == "Greet a user"  # its label, not `greet`
    # the zone by its city, not its key ("Europe/Berlin")
    assert page.table.item(0, 1).text() == "At 09:00, Monday through Friday (Berlin)"
    assert len(item.next_times) == 3 and item.next_times[0] < item.next_times[1]
    assert page.table.item(0, 3).text() == "Active"

    pause = page.button(item.id, "Pause")
    assert pause is not None and pause.accessibleName() == f"Pause schedule {item.id}"
    with qtbot.waitSignal(page.status_message) as said:
        qtbot.mouseClick(pause, Qt.MouseButton.LeftButton)
    assert said.args == ["Paused the repeat schedule of Greet a user"]  # no ID
    with greeting.db.read() as session:
        assert ledger.get_run(session, first).status == ledger.CANCELLED
        assert ledger.count_scheduled(session) == 0
    assert page.table.item(0, 3).text() == "Paused"
    resume = page.button(item.id, "Pause")
    assert resume is not None and resume.text() == "Resume"
    qtbot.mouseClick(resume, Qt.MouseButton.LeftButton)
    with greeting.db.read() as session:
        assert ledger.count_scheduled(session) == 1  # its next occurrence, from now
    end = page.button(item.id, "End")
    assert end is not None
    qtbot.mouseClick(end, Qt.MouseButton.LeftButton)
    with greeting.db.read() as session:
        assert ledger.count_scheduled(session) == 0
    assert page.table.rowCount() == 0 and page.empty.isVisibleTo(page)
    assert "Repeat" in page.empty.text()  # the empty state says what to do


def test_timeline_groups_dense_runs_shows_occurrences_and_click_selects_the_row(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    ids = schedule_runs(greeting, 30, timedelta(hours=3))  # 30 runs a minute apart
    (lone,) = schedule_runs(greeting, 1, timedelta(hours=12))
    greeting.service.schedule(
        "greet",
        {"user": "ada"},
        at=utcnow() + timedelta(hours=1),
        every=Recurrence.parse("4 hours"),
    )
    window.resize(1400, 900)
    window.show_area(AREA_SCHEDULER)
    area = window.scheduler_area
    area.tabs.setCurrentIndex(TAB_TIMELINE)
    timeline = area.timeline
    qtbot.waitUntil(lambda: timeline.width() > 600)
    timeline.reload()
    groups = timeline.groups()["greet"]
    assert max(len(runs) for runs in groups.values()) > 1  # dense runs share a counted mark
    assert sum(len(runs) for runs in groups.values()) == 32
    assert len(timeline.occurrences) >= 4  # the schedule's later times, hollow marks
    pos = timeline.mark_position(ids[10])
    assert pos is not None and len(timeline.runs_at(pos)) > 1
    assert "click to show them" in timeline.tooltip_at(pos)

    lone_pos = timeline.mark_position(lone)
    assert lone_pos is not None
    assert timeline.tooltip_at(lone_pos).startswith("Greet a user at ")  # its label
    assert [run.id for run in timeline.runs_at(lone_pos)] == [lone], (lone_pos, timeline.lanes)
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=lone_pos)
    assert area.tabs.currentIndex() == TAB_UPCOMING
    current = area.upcoming_view.currentIndex()
    assert current.isValid() and area.upcoming_model.row_at(current.row()).id == lone
    assert area.selected_upcoming_ids() == [lone]


def test_the_history_chart_counts_runs_per_day_by_status(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    ids = schedule_runs(greeting, 5, timedelta(hours=1))
    now = utcnow()
    with greeting.db.write() as session:
        for number, run_id in enumerate(ids):
            status = ledger.SUCCEEDED if number < 3 else ledger.FAILED
            session.execute(
                update(m.Run)
                .where(m.Run.id == run_id)
                .values(
                    status=status,
                    started_at=now - timedelta(seconds=10 + number),
                    finished_at=now,
                )
            )
    days = schedule_queries.history_days(greeting.db, 14)
    assert len(days) == 14 and days[-1].counts == {"succeeded": 3, "failed": 2}
    assert days[-1].median_seconds == 12.0 and sum(d.total for d in days[:-1]) == 0
    window.show_area(AREA_SCHEDULER)
    area = window.scheduler_area
    area.tabs.setCurrentIndex(TAB_HISTORY)
    chart = area.history_chart
    qtbot.waitUntil(lambda: bool(chart.days) and chart.days[-1].total == 5)  # read off-thread
    assert "3 succeeded, 2 failed, median 12.0 s" in chart.summary()
    image = chart.grab().toImage()
    bar = chart.bar_rect(13)
    colours = {image.pixelColor(bar.center().x(), y).name() for y in range(bar.top(), bar.bottom())}
    assert {"#16a34a", "#dc2626"} <= colours  # green and red stacked in today's bar


def test_at_900_by_600_the_first_rows_cancel_button_is_in_view(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    (run_id, _) = schedule_runs(greeting, 2, timedelta(hours=1))
    with greeting.db.write() as session:
        session.execute(
            update(m.Run).where(m.Run.id == run_id).values(params={"user": "ada" * 200})
        )
    window.resize(900, 600)
    window.show_area(AREA_SCHEDULER)
    area = window.scheduler_area
    area.reload()
    qtbot.waitUntil(lambda: window.width() <= 1000)
    view = area.upcoming_view
    qtbot.waitUntil(lambda: not view.isColumnHidden(U.COL_CANCEL) and view.viewport().width() > 0)
    rect = area.upcoming_page.cancel_rect(0)
    assert view.viewport().rect().contains(rect), (rect, view.viewport().rect())
    assert view.horizontalScrollBar().maximum() == 0 or not view.horizontalScrollBar().isVisible()
    assert not view.isColumnHidden(U.COL_WORKFLOW) and not view.isColumnHidden(U.COL_SCHEDULED)
    assert view.isColumnHidden(U.COL_CREATED)  # the least useful column made room
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: run_id not in ids_of(area.upcoming_model), timeout=3000)
    window.resize(1900, 1000)
    qtbot.waitUntil(lambda: not view.isColumnHidden(U.COL_CREATED))


def test_error_red_is_readable_on_a_dark_palette(qapp: Any) -> None:
    dark = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#1f2937"),
        (QPalette.ColorRole.Base, "#111827"),
        (QPalette.ColorRole.Text, "#f9fafb"),
    ):
        dark.setColor(role, QColor(colour))
    red = error_colour(dark)
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        assert contrast_ratio(red, dark.color(role)) >= 4.5
    assert contrast_ratio(QColor("#b91c1c"), dark.color(QPalette.ColorRole.Window)) < 3  # old red
    light = QApplication.palette()
    assert contrast_ratio(error_colour(light), light.color(QPalette.ColorRole.Window)) >= 4.5
    assert round(contrast_ratio(QColor("#000"), QColor("#fff")), 1) == 21.0


def test_per_row_and_toolbar_controls_have_accessible_names(
    greeting: AppContext, window: MainWindow
) -> None:
    area = window.scheduler_area
    for widget in (area.upcoming_filter, area.history_filter, area.upcoming_view, area.timeline):
        assert widget.accessibleName(), widget.objectName()
    for button in area.findChildren(QPushButton):
        assert button.text() or button.accessibleName(), button.objectName()
        assert button.icon().isNull()  # words, no stock tick / cross icons


def test_the_schedule_dialog_shows_repeat_and_for_each_without_scrolling(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    from PySide6.QtCore import QSize

    dialog = window.scheduler_area.open_run_dialog("greet")
    dialog.fit_to_content(QSize(1400, 900))
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.height() <= 900 - 60 and dialog.width() <= 1400 - 40, dialog.size()
    qtbot.waitUntil(lambda: dialog.body_scroll.verticalScrollBar().maximum() == 0)
    viewport = dialog.body_scroll.viewport()

    def shown_whole(section: Any) -> bool:
        top_left = section.mapTo(viewport, section.rect().topLeft())
        bottom = section.mapTo(viewport, section.rect().bottomRight())
        return viewport.rect().contains(top_left) and viewport.rect().contains(bottom)

    qtbot.waitUntil(lambda: shown_whole(dialog.repeat) and shown_whole(dialog.for_each))
    assert dialog.height() < 880  # sized to its content, not to the room
    assert not dialog.for_each.contents.isVisibleTo(dialog)  # For each's items: when checked
    dialog.for_each.setChecked(True)
    assert dialog.for_each.contents.isVisibleTo(dialog)
    dialog.close()


def test_dialog_buttons_are_words_without_stock_icons(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    dialog = window.scheduler_area.open_run_dialog("greet")
    for button in dialog.buttons.buttons():
        assert button.icon().isNull(), button.text()
    dialog.close()
