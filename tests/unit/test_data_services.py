"""The data services every front end calls (real SQLite, no Qt): the rules are the
workflow file's, so whatever the window saves can be exported and imported again."""

from __future__ import annotations

import json

import pytest

from app.core.definitions import FieldDef, Privacy, PrivacyRule, TriggerDef
from app.core.types import ValueType
from app.engine.data import DataService
from app.errors import BadInput, InvalidWorkflowFile, NotFound
from app.storage import catalog
from app.storage.db import Database
from app.workflow_file import export_text, import_text

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = pytest.mark.both_databases

TEXT = ValueType("text")

FLOWS = """
cueflow: 1
data_types:
  User: {fields: {email: text, name: text}}
things:
  User:
    - {id: ada, email: ada@example.com, name: Ada}
workflows:
  greet:
    parameters: {who: {type: User}}
    steps:
      - action: log
        with: {message: "hello {{ who.name }}"}
"""

REFUSED_TYPE_NAMES = ["_private", "Émile", "1st", "has space", "a-b", "X" * 201, "a\tb", " "]


def _importer_problems(db: Database, doc: dict[str, object]) -> list[str]:
    with pytest.raises(InvalidWorkflowFile) as caught:
        import_text(db, json.dumps(doc))
    return caught.value.problems


@pytest.mark.parametrize("name", REFUSED_TYPE_NAMES)
def test_a_data_type_name_the_importer_refuses_is_refused_with_its_reason(
    db: Database, name: str
) -> None:
    problems = _importer_problems(db, {"cueflow": 1, "data_types": {name: {"fields": {}}}})
    with pytest.raises(BadInput) as caught:
        DataService(db).create_type(name)
    assert any(p.endswith(": " + caught.value.reason) for p in problems), (problems, caught.value)
    assert DataService(db).data_types() == {}


def test_a_new_data_type_has_a_name_field_and_survives_export_and_import(db: Database) -> None:
    data = DataService(db)
    created = data.create_type("Customer")
    assert [f.name for f in created.fields] == ["name"]
    with pytest.raises(BadInput, match="'Customer' exists"):
        data.create_type("Customer")
    text = export_text(db)
    import_text(db, text, replace=True)
    assert list(data.data_types()) == ["Customer"]


@pytest.mark.parametrize("field_name", ["id", "1x", "has space", "é", "x" * 201])
def test_a_field_name_the_importer_refuses_is_refused_with_its_reason(
    db: Database, field_name: str
) -> None:
    import_text(db, FLOWS)
    problems = _importer_problems(
        db, {"cueflow": 1, "data_types": {"Other": {"fields": {field_name: "text"}}}}
    )
    data = DataService(db)
    with pytest.raises(BadInput) as caught:
        data.add_field("User", FieldDef(field_name, TEXT))
    assert any(p.endswith(": " + caught.value.reason) for p in problems), (problems, caught.value)
    assert [f.name for f in data.data_type("User").fields] == ["email", "name"]


def test_fields_are_added_renamed_and_removed_and_values_and_rules_follow(db: Database) -> None:
    import_text(db, FLOWS)
    data = DataService(db)
    rule = PrivacyRule("own", "thing.id == current_user.id", ("email",), find=True)
    data.save_privacy("User", Privacy((rule,)))
    assert [
        f.name
        for f in data.add_field("User", FieldDef("age", ValueType("number"))).definition.fields
    ] == ["email", "name", "age"]
    renamed = data.rename_field("User", "email", "mail")
    assert (renamed.renames, renamed.moved) == ({"email": "mail"}, 1)
    assert renamed.definition.privacy.rules[0].view == ("mail",)
    with db.read() as session:
        assert catalog.get_thing(session, "ada").raw == {"mail": "ada@example.com", "name": "Ada"}
    removed = data.remove_field("User", "age")
    assert [f.name for f in removed.definition.fields] == ["mail", "name"]
    with pytest.raises(BadInput, match="appears twice"):
        data.save_fields("User", (FieldDef("a", TEXT), FieldDef("a", TEXT)))
    with pytest.raises(BadInput, match="unknown type 'Nope'"):
        data.add_field("User", FieldDef("x", ValueType("Nope")))
    with pytest.raises(NotFound):
        data.remove_field("User", "nope")
    with pytest.raises(NotFound):
        data.save_fields("Nope", ())


def test_privacy_rules_are_checked_like_the_importer_checks_them(db: Database) -> None:
    import_text(db, FLOWS)
    data = DataService(db)
    with pytest.raises(BadInput, match="unknown field 'nope'"):
        data.save_privacy("User", Privacy((PrivacyRule("r", "true", ("nope",)),)))
    with pytest.raises(BadInput, match=r"privacy\.rules\[1\]\.when"):
        data.save_privacy("User", Privacy((PrivacyRule("r", "thing.nope == 1"),)))
    assert data.data_type("User").privacy.is_open
    saved = data.save_privacy("User", Privacy((), PrivacyRule("everyone else", "true", "none")))
    assert data.data_type("User") == saved


