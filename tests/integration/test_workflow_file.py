"""Import and export of the workflow file (PRODUCT §4)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from app.errors import InvalidWorkflowFile
from app.storage import catalog
from app.storage.db import Database, init_db
from app.workflow_file import export_text, import_file, import_text
from tests.conftest import EXAMPLES
from tests.support.snapshot import dump

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = pytest.mark.both_databases

BIRTHDAY = EXAMPLES / "birthday.yaml"


def test_birthday_example_imports_everything(db: Database) -> None:
    summary = import_file(db, BIRTHDAY)
    assert (summary.workflows, summary.data_types, summary.things, summary.triggers) == (2, 1, 2, 1)
    with db.read() as session:
        wf = catalog.get_workflow(session, "send_birthday_email")
        users = catalog.list_things(session, "User")
        triggers = catalog.list_triggers(session)
    assert wf.label == "Send birthday email"
    assert [p.key for p in wf.parameters] == ["user", "birthday"]
    assert wf.parameters[1].optional is True
    assert [s.action for s in wf.steps] == ["send_email", "schedule_workflow"]
    assert wf.steps[1].only_when == "birthday is not none"
    assert sorted(u.name for u in users) == ["Ada", "Grace"]
    assert users[0].birthday.isoformat() == "1990-12-10T09:00:00+00:00"
    assert triggers[0].on == ("created",)  # `on:` is a key, not YAML 1.1's boolean


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_is_valid(db: Database, example: Path) -> None:
    assert import_file(db, example).workflows >= 1


def test_unknown_name_is_reported_with_its_place_and_nothing_is_written(
    db: Database, data_dir: Path
) -> None:
    text = BIRTHDAY.read_text().replace(
        '{{ birthday | add_years(1) }}"\n', '{{ birtday | add_years(1) }}"\n', 1
    )
    before = dump(data_dir)
    with pytest.raises(InvalidWorkflowFile) as caught:
        import_text(db, text)
    assert "workflows.send_birthday_email.steps[2].with.at: unknown name 'birtday'" in (
        caught.value.problems
    )
    assert dump(data_dir) == before


def test_every_problem_is_listed(db: Database, data_dir: Path) -> None:
    text = """
cueflow: 1
data_types:
  User: {fields: {email: text, age: numbr}}
workflows:
  Bad-Name: {steps: []}
  ok_name:
    parameters: {user: {type: Usr}}
    steps:
      - action: send_mail
      - action: log
        with: {mesage: hi}
      - action: log
        only_when: "user is"
        with: {message: "{{ step3 }}"}
