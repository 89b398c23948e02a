"""Data services: data types, their fields and privacy rules, triggers, things.

Every front end calls these, so a name or rule the workflow file refuses is
refused here too, with the same reason. Thing changes go through
`Service.changing`, so database triggers fire.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.core.definitions import (
    DataTypeDef,
    FieldDef,
    Privacy,
    TriggerDef,
    WorkflowDef,
    data_type_name_problem,
    field_name_problem,
)
from app.core.things import ThingView
from app.core.types import ValueType, parse_text
from app.engine import presenting
from app.engine.events import EventBus
from app.engine.service import Service
from app.engine.validation import (
    Problem,
    check_condition,
    check_type_name,
    trigger_problems,
)
from app.errors import BadInput, NotFound
from app.storage import catalog, views
from app.storage.db import Database
from app.storage.views import PAGE_SIZE as PAGE_SIZE
from app.storage.views import ThingRow as ThingRow

PRIVACY_NAMES = frozenset({"thing", "current_user"})


@dataclass(frozen=True)
class FieldsSaved:
    """What saving a type's fields did: the type as saved, the renames, the values moved."""

    definition: DataTypeDef
    renames: dict[str, str]
    moved: int


@dataclass(frozen=True)
class RemovedThing:
    """A deleted thing as it was: what `restore_things` creates again."""

    id: str
    type_name: str
    fields: dict[str, Any]  # as stored


def _referred_first(things: Sequence[RemovedThing]) -> list[RemovedThing]:
    """`things` in order, each moved after the others of them its fields name."""
    ids = {thing.id for thing in things}

    def named(thing: RemovedThing) -> set[str]:
        out: set[str] = set()
        for value in thing.fields.values():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and item in ids and item != thing.id:
                    out.add(item)
        return out

    waiting = [(thing, named(thing)) for thing in things]
    done: set[str] = set()
    ordered: list[RemovedThing] = []
    while waiting:
        # the first whose things are in; none (a loop, which deletion never leaves): the first
        at = next((i for i, (_, needs) in enumerate(waiting) if needs <= done), 0)
        thing, _ = waiting.pop(at)
        ordered.append(thing)
        done.add(thing.id)
    return ordered


def _refuse(problems: Sequence[Problem]) -> None:
    if problems:
        raise BadInput(problems[0].reason, problems[0].place or None)


def field_problems(
    fields: Sequence[FieldDef], type_names: set[str], place: str = "fields"
) -> list[Problem]:
    """Why these fields cannot be a data type's (the workflow file's rules)."""
    problems = []
    seen: set[str] = set()
    for field_def in fields:
        where = f"{place}.{field_def.name}"
        reason = field_name_problem(field_def.name)
        if reason is None and field_def.name in seen:
            reason = f"field '{field_def.name}' appears twice"
        if reason is None:
            reason = check_type_name(field_def.type.base, type_names)
        if reason is not None:
            problems.append(Problem(where, reason))
        seen.add(field_def.name)
    return problems


def privacy_problems(
    definition: DataTypeDef, types: Mapping[str, DataTypeDef], place: str = "privacy"
) -> list[Problem]:
    """Why these privacy rules cannot be the type's (the workflow file's checks)."""
    known = {**types, definition.name: definition}
    names = {f.name for f in definition.fields}
    problems = []
    privacy = definition.privacy
    rules = [(f"{place}.rules[{i}]", r) for i, r in enumerate(privacy.rules, start=1)]
    if privacy.everyone_else is not None:
        rules.append((f"{place}.everyone_else", privacy.everyone_else))
    for where, rule in rules:
        problems += check_condition(
            rule.when, PRIVACY_NAMES, f"{where}.when", {"thing": definition.name}, known
        )
        if isinstance(rule.view, tuple):
            problems += [
                Problem(f"{where}.view", f"unknown field '{name}'")
                for name in rule.view
                if name not in names
            ]
        elif rule.view not in ("all", "none"):
            problems.append(Problem(f"{where}.view", "expected all, none or a list of field names"))
    return problems


