"""Every table model passes Qt's model tester."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt

from app.core.types import utcnow
from app.storage import catalog
from app.ui.models.runs import HistoryRunsModel, UpcomingRunsModel
from app.ui.models.things import ThingsModel
from app.ui.shell.context import AppContext


def _runs(context: AppContext) -> list[str]:
    later = utcnow() + timedelta(hours=2)
    ids = [
        context.service.schedule("greet", {"user": "ada"}, at=later + timedelta(minutes=i))
        for i in range(7)
    ]
    context.service.cancel(ids[:3])
    return ids


def test_upcoming_model(qtmodeltester: Any, greeting: AppContext) -> None:
    _runs(greeting)
    model = UpcomingRunsModel(greeting.db, page_size=2)
    assert model.rowCount() == 4
    qtmodeltester.check(model, force_py=True)
    assert model.index(0, UpcomingRunsModel.COL_WORKFLOW).data() == "Greet a user"  # label
    assert "in 2 h" in model.index(0, UpcomingRunsModel.COL_SCHEDULED).data()


def test_upcoming_shows_things_by_name(greeting: AppContext) -> None:
    with greeting.db.write() as session:
        bob = catalog.create_thing(session, "User", {"name": "Bob", "email": "bob@example.com"})
    later = utcnow() + timedelta(hours=1)
    greeting.service.schedule("greet", {"user": bob.id}, at=later, run_as="ada")
    model = UpcomingRunsModel(greeting.db)
    params = model.index(0, UpcomingRunsModel.COL_PARAMS).data()
    assert params == "User: Bob"
    assert model.index(0, UpcomingRunsModel.COL_RUN_AS).data() == "Ada"
    assert bob.id in model.index(0, UpcomingRunsModel.COL_PARAMS).data(Qt.ItemDataRole.ToolTipRole)


def test_history_model(qtmodeltester: Any, greeting: AppContext) -> None:
    ids = _runs(greeting)
    model = HistoryRunsModel(greeting.db, page_size=2)
    assert model.rowCount() == 3
    qtmodeltester.check(model, force_py=True)
    assert {model.row_at(r).id for r in range(3)} == set(ids[:3])
    assert model.index(0, HistoryRunsModel.COL_STATUS).data() == "Cancelled"  # in words


def test_things_model(qtbot: Any, qtmodeltester: Any, greeting: AppContext) -> None:
    model = ThingsModel(greeting.data)
    with greeting.db.read() as session:
        model.set_data_type(catalog.get_data_type(session, "User"))
    qtbot.waitUntil(lambda: model.rowCount() == 1)  # read on a worker
    assert model.columnCount() == 3
    qtmodeltester.check(model, force_py=True)
    assert not model.setData(model.index(0, 2), "x")  # the ID (last) is not editable
    index = model.index(0, 1)  # the fields come first: email, name
    assert model.setData(index, "Ada Lovelace")
    with greeting.db.read() as session:
        assert catalog.get_thing(session, "ada").raw["name"] == "Ada Lovelace"


def test_the_tables_say_who_started_a_run(greeting: AppContext) -> None:
    from app.engine.service import Service

    later = utcnow() + timedelta(hours=1)
    api = Service(greeting.db, greeting.events, origin="api:shop")
    from_api = api.schedule("greet", {"user": "ada"}, at=later)
    greeting.service.schedule("greet", {"user": "ada"}, at=later + timedelta(minutes=1))
    upcoming = UpcomingRunsModel(greeting.db)
    said = [upcoming.index(r, UpcomingRunsModel.COL_ORIGIN).data() for r in range(2)]
    assert said == ["Workflow API (shop)", "This window"]
    greeting.service.cancel([from_api])
    history = HistoryRunsModel(greeting.db)
    assert history.index(0, HistoryRunsModel.COL_ORIGIN).data() == "Workflow API (shop)"
