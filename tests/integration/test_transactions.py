"""How a run writes: one transaction per run (its segment), a savepoint per
data step, group commit of consecutive runs, events only after the commit.

Everything against a real SQLite file, looked at through a second, plain
sqlite3 connection: what another process would see.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from app.actions import registry
from app.core import expressions
from app.core.types import utcnow
from app.engine import transactions
from app.engine.events import EventBus, RunChanged
from app.engine.runner import Runner
from app.engine.service import Service
from app.engine.transactions import TransactionLost
from app.storage import catalog, ledger
from app.storage.db import Database, WriteLock, driver
from app.storage.models import from_db_time
from app.workflow_file import import_text
from tests.support.postgres import OtherConnection
from tests.support.waiting import wait_until

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = pytest.mark.both_databases

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
  rename_then_make:
    parameters: {tasks: {type: list of text}}
    steps:
      - action: modify_thing
        with: {thing: "{{ tasks }}", fields: {title: renamed}}
      - action: create_thing
        with: {type: Task, fields: {title: made}}
  drop_own:
    parameters: {task: {type: Task}}
    steps:
      - action: delete_thing
        with: {thing: "{{ task }}"}
      - action: log
        with: {message: dropped}
"""


@pytest.fixture
def runner(db: Database, events: EventBus) -> Runner:
    import_text(db, FLOWS)
    return Runner(db, events)


@pytest.fixture
def other(db: Database) -> Iterator[OtherConnection]:
    """A second connection, as another process would have."""
    connection = OtherConnection(db)
    yield connection
    connection.close()


def _status(other: OtherConnection, run_id: str) -> str:
    return str(other.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()[0])


def _no_early_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch commits early once open SEGMENT_SECONDS (20 ms; on a server
    SERVER_SEGMENT_SECONDS): a slow machine (or a database server) would take longer
    than that over these runs, and these tests are about what a batch does at its end."""
    monkeypatch.setattr(transactions, "SEGMENT_SECONDS", 60.0)
    monkeypatch.setattr(transactions, "SERVER_SEGMENT_SECONDS", 60.0)
    monkeypatch.setattr(transactions, "SERVER_SEGMENT_CPU_SECONDS", 60.0)


def _noting_savepoints(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the savepoints taken from now on, in order (the list fills)."""
    names: list[str] = []
    real = transactions.savepoint

    def noting(session: Any, name: str) -> None:
        names.append(name)
        real(session, name)

    monkeypatch.setattr(transactions, "savepoint", noting)
    return names


def _statuses_at_return(monkeypatch: pytest.MonkeyPatch, other: OtherConnection) -> list[str]:
    """The status another connection sees of each run as its return_data step runs
    (the list fills)."""
    seen: list[str] = []
    returning = registry.get("return_data")
    assert returning is not None

    def look_and_return(context: Any, inputs: dict[str, Any]) -> Any:
        seen.append(_status(other, context.run_id))
        return returning.perform(context, inputs)

    monkeypatch.setitem(
        registry._REGISTRY,
        "return_data",
        dataclasses.replace(returning, perform=look_and_return),
    )
    return seen


def _titles(other: OtherConnection) -> list[str]:
    title = "json_extract(data, '$.title')" if other.kind == "sqlite" else "data ->> 'title'"
    rows = other.execute(f"SELECT {title} FROM things ORDER BY 1")
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
    db: Database, runner: Runner, events: EventBus, other: OtherConnection
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
    db: Database,
    runner: Runner,
    events: EventBus,
    other: OtherConnection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _no_early_commit(monkeypatch)  # (a loaded machine may take longer than a segment)
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
    other: OtherConnection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, broken, last = (_schedule(db, events, "make", {"title": t}) for t in "abc")
    finish = ledger.finish
    _no_early_commit(monkeypatch)

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
        # Rolled back to its savepoint, just after its claim: nothing it did, and
        # the claim of a run in a batch is written with its end (Segment.claim).
        "scheduled",
        "succeeded",
    ]
    assert _titles(other) == ["a", "c"]
    assert heard == [first, last]
    monkeypatch.setattr(ledger, "finish", finish)
    assert runner.fail_unexpected(broken, "make", RuntimeError("the disk went away"))
    assert _status(other, broken) == "failed"