"""
    before = dump(data_dir)
    with pytest.raises(InvalidWorkflowFile) as caught:
        import_text(db, text)
    problems = caught.value.problems
    assert "data_types.User.fields.age: unknown type 'numbr'" in problems
    assert any(p.startswith("workflows.Bad-Name: a name uses only") for p in problems)
    assert "workflows.ok_name.parameters.user.type: unknown type 'Usr'" in problems
    assert any(
        p.startswith("workflows.ok_name.steps[1].action: unknown action 'send_mail'")
        for p in problems
    )
    assert any(
        p.startswith("workflows.ok_name.steps[2].with.mesage: log has no input") for p in problems
    )
    assert "workflows.ok_name.steps[2].with.message: required input is missing" in problems
    assert any(p.startswith("workflows.ok_name.steps[3].only_when:") for p in problems)
    assert "workflows.ok_name.steps[3].with.message: unknown name 'step3'" in problems
    assert dump(data_dir) == before


def test_malformed_yaml_names_the_line(db: Database) -> None:
    with pytest.raises(InvalidWorkflowFile) as caught:
        import_text(db, "workflows:\n  a: [1, 2\n  b: 3\n", name="w.yaml")
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith("w.yaml: line ")


def test_json_is_accepted(db: Database) -> None:
    text = (
        '{"cueflow": 1, "workflows": {"hello": {"steps": '
        '[{"action": "log", "with": {"message": "hi"}}]}}}'
    )
    assert import_text(db, text).workflows == 1


def test_existing_workflows_need_replace(db: Database) -> None:
    import_file(db, BIRTHDAY)
    with pytest.raises(InvalidWorkflowFile) as caught:
        import_file(db, BIRTHDAY)
    assert any(
        "send_birthday_email: workflow already exists (import with --replace" in p
        for p in caught.value.problems
    )
    changed = BIRTHDAY.read_text().replace("Send birthday email", "Birthday greeting")
    import_text(db, changed, replace=True)
    with db.read() as session:
        wf = catalog.get_workflow(session, "send_birthday_email")
    assert wf.label == "Birthday greeting"
    assert wf.version == 2


def test_export_then_import_gives_the_same_workflows(db: Database, tmp_path: Path) -> None:
    for example in sorted(EXAMPLES.glob("*.yaml")):
        import_file(db, example)
    exported = export_text(db, things=True)
    assert yaml.safe_load(exported)["cueflow"] == 1
    other = init_db(f"sqlite:///{tmp_path / 'other.db'}")
    import_text(other, exported)
    with db.read() as a, other.read() as b:
        first = [
            (
                wf.name,
                wf.parameters,
                wf.steps,
                wf.retries,
                wf.on_missed,
                wf.timeout,
                wf.colour,
                wf.label,
                wf.api,
            )
            for wf in catalog.list_workflows(a)
        ]
        second = [
            (
                wf.name,
                wf.parameters,
                wf.steps,
                wf.retries,
                wf.on_missed,
                wf.timeout,
                wf.colour,
                wf.label,
                wf.api,
            )
            for wf in catalog.list_workflows(b)
        ]
        assert first == second
        assert any(wf.api.expose for wf in catalog.list_workflows(b))
        assert catalog.data_types(a) == catalog.data_types(b)
        assert [t.raw for t in catalog.list_things(a, "User")] == [
            t.raw for t in catalog.list_things(b, "User")
        ]
        assert [t.id for t in catalog.list_things(a, "User")] == [
            t.id for t in catalog.list_things(b, "User")
        ]
    assert export_text(other, things=True) == exported


def test_export_with_things_carries_upcoming_runs(db: Database, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from app.engine.service import Service
    from app.storage import ledger

    import_file(db, BIRTHDAY)
    with db.read() as session:
        ada = catalog.list_things(session, "User")[0]
    at = datetime(2031, 12, 10, 9, tzinfo=UTC)
    run_id = Service(db).schedule("send_birthday_email", {"user": ada.id}, at=at, run_as=ada.id)
    exported = export_text(db, things=True)
    assert yaml.safe_load(exported)["runs"][0]["id"] == run_id
    other = init_db(f"sqlite:///{tmp_path / 'other.db'}")
    import_text(other, exported)
    with other.read() as session:
        [copy] = list(session.scalars(ledger.runs_query(upcoming=True)))
    assert (copy.id, copy.scheduled_for, copy.params, copy.run_as) == (
        run_id,
        at,
        {"user": ada.id},
        ada.id,
    )


def test_a_migration_backs_up_the_database_first(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import create_engine, text

    from app.storage.db import alembic_config

    path = tmp_path / "cueflow.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(
            text(
                "INSERT INTO runs (id, workflow, workflow_version, status, scheduled_for,"
                " created_at, params, ignore_privacy, attempt) VALUES ('r1', 'w', 1, 'scheduled',"
                " '2030-01-01 00:00:00.000000', '2029-01-01 00:00:00.000000', '{}', 0, 1)"
            )
        )
    engine.dispose()
    db = init_db(f"sqlite:///{path}")
    with db.read() as session:
        assert session.execute(text("SELECT id, depth FROM runs")).all() == [("r1", 0)]
    backup = tmp_path / "cueflow.db.bak-0001"
    assert backup.exists()
    old = create_engine(f"sqlite:///{backup}")
    with old.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
    old.dispose()


def test_unknown_fields_of_known_types_are_refused_with_their_places(
    db: Database, data_dir: Path
) -> None:
    text = """
cueflow: 1
data_types:
  Team:
    fields: {lead: User}
    privacy:
      rules: [{name: lead, when: "thing.lead.emial == current_user.email", view: all}]
  User:
    fields: {email: text, name: text, manager: User}
workflows:
  greet:
    parameters: {user: {type: User}}
    steps:
      - action: send_email
        with: {to: "{{ user.na }}", subject: "{{ user.manager.nme }}", body: "{{ user.id }}"}
triggers:
  welcome:
    data_type: User
    on: [created]
    only_when: "thing_now.emale is not none"
    workflow: greet
    params: {user: "{{ thing_now }}"}
