"""The runner executes steps against a real SQLite file."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from app.core.types import utcnow
from app.engine import presenting
from app.engine.events import EventBus, Notification, RunChanged
from app.engine.runner import Runner
from app.engine.service import Service
from app.errors import BadInput, NotFound
from app.storage import catalog, ledger
from app.storage.db import Database
from app.workflow_file import import_text

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = pytest.mark.both_databases

WORKFLOWS = """
cueflow: 1
data_types:
  Task: {fields: {title: text, done: yes/no, due: date, owner: Person, notes: list of text}}
  Person: {fields: {name: text}}
workflows:
  make_task:
    parameters: {title: {type: text}, owner: {type: Person, optional: true}}
    steps:
      - action: create_thing
        with: {type: Task, fields: {title: "{{ title }}", done: false, owner: "{{ owner }}",
               due: "{{ now | add_days(2) }}"}}
      - action: modify_thing
        with: {thing: "{{ step1 }}", fields: {done: true, notes: ["{{ step1.title }}!"]}}
      - action: log
        with:
          message: "made {{ step2.title }} for {{ step1.owner.name if step1.owner else 'nobody' }}"
      - action: return_data
        with: {values: {id: "{{ step1.id }}", done: "{{ step2.done }}", n: "{{ 2 * 21 }}"}}
      - action: log
        with: {message: never reached}
  gate:
    parameters: {go: {type: yes/no}}
    steps:
      - action: log
        only_when: "go"
        with: {message: went}
      - action: terminate
        only_when: "not go"
      - action: log
        with: {message: after}
  outer:
    steps:
      - action: run_workflow
        with: {workflow: make_task, params: {title: inner}}
      - action: return_data
        with: {values: {inner_id: "{{ step1.id }}"}}
  flaky:
    retries: {attempts: 2, backoff: 0.05}
    steps:
      - action: log
        with: {message: "attempt {{ run.attempt }}"}
      - action: log
        with: {message: "{{ 1 // 0 if run.attempt < 3 else 'fine' }}"}
  broken:
    steps:
      - action: log
        with: {message: "{{ (now | add_days(1)).no_such }}"}
  cleaner:
    parameters: {tasks: {type: list of Task}}
    steps:
      - action: delete_thing
        with: {thing: "{{ tasks }}"}
      - action: notify
        with: {title: Done, message: "{{ step1 }} deleted"}
  finder:
    parameters: {title: {type: text}}
    steps:
      - action: return_data
        with: {values: {count: "{{ search('Task', title=title) | length }}"}}
  slow:
    timeout: 0.3
    parameters: {url: {type: text}}
    steps:
      - action: http_request
        with: {url: "{{ url }}/slow", timeout: 10}
      - action: log
        with: {message: too late}
"""


@pytest.fixture
def runner(db: Database) -> Runner:
    import_text(db, WORKFLOWS)
    return Runner(db)


def _run(db: Database, run_id: str) -> dict[str, Any]:
    with db.read() as session:
        row = ledger.get_run(session, run_id)
        out = presenting.run_to_json(row)
        out["steps"] = presenting.steps_to_json(ledger.step_results(session, run_id))
        out["log"] = [line.message for line in ledger.log_lines(session, run_id)]
    return out


def test_data_steps_results_and_return(db: Database, runner: Runner) -> None:
    with db.write() as session:
        person = catalog.create_thing(session, "Person", {"name": "Ada"})
    run = _run(db, runner.run_now("make_task", {"title": "Write", "owner": person.id}))
    assert run["status"] == "succeeded"
    assert [s["status"] for s in run["steps"]] == ["succeeded"] * 4
    assert run["returned"]["done"] is True and run["returned"]["n"] == 42
    assert "made Write for Ada" in run["log"]
    with db.read() as session:
        task = catalog.get_thing(session, run["returned"]["id"])
    assert task.done is True and task.notes == ["Write!"] and task.owner.name == "Ada"
    assert task.due > utcnow() + timedelta(days=1)


def test_skipped_and_terminated_steps(db: Database, runner: Runner) -> None:
    yes = _run(db, runner.run_now("gate", {"go": True}))
    assert yes["status"] == "succeeded"
    assert [s["status"] for s in yes["steps"]] == ["succeeded", "skipped", "succeeded"]
    no = _run(db, runner.run_now("gate", {"go": False}))
    assert no["status"] == "terminated"
    assert [s["status"] for s in no["steps"]] == ["skipped", "terminated"]


def test_run_workflow_inline_returns_child_values(db: Database, runner: Runner) -> None:
    run = _run(db, runner.run_now("outer", {}))
    assert run["status"] == "succeeded"
    with db.read() as session:
        children = [r for r in session.scalars(ledger.runs_query()) if r.parent_id == run["id"]]
    assert len(children) == 1 and children[0].workflow == "make_task"
    assert run["returned"] == {"inner_id": children[0].returned["id"]}


def test_retries_are_new_attempts_of_the_same_run(db: Database, runner: Runner) -> None:
    run_id = runner.run_now("flaky", {})
    first = _run(db, run_id)
    assert first["status"] == "scheduled" and first["attempt"] == 2
    assert "ZeroDivisionError" in first["error"]
    for _ in range(2):
        assert runner.execute(run_id) in ("scheduled", "succeeded")
    final = _run(db, run_id)
    assert final["status"] == "succeeded" and final["attempt"] == 3
    # Step 1 succeeded in attempt 1: later attempts resume at step 2.
    assert [(s["attempt"], s["step"]) for s in final["steps"]] == [(1, 1), (1, 2), (2, 2), (3, 2)]
    assert any("attempt 1 failed" in line for line in final["log"])
    assert any(line.startswith("attempt 2 resumes at step 2") for line in final["log"])


def test_expression_error_names_workflow_step_and_input(db: Database, runner: Runner) -> None:
    run = _run(db, runner.run_now("broken", {}))
    assert run["status"] == "failed"
    assert run["error"].startswith("step 1 (log): workflow broken, step 1 (log), input message:")
    assert "no_such" in run["error"]


def test_delete_list_and_notify(db: Database, runner: Runner) -> None:
    events: list[Any] = []
    runner.events.subscribe(events.append)
    with db.write() as session:
        ids = [catalog.create_thing(session, "Task", {"title": f"t{i}"}).id for i in range(3)]
    run = _run(db, runner.run_now("cleaner", {"tasks": ids}))
    assert run["status"] == "succeeded"
    assert run["steps"][0]["result"] == 3
    with db.read() as session:
        assert catalog.list_things(session, "Task") == []
    assert Notification("Done", "3 deleted", run["id"]) in events
    assert RunChanged(run["id"], "cleaner", "succeeded") in events


def test_the_end_event_of_a_finished_run_carries_what_was_written(
    db: Database, runner: Runner
) -> None:
    """The final RunChanged of a finished run is `whole`: its status, error and
    `returned` are the ledger's (an API waiter answers from it); other events are not."""
    events: list[Any] = []
    runner.events.subscribe(events.append)
    run = _run(db, runner.run_now("make_task", {"title": "x"}))
    gated = _run(db, runner.run_now("gate", {"go": False}))
    failed = _run(db, runner.run_now("broken", {}))
    ended = {e.run_id: e for e in events if isinstance(e, RunChanged) and e.status != "running"}
    whole = ended[run["id"]]
    assert whole.whole and whole.status == run["status"] == "succeeded"
    assert whole.returned == run["returned"] == {"id": run["returned"]["id"], "done": True, "n": 42}
    assert ended[gated["id"]].whole and ended[gated["id"]].status == "terminated"
    assert ended[gated["id"]].returned is None and gated["returned"] is None
    assert not ended[failed["id"]].whole  # (failed: the waiter reads it)
    assert not any(e.whole for e in events if isinstance(e, RunChanged) and e.status == "running")


