"""The reads the window's run side makes (app.engine.run_queries), on a real
SQLite database and without Qt."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.types import utcnow
from app.engine import run_queries as queries
from app.engine.runner import Runner
from app.engine.service import Service
from app.errors import CueflowError
from app.storage import ledger
from app.storage.db import Database
from app.workflow_file import import_text

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = pytest.mark.both_databases

FLOWS = """
cueflow: 1
data_types:
  User:
    fields: {email: text, name: text}
things:
  User:
    - {id: ada, email: ada@example.com, name: Ada}
    - {id: bob, email: bob@example.com, name: Bob}
workflows:
  greet:
    colour: "#e67e22"
    parameters:
      user: {type: User}
    steps:
      - action: log
        with: {message: "hello {{ user.name }}"}
  note:
    parameters: {text: {type: text}}
    steps:
      - action: log
        with: {message: "{{ text }}"}
"""


@pytest.fixture
def flows(db: Database) -> Database:
    import_text(db, FLOWS)
    return db


def test_an_empty_database_is_empty_until_something_is_imported(db: Database) -> None:
    assert queries.is_empty(db)
    assert queries.workflow_names(db) == set()
    import_text(db, FLOWS)
    assert not queries.is_empty(db)


def test_workflows_by_name_and_in_order(flows: Database) -> None:
    assert queries.workflow_names(flows) == {"greet", "note"}
    assert [wf.name for wf in queries.list_workflows(flows)] == ["greet", "note"]
    assert queries.workflow(flows, "greet").parameter("user") is not None
    with pytest.raises(CueflowError):
        queries.workflow(flows, "nothing")


def test_upcoming_window_counts_pages_and_labels_the_first_pages_things(flows: Database) -> None:
    service = Service(flows)
    soon = utcnow() + timedelta(hours=1)
    ids = [
        service.schedule("greet", {"user": "ada"}, at=soon),
        service.schedule("greet", {"user": "bob"}, at=soon + timedelta(minutes=1)),
        service.schedule("note", {"text": "x"}, at=soon + timedelta(minutes=2)),
    ]
    assert queries.count_scheduled(flows) == 3

    window = queries.upcoming_window(flows, queries.RunFilter(), 2, colours=True, thing_params={})
    assert window.pinned == []
    assert window.count == 3
    assert [run.id for run in window.first] == ids[:2]
    assert window.colours is not None and window.colours["greet"] == "#e67e22"
    assert window.thing_params == {"greet": {"user"}}
    assert window.labels == {"ada": "Ada", "bob": "Bob"}

    # Without colours, the thing parameters given are used and nothing more is read.
    again = queries.upcoming_window(
        flows, queries.RunFilter(text="note"), 2, colours=False, thing_params={}
    )
    assert (again.count, again.colours, again.thing_params) == (1, None, {})
    assert [run.id for run in again.first] == [ids[2]]

    rows, labels = queries.upcoming_page(
        flows, queries.RunFilter(), 1, 2, thing_params={"greet": {"user"}}, known_labels={"ada"}
    )
    assert [run.id for run in rows] == ids[1:]
    assert labels == {"bob": "Bob"}  # only the labels not known yet
    rows, labels = queries.upcoming_page(flows, queries.RunFilter(), 0, 1)
    assert [run.id for run in rows] == ids[:1] and labels == {}


def test_history_window_pins_running_runs_before_finished_ones(flows: Database) -> None:
    runner = Runner(flows)
    done = [runner.run_now("note", {"text": str(n)}) for n in range(3)]
    waiting = Service(flows).schedule("note", {"text": "later"}, at=utcnow() + timedelta(days=1))
    with flows.write() as session:
        ledger.claim(session, waiting, pid=999999)

    window = queries.history_window(flows, queries.RunFilter(), 2, colours=False)
    assert [run.id for run in window.pinned] == [waiting]
    assert window.count == 3
    assert [run.id for run in window.first] == done[::-1][:2]  # newest first
    assert window.colours is None
    assert [run.id for run in queries.history_page(flows, queries.RunFilter(), 2, 2)] == [done[0]]
    empty = queries.history_window(flows, queries.RunFilter(text="nothing"), 2, colours=True)
    assert (empty.count, empty.first) == (0, [])
    assert empty.colours is not None and "note" in empty.colours


def test_a_runs_trace_has_its_steps_and_log(flows: Database) -> None:
    run_id = Runner(flows).run_now("note", {"text": "traced"})
    trace = queries.run_trace(flows, run_id)
    assert trace is not None
    assert trace.run.id == run_id and trace.run.status == queries.SUCCEEDED
    assert [(step["action"], step["status"]) for step in trace.steps] == [("log", "succeeded")]
    assert any("traced" in message for _, _, message in trace.lines)
    assert not trace.resumable
    assert queries.run_trace(flows, "no-such-run") is None


def test_an_interrupted_run_is_resumable(flows: Database) -> None:
    run_id = Service(flows).schedule("note", {"text": "x"}, at=utcnow() + timedelta(days=1))
    with flows.write() as session:
        ledger.claim(session, run_id, pid=999999)
        ledger.interrupt_running(session, "Cueflow stopped while the run was running")
    trace = queries.run_trace(flows, run_id)
    assert trace is not None and trace.run.status == queries.INTERRUPTED
    assert trace.resumable


def test_the_timeline_reads_only_its_window_of_time(flows: Database) -> None:
    service = Service(flows)
    now = utcnow()
    inside = service.schedule("greet", {"user": "ada"}, at=now + timedelta(hours=2))
    service.schedule("note", {"text": "x"}, at=now + timedelta(days=3))
    timeline = queries.timeline(flows, now, now + timedelta(days=1), 100)
    assert [run.id for run in timeline.runs] == [inside]
    assert timeline.colours["greet"] == "#e67e22"
    assert len(queries.timeline(flows, now, now + timedelta(days=7), 1).runs) == 1  # the limit


def test_things_a_schedule_runs_over(flows: Database) -> None:
    assert sorted(queries.thing_ids(flows, "User")) == ["ada", "bob"]
    assert queries.thing_ids(flows, "User", "bob") == ["bob"]
    assert queries.count_things(flows, "User") == 2
    assert queries.count_things(flows, "User", "ada@") == 1
    choices = queries.thing_choices(flows, "User", 10)
    assert sorted(choices) == [
        ("ada", "User", "Ada <ada@example.com>"),
        ("bob", "User", "Bob <bob@example.com>"),
    ]
