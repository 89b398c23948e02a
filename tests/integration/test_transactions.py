"""How a run writes: one transaction per run (its segment), a savepoint per
data step, group commit of consecutive runs, events only after the commit.

Everything against a real SQLite file, looked at through a second, plain
sqlite3 connection: what another process would see.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from app.core.types import utcnow
from app.engine.events import EventBus, RunChanged
from app.engine.runner import Runner
from app.engine.service import Service
from app.storage import catalog, ledger
from app.storage.db import Database
from app.workflow_file import import_text

FLOWS = """
cueflow: 1
data_types:
  Task: {fields: {title: text}}
workflows:
  make:
    parameters: {title: {type: text}}
    steps:
      - action: create_thing
        with: {type: Task, fields: {title: "{{ title }}"}}
      - action: return_data
        with: {values: {found: "{{ search('Task', title=title) | length }}"}}
  purge:
    parameters: {tasks: {type: list of text}}
    steps:
      - action: log
        with: {message: purging}
      - action: delete_thing
        with: {thing: "{{ tasks }}"}
"""


@pytest.fixture
def events() -> EventBus:
    return EventBus()


@pytest.fixture
def runner(db: Database, events: EventBus) -> Runner:
    import_text(db, FLOWS)
    return Runner(db, events)


@pytest.fixture
def other(db: Database) -> Iterator[sqlite3.Connection]:
    """A second connection, as another process would have."""
    connection = sqlite3.connect(str(db.engine.url.database))
    yield connection
    connection.close()


def _status(other: sqlite3.Connection, run_id: str) -> str:
    return str(other.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()[0])


def _titles(other: sqlite3.Connection) -> list[str]:
    rows = other.execute("SELECT json_extract(data, '$.title') FROM things ORDER BY 1")
    return [row[0] for row in rows]


def _schedule(db: Database, events: EventBus, workflow: str, params: dict[str, Any]) -> str:
    return Service(db, events).schedule(workflow, params, at=utcnow())


def test_a_later_step_reads_what_an_earlier_step_wrote(
    db: Database, runner: Runner, events: EventBus
) -> None:
    run_id = _schedule(db, events, "make", {"title": "one"})
    assert runner.execute(run_id) == "succeeded"
    with db.read() as session:
        assert ledger.get_run(session, run_id).returned == {"found": 1}


def test_a_failed_data_step_is_undone_and_leaves_its_record(
    db: Database, runner: Runner, events: EventBus, other: sqlite3.Connection
) -> None:
    with db.write() as session:
        keep = catalog.create_thing(session, "Task", {"title": "keep"})
    # The step deletes `keep`, then fails on the unknown ID: the delete is undone.
    run_id = _schedule(db, events, "purge", {"tasks": [keep.id, "NOSUCHTHING"]})
    assert runner.execute(run_id) == "failed"
    assert _titles(other) == ["keep"]
    steps = other.execute(
        "SELECT position, status, error FROM step_results WHERE run_id = ? ORDER BY position",
        (run_id,),
    ).fetchall()
    assert [(p, s) for p, s, _ in steps] == [(1, "succeeded"), (2, "failed")]
    assert "NOSUCHTHING" in steps[1][2]
    log = [r[0] for r in other.execute("SELECT message FROM log_lines WHERE run_id = ?", (run_id,))]
    assert "purging" in log


def test_listeners_hear_of_a_run_only_once_it_is_committed(
    db: Database, runner: Runner, events: EventBus, other: sqlite3.Connection
) -> None:
    seen: list[tuple[str, str]] = []

    def on_event(event: Any) -> None:
        if isinstance(event, RunChanged):
            seen.append((event.status, _status(other, event.run_id)))

    events.subscribe(on_event)
    run_id = _schedule(db, events, "make", {"title": "heard"})
    assert runner.execute(run_id) == "succeeded"
    assert seen == [("succeeded", "succeeded")]  # a run this short is never seen running


def test_a_batch_commits_its_runs_together_and_a_broken_run_alone_is_undone(
    db: Database,
    runner: Runner,
    events: EventBus,
    other: sqlite3.Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, broken, last = (_schedule(db, events, "make", {"title": t}) for t in "abc")
    finish = ledger.finish

    def finish_or_break(session: Any, run_id: str, *args: Any, **kwargs: Any) -> bool:
        if run_id == broken:
            raise RuntimeError("the disk went away")
        return finish(session, run_id, *args, **kwargs)

    monkeypatch.setattr(ledger, "finish", finish_or_break)
    heard: list[str] = []
    events.subscribe(lambda e: heard.append(e.run_id) if isinstance(e, RunChanged) else None)
    with runner.batch():
        assert runner.execute(first) == "succeeded"
        with pytest.raises(RuntimeError):
            runner.execute(broken)
        assert runner.execute(last) == "succeeded"
        # Not committed yet: nobody else sees them, nobody has been told.
        assert [_status(other, r) for r in (first, broken, last)] == ["scheduled"] * 3
        assert heard == []
    assert [_status(other, r) for r in (first, broken, last)] == [
        "succeeded",
        "scheduled",  # rolled back to its savepoint: as if never started
        "succeeded",
    ]
    assert _titles(other) == ["a", "c"]
    assert heard == [first, last]
    monkeypatch.setattr(ledger, "finish", finish)
    assert runner.fail_unexpected(broken, "make", RuntimeError("the disk went away"))
    assert _status(other, broken) == "failed"  # settled even though it was never claimed


def test_a_batch_that_cannot_commit_leaves_its_runs_scheduled(
    db: Database, runner: Runner, events: EventBus, other: sqlite3.Connection
) -> None:
    run_id = _schedule(db, events, "make", {"title": "lost"})
    with pytest.raises(RuntimeError), runner.batch():
        assert runner.execute(run_id) == "succeeded"
        raise RuntimeError("stopped before the commit")
    assert _status(other, run_id) == "scheduled"
    assert _titles(other) == []


def test_a_batch_makes_way_for_another_writer(
    db: Database, runner: Runner, events: EventBus, other: sqlite3.Connection
) -> None:
    first, second = (_schedule(db, events, "make", {"title": t}) for t in "ab")
    saved = threading.Event()

    def save_an_edit() -> None:  # what the window does on the GUI thread
        with db.write() as session:
            catalog.create_thing(session, "Task", {"title": "edit"})
        saved.set()

    with runner.batch() as batch:
        assert runner.execute(first) == "succeeded"
        assert batch.young
        editor = threading.Thread(target=save_an_edit)
        editor.start()
        deadline = time.monotonic() + 5
        while not db.write_lock.wanted:
            assert time.monotonic() < deadline
            time.sleep(0.002)
        assert not batch.young  # the worker would take no more runs now
        batch.commit()  # …and commit: the edit goes in before the next run
        assert saved.wait(5)
        editor.join(5)
        assert _titles(other) == ["a", "edit"]
        assert runner.execute(second) == "succeeded"
    assert _titles(other) == ["a", "b", "edit"]