def test_search_in_expressions(db: Database, runner: Runner) -> None:
    with db.write() as session:
        for title in ("a", "b", "a"):
            catalog.create_thing(session, "Task", {"title": title})
    assert _run(db, runner.run_now("finder", {"title": "a"}))["returned"] == {"count": 2}


def test_timeout_interrupts_the_run(db: Database, runner: Runner, http_server: Any) -> None:
    run = _run(db, runner.run_now("slow", {"url": http_server.url}))
    assert run["status"] == "interrupted"
    assert run["error"].startswith("timed out after 0.3 s (step 1:")
    assert "too late" not in run["log"]


def test_parameters_are_checked_before_the_first_step(db: Database, runner: Runner) -> None:
    with pytest.raises(BadInput, match="parameter 'title' \\(text\\) is required"):
        runner.run_now("make_task", {})
    with pytest.raises(BadInput, match="parameter 'owner' \\(Person\\): no Person with ID 'x'"):
        runner.run_now("make_task", {"title": "t", "owner": "x"})
    with pytest.raises(BadInput, match="make_task has no parameter 'colour'"):
        runner.run_now("make_task", {"title": "t", "colour": "red"})
    with pytest.raises(NotFound):
        runner.run_now("no_such_workflow", {})
    with db.read() as session:
        assert list(session.scalars(ledger.runs_query())) == []


def test_a_thing_deleted_after_scheduling_becomes_none_in_the_run(
    db: Database, runner: Runner
) -> None:
    """Deleting a thing drops references to it (catalog.delete_thing): the run's
    optional parameter becomes none, and the run goes on."""
    with db.write() as session:
        person = catalog.create_thing(session, "Person", {"name": "Bo"})
    run_id = Service(db, EventBus()).schedule("make_task", {"title": "x", "owner": person.id})
    with db.write() as session:
        catalog.delete_thing(session, person.id)
    assert _run(db, run_id)["params"] == {"title": "x"}
    assert runner.execute(run_id) == "succeeded"


def test_a_thing_deleted_behind_cueflows_back_fails_the_run_clearly(
    db: Database, runner: Runner
) -> None:
    with db.write() as session:
        person = catalog.create_thing(session, "Person", {"name": "Bo"})
    run_id = Service(db, EventBus()).schedule("make_task", {"title": "x", "owner": person.id})
    with db.write() as session:  # e.g. another program's SQL
        session.execute(text("DELETE FROM things WHERE id = :id"), {"id": person.id})
    assert runner.execute(run_id) == "failed"
    assert (
        _run(db, run_id)["error"] == f"parameter 'owner' (Person): no Person with ID '{person.id}'"
    )


def test_a_cancelled_run_is_not_executed(db: Database, runner: Runner) -> None:
    service = Service(db, EventBus())
    run_id = service.schedule("gate", {"go": True}, at=utcnow() + timedelta(hours=1))
    assert service.cancel([run_id]) == [run_id]
    assert runner.execute(run_id) is None
    assert _run(db, run_id)["status"] == "cancelled"
