"""app/storage/views.py: the windowed, filtered reads behind the window's tables."""

from __future__ import annotations

from datetime import timedelta

from app.core.types import utcnow
from app.storage import catalog, ledger, views
from app.storage.db import Database
from tests.storage.conftest import new_run


def test_upcoming_pages_come_soonest_first_and_filter_by_workflow(flows: Database) -> None:
    now = utcnow()
    with flows.write() as session:
        late, soon, other = ledger.insert_runs(
            session,
            [
                new_run(at=now + timedelta(hours=2)),
                new_run(at=now + timedelta(hours=1)),
                new_run("other", at=now + timedelta(minutes=30)),
            ],
        )
    with flows.read() as session:
        everything = views.RunFilter()
        assert [r.id for r in views.upcoming_page(session, everything)] == [other, soon, late]
        assert [r.id for r in views.upcoming_page(session, everything, offset=1, limit=1)] == [soon]
        notes = views.RunFilter(workflow="note")
        assert views.count_upcoming(session, notes) == 2
        assert views.count_upcoming_of(session, "other") == 1
        assert views.get_run_row(session, late) is not None
        assert views.get_run_row(session, "nope") is None


def test_finished_runs_are_history_and_no_longer_upcoming(flows: Database) -> None:
    with flows.write() as session:
        done, waiting = ledger.insert_runs(session, [new_run(), new_run()])
        ledger.cancel(session, [done])
    with flows.read() as session:
        everything = views.RunFilter()
        assert [r.id for r in views.history_page(session, everything)] == [done]
        assert views.count_history(session, everything) == 1
        assert [r.id for r in views.upcoming_page(session, everything)] == [waiting]
        assert views.count_history(session, views.RunFilter(status="succeeded")) == 0


def test_things_page_and_search(flows: Database) -> None:
    with flows.write() as session:
        ids = [
            catalog.create_thing(session, "Person", {"name": name}).id
            for name in ("Ada", "Bob", "Adam")
        ]
    with flows.read() as session:
        assert [row.id for row in views.things_page(session, "Person")] == ids
        assert views.count_things(session, "Person", "Ada") == 2
        assert views.thing_ids(session, "Person", "Bob") == [ids[1]]
        assert views.thing_data(session, [ids[0]])[ids[0]]["name"] == "Ada"


def test_upcoming_position_and_finished_since(flows: Database) -> None:

    now = utcnow()
    with flows.write() as session:
        ids = [
            ledger.insert_run(session, new_run(at=now + timedelta(minutes=n))) for n in (3, 1, 2)
        ]
        ledger.cancel(session, [ids[2]])
    with flows.read() as session:
        assert views.upcoming_position(session, views.RunFilter(), ids[1]) == 0
        assert views.upcoming_position(session, views.RunFilter(), ids[0]) == 1
        assert views.upcoming_position(session, views.RunFilter(), ids[2]) is None  # cancelled
        ((status, started, finished),) = views.finished_since(session, now - timedelta(days=1), 10)
        assert (status, started) == (ledger.CANCELLED, None) and finished >= now
        assert views.finished_since(session, now + timedelta(days=1), 10) == []