def test_a_batch_that_cannot_commit_leaves_its_runs_scheduled(
    db: Database,
    runner: Runner,
    events: EventBus,
    other: OtherConnection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run_id = _schedule(db, events, "make", {"title": "lost"})
    _no_early_commit(monkeypatch)
    with pytest.raises(RuntimeError), runner.batch():
        assert runner.execute(run_id) == "succeeded"
        raise RuntimeError("stopped before the commit")
    assert _status(other, run_id) == "scheduled"
    assert _titles(other) == []


@pytest.mark.sqlite_only(
    reason="on a server no process write lock is queued on: see the test below"
)
def test_a_batch_makes_way_for_another_writer(
    db: Database,
    runner: Runner,
    events: EventBus,
    other: OtherConnection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = (_schedule(db, events, "make", {"title": t}) for t in "ab")
    _no_early_commit(monkeypatch)  # (young by its age, whatever the machine's speed)
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
        wait_until(lambda: db.write_lock.wanted, timeout=5, every=0.002)
        assert not batch.young  # the worker would take no more runs now
        batch.commit()  # …and commit: the edit goes in before the next run
        assert saved.wait(5)
        editor.join(5)
        assert _titles(other) == ["a", "edit"]
        assert runner.execute(second) == "succeeded"
    assert _titles(other) == ["a", "b", "edit"]


def test_on_a_server_an_edit_commits_beside_an_open_batch(
    db: Database,
    runner: Runner,
    events: EventBus,
    other: OtherConnection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PostgreSQL: writers of one process do not queue on a process lock (row locks
    keep them apart, as between processes), so an edit is not held up by a worker's
    open batch, and the batch needs no way made for it."""
    if db.side.one_writer:
        pytest.skip("SQLite: one writer at a time (the test above)")
    first = _schedule(db, events, "make", {"title": "a"})
    _no_early_commit(monkeypatch)
    saved = threading.Event()

    def save_an_edit() -> None:  # what the window does on the GUI thread
        with db.write() as session:
            catalog.create_thing(session, "Task", {"title": "edit"})
        saved.set()

    with runner.batch() as batch:
        assert runner.execute(first) == "succeeded"
        editor = threading.Thread(target=save_an_edit)
        editor.start()
        assert saved.wait(5)  # committed while the batch is still open…
        editor.join(5)
        assert _titles(other) == ["edit"]  # …which has not committed its run yet
        assert batch.young and not db.write_lock.wanted
    assert _titles(other) == ["a", "edit"]


MORE_FLOWS = """
cueflow: 1
data_types:
  Note: {fields: {title: text, note: text}}
workflows:
  target:
    parameters: {n: {type: number}}
    steps:
      - action: log
        with: {message: hi}
  make_then_fail:
    steps:
      - action: create_thing
        with: {type: Note, fields: {title: t}}
      - action: modify_thing
        with: {thing: "{{ step1 }}", fields: {nosuchfield: 1}}
  call_then_note:
    parameters: {url: {type: text}}
    steps:
      - action: http_request
        with: {url: "{{ url }}/items"}
      - action: log
        with: {message: noted}
  retried:
    retries: {attempts: 3, backoff: 30}
    steps:
      - action: log
        with: {message: "{{ 1 // 0 }}"}
triggers:
  bad_params:
    data_type: Note
    on: [created]
    workflow: target
    params: {n: "not a number"}
"""


def test_what_a_trigger_recorded_survives_a_later_failing_step(
    db: Database, runner: Runner, other: OtherConnection
) -> None:
    import_text(db, MORE_FLOWS)
    run_id = runner.run_now("make_then_fail", {})
    rows = other.execute(
        "SELECT status, error, finished_at FROM runs WHERE parent_id = ?", (run_id,)
    ).fetchall()
    # The trigger's run could not start (bad parameter): its failure, with the reason,
    # is kept although step 2 failed after it (the ORM change was flushed in time).
    [(status, error, finished)] = rows
    assert status == "failed" and "not a number" in error and finished is not None


@pytest.mark.sqlite_only(reason="fills the disk with SQLite's PRAGMA max_page_count")
def test_a_transaction_sqlite_rolled_back_is_neither_recorded_nor_announced(
    db: Database, runner: Runner, events: EventBus, other: OtherConnection
) -> None:
    import_text(
        db,
        """
cueflow: 1
workflows:
  make_big:
    steps:
      - action: create_thing
        with: {type: Task, fields: {title: "{{ 'b' * 1000000 }}"}}
""",
    )
    first = _schedule(db, events, "make", {"title": "a"})
    big = _schedule(db, events, "make_big", {})
    heard: list[str] = []
    events.subscribe(lambda e: heard.append(e.status) if isinstance(e, RunChanged) else None)
    with runner.batch() as batch:
        assert runner.execute(first) == "succeeded"
        connection = driver(batch.session())
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages + 20}")  # a disk about to fill
        with pytest.raises(TransactionLost):
            runner.execute(big)
        connection.execute("PRAGMA max_page_count = 1073741823")
    # SQLite undid the whole transaction: both runs are as before, nothing was
    # written outside it, nobody was told the first one succeeded.
    assert [_status(other, r) for r in (first, big)] == ["scheduled", "scheduled"]
    assert other.execute("SELECT count(*) FROM step_results").fetchone()[0] == 0
    assert _titles(other) == []
    assert heard == []


def test_a_run_is_not_claimed_before_it_is_due(
    db: Database, runner: Runner, events: EventBus
) -> None:
    later = Service(db, events).schedule("make", {"title": "x"}, at=utcnow() + timedelta(hours=1))
    assert runner.execute(later) is None  # (a timer that read the ledger before a retry moved it)
    with db.read() as session:
        assert ledger.get_run(session, later).status == "scheduled"


def test_an_outside_steps_success_is_committed_before_the_next_step(
    db: Database,
    runner: Runner,
    other: OtherConnection,
    http_server: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import_text(db, MORE_FLOWS)
    seen: list[tuple[int, str]] = []
    log_action = registry.get("log")
    assert log_action is not None

    def log_and_look(context: Any, inputs: dict[str, Any]) -> Any:
        # What a crash at this moment would leave behind, seen from outside.
        seen.extend(other.execute("SELECT position, status FROM step_results"))
        return log_action.perform(context, inputs)

    monkeypatch.setitem(
        registry._REGISTRY, "log", dataclasses.replace(log_action, perform=log_and_look)
    )
    runner.run_now("call_then_note", {"url": http_server.url})
    assert seen == [(1, "succeeded")]  # not "running": a retry would not call it again


def test_searching_for_an_empty_field_finds_things_without_it(db: Database) -> None:
    import_text(db, MORE_FLOWS)
    with db.write() as session:
        catalog.create_thing(session, "Note", {"title": "empty"})
        catalog.create_thing(session, "Note", {"title": "full", "note": "x"})
    with db.read() as session:
        found = catalog.list_things(session, "Note", note=None)
    assert [thing.title for thing in found] == ["empty"]


def test_a_renamed_workflow_is_not_mistaken_for_the_one_cached_under_its_name(
    db: Database, runner: Runner
) -> None:
    import_text(
        db,
        """
cueflow: 1
workflows:
  a: {steps: [{action: return_data, with: {values: {me: first}}}]}
  b: {steps: [{action: return_data, with: {values: {me: second}}}]}
""",
    )
    assert _returned(db, runner.run_now("a", {})) == {"me": "first"}
    with db.write() as session:  # swap the names
        catalog.rename_workflow(session, "a", "tmp", callers=registry.workflow_callers())
        catalog.rename_workflow(session, "b", "a", callers=registry.workflow_callers())
        catalog.rename_workflow(session, "tmp", "b", callers=registry.workflow_callers())
    assert _returned(db, runner.run_now("a", {})) == {"me": "second"}


def _returned(db: Database, run_id: str) -> Any:
    with db.read() as session:
        return ledger.get_run(session, run_id).returned


def test_only_steps_that_touch_data_take_a_savepoint(
    db: Database, runner: Runner, events: EventBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken: list[int] = []
    real = transactions.Segment.savepoint

    def counting(segment: transactions.Segment) -> Any:
        taken.append(1)
        return real(segment)

    monkeypatch.setattr(transactions.Segment, "savepoint", counting)
    run_id = _schedule(db, events, "make", {"title": "one"})
    assert runner.execute(run_id) == "succeeded"  # create_thing: one; return_data: none
    assert len(taken) == 1
    with db.read() as session:
        assert ledger.get_run(session, run_id).returned == {"found": 1}
    taken.clear()
    run_id = _schedule(db, events, "purge", {"tasks": []})
    assert runner.execute(run_id) == "succeeded"  # log: none; delete_thing: one
    assert len(taken) == 1
    with db.read() as session:
        assert [line.message for line in ledger.log_lines(session, run_id)][-1] == "purging"


def test_a_batch_writes_its_runs_records_and_log_lines_in_one_go_at_its_commit(
    db: Database,
    runner: Runner,
    events: EventBus,
    other: OtherConnection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs = [_schedule(db, events, "purge", {"tasks": []}) for _ in range(3)]
    _no_early_commit(monkeypatch)
    written: list[tuple[str, int]] = []
    for name in ("insert_step_rows", "insert_log_rows"):
        real = getattr(ledger, name)

        def counting(session: Any, rows: Any, real: Any = real, name: str = name) -> None:
            if rows:
                written.append((name, len(rows)))
            real(session, rows)

        monkeypatch.setattr(ledger, name, counting)
    with runner.batch():
        for run_id in runs:
            assert runner.execute(run_id) == "succeeded"
        assert written == []  # nothing of them written before the commit
    # Two steps and two log lines ("attempt 1: …", "purging") a run: one executemany each.
    assert written == [("insert_step_rows", 6), ("insert_log_rows", 6)]
    rows = other.execute(
        "SELECT run_id, position, action, status FROM step_results ORDER BY run_id, position"
    )
    assert [tuple(row) for row in rows] == [
        (run_id, position, action, "succeeded")
        for run_id in sorted(runs)
        for position, action in ((1, "log"), (2, "delete_thing"))
    ]
    for run_id in runs:
        lines = other.execute(
            "SELECT message FROM log_lines WHERE run_id = ? ORDER BY id", (run_id,)
        )
        assert [row[0] for row in lines][-1] == "purging"


def test_a_batchs_runs_reuse_one_savepoint_name_and_a_broken_one_frees_it(
    db: Database, runner: Runner, events: EventBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same name each run: its SAVEPOINT and RELEASE stay prepared in the
    # driver's statement cache (a name per segment was a new statement each time).
    runs = [_schedule(db, events, "make", {"title": t}) for t in "abc"]
    _no_early_commit(monkeypatch)
    names = _noting_savepoints(monkeypatch)
    finish = ledger.finish

    def break_second(session: Any, run_id: str, *args: Any, **kwargs: Any) -> bool:
        if run_id == runs[1]:
            raise RuntimeError("broken")
        return finish(session, run_id, *args, **kwargs)

    monkeypatch.setattr(ledger, "finish", break_second)
    with runner.batch() as batch:
        assert runner.execute(runs[0]) == "succeeded"
        with pytest.raises(RuntimeError):
            runner.execute(runs[1])  # rolled back to its savepoint, which is freed
        assert runner.execute(runs[2]) == "succeeded"
        assert batch.open_segments == 0
    segments = [name for name in names if name != "step"]
    assert segments == ['"segment 0"'] * 3


def test_a_first_data_step_undone_in_a_batch_keeps_its_run_and_its_batch_mates(
    db: Database,
    runner: Runner,
    events: EventBus,
    other: OtherConnection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On SQLite a run's first data step takes no savepoint of its own when nothing
    was written since the run's (taken just after its claim): undoing it goes back
    to the run's savepoint, which stays open for the rest of the run."""
    with db.write() as session:
        keep = catalog.create_thing(session, "Task", {"title": "keep"})
    _no_early_commit(monkeypatch)
    before = _schedule(db, events, "rename_then_make", {"tasks": []})
    failing = _schedule(db, events, "rename_then_make", {"tasks": [keep.id, "NOSUCHTHING"]})
    after = _schedule(db, events, "rename_then_make", {"tasks": []})
    names = _noting_savepoints(monkeypatch)
    with runner.batch() as batch:
        assert runner.execute(before) == "succeeded"
        assert runner.execute(failing) == "failed"  # its renaming of `keep` undone
        assert runner.execute(after) == "succeeded"
        assert batch.open_segments == 0
    assert [_status(other, r) for r in (before, failing, after)] == [
        "succeeded",
        "failed",
        "succeeded",
    ]
    assert _titles(other) == ["keep", "made", "made"]
    steps = other.execute(
        "SELECT position, status, error FROM step_results WHERE run_id = ? ORDER BY position",
        (failing,),
    ).fetchall()
    assert [(p, s) for p, s, _ in steps] == [(1, "failed")]
    assert "NOSUCHTHING" in steps[0][2]
    # The runs' savepoints, and the steps' own: on SQLite the second step's only.
    run, first = ['"segment 0"'], ([] if other.kind == "sqlite" else ["step"])
    assert names == run + first + ["step"] + run + first + run + first + ["step"]


def test_a_run_in_a_batch_writes_its_status_once_with_its_end(
    db: Database,
    runner: Runner,
    events: EventBus,
    other: OtherConnection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nobody else can see the run's claim nor take the run before its batch commits
    (SQLite: the one write lock; PostgreSQL: its row is locked), so the claim is
    read, and written with the run's end (issue 18: one UPDATE of the runs table a
    run instead of two, each rewriting the indexes that hold its status)."""
    runs = [_schedule(db, events, "make", {"title": t}) for t in "ab"]
    _no_early_commit(monkeypatch)
    statements: list[str] = []
    real_driver = ledger.driver

    class Noting:
        def __init__(self, conn: Any) -> None:
            self.conn = conn

        def execute(self, sql: str, *args: Any) -> Any:
            statements.append(sql)
            return self.conn.execute(sql, *args)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.conn, name)

    monkeypatch.setattr(ledger, "driver", lambda session: Noting(real_driver(session)))
    began = utcnow()
    with runner.batch():
        for run_id in runs:
            assert runner.execute(run_id) == "succeeded"
    writes = [sql for sql in statements if sql.startswith("UPDATE runs")]
    assert len(writes) == len(runs), writes
    for run_id in runs:
        status, started, finished, pid = other.execute(
            "SELECT status, started_at, finished_at, owner_pid FROM runs WHERE id = ?",
            (run_id,),
        ).fetchone()
        assert (status, pid) == ("succeeded", os.getpid())
        started, finished = (
            t if isinstance(t, datetime) else from_db_time(t) for t in (started, finished)
        )
        assert began <= started <= finished


def test_a_step_that_may_touch_runs_finds_its_own_run_running(
    db: Database, runner: Runner, events: EventBus, other: OtherConnection
) -> None:
    """Deleting a thing cancels the upcoming runs that needed it: not the run doing
    the deleting, in a batch too (its claim is written before such a step)."""
    with db.write() as session:
        task = catalog.create_thing(session, "Task", {"title": "gone soon"})
    waiting = _schedule(db, events, "drop_own", {"task": task.id})
    dropping = _schedule(db, events, "drop_own", {"task": task.id})
    with runner.batch():
        assert runner.execute(dropping) == "succeeded"
    assert _status(other, dropping) == "succeeded"
    assert _status(other, waiting) == "cancelled"  # it needed the thing
    assert _titles(other) == []


def test_a_run_committed_before_its_end_is_seen_running(
    db: Database,
    runner: Runner,
    events: EventBus,
    other: OtherConnection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A batch commits after a step when another writer waits: from then on its
    unfinished run is running for everyone (its claim is written before the commit)."""
    run_id = _schedule(db, events, "make", {"title": "x"})
    _no_early_commit(monkeypatch)
    monkeypatch.setattr(WriteLock, "wanted", property(lambda self: True))
    seen = _statuses_at_return(monkeypatch, other)
    with runner.batch():
        assert runner.execute(run_id) == "succeeded"
    assert seen == ["running"]  # committed after its first step
    assert _status(other, run_id) == "succeeded"


def test_the_thread_clock_is_read_only_for_inputs_under_the_time_guard(
    db: Database, runner: Runner, events: EventBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reading a thread's CPU clock is a system call; names and fields
    # (`{{ tasks }}`) cannot run away, so they use none of the locked budget.
    reads: list[float] = []
    real = expressions.thread_seconds

    def counting() -> float:
        reads.append(1.0)
        return real()

    monkeypatch.setattr(expressions, "thread_seconds", counting)
    run_id = _schedule(db, events, "purge", {"tasks": []})
    assert runner.execute(run_id) == "succeeded"
    assert reads == []
    run_id = _schedule(db, events, "make", {"title": "one"})  # step 2 calls search(): timed
    assert runner.execute(run_id) == "succeeded"
    assert reads


def test_a_modify_step_reads_its_thing_once_for_the_privacy_check_and_the_write(
    db: Database, runner: Runner, events: EventBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_text(
        db,
        """
cueflow: 1
data_types:
  Note:
    fields: {text: text, locked: yes/no}
    privacy:
      rules: []
      everyone_else: {view: all, find: true, modify: true, delete: false}
workflows:
  edit:
    parameters: {note: {type: text}}
    steps:
      - action: modify_thing
        with: {thing: "{{ note }}", fields: {text: changed}}
      - action: delete_thing
        with: {thing: "{{ note }}"}
""",
    )
    with db.write() as session:
        note = catalog.create_thing(session, "Note", {"text": "first"}).id
    reads: list[str] = []
    load_row = catalog.load_row
    monkeypatch.setattr(
        catalog, "load_row", lambda s, thing_id: reads.append(thing_id) or load_row(s, thing_id)
    )
    run_id = _schedule(db, events, "edit", {"note": note})
    assert runner.execute(run_id) == "failed"  # the privacy rules let nobody delete a Note
    assert reads == [note, note]  # once for the modify step, once for the delete step
    with db.read() as session:
        assert catalog.get_thing(session, note).text == "changed"
        steps = ledger.step_results(session, run_id)
    assert [step.status for step in steps] == ["succeeded", "failed"]
    assert steps[1].error is not None and "privacy rules do not let" in steps[1].error


def test_a_batch_grown_old_commits_after_a_runs_end_not_halfway_through_it(
    db: Database,
    runner: Runner,
    events: EventBus,
    other: OtherConnection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A batch old with the runs before it takes no more runs, and commits after the
    current run's end: committing halfway would let go of the write lock, and the
    run's next step wait behind other workers' batches (SQLite). A run itself open
    for long still commits after a step."""
    first, second, third = (_schedule(db, events, "make", {"title": t}) for t in "abc")
    _no_early_commit(monkeypatch)
    seen = _statuses_at_return(monkeypatch, other)
    with runner.batch() as batch:
        assert runner.execute(first) == "succeeded"
        assert batch.unit is not None
        batch.unit.opened -= 60  # (as if open a minute)
        batch.unit.cpu_opened -= 60
        assert not batch.young
        assert runner.execute(second) == "succeeded"
    assert seen == ["scheduled", "scheduled"]  # nothing committed before their ends
    monkeypatch.setattr(transactions, "SEGMENT_SECONDS", 0.0)
    monkeypatch.setattr(transactions, "SERVER_SEGMENT_SECONDS", 0.0)
    with runner.batch():
        assert runner.execute(third) == "succeeded"
    assert seen[2] == "running"  # old itself: committed after its first step
    assert [_status(other, one) for one in (first, second, third)] == ["succeeded"] * 3


def test_a_segment_is_old_by_wall_clock_on_sqlite_by_its_threads_cpu_on_a_server(
    db: Database,
) -> None:
    """SQLite: 20 ms of wall clock (it holds the one write lock). A server: 20 ms of
    the worker thread's CPU (a busy machine's waits do not make it commit more),
    or 1 s of wall clock."""
    unit = transactions._Unit(db)
    try:
        time.sleep(0.05)  # (time passing is what is tested)
        if db.side.one_writer:
            assert transactions.is_old(db, unit)
            return
        assert not transactions.is_old(db, unit)  # waited, spent no CPU in it
        spent = time.thread_time() + 2 * transactions.SERVER_SEGMENT_CPU_SECONDS
        while time.thread_time() < spent:
            pass
        assert transactions.is_old(db, unit)
        unit.opened -= transactions.SERVER_SEGMENT_SECONDS  # (as if open for 1 s)
        unit.cpu_opened = time.thread_time()
        assert transactions.is_old(db, unit)
    finally:
        unit.rollback()
