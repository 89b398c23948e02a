"""Scheduling from the form, the Upcoming table and its Cancel buttons, History."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDateTime, QPoint, Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import insert

from app.core.types import utcnow
from app.storage import ledger
from app.storage import models as m
from app.ui.areas.scheduler.area import SchedulerArea
from app.ui.models.runs import UpcomingRunsModel
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import AREA_SCHEDULER, MainWindow
from app.ui.widgets.inputs import ThingPicker


def ids_of(model: Any) -> list[str]:
    return [model.row_at(row).id for row in range(model.rowCount())]


def click_cancel(qtbot: Any, area: SchedulerArea, row: int) -> None:
    view = area.upcoming_view
    rect = view.visualRect(area.upcoming_model.index(row, UpcomingRunsModel.COL_CANCEL))
    assert rect.isValid()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_schedule_for_a_picked_date_then_cancel_with_the_row_button(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    area = window.workflows_area
    area.select("greet")
    dialog = area.open_run_dialog(False)
    assert dialog is not None
    picker = dialog.editors["user"]
    assert isinstance(picker, ThingPicker)
    picker.select("ada")
    when = datetime(2031, 5, 17, 14, 30, tzinfo=UTC)
    dialog.when_at.setChecked(True)
    dialog.at_editor.edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(when.timestamp())))
    assert dialog.ok_button.isEnabled(), dialog.problem.text()
    assert "UTC" in dialog.at_editor.zone.text() or dialog.at_editor.zone.text()
    with qtbot.waitSignal(dialog.scheduled) as blocker:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    run_id = blocker.args[0]
    # the dialog closes (no second Schedule by mistake); the status bar says it in words
    qtbot.waitUntil(lambda: not dialog.isVisible())
    notice = window.run_notice
    assert notice.isVisible() and notice.key == run_id
    assert notice.label.text() == "Scheduled Greet a user for Sat 17 May 2031 14:30" or (
        notice.label.text().startswith("Scheduled Greet a user for Sat 17 May 2031")
    )  # in the machine's time zone
    qtbot.mouseClick(notice.button, Qt.MouseButton.LeftButton)  # Show: the run's row

    scheduler = window.scheduler_area
    assert window.current_area() == AREA_SCHEDULER
    model = scheduler.upcoming_model
    qtbot.waitUntil(lambda: run_id in ids_of(model), timeout=3000)
    selected = scheduler.upcoming_view.selectionModel().selectedRows()
    assert [model.row_at(i.row()).id for i in selected] == [run_id]
    row = ids_of(model).index(run_id)
    run = model.row_at(row)
    assert run.scheduled_for == when and run.params == {"user": "ada"}
    assert "17 May 2031" in model.index(row, UpcomingRunsModel.COL_SCHEDULED).data()

    click_cancel(qtbot, scheduler, row)
    qtbot.waitUntil(lambda: run_id not in ids_of(model), timeout=3000)
    with greeting.db.read() as session:
        assert ledger.get_run(session, run_id).status == ledger.CANCELLED
    history = scheduler.history_model
    qtbot.waitUntil(lambda: run_id in ids_of(history), timeout=3000)
    assert history.row_at(ids_of(history).index(run_id)).status == ledger.CANCELLED


def test_invalid_parameter_blocks_the_button_with_a_reason(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    area = window.workflows_area
    area.select("greet")
    dialog = area.open_run_dialog(False)
    assert dialog is not None
    picker = dialog.editors["user"]
    assert isinstance(picker, ThingPicker)
    picker.combo.setEditText("no-such-user")
    assert not dialog.ok_button.isEnabled()
    assert "no-such-user" in dialog.problem.text()
    assert dialog.field_errors["user"].isVisibleTo(dialog)
    picker.select("ada")
    assert dialog.ok_button.isEnabled()
    dialog.close()


def test_cancel_selected_and_filter(qtbot: Any, greeting: AppContext, window: MainWindow) -> None:
    later = utcnow() + timedelta(days=1)
    ids = [
        greeting.service.schedule("greet", {"user": "ada"}, at=later + timedelta(minutes=i))
        for i in range(5)
    ]
    window.show_area(AREA_SCHEDULER)  # its buttons are clicked where they are shown
    scheduler = window.scheduler_area
    model = scheduler.upcoming_model
    qtbot.waitUntil(lambda: model.rowCount() == 5, timeout=3000)
    assert scheduler.count_label.text() == "5 upcoming"
    scheduler.upcoming_filter.setText(ids[3])
    assert model.rowCount() == 1 and model.row_at(0).id == ids[3]
    scheduler.upcoming_filter.clear()
    view = scheduler.upcoming_view
    view.selectRow(0)
    view.selectionModel().select(
        model.index(1, 0),
        view.selectionModel().SelectionFlag.Select | view.selectionModel().SelectionFlag.Rows,
    )
    assert sorted(scheduler.selected_upcoming_ids()) == sorted(ids[:2])
    qtbot.mouseClick(scheduler.cancel_selected_button, Qt.MouseButton.LeftButton)
    assert ids_of(model) == ids[2:]
    scheduler.confirm = lambda title, question: True  # type: ignore[method-assign]
    qtbot.mouseClick(scheduler.cancel_all_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == 0


def test_upcoming_stays_lazy_with_100000_runs(qtbot: Any, greeting: AppContext) -> None:
    start = utcnow() + timedelta(days=1)
    now = utcnow()
    rows = [
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
        for i in range(100_000)
    ]
    with greeting.db.write() as session:
        session.execute(insert(m.Run), rows)

    from app.ui.shell.main_window import MainWindow

    opened = time.monotonic()
    window = MainWindow(greeting)
    qtbot.addWidget(window)
    window.show_area(AREA_SCHEDULER)
    window.show()
    scheduler = window.scheduler_area
    model = scheduler.upcoming_model
    view = scheduler.upcoming_view
    qtbot.waitExposed(window)
    assert time.monotonic() - opened < 5
    assert scheduler.count_label.text() == "100,000 upcoming"
    view.scrollToBottom()
    QApplication.processEvents()
    bar = view.verticalScrollBar()
    assert bar.value() == bar.maximum()
    assert model.rowCount() == 100_000
    last = view.indexAt(view.viewport().rect().bottomLeft() - QPoint(0, 4))
    assert last.isValid() and last.row() > 99_950
    assert model.index(99_999, 0).data() == "bulk0099999"
    assert model.fetched < 1_000, model.fetched  # the first page and the last one or two
    assert model.loaded_rows() <= model.page_size * model.max_pages
    # a live reload counts again and forgets the pages: nothing is loaded up front
    scheduler.reload()
    assert model.rowCount() == 100_000
    window.close()


def test_history_resumes_an_interrupted_run(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    run_id = greeting.service.schedule("greet", {"user": "ada"}, at=utcnow() + timedelta(days=1))
    with greeting.db.write() as session:  # what a crash leaves behind
        ledger.claim(session, run_id, pid=999999)
        ledger.interrupt_running(session, "Cueflow stopped while the run was running")
    scheduler = window.scheduler_area
    scheduler.history_model.reload()
    model = scheduler.history_model
    qtbot.waitUntil(lambda: model.rowCount() >= 1, timeout=3000)
    row = next(r for r in range(model.rowCount()) if model.row_at(r).id == run_id)
    scheduler.history_view.setCurrentIndex(model.index(row, 0))
    assert scheduler.resume_button.isEnabled()
    with qtbot.waitSignal(scheduler.status_message) as said:
        qtbot.mouseClick(scheduler.resume_button, Qt.MouseButton.LeftButton)
    assert said.args == ["Resuming Greet a user from the step where it stopped"]  # no run ID
    with greeting.db.read() as session:
        run = ledger.get_run(session, run_id)
    assert (run.status, run.attempt) == ("scheduled", 2)
    assert not scheduler.resume_button.isEnabled()
    with qtbot.waitSignal(scheduler.status_message) as said:
        qtbot.mouseClick(scheduler.run_again_button, Qt.MouseButton.LeftButton)
    assert said.args == ["Started Greet a user again"]


def test_the_ledgers_changes_are_read_off_the_gui_thread(
    qtbot: Any, greeting: AppContext, window: MainWindow, monkeypatch: Any
) -> None:
    import threading

    from PySide6.QtCore import QThreadPool

    from app.storage import views

    area = window.scheduler_area
    readers: list[threading.Thread] = []
    count_upcoming = views.count_upcoming

    def counting(session: Any, where: Any) -> int:
        readers.append(threading.current_thread())
        return count_upcoming(session, where)

    later = utcnow() + timedelta(hours=1)
    first = greeting.service.schedule("greet", {"user": "ada"}, at=later)
    area.reload()
    area.upcoming_view.selectRow(0)
    second = greeting.service.schedule("greet", {"user": "ada"}, at=later + timedelta(hours=1))
    monkeypatch.setattr(views, "count_upcoming", counting)
    with qtbot.waitSignal(area.upcoming_model.loaded, timeout=5000):
        area.on_ledger_changed()  # what a change in the ledger calls (via a short timer)
    monkeypatch.undo()
    assert readers and threading.main_thread() not in readers
    assert ids_of(area.upcoming_model) == [first, second]
    assert area.selected_upcoming_ids() == [first]  # the selection stayed on its run
    assert "2 upcoming" in area.count_label.text()

    # A read that arrives after a newer one is dropped.
    area.upcoming_model.reload_in_background(QThreadPool.globalInstance())
    area.upcoming_model.set_filter(views.RunFilter(text=second))
    QThreadPool.globalInstance().waitForDone(5000)
    qtbot.wait(50)  # let the late result arrive (and be ignored)
    assert ids_of(area.upcoming_model) == [second]


def test_upcoming_follows_a_thing_renamed_in_the_data_area(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    area = window.scheduler_area
    greeting.service.schedule("greet", {"user": "ada"}, at=utcnow() + timedelta(hours=1))
    area.reload()
    column = UpcomingRunsModel.COL_PARAMS
    assert area.upcoming_model.index(0, column).data() == "User: Ada"
    with qtbot.waitSignal(area.upcoming_model.loaded, timeout=5000):
        greeting.service.modify_thing("ada", {"name": "Ada Lovelace"})
    assert area.upcoming_model.index(0, column).data() == "User: Ada Lovelace"


BEAT = """
cueflow: 1
workflows:
  beat:
    parameters:
      n: {type: number}
    steps:
      - action: log
        with: {message: "run {{ n }}"}