class DataService:
    """Changes to data types, triggers and things over one database."""

    def __init__(self, db: Database, events: EventBus | None = None) -> None:
        self.db = db
        self.events = events or EventBus()
        self.things = Service(db, self.events)

    # --- queries --------------------------------------------------------------------

    def data_types(self) -> dict[str, DataTypeDef]:
        with self.db.read() as session:
            return catalog.data_types(session)

    def data_type(self, name: str) -> DataTypeDef:
        with self.db.read() as session:
            return catalog.get_data_type(session, name)

    def triggers(self) -> list[TriggerDef]:
        with self.db.read() as session:
            return catalog.list_triggers(session)

    def trigger_context(
        self,
    ) -> tuple[list[TriggerDef], dict[str, DataTypeDef], dict[str, WorkflowDef]]:
        """The triggers, the data types and the workflows (by name), read at once."""
        with self.db.read() as session:
            return (
                catalog.list_triggers(session),
                catalog.data_types(session),
                {wf.name: wf for wf in catalog.list_workflows(session)},
            )

    def taken_names(self) -> tuple[set[str], set[str], set[str]]:
        """The names of the stored workflows, triggers and data types."""
        with self.db.read() as session:
            return (
                set(catalog.workflow_names(session)),
                {t.name for t in catalog.list_triggers(session)},
                set(catalog.data_types(session)),
            )

    def things_page(
        self, type_name: str, search: str = "", offset: int = 0, limit: int = PAGE_SIZE
    ) -> list[ThingRow]:
        """One window of a type's things in creation order (the Data area's table)."""
        with self.db.read() as session:
            return views.things_page(session, type_name, search, offset, limit)

    def thing_choices(self, type_name: str | None = None) -> list[tuple[str, str, str]]:
        """(id, type name, a readable label) of things, for pickers."""
        with self.db.read() as session:
            return presenting.thing_choices(session, type_name)

    def thing_loader(self) -> catalog.DbThingLoader:
        """Loads and resolves things by ID, a short read each (no session kept open)."""
        return catalog.DbThingLoader(self.db)

    def parse_value(self, vtype: ValueType, text: str) -> Any:
        """`text` as a value of `vtype`; a thing is resolved by its ID (BadInput if not)."""
        return parse_text(vtype, text, self.thing_loader().resolve)

    # --- data types -------------------------------------------------------------------

    def create_type(self, name: str) -> DataTypeDef:
        """A new data type with one text field, `name`."""
        reason = data_type_name_problem(name)
        if reason is not None:
            raise BadInput(reason, f"data_types.{name}")
        with self.db.write() as session:
            if name in catalog.data_types(session):
                raise BadInput(f"a data type named '{name}' exists")
            definition = DataTypeDef(name, (FieldDef("name", ValueType("text")),))
            catalog.save_data_type(session, definition)
        return definition

    def save_fields(self, type_name: str, fields: Sequence[FieldDef]) -> FieldsSaved:
        """Give the type these fields: renamed ones keep their values, rules follow."""
        fields = tuple(fields)
        with self.db.write() as session:
            types = catalog.data_types(session)
            current = types.get(type_name)
            if current is None:
                raise NotFound(f"unknown data type '{type_name}'")
            _refuse(field_problems(fields, set(types), f"data_types.{type_name}.fields"))
            renames = current.renames_to(fields)
            definition = current.with_fields(fields)
            catalog.save_data_type(session, definition)
            moved = catalog.rename_field_values(session, type_name, renames)
        return FieldsSaved(definition, renames, moved)

    def add_field(self, type_name: str, field_def: FieldDef) -> FieldsSaved:
        current = self.data_type(type_name)
        return self.save_fields(type_name, (*current.fields, field_def))

    def rename_field(self, type_name: str, old: str, new: str) -> FieldsSaved:
        current = self.data_type(type_name)
        if current.field(old) is None:
            raise NotFound(f"{type_name} has no field '{old}'")
        return self.save_fields(
            type_name,
            tuple(dataclasses.replace(f, name=new) if f.name == old else f for f in current.fields),
        )

    def remove_field(self, type_name: str, name: str) -> FieldsSaved:
        current = self.data_type(type_name)
        if current.field(name) is None:
            raise NotFound(f"{type_name} has no field '{name}'")
        return self.save_fields(type_name, tuple(f for f in current.fields if f.name != name))

    def save_privacy(self, type_name: str, privacy: Privacy) -> DataTypeDef:
        """Replace the type's privacy rules."""
        with self.db.write() as session:
            types = catalog.data_types(session)
            current = types.get(type_name)
            if current is None:
                raise NotFound(f"unknown data type '{type_name}'")
            definition = dataclasses.replace(current, privacy=privacy)
            _refuse(privacy_problems(definition, types, f"data_types.{type_name}.privacy"))
            catalog.save_data_type(session, definition)
        return definition

    # --- triggers -------------------------------------------------------------------

    def save_trigger(self, trigger: TriggerDef, *, replacing: str | None = None) -> None:
        """Save `trigger`; `replacing` names the trigger it was (a rename)."""
        with self.db.write() as session:
            types = catalog.data_types(session)
            workflows = {wf.name: wf for wf in catalog.list_workflows(session)}
            _refuse(trigger_problems(trigger, types, workflows))
            if replacing is not None and replacing != trigger.name:
                catalog.delete_trigger(session, replacing)
            catalog.save_trigger(session, trigger)

    def delete_trigger(self, name: str) -> None:
        with self.db.write() as session:
            catalog.delete_trigger(session, name)

    # --- things (database triggers fire) --------------------------------------------

    def add_thing(self, type_name: str, values: Mapping[str, Any]) -> ThingView:
        return self.things.create_thing(type_name, values)

    def modify_thing(self, thing_id: str, values: Mapping[str, Any]) -> ThingView:
        return self.things.modify_thing(thing_id, values)

    def delete_things(self, thing_ids: Sequence[str]) -> list[RemovedThing]:
        """Delete things in one change set (one trigger run per thing); returns each
        as it was when deleted, in order, for an undo (see restore_things)."""
        removed = []
        with self.things.changing() as session:
            for thing_id in thing_ids:
                row = catalog.thing_row(session, thing_id)
                type_name = catalog.type_def(session, row.type_id).name
                removed.append(RemovedThing(thing_id, type_name, dict(row.data)))
                catalog.delete_thing(session, thing_id)
        return removed

    def restore_things(self, removed: Sequence[RemovedThing]) -> list[ThingView]:
        """Create deleted things again, with their IDs and fields, in one change set.

        It is a change like any other: the data types' "created" triggers fire,
        checked as any new thing is. In the order they were deleted, except
        that a thing comes after the things it refers to: it refers to them
        again (deleting a thing dropped references to it from the things
        deleted after it). They are new rows (created now: at the end of
        their table). References other things held, and runs the delete
        cancelled, stay as they are now. Refused, with nothing written, when
        an ID is taken again or a value no longer fits its field (the field
        was changed or removed)."""
        by_id: dict[str, ThingView] = {}
        with self.things.changing() as session:
            for thing in _referred_first(removed):
                if catalog.load_row(session, thing.id) is not None:
                    raise BadInput(f"a thing with ID '{thing.id}' exists already")
                by_id[thing.id] = catalog.create_thing(
                    session, thing.type_name, thing.fields, thing_id=thing.id
                )
        return [by_id[thing.id] for thing in removed]
