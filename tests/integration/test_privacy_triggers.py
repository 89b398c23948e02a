"""Privacy rules and database triggers (PRODUCT §1), through the engine and the CLI."""

from __future__ import annotations

from typing import Any

import pytest

from app.engine import presenting
from app.engine.runner import Runner
from app.engine.service import Service
from app.storage import catalog, ledger
from app.storage.db import Database
from app.workflow_file import import_text

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = pytest.mark.both_databases
# The command line opens the data folder until --database-url is wired (issue 16, item 2).

FILE = """
cueflow: 1
data_types:
  User:
    fields: {email: text, name: text, note: text}
    privacy:
      rules:
        - name: Own record
          when: "thing.email == current_user.email"
          view: all
          find: true
          modify: true
          delete: false
      everyone_else: {view: [name], find: false, modify: false, delete: false}
  Memo:
    fields: {text: text}
workflows:
  peek:
    parameters: {target: {type: User}}
    steps:
      - action: return_data
        with:
          values:
            email: "{{ target.email }}"
            name: "{{ target.name }}"
            found: "{{ search('User') | map(attribute='name') | list }}"
  peek_all:
    ignore_privacy_rules: true
    parameters: {target: {type: User}}
    steps:
      - action: return_data
        with:
          values:
            email: "{{ target.email }}"
            found: "{{ search('User') | map(attribute='name') | sort | list }}"
  rename:
    parameters: {target: {type: User}}
    steps:
      - action: modify_thing
        with: {thing: "{{ target }}", fields: {note: changed}}
  welcome:
    parameters: {user: {type: User}}
    steps:
      - action: modify_thing
        with: {thing: "{{ user }}", fields: {note: "welcomed"}}
      - action: return_data
        with: {values: {email: "{{ user.email }}"}}
  log_memo:
    parameters: {memo: {type: Memo}}
    steps:
      - action: log
        with: {message: "memo {{ memo.text }}"}
  make_memo:
    steps:
      - action: create_thing
        with: {type: Memo, fields: {text: from a run}}
triggers:
  welcome_new_user:
    data_type: User
    on: [created]
    only_when: "thing_now.name is not none"   # seen through the changing user's rules
    workflow: welcome
    params: {user: "{{ thing_now }}"}
  memo_changed:
    data_type: Memo
    on: [modified]
    only_when: "thing_before.text != thing_now.text"
    workflow: log_memo
    params: {memo: "{{ thing_now }}"}
"""


@pytest.fixture
def people(db: Database) -> dict[str, str]:
    import_text(db, FILE)
    with db.write() as session:  # directly: no trigger for these two
        ada = catalog.create_thing(session, "User", {"email": "ada@x.org", "name": "Ada"})
        bob = catalog.create_thing(session, "User", {"email": "bob@x.org", "name": "Bob"})
        catalog.take_changes(session)
    return {"ada": ada.id, "bob": bob.id}


def run(db: Database, run_id: str) -> dict[str, Any]:
    with db.read() as session:
        row = ledger.get_run(session, run_id)
        out = presenting.run_to_json(row)
        out["log"] = [line.message for line in ledger.log_lines(session, run_id)]
    return out


def test_a_run_as_ada_cannot_find_or_read_bobs_email(db: Database, people: dict[str, str]) -> None:
    runner = Runner(db)
    own = run(db, runner.run_now("peek", {"target": people["ada"]}, run_as=people["ada"]))
    assert own["returned"] == {"email": "ada@x.org", "name": "Ada", "found": ["Ada"]}
    other = run(db, runner.run_now("peek", {"target": people["bob"]}, run_as=people["ada"]))
    assert other["returned"] == {"email": None, "name": "Bob", "found": ["Ada"]}
    assert "running as User " + people["ada"] + "; privacy rules respected" in other["log"][0]


def test_ignoring_privacy_rules_sees_everything(db: Database, people: dict[str, str]) -> None:
    runner = Runner(db)
    by_workflow = run(
        db, runner.run_now("peek_all", {"target": people["bob"]}, run_as=people["ada"])
    )
    assert by_workflow["returned"] == {"email": "bob@x.org", "found": ["Ada", "Bob"]}
    by_call = run(
        db,
        runner.run_now(
            "peek", {"target": people["bob"]}, run_as=people["ada"], ignore_privacy=True
        ),
    )
    assert by_call["returned"]["email"] == "bob@x.org"
    assert "privacy rules ignored" in by_call["log"][0]


