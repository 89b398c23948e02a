"""History's run details speak the editor's words at 900×600: steps by their
action's label, inputs by their titles, things by their labels, errors that name
the step and the field; and the Started by column fits its text."""

from __future__ import annotations

from importlib import resources
from typing import Any

from app.engine.runner import Runner
from app.storage import views
from app.ui.areas.scheduler.area import TAB_HISTORY
from app.ui.models.runs import HistoryRunsModel, origin_words
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import AREA_SCHEDULER, MainWindow
from app.workflow_file import import_text

H = HistoryRunsModel


def birthday(context: AppContext) -> dict[str, str]:
    """The birthday example imported; {name: thing ID} of its users."""
    text = resources.files("resources").joinpath("examples/birthday.yaml").read_text()
    import_text(context.db, text)
    with context.db.read() as session:
        rows = views.thing_choice_rows(session, "User", 10)
    return {str(data["name"]): thing_id for thing_id, _, data in rows}


def select_run(qtbot: Any, window: MainWindow, run_id: str) -> Any:
    window.show_area(AREA_SCHEDULER)
    area = window.scheduler_area
    area.tabs.setCurrentIndex(TAB_HISTORY)
    area.reload()
    model = area.history_model
    qtbot.waitUntil(lambda: run_id in [model.row_at(r).id for r in range(model.rowCount())])
    row = [model.row_at(r).id for r in range(model.rowCount())].index(run_id)
    area.history_view.setCurrentIndex(model.index(row, H.COL_WORKFLOW))
    return area