def test_triggers_are_checked_saved_renamed_and_deleted(db: Database) -> None:
    import_text(db, FLOWS)
    data = DataService(db)
    trigger = TriggerDef(
        "on_user", "User", ("created",), "greet", None, {"who": "{{ thing_now.id }}"}
    )
    data.save_trigger(trigger)
    assert [t.name for t in data.triggers()] == ["on_user"]
    renamed = TriggerDef(
        "greet_users", "User", ("created",), "greet", None, {"who": "{{ thing_now.id }}"}
    )
    data.save_trigger(renamed, replacing="on_user")
    triggers, types, workflows = data.trigger_context()
    assert [t.name for t in triggers] == ["greet_users"]
    assert list(types) == ["User"] and list(workflows) == ["greet"]
    for bad, reason in [
        (TriggerDef("t", "Nope", ("created",), "greet"), "unknown data type 'Nope'"),
        (TriggerDef("t", "User", ("born",), "greet"), "expected a list of created"),
        (TriggerDef("t", "User", ("created",), "nope"), "unknown workflow 'nope'"),
        (
            TriggerDef("t", "User", ("created",), "greet", None, {"x": "1"}),
            "greet has no parameter 'x'",
        ),
        (TriggerDef("t", "User", ("created",), "greet", "thing_now.nope"), "nope"),
        (TriggerDef("", "User", ("created",), "greet"), "non-empty"),
    ]:
        with pytest.raises(BadInput, match=reason):
            data.save_trigger(bad)
    assert [t.name for t in data.triggers()] == ["greet_users"]
    data.delete_trigger("greet_users")
    assert data.triggers() == []
    with pytest.raises(NotFound):
        data.delete_trigger("greet_users")


BROKEN_TRIGGERS = {
    "unknown data type": {"data_type": "Nope", "on": ["created"], "workflow": "greet"},
    "unknown event": {"data_type": "User", "on": ["born"], "workflow": "greet"},
    "no event": {"data_type": "User", "on": [], "workflow": "greet"},
    "unknown workflow": {"data_type": "User", "on": ["created"], "workflow": "nope"},
    "unknown parameter": {
        "data_type": "User",
        "on": ["created"],
        "workflow": "greet",
        "params": {"x": "1"},
    },
    "unknown field": {
        "data_type": "User",
        "on": ["deleted"],
        "workflow": "greet",
        "only_when": "thing_before.nope",
    },
    "unknown name": {
        "data_type": "User",
        "on": ["modified"],
        "workflow": "greet",
        "params": {"who": "{{ thing_later }}"},
    },
    "bad syntax": {
        "data_type": "User",
        "on": ["created"],
        "workflow": "greet",
        "only_when": "thing_now.name ==",
    },
}


@pytest.mark.parametrize("body", BROKEN_TRIGGERS.values(), ids=BROKEN_TRIGGERS.keys())
def test_a_trigger_the_importer_refuses_is_refused_with_the_same_place_and_reason(
    db: Database, body: dict[str, object]
) -> None:
    """One implementation (validation.trigger_problems): the same first message both ways."""
    import_text(db, FLOWS)
    problems = _importer_problems(db, {"cueflow": 1, "triggers": {"t": body}})
    trigger = TriggerDef(
        "t",
        str(body["data_type"]),
        tuple(body["on"]),  # type: ignore[arg-type]
        str(body["workflow"]),
        body.get("only_when"),  # type: ignore[arg-type]
        body.get("params", {}),  # type: ignore[arg-type]
    )
    with pytest.raises(BadInput) as caught:
        DataService(db).save_trigger(trigger)
    assert problems[0] == f"{caught.value.place}: {caught.value.reason}"
    assert DataService(db).triggers() == []


def test_things_are_added_changed_and_deleted_and_triggers_fire(db: Database) -> None:
    import_text(db, FLOWS)
    data = DataService(db)
    data.save_trigger(
        TriggerDef(
            "on_user",
            "User",
            ("created", "deleted"),
            "greet",
            None,
            {"who": "{{ thing_now.id if thing_now else none }}"},
        )
    )
    bea = data.add_thing("User", {"name": "Bea"})
    assert data.modify_thing(bea.id, {"email": "bea@example.com"}).raw["email"] == "bea@example.com"
    data.delete_things([bea.id, "ada"])
    with db.read() as session:
        assert catalog.list_things(session, "User") == []
        count = (
            session.connection()
            .exec_driver_sql("SELECT count(*) FROM runs WHERE \"trigger\" = 'on_user'")
            .scalar()
        )
    assert count == 3  # one created, two deleted


def test_taken_names(db: Database) -> None:
    import_text(db, FLOWS)
    assert DataService(db).taken_names() == ({"greet"}, set(), {"User"})


