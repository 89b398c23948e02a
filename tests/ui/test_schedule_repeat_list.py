"""The Schedule form's Repeat section and For each (list) scheduling."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QItemSelectionModel, Qt
from sqlalchemy import func, insert, select

from app.core.types import utcnow
from app.storage import ledger, schedules
from app.storage import models as m
from app.ui.dialogs.run_dialog import RunDialog
from app.ui.dialogs.schedule_sections import REPEAT_CRON, REPEAT_EVERY
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import MainWindow
from app.ui.widgets.inputs import ThingPicker

BERLIN = ZoneInfo("Europe/Berlin")


def open_dialog(window: MainWindow) -> RunDialog:
    window.workflows_area.select("greet")
    dialog = window.workflows_area.open_run_dialog(False)
    assert isinstance(dialog, RunDialog)
    return dialog


def test_repeat_preview_flags_the_dst_change_and_saves_a_schedule(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    dialog = open_dialog(window)
    picker = dialog.editors["user"]
    assert isinstance(picker, ThingPicker)
    picker.select("ada")
    repeat = dialog.repeat
    assert repeat.summary.text() == "Runs once." and not repeat.preview.isVisibleTo(dialog)
    repeat.zone.setCurrentText("Europe/Berlin")
    # Friday 27 March 2026, 09:00 in Berlin; summer time starts on Sunday the 29th.
    # (Its minutes typed first: a day picked with the time untouched goes to 09:00
    # local, and the time shown at first, the next full hour, is 08:00 UTC from
    # 07:00 to 08:00 UTC, as 09:00 in Berlin is.)
    dialog.at_editor.set_value(datetime(2026, 3, 27, 9, 1, tzinfo=BERLIN))
    dialog.at_editor.set_value(datetime(2026, 3, 27, 9, 0, tzinfo=BERLIN))
    repeat.kind.setCurrentIndex(REPEAT_EVERY)
    repeat.amount.setValue(1)
    repeat.unit.setCurrentIndex(repeat.unit.findData("days"))
    assert repeat.summary.text() == "Runs every 1 day at 09:00 (Berlin)."
    lines = repeat.preview_lines()
    assert len(lines) == 10
    assert lines[0] == ("Fri 27 Mar 2026 09:00   UTC+01:00", False)
    assert lines[1] == ("Sat 28 Mar 2026 09:00   UTC+01:00", False)
    assert lines[2][0].startswith("Sun 29 Mar 2026 09:00   UTC+02:00")
    assert "daylight saving" in lines[2][0] and lines[2][1]
    assert all(flagged for _, flagged in lines[2:])

    repeat.kind.setCurrentIndex(REPEAT_CRON)
    repeat.cron.setText("0 9 * *")
    assert "cron" in repeat.error.text() and not dialog.ok_button.isEnabled()
    assert dialog.problem.text().startswith("Repeat:")
    repeat.cron.setText("30 8 * * 1-5")
    assert dialog.ok_button.isEnabled(), dialog.problem.text()
    # 08:30 on the Friday is before the start: the first is Monday, in summer time
    assert repeat.preview_lines()[0][0] == "Mon 30 Mar 2026 08:30   UTC+02:00"
    assert repeat.preview_lines()[4][0] == "Fri 3 Apr 2026 08:30   UTC+02:00"

    repeat.kind.setCurrentIndex(REPEAT_EVERY)
    repeat.unit.setCurrentIndex(repeat.unit.findData("weeks"))
    with qtbot.waitSignal(dialog.scheduled) as blocker:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    schedule_id = blocker.args[0]
    assert dialog.result_label.text() == "Repeating schedule"
    with greeting.db.read() as session:
        row = session.get(m.Schedule, schedule_id)
        assert row is not None and row.status == schedules.ACTIVE
        assert row.every == "1 week" and row.timezone == "Europe/Berlin"
        runs = list(session.scalars(select(m.Run).where(m.Run.schedule_id == schedule_id)))
    start = datetime(2026, 3, 27, 9, 0, tzinfo=BERLIN)
    [first] = [r.scheduled_for for r in runs]
    # The first occurrence is at the start, or due now once the start has passed.
    assert first == start if start > utcnow() else start < first <= utcnow()
    dialog.close()


def add_users(context: AppContext, count: int) -> list[str]:
    now = utcnow()
    with context.db.write() as session:
        type_id = session.scalar(select(m.DataType.id).where(m.DataType.name == "User"))
        ids = [f"user{i:05d}" for i in range(count)]
        session.execute(
            insert(m.Thing),
            [
                {
                    "id": thing_id,
                    "data_type_id": type_id,
                    "created_at": now + timedelta(microseconds=i),
                    "modified_at": now,
                    "data": {"email": f"{thing_id}@example.com", "name": f"User {i}"},
                }
                for i, thing_id in enumerate(ids)
            ],
        )
    return ids


def test_for_each_selection_schedules_one_run_per_item(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    add_users(greeting, 4)
    dialog = open_dialog(window)
    section = dialog.for_each
    section.setChecked(True)
    assert not dialog.editors["user"].isEnabled()
    assert section.item_type() == "User"
    section.source_selection.setChecked(True)
    assert not dialog.ok_button.isEnabled() and "empty" in dialog.problem.text()
    qtbot.waitUntil(lambda: not section.choices.loading)  # read on a worker thread
    chosen = section.selection.selectionModel()
    for row in (1, 2, 4):
        chosen.select(section.choices.index(row, 0), QItemSelectionModel.SelectionFlag.Select)
    section.interval.setValue(2)
    assert section.count_label.text() == "3 runs will be scheduled"
    start = datetime(2031, 1, 1, 12, 0, tzinfo=BERLIN)
    dialog.at_editor.set_value(start + timedelta(minutes=1))  # (minutes first: see above)
    dialog.at_editor.set_value(start)
    dialog.repeat.kind.setCurrentIndex(REPEAT_EVERY)
    assert not dialog.ok_button.isEnabled()
    dialog.repeat.kind.setCurrentIndex(0)
    with qtbot.waitSignal(dialog.list_scheduled) as blocker:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [3]
    assert dialog.result_label.text().startswith("Scheduled 3 runs")
    with greeting.db.read() as session:
        runs = [session.get(m.Run, run_id) for run_id in dialog.last_list_ids]
    assert [r.params["user"] for r in runs] == ["user00000", "user00001", "user00003"]
    assert [r.scheduled_for for r in runs] == [start + timedelta(seconds=2 * i) for i in range(3)]
    dialog.close()


def test_a_large_list_goes_in_off_the_gui_thread_with_progress(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    add_users(greeting, 2500)
    dialog = open_dialog(window)
    dialog.chunk_size = 500
    section = dialog.for_each
    section.setChecked(True)
    section.search.setText("@example.com")
    # counted on a worker thread: Start waits for the count
    assert section.count_label.text() == "Counting…" and not dialog.ok_button.isEnabled()
    assert "counting" in dialog.problem.text()
    qtbot.waitUntil(lambda: section.count_label.text() == "2,501 runs will be scheduled")  # Ada too
    assert dialog.ok_button.isEnabled()
    progress: list[int] = []
    dialog.ok_button.click()
    assert dialog.progress is not None and dialog.list_task is not None
    dialog.list_task.signals.progressed.connect(progress.append)
    with qtbot.waitSignal(dialog.list_scheduled, timeout=20000) as blocker:
        pass
    assert blocker.args == [2501]
    assert dialog.progress is None and dialog.ok_button.isEnabled()
    assert progress and progress[-1] == 2501 and progress == sorted(progress)
    with greeting.db.read() as session:
        assert ledger.count_scheduled(session, "greet") == 2501
    assert dialog.result_label.text().startswith("Scheduled 2,501 runs")
    dialog.close()


def test_cancelling_a_large_list_leaves_nothing_scheduled(
    qtbot: Any, greeting: AppContext, window: MainWindow
) -> None:
    add_users(greeting, 2500)
    dialog = open_dialog(window)
    dialog.chunk_size = 100
    dialog.for_each.setChecked(True)
    qtbot.waitUntil(dialog.ok_button.isEnabled)  # once the things are counted
    dialog.ok_button.click()
    assert dialog.list_task is not None and dialog.progress is not None
    dialog.list_task.cancel()  # as the progress dialog's Cancel does
    with qtbot.waitSignal(dialog.scheduled, timeout=20000):
        pass
    assert "Cancelled" in dialog.problem.text()
    with greeting.db.read() as session:
        assert ledger.count_scheduled(session) == 0
        assert session.scalar(select(func.count()).select_from(m.Run)) < 2501
    dialog.close()