def test_a_failed_runs_details_name_the_step_and_field_not_the_engines_names(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    users = birthday(context)
    # As nobody, the example's privacy rule hides Ada's email: "no recipient".
    run_id = Runner(context.db).run_now("send_birthday_email", {"user": users["Ada"]})
    window.resize(900, 600)
    area = select_run(qtbot, window, run_id)
    details = area.run_details
    text = details.details_text()
    assert "Step 1 · Send email: no recipient" in details.error.text()
    assert "1 · Send email: Failed" in text
    assert "To: —" in text and "Subject: Happy birthday, Ada!" in text
    assert "send_email" not in text and "(send_email)" not in text
    assert "step 1 · Send email: no recipient" in details.log.toPlainText()
    row = area.history_view.currentIndex().row()
    error_cell = area.history_model.index(row, H.COL_ERROR).data()
    assert error_cell.startswith("Step 1 · Send email: ")
    assert details.error.isVisibleTo(window)


def test_nested_results_things_and_times_read_as_fields(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    users = birthday(context)
    ada = users["Ada"]
    run_id = Runner(context.db).run_now(
        "send_birthday_email",
        {"user": ada, "birthday": "2026-12-10T09:00:00+00:00"},
        run_as=ada,
        captured=True,  # a test run: the email is previewed, the next year's run recorded
    )
    area = select_run(qtbot, window, run_id)
    details = area.run_details
    text = details.details_text()
    assert "1 · Send email: Succeeded" in text and "2 · Schedule a workflow: Succeeded" in text
    assert "Workflow: Send birthday email" in text  # the workflow by its label
    assert "send_birthday_email" not in text.split("\n1 · ")[1].split("\nWed ")[0]
    assert "From: " in text  # the preview's sender, titled like the inputs
    params = next(
        line for line in text.splitlines() if line.startswith("Parameters: ")
    )  # a mapping opens into its fields, not JSON
    assert params == "Parameters: 2 fields" and "User: Ada" in text  # by the Run form's title
    assert "user: Ada" not in text
    inputs = details.steps.topLevelItem(1).child(0)
    shown = {inputs.child(i).text(0): inputs.child(i) for i in range(inputs.childCount())}
    assert shown["Parameters"].isExpanded()  # a small mapping is shown open
    assert "When: Fri 10 Dec 2027 09:00" in text  # a time in words (a year on)
    assert "{" not in text.replace("{{", "")  # no JSON anywhere
    assert ada not in details.log.toPlainText()  # "running as User Ada"
    assert "running as User Ada" in details.log.toPlainText()
    assert "schedule Send birthday email captured" in details.log.toPlainText()


def test_started_by_fits_its_text_at_900_by_600(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    users = birthday(context)
    run_id = Runner(context.db).run_now("send_birthday_email", {"user": users["Grace"]})
    window.resize(900, 600)
    area = select_run(qtbot, window, run_id)
    view = area.history_view
    qtbot.waitUntil(lambda: not view.isColumnHidden(H.COL_ORIGIN))
    metrics = view.fontMetrics()
    widest = max(
        metrics.horizontalAdvance(origin_words(origin))
        for origin in ("cli", "window", "schedule", "trigger", "workflow")
    )
    assert view.columnWidth(H.COL_ORIGIN) >= widest + 8
    header = view.horizontalHeader()
    right = header.sectionViewportPosition(H.COL_ORIGIN) + view.columnWidth(H.COL_ORIGIN)
    assert right <= view.viewport().width()  # in view, not clipped at the edge
    for column in (H.COL_WORKFLOW, H.COL_STARTED, H.COL_STATUS, H.COL_ERROR):
        assert not view.isColumnHidden(column)
    shown = view.model().index(view.currentIndex().row(), H.COL_ORIGIN).data()
    assert metrics.horizontalAdvance(shown) < view.columnWidth(H.COL_ORIGIN)


def test_hostile_recorded_values_show_in_bounded_rows(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    """A step that recorded a deep, long and huge result: the details open it as
    rows (6 levels, 200 items, 300 characters a cell) and the window stays usable."""
    from sqlalchemy import insert, update

    from app.core.types import utcnow
    from app.storage import ledger
    from app.storage import models as m

    users = birthday(context)
    run_id = Runner(context.db).run_now("send_birthday_email", {"user": users["Ada"]})
    deep: Any = "bottom"
    for _ in range(200):
        deep = {"inner": deep}
    result = {
        "deep": deep,
        "many": list(range(10_000)),
        "huge": "é" * 200_000,
        "big": 1e308,
        "odd": "\x00 \u202e",  # a NUL and a right-to-left mark
    }
    with context.db.write() as session:
        session.execute(
            update(m.Run).where(m.Run.id == run_id).values(status=ledger.SUCCEEDED, error=None)
        )
        session.execute(
            insert(m.StepResult).values(
                run_id=run_id,
                attempt=1,
                position=2,
                action="http_request",
                status="succeeded",
                inputs={"url": "https://example.com/" + "x" * 50_000},
                result=result,
                error=None,
                started_at=utcnow(),
                duration_ms=1.0,
            )
        )
    area = select_run(qtbot, window, run_id)
    step = area.run_details.steps.topLevelItem(1)
    assert step.text(0) == "2 · Call a web API"
    inputs, shown = step.child(0), step.child(1)
    assert inputs.child(0).text(0) == "Address (URL)" and len(inputs.child(0).text(1)) <= 300
    rows = {shown.child(i).text(0): shown.child(i) for i in range(shown.childCount())}
    assert "Status code" not in rows  # (this result has no status: its own keys stay)
    assert rows["many"].childCount() == 201 and rows["many"].child(200).text(1) == "9,800 more"
    assert len(rows["huge"].text(1)) <= 300
    depth, item = 0, rows["deep"]
    while item.childCount():
        depth, item = depth + 1, item.child(0)
    assert depth <= 7  # bounded, not 200 levels of rows


def test_a_web_calls_answer_reads_as_fields_not_its_json_text(
    qtbot: Any, context: AppContext, window: MainWindow
) -> None:
    from sqlalchemy import insert

    from app.core.types import utcnow
    from app.storage import models as m

    users = birthday(context)
    run_id = Runner(context.db).run_now("send_birthday_email", {"user": users["Ada"]})
    answer = {
        "status": 200,
        "headers": {"content-type": "application/json"},
        "json": [{"title": "Fix the login page"}],
        "text": '[{"title": "Fix the login page"}]',
    }
    with context.db.write() as session:
        session.execute(
            insert(m.StepResult).values(
                run_id=run_id,
                attempt=1,
                position=2,
                action="http_request",
                status="succeeded",
                inputs={"method": "GET", "url": "https://api.example.com/items"},
                result=answer,
                error=None,
                started_at=utcnow(),
                duration_ms=1500.0,
            )
        )
    area = select_run(qtbot, window, run_id)
    step = area.run_details.steps.topLevelItem(1)
    assert step.text(1) == "Succeeded · 1.5 s"
    result = step.child(1)
    rows = [(result.child(i).text(0), result.child(i).text(1)) for i in range(result.childCount())]
    assert rows == [("Status code", "200"), ("Headers", "1 field"), ("JSON", "1 item")]
    first = result.child(2).child(0)
    assert (first.child(0).text(0), first.child(0).text(1)) == ("title", "Fix the login page")
    assert "[{" not in area.run_details.details_text()  # no JSON text anywhere