def test_a_forbidden_modify_fails_the_step(db: Database, people: dict[str, str]) -> None:
    runner = Runner(db)
    failed = run(db, runner.run_now("rename", {"target": people["bob"]}, run_as=people["ada"]))
    assert failed["status"] == "failed"
    assert (
        f"privacy rules do not let User {people['ada']} modify User {people['bob']}"
        in (failed["error"])
    )
    assert (
        run(db, runner.run_now("rename", {"target": people["ada"]}, run_as=people["ada"]))["status"]
        == "succeeded"
    )


def test_creating_a_user_starts_the_welcome_workflow_once(
    db: Database, people: dict[str, str]
) -> None:
    service = Service(db)
    cy = service.create_thing("User", {"email": "cy@x.org", "name": "Cy"}, run_as=people["ada"])
    with db.read() as session:
        started = list(session.scalars(ledger.runs_query(upcoming=True)))
    assert len(started) == 1
    assert (started[0].workflow, started[0].trigger, started[0].params) == (
        "welcome",
        "welcome_new_user",
        {"user": cy.id},
    )
    assert started[0].run_as == people["ada"]  # as the user who made the change
    # A user without a name fails the condition: nothing starts.
    service.create_thing("User", {"email": "no-name@x.org"})
    with db.read() as session:
        assert ledger.count_scheduled(session) == 1


def test_a_trigger_run_respects_privacy_and_does_not_loop(
    db: Database, people: dict[str, str]
) -> None:
    with db.write() as session:  # the workflow asks to ignore privacy: a trigger run may not
        wf = catalog.get_workflow(session, "welcome")
        from dataclasses import replace

        catalog.save_workflow(session, replace(wf, ignore_privacy_rules=True))
    service = Service(db)
    cy = service.create_thing("User", {"email": "cy@x.org", "name": "Cy"}, run_as=people["bob"])
    with db.read() as session:
        [trigger_run] = list(session.scalars(ledger.runs_query(upcoming=True)))
    Runner(db).execute(trigger_run.id)
    done = run(db, trigger_run.id)
    # Bob may not modify Cy's record: the trigger run respects privacy rules.
    assert done["status"] == "failed" and "privacy rules do not let" in done["error"]
    assert "privacy rules respected; started by trigger welcome_new_user" in done["log"][0]
    own = service.create_thing("User", {"email": "dee@x.org", "name": "Dee"})
    assert own.id != cy.id
    with db.read() as session:
        second = [r for r in session.scalars(ledger.runs_query(upcoming=True))]
    # Run as the new user herself: the modification is allowed and fires no new trigger.
    with db.write() as session:
        ledger.get_run(session, second[0].id).run_as = own.id
    Runner(db).execute(second[0].id)
    assert run(db, second[0].id)["status"] == "succeeded"
    with db.read() as session:
        assert ledger.count_scheduled(session) == 0


def test_modified_trigger_needs_its_condition(db: Database, people: dict[str, str]) -> None:
    service = Service(db)
    memo = service.create_thing("Memo", {"text": "a"})
    service.modify_thing(memo.id, {"text": "a"})  # no change at all
    with db.read() as session:
        assert ledger.count_scheduled(session) == 0
    service.modify_thing(memo.id, {"text": "b"})
    with db.read() as session:
        [started] = list(session.scalars(ledger.runs_query(upcoming=True)))
    assert started.workflow == "log_memo" and started.params == {"memo": memo.id}


def test_changes_made_by_workflow_steps_fire_triggers(db: Database, people: dict[str, str]) -> None:
    import_text(
        db,
        """
cueflow: 1
triggers:
  memo_made:
    data_type: Memo
    on: [created]
    workflow: log_memo
    params: {memo: "{{ thing_now }}"}
""",
    )
    parent = Runner(db).run_now("make_memo", {})
    with db.read() as session:
        [started] = list(session.scalars(ledger.runs_query(upcoming=True)))
    assert started.trigger == "memo_made" and started.parent_id == parent


def test_cli_thing_add_fires_the_trigger(cli: Any, db: Database, people: dict[str, str]) -> None:
    result = cli("thing", "add", "User", "-f", "email=eve@x.org", "-f", "name=Eve")
    assert result.code == 0
    upcoming = cli("runs", "--upcoming", "--json").json()
    assert [(r["workflow"], r["trigger"], r["params"]) for r in upcoming] == [
        ("welcome", "welcome_new_user", {"user": result.out.strip()})
    ]