# --- the queries the Data area, pickers and the run dialog read through ------------------


def test_things_page_windows_and_searches(db: Database) -> None:
    data = DataService(db)
    data.create_type("Item")
    for n in range(5):
        data.add_thing("Item", {"name": f"item {n}"})
    rows = data.things_page("Item")
    assert [r.data["name"] for r in rows] == [f"item {n}" for n in range(5)]
    assert [r.data["name"] for r in data.things_page("Item", "", 3, 10)] == ["item 3", "item 4"]
    assert [r.data["name"] for r in data.things_page("Item", "item 2")] == ["item 2"]


def test_thing_choices_label_things_for_pickers(db: Database) -> None:
    import_text(db, FLOWS)
    data = DataService(db)
    assert data.thing_choices("User") == [("ada", "User", "Ada <ada@example.com>")]
    assert ("ada", "User", "Ada <ada@example.com>") in data.thing_choices()


def test_parse_value_resolves_things_by_id(db: Database) -> None:
    import_text(db, FLOWS)
    data = DataService(db)
    assert data.parse_value(ValueType("User"), "ada").id == "ada"
    assert data.parse_value(ValueType("number"), "2.5") == 2.5
    with pytest.raises(BadInput):
        data.parse_value(ValueType("User"), "nobody")
    loader = data.thing_loader()
    found = loader.load("ada")
    assert found is not None and found.id == "ada"
    assert loader.load("nobody") is None


RICH = """
cueflow: 1
data_types:
  Team: {fields: {name: text}}
  User:
    fields:
      email: text
      name: text
      age: number
      active: yes/no
      birthday: date
      tags: list of text
      team: Team
      friends: list of User
things:
  Team:
    - {id: red, name: Red}
  User:
    - id: ada
      email: ada@example.com
      name: Ada
      age: 36
      active: true
      birthday: 1990-12-10T09:00:00+00:00
      tags: [a, b]
      team: red
      friends: [bob]
    - {id: bob, name: Bob, friends: [ada]}
    - {id: cy, name: Cy, friends: [ada]}
workflows:
  greet:
    parameters: {who: {type: User, optional: true}}
    steps:
      - action: log
        with: {message: "hello"}
"""


def _stored(db: Database, thing_id: str) -> dict[str, object] | None:
    with db.read() as session:
        row = catalog.load_row(session, thing_id)
    return None if row is None else dict(row.data)


def _trigger_runs(db: Database) -> int:
    with db.read() as session:
        return int(
            session.connection()
            .exec_driver_sql("SELECT count(*) FROM runs WHERE \"trigger\" = 'on_user'")
            .scalar()
            or 0
        )


def test_deleted_things_come_back_with_their_ids_and_fields_and_created_triggers_fire(
    db: Database,
) -> None:
    import_text(db, RICH)
    data = DataService(db)
    data.save_trigger(
        TriggerDef("on_user", "User", ("created", "deleted"), "greet", None, {"who": "{{ none }}"})
    )
    before = {i: _stored(db, i) for i in ("ada", "bob", "cy")}
    removed = data.delete_things(["ada", "bob"])
    assert [(r.id, r.type_name) for r in removed] == [("ada", "User"), ("bob", "User")]
    assert removed[0].fields == before["ada"]  # every kind of field, as stored
    assert removed[1].fields["friends"] == []  # ada's deletion dropped bob's reference
    assert _stored(db, "ada") is None and _trigger_runs(db) == 2
    assert _stored(db, "cy") == {**before["cy"], "friends": []}  # cy still held ada

    restored = data.restore_things(removed)
    assert [t.id for t in restored] == ["ada", "bob"]
    assert _stored(db, "ada") == before["ada"]  # same ID, same fields, refers to bob again
    assert _stored(db, "bob") == {**before["bob"], "friends": []}
    assert _stored(db, "cy") == {**before["cy"], "friends": []}  # not brought back: documented
    assert _trigger_runs(db) == 4  # two deleted, then two created
    # new rows, at the end: bob before ada, whose friend he is again
    assert [t.id for t in data.things_page("User", "", 0, 10)] == ["cy", "bob", "ada"]

    with pytest.raises(BadInput, match="a thing with ID 'bob' exists already"):
        data.restore_things(removed)  # restored twice: refused, nothing written
    assert _trigger_runs(db) == 4


def test_a_restore_that_no_longer_fits_writes_nothing(db: Database) -> None:
    import_text(db, RICH)
    data = DataService(db)
    removed = data.delete_things(["bob", "ada"])
    user = data.data_type("User")
    data.save_fields("User", tuple(f for f in user.fields if f.name != "age"))
    with pytest.raises(BadInput, match="age"):
        data.restore_things(removed)  # ada's age has no field any more
    assert _stored(db, "bob") is None and _stored(db, "ada") is None
    with pytest.raises(NotFound):
        data.delete_things(["no-such-thing"])
