"""Run now against a real SMTP server: the clock runs it, History shows its trace."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.storage import ledger
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import AREA_SCHEDULER, MainWindow
from app.ui.widgets.inputs import ThingPicker


def test_run_now_reaches_history_with_its_trace(
    qtbot: Any, greeting: AppContext, smtp_server: Any
) -> None:
    smtp_server.configure(greeting.db)
    greeting.start_clock()
    window = MainWindow(greeting)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.scheduler_label.text().startswith("Running"), timeout=3000)

    area = window.workflows_area
    area.select("greet")
    dialog = area.open_run_dialog(True)
    assert dialog is not None
    picker = dialog.editors["user"]
    assert isinstance(picker, ThingPicker)
    picker.select("ada")
    with qtbot.waitSignal(dialog.scheduled) as blocker:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    run_id = blocker.args[0]
    dialog.close()

    window.show_area(AREA_SCHEDULER)
    scheduler = window.scheduler_area
    scheduler.tabs.setCurrentIndex(1)
    history = scheduler.history_model

    def finished() -> bool:
        rows = [history.row_at(r) for r in range(history.rowCount())]
        return any(r.id == run_id and r.status == ledger.SUCCEEDED for r in rows)

    qtbot.waitUntil(finished, timeout=10_000)
    assert smtp_server.messages[0]["to"] == ["ada@example.com"]
    assert smtp_server.messages[0]["subject"] == "Hello Ada"
    row = [history.row_at(r).id for r in range(history.rowCount())].index(run_id)
    scheduler.history_view.setCurrentIndex(history.index(row, 0))
    trace = scheduler.trace_table  # one line per step; inputs and result as fields
    assert trace.topLevelItemCount() == 1
    step = trace.topLevelItem(0)
    assert step.text(0) == "1 · Send email"  # the action's label, not its name
    assert step.text(1).startswith("Succeeded · ")
    inputs = step.child(0)
    assert inputs.text(0) == "Inputs"
    fields = {inputs.child(i).text(0): inputs.child(i).text(1) for i in range(inputs.childCount())}
    assert fields["To"] == "ada@example.com" and fields["Subject"] == "Hello Ada"
    assert "Succeeded" in scheduler.trace_title.text()

    qtbot.mouseClick(scheduler.run_again_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(smtp_server.messages) == 2, timeout=10_000)
    window.close()