"""
    before = dump(data_dir)
    with pytest.raises(InvalidWorkflowFile) as caught:
        import_text(db, text)
    assert caught.value.problems == [
        "data_types.Team.privacy.rules[1].when: User has no field 'emial'",
        "workflows.greet.steps[1].with.to: User has no field 'na'",
        "workflows.greet.steps[1].with.subject: User has no field 'nme'",
        "triggers.welcome.only_when: User has no field 'emale'",
    ]
    assert dump(data_dir) == before


# --- files that must be refused as a whole, every problem on one line ---------------------------

_W = "  w: {steps: [{action: log, with: {message: one}}]}\n"
_U = "data_types:\n  U: {fields: {a: text, d: date}}\n"
_RUN = 'runs: [{workflow: w, scheduled_for: "2030-01-01T00:00Z", '
REFUSED = {
    # a key given twice: never "the last one wins" (YAML and JSON)
    "workflow twice": (
        "workflows:\n  w: {steps: [{action: log, with: {message: one}}]}\n"
        "  w: {steps: [{action: log, with: {message: two}}]}\n",
        "file: line 3, column 3: duplicate key 'w' (first given on line 2)",
    ),
    "key twice in json": (
        '{"workflows": {"w": {"steps": []}, "w": {"steps": []}}}',
        "duplicate key 'w'",
    ),
    "key twice inside": (
        "workflows:\n  w: {label: a, label: b, steps: []}\n",
        "duplicate key 'label'",
    ),
    "field twice": ("data_types:\n  U:\n    fields:\n      a: text\n      a: number\n", "line 5"),
    # numbers: finite and in range
    "backoff .inf": (
        "workflows:\n  w: {retries: {attempts: 2, backoff: .inf}, steps: []}\n",
        "workflows.w.retries.backoff: expected a number of seconds, got inf (not a finite number)",
    ),
    "backoff huge": (
        "workflows:\n  w: {retries: {attempts: 2, backoff: 1.0e+300}, steps: []}\n",
        "workflows.w.retries.backoff: 1e+300 is out of range (0 to 86,400 seconds)",
    ),
    "backoff .nan": (
        "workflows:\n  w: {retries: {backoff: .nan}, steps: []}\n",
        "backoff: expected",
    ),
    "timeout .nan": (
        "workflows:\n  w: {timeout: .nan, steps: []}\n",
        "workflows.w.timeout: expected",
    ),
    "timeout 0": ("workflows:\n  w: {timeout: 0, steps: []}\n", "out of range (more than 0 to"),
    "timeout 2 weeks": (
        "workflows:\n  w: {timeout: 1209600, steps: []}\n",
        "(more than 0 to 604,800",
    ),
    "grace .nan": ("workflows:\n  w: {grace: .nan, steps: []}\n", "workflows.w.grace: expected"),
    "grace negative": (
        "workflows:\n  w: {grace: -1, steps: []}\n",
        "workflows.w.grace: -1 is out of",
    ),
    "attempts .inf": ("workflows:\n  w: {retries: {attempts: .inf}, steps: []}\n", "not a finite"),
    "attempts 1e9": (
        "workflows:\n  w: {retries: {attempts: 1000000000}, steps: []}\n",
        "(0 to 100)",
    ),
    "attempts 2.5": ("workflows:\n  w: {retries: {attempts: 2.5}, steps: []}\n", "whole number"),
    "interval .inf": (
        "workflows:\n  w:\n    parameters: {x: text}\n    steps:\n"
        "      - {action: schedule_workflow_on_list, with: {workflow: w, list: '{{ [1] }}', "
        "item_param: x, interval: .inf}}\n",
        "workflows.w.steps[1].with.interval: expected a number of seconds, got inf",
    ),
    "http timeout -1": (
        "workflows:\n  w: {steps: [{action: http_request,"
        " with: {url: 'http://x', timeout: -1}}]}\n",
        "workflows.w.steps[1].with.timeout: -1 is out of range",
    ),
    # wrong types
    "timeout as text": ("workflows:\n  w: {timeout: soon, steps: []}\n", "got 'soon'"),
    "yes/no as number": (
        "workflows:\n  w: {ignore_privacy_rules: 1, steps: []}\n",
        "true or false",
    ),
    "label as list": ("workflows:\n  w: {label: [1, 2], steps: []}\n", "label: expected text"),
    "description as map": ("workflows:\n  w: {description: {a: 1}, steps: []}\n", "expected text"),
    "rule name as list": (
        "data_types:\n  U: {fields: {a: text}, privacy: {rules: [{name: [1], when: 'true'}]}}\n",
        "data_types.U.privacy.rules[1].name: expected text",
    ),
    "view of a mapping": (
        "data_types:\n  U: {fields: {a: text}, privacy: {rules: [{name: r, when: 'true',"
        " view: [{a: 1}]}]}}\n",
        "data_types.U.privacy.rules[1].view: expected field names, got {'a': 1}",
    ),
    "version true": ("cueflow: true\nworkflows:\n" + _W, "unsupported format version True"),
    # names: no control characters, not huge
    "workflow name with newline": ('workflows:\n  "abc\\n": {steps: []}\n', "control characters"),
    "field name with newline": (
        'data_types:\n  U: {fields: {"a\\n": text}}\n',
        "cannot be a field",
    ),
    "parameter key with newline": (
        'workflows:\n  w: {parameters: {"p\\n": text}, steps: []}\n',
        "cannot be a parameter key",
    ),
    "trigger name with tab": (
        _U
        + "workflows:\n"
        + _W
        + 'triggers:\n  "t\\tx": {data_type: U, on: [created], workflow: w}\n',
        "a trigger name cannot contain control characters",
    ),
    "huge workflow name": ("workflows:\n  " + "a" * 500 + ": {steps: []}\n", "at most 200"),
    "huge field name": (
        "data_types:\n  U: {fields: {" + "f" * 300 + ": text}}\n",
        "cannot be a field name",
    ),
    "huge parameter key": (
        "workflows:\n  w: {parameters: {" + "p" * 300 + ": text}, steps: []}\n",
        "a parameter key has at most 200 characters",
    ),
    "huge label": ("workflows:\n  w: {label: '" + "x" * 5000 + "', steps: []}\n", "too long"),
    # things
    "thing ID twice": (
        _U + "things:\n  U: [{id: x, a: one}, {id: x, a: two}]\n",
        "things.U[2].id: thing ID 'x' given twice (also things.U[1].id)",
    ),
    "thing ID a list": (_U + "things:\n  U: [{id: [1, 2], a: one}]\n", "must be non-empty text"),
    "thing ID empty": (_U + "things:\n  U: [{id: '', a: one}]\n", "must be non-empty text"),
    "thing date with no UTC": (
        _U + "things:\n  U: [{d: 0001-01-01T00:00:00+01:00}]\n",
        "things.U[1].d: '0001-01-01 00:00:00+01:00' is out of range",
    ),
    # upcoming runs
    "run params 5": (
        "workflows:\n" + _W + _RUN + "params: 5}]\n",
        "runs[1].params: expected a mapping",
    ),
    "run_as a list": (
        "workflows:\n" + _W + _RUN + "run_as: [1, 2]}]\n",
        "runs[1].run_as: expected",
    ),
    "run_as no thing": (
        "workflows:\n" + _W + _RUN + "run_as: ghost}]\n",
        "runs[1].run_as: no thing with ID 'ghost' in the file or the database",
    ),
    "run ignore_privacy text": (
        "workflows:\n" + _W + _RUN + "ignore_privacy: 'no'}]\n",
        "true or false",
    ),
    "run ID a list": ("workflows:\n" + _W + _RUN + "id: [1]}]\n", "runs[1].id: expected a run ID"),
    "run ID twice": (
        "workflows:\n" + _W + _RUN + "id: r1}, " + _RUN[7:] + "id: r1}]\n",
        "runs[2].id: run 'r1' given twice (also runs[1].id)",
    ),
    "run time with no UTC": (
        "workflows:\n" + _W + "runs: [{workflow: w, scheduled_for: 0001-01-01T00:00:00+01:00}]\n",
        "out of range",
    ),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_hostile_file_holes_are_refused_with_their_place(
    db: Database, data_dir: Path, name: str
) -> None:
    import_file(db, BIRTHDAY)
    before = dump(data_dir)
    text, expected = REFUSED[name]
    with pytest.raises(InvalidWorkflowFile) as refused:
        import_text(db, text, replace=True)
    problems = refused.value.problems
    assert any(expected in p for p in problems), problems
    assert all(p.strip() and "\n" not in p and "\r" not in p for p in problems), problems
    assert dump(data_dir) == before


def test_sane_numbers_and_a_run_as_thing_from_the_same_file_are_accepted(db: Database) -> None:
    import_text(
        db,
        _U
        + "things:\n  U: [{id: u1, a: one}]\n"
        + 'workflows:\n  w: {label: Hi, description: "two\\nlines", timeout: 604800,'
        " grace: 3600, retries: {attempts: 100, backoff: 86400},"
        " steps: [{action: log, with: {message: one}}]}\n"
        + _RUN
        + "run_as: u1, ignore_privacy: true}]\n",
    )
    with db.read() as session:
        wf = catalog.get_workflow(session, "w")
    assert (wf.timeout, wf.grace, wf.retries.attempts, wf.retries.backoff) == (
        604800,
        3600,
        100,
        86400,
    )
    assert wf.description == "two\nlines"
