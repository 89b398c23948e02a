"""app/storage/catalog.py: data types, things, workflows and triggers in the database."""

from __future__ import annotations

import pytest

from app.actions import registry
from app.errors import BadInput, NotFound
from app.storage import catalog, ledger
from app.storage.db import Database
from tests.storage.conftest import new_run


def test_data_types_read_back_as_imported(flows: Database) -> None:
    with flows.read() as session:
        person = catalog.get_data_type(session, "Person")
        assert [(f.name, f.type.base) for f in person.fields] == [
            ("name", "text"),
            ("age", "number"),
        ]
        assert set(catalog.data_types(session)) == {"Person"}


def test_a_thing_is_created_found_modified_and_deleted(flows: Database) -> None:
    with flows.write() as session:
        ada = catalog.create_thing(session, "Person", {"name": "Ada", "age": 36})
        catalog.create_thing(session, "Person", {"name": "Bob", "age": 40})
    with flows.write() as session:
        assert catalog.modify_thing(session, ada.id, {"age": 37}).age == 37
    with flows.read() as session:
        assert catalog.get_thing(session, ada.id).name == "Ada"
        assert [p.name for p in catalog.list_things(session, "Person", name="Ada")] == ["Ada"]
        assert len(catalog.list_things(session, "Person")) == 2
    with flows.write() as session:
        catalog.delete_thing(session, ada.id)
    with flows.read() as session, pytest.raises(NotFound):
        catalog.get_thing(session, ada.id)


def test_changes_to_things_are_taken_once_per_thing(flows: Database) -> None:
    """A change set: created then modified is one creation with the last values;
    created then deleted in one transaction is nothing."""
    with flows.write() as session:
        kept = catalog.create_thing(session, "Person", {"name": "Cy"})
        catalog.modify_thing(session, kept.id, {"name": "Cyd"})
        gone = catalog.create_thing(session, "Person", {"name": "Dee"})
        catalog.delete_thing(session, gone.id)
        [change] = catalog.take_changes(session)
        assert (change.event, change.type_name, change.thing_id) == ("created", "Person", kept.id)
        assert change.after is not None and change.after["name"] == "Cyd"
        assert catalog.take_changes(session) == []


def test_a_workflow_is_renamed_with_its_upcoming_runs_and_deleted(flows: Database) -> None:
    with flows.write() as session:
        run_id = ledger.insert_run(session, new_run("other"))
    with flows.write() as session:
        moved = catalog.rename_workflow(
            session, "other", "renamed", callers=registry.workflow_callers()
        )
    assert moved["runs"] == 1
    with flows.read() as session:
        assert catalog.workflow_names(session) == {"note", "renamed"}
        assert ledger.get_run(session, run_id).workflow == "renamed"
        assert catalog.find_workflow(session, "other") is None
    with flows.write() as session:
        catalog.delete_workflow(session, "note")
    with flows.read() as session:
        assert [wf.name for wf in catalog.list_workflows(session)] == ["renamed"]
        with pytest.raises(NotFound):
            catalog.get_workflow(session, "note")


def test_a_unit_of_work_reads_a_data_type_once_and_forgets_it_when_it_changes(
    flows: Database,
) -> None:
    from app.core.definitions import DataTypeDef, FieldDef, TriggerDef
    from app.core.types import ValueType

    with flows.write() as session:
        person = catalog.get_data_type(session, "Person")
        thing = catalog.create_thing(session, "Person", {"name": "Ada"})
        type_id = catalog.thing_row(session, thing.id).type_id
        assert catalog.type_def(session, type_id) is catalog.type_def(session, type_id)
        assert not catalog.has_triggers(session, {"Person"})
        wider = DataTypeDef("Person", (*person.fields, FieldDef("email", ValueType("text"))))
        catalog.save_data_type(session, wider)
        assert catalog.type_def(session, type_id).field("email") is not None
        catalog.save_trigger(session, TriggerDef("on_person", "Person", ("created",), "note"))
        assert catalog.has_triggers(session, {"Person"})
        catalog.delete_trigger(session, "on_person")
        assert not catalog.has_triggers(session, {"Person"})
    # Another unit of work reads what is committed now, whatever the last one kept.
    with flows.write() as session:
        catalog.save_trigger(session, TriggerDef("later", "Person", ("created",), "note"))
    with flows.read() as session:
        assert catalog.has_triggers(session, {"Person"})
        assert catalog.type_def(session, type_id).field("email") is not None


def test_a_unit_of_work_reads_a_workflows_stamp_once_and_forgets_it_when_one_is_saved(
    flows: Database,
) -> None:
    with flows.write() as session:
        first = catalog.workflow_stamp(session, "note")
        assert catalog.workflow_stamp(session, "note") == first
        note = catalog.get_workflow(session, "note")
        catalog.save_workflow(session, note)  # a new version, in the same unit of work
        saved = catalog.workflow_stamp(session, "note")
        assert saved != first
        catalog.delete_workflow(session, "other")
        with pytest.raises(NotFound):
            catalog.workflow_stamp(session, "other")
    with flows.read() as session:
        assert catalog.workflow_stamp(session, "note")[:2] == saved[:2]


def test_a_thing_read_by_the_caller_is_changed_and_deleted_without_reading_it_again(
    flows: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with flows.write() as session:
        ada = catalog.create_thing(session, "Person", {"name": "Ada"})
        row = catalog.thing_row(session, ada.id)
        reads: list[str] = []
        load_row = catalog.load_row
        monkeypatch.setattr(
            catalog, "load_row", lambda s, thing_id: reads.append(thing_id) or load_row(s, thing_id)
        )
        changed = catalog.modify_thing(session, ada.id, {"name": "Ada L."}, row=row)
        assert changed.name == "Ada L."
        catalog.delete_thing(session, ada.id, row=catalog.ThingRow(ada.id, row.type_id, {}))
        assert reads == []
        monkeypatch.setattr(catalog, "load_row", load_row)
        with pytest.raises(NotFound):
            catalog.thing_row(session, ada.id)


def test_many_things_go_in_at_once_each_checked_as_create_thing_checks(flows: Database) -> None:
    things = [(None, {"name": f"P{i}", "age": i}) for i in range(25_000)]
    things.append(("given-id", {"name": "Cy", "age": 41.0}))
    told: list[int] = []
    with flows.write() as session:
        ids = catalog.insert_things(session, "Person", things, told.append)
        assert catalog.take_changes(session) == []  # an import fires no triggers
    assert len(ids) == len(set(ids)) == 25_001 and ids[-1] == "given-id"
    assert sum(told) == 25_001 and len(told) == 3  # after each batch of 10,000
    with flows.read() as session:
        cy = catalog.get_thing(session, "given-id")
        assert cy.age == 41 and isinstance(cy.age, int)  # coerced as create_thing does
        assert catalog.get_thing(session, ids[7]).name == "P7"
        assert len(catalog.list_things(session, "Person")) == 25_001

    for bad, reason in (
        ({"name": "X", "age": "old"}, "field 'age': 'old' is not a number"),
        ({"name": "X", "age": float("nan")}, "field 'age': expected a finite number"),
        ({"name": ["X"]}, "field 'name': expected text, got a list"),
        ({"nick": "X"}, "Person has no field 'nick'"),
    ):
        with pytest.raises(BadInput, match=reason), flows.write() as session:
            catalog.insert_things(session, "Person", [(None, {"name": "ok"}), (None, bad)])
    with flows.read() as session:
        assert len(catalog.list_things(session, "Person")) == 25_001  # nothing of those
