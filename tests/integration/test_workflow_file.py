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
            )
            for wf in catalog.list_workflows(b)
        ]
        assert first == second
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