"""


def test_a_burst_of_runs_is_shown_in_few_refreshes_and_each_status_soon(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    """While runs keep changing the tables are read at most every BUSY_RELOAD_MS
    (each read repaints the table); the last change is still on screen soon after."""
    from app.ui.areas.scheduler import area as area_module
    from app.ui.shell.bridge import EventBridge
    from app.workflow_file import import_text

    import_text(greeting.db, BEAT)
    window.show_area(AREA_SCHEDULER)
    area = window.scheduler_area
    assert isinstance(window.bridge, EventBridge)
    reads: list[float] = []  # when the tables were read again
    area._reload_timer.timeout.connect(lambda: reads.append(time.monotonic()))
    greeting.start_clock()
    started = time.monotonic()
    greeting.service.schedule_on_list("beat", list(range(1500)), "n", {})

    def all_ran() -> bool:
        with greeting.db.read() as session:
            return ledger.count_scheduled(session) == 0 and not ledger.running_runs(session)

    qtbot.waitUntil(all_ran, timeout=60_000)
    finished = time.monotonic()
    qtbot.waitUntil(lambda: area.count_label.text() == "0 upcoming", timeout=3_000)
    assert time.monotonic() - finished < 1.5  # the last change reached the table soon
    # refreshes are spaced by the busy interval, not one per run (a change within
    # BUSY_SECONDS of a refresh waits BUSY_RELOAD_MS; a later one waits even longer)
    spacing = [later - earlier for earlier, later in itertools.pairwise(reads)]
    assert spacing and min(spacing) >= area_module.BUSY_RELOAD_MS / 1000 * 0.95, spacing
    assert len(reads) <= (time.monotonic() - started) / (area_module.BUSY_RELOAD_MS / 1000) + 2
