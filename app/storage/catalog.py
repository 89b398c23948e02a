"""Data types, things, workflows and triggers: rows to definitions and back."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.core import json_text
from app.core.definitions import (
    ApiExposure,
    DataTypeDef,
    FieldDef,
    ParameterDef,
    Privacy,
    PrivacyRule,
    RetryPolicy,
    StepDef,
    TriggerDef,
    WorkflowDef,
)
from app.core.expressions import uninterrupted
from app.core.ids import new_id, new_ids
from app.core.things import ResolvingLoader, ThingView
from app.core.types import ValueType, coerce, encode, utcnow
from app.errors import BadInput, NotFound
from app.storage import ledger, schedules
from app.storage import models as m
from app.storage.db import driver, side
from app.storage.dialects import Where

# --- data types -------------------------------------------------------------


def privacy_to_json(privacy: Privacy) -> dict[str, Any]:
    def rule(r: PrivacyRule) -> dict[str, Any]:
        view = r.view if isinstance(r.view, str) else list(r.view)
        return {
            "name": r.name,
            "when": r.when,
            "view": view,
            "find": r.find,
            "modify": r.modify,
            "delete": r.delete,
        }

    out: dict[str, Any] = {}
    if privacy.rules:
        out["rules"] = [rule(r) for r in privacy.rules]
    if privacy.everyone_else is not None:
        out["everyone_else"] = {
            k: v
            for k, v in rule(privacy.everyone_else).items()
            if k in ("view", "find", "modify", "delete")
        }
    return out


def privacy_from_json(raw: Mapping[str, Any]) -> Privacy:
    def rule(item: Mapping[str, Any], name: str = "", when: str = "") -> PrivacyRule:
        view = item.get("view", "all")
        return PrivacyRule(
            name=str(item.get("name", name)),
            when=str(item.get("when", when)),
            view=view if isinstance(view, str) else tuple(view),
            find=bool(item.get("find", False)),
            modify=bool(item.get("modify", False)),
            delete=bool(item.get("delete", False)),
        )

    rules = tuple(rule(r) for r in raw.get("rules", ()))
    other = raw.get("everyone_else")
    return Privacy(rules, rule(other, "everyone else", "true") if other is not None else None)


def _data_type_def(row: m.DataType) -> DataTypeDef:
    fields = tuple(FieldDef(f.name, ValueType.parse(f.type)) for f in row.fields)
    return DataTypeDef(row.name, fields, privacy_from_json(row.privacy or {}))


def data_types(session: Session) -> dict[str, DataTypeDef]:
    rows = session.scalars(select(m.DataType).order_by(m.DataType.name))
    return {row.name: _data_type_def(row) for row in rows}


def get_data_type(session: Session, name: str) -> DataTypeDef:
    row = session.scalar(select(m.DataType).where(m.DataType.name == name))
    if row is None:
        raise NotFound(f"unknown data type '{name}'")
    return _data_type_def(row)


def save_data_type(session: Session, definition: DataTypeDef) -> None:
    session.info.pop(_TYPES_SEEN, None)
    row = session.scalar(select(m.DataType).where(m.DataType.name == definition.name))
    if row is None:
        row = m.DataType(name=definition.name)
        session.add(row)
    row.privacy = privacy_to_json(definition.privacy)
    row.fields = [
        m.Field(position=i, name=f.name, type=str(f.type)) for i, f in enumerate(definition.fields)
    ]
    session.flush()


# --- things -----------------------------------------------------------------

_CHANGES = "cueflow_changes"


@dataclass(frozen=True)
class Change:
    """One committed change to a thing, for database triggers."""

    event: str  # "created" | "modified" | "deleted"
    type_name: str
    thing_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def rename_field_values(session: Session, type_name: str, renames: Mapping[str, str]) -> int:
    """Move stored values to renamed fields (after save_data_type); returns things changed.

    In SQL, so a type with 100,000 things is a fraction of a second. A value
    left under the new name by a field removed earlier is not that field's
    value: it goes, and the renamed field's own value takes its place.
    """
    conn = driver(session)
    type_id = _type_id(session, type_name)
    changed = 0
    for old, new in renames.items():
        for sql, args in side(session).rename_key(type_id, old, new):
            changed += conn.execute(sql, args).rowcount
    return changed


def _note(session: Session, change: Change) -> None:
    session.info.setdefault(_CHANGES, []).append(change)


def take_changes(session: Session) -> list[Change]:
    """The changes this session made, once per thing (a change set), and forget them."""
    merged: dict[str, Change] = {}
    for change in session.info.pop(_CHANGES, []):
        earlier = merged.get(change.thing_id)
        if earlier is None:
            merged[change.thing_id] = change
            continue
        event = earlier.event if earlier.event == "created" else change.event
        if earlier.event == "created" and change.event == "deleted":
            del merged[change.thing_id]  # created and deleted in one go: nothing happened
            continue
        merged[change.thing_id] = Change(
            event, change.type_name, change.thing_id, earlier.before, change.after
        )
    return list(merged.values())


class SessionThingLoader(ResolvingLoader):
    """Loads referenced things through one session (admin view)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def data_type(self, type_id: int) -> DataTypeDef:
        return type_def(self.session, type_id)

    def view(self, row: ThingRow) -> ThingView:
        return ThingView(self.data_type(row.type_id), row.id, row.data, self)

    def load(self, thing_id: str) -> ThingView | None:
        # Called from expressions (a trigger's thing_now.owner): never stopped half-way.
        with uninterrupted():
            row = load_row(self.session, thing_id)
            return self.view(row) if row is not None else None


# Things are read and written with plain SQL on the session's connection: a
# run touches them step after step, and the ORM's unit of work would cost
# more than SQLite does (see storage.db.driver). Data type definitions are
# kept by the exact rows they were built from, so an edit is never missed.
_TYPE_DEFS: dict[tuple[Any, ...], DataTypeDef] = {}


@dataclass(frozen=True)
class ThingRow:
    id: str
    type_id: int
    data: dict[str, Any]


# A session is one unit of work (one transaction): within it a data type read
# once is kept by ID and name, so a run's steps stop re-reading the same rows
# (five times per thing written, a third of a data run's statements; issue 18).
# A change of a data type in the session forgets them (save_data_type).
_TYPES_SEEN = "cueflow_types_seen"


def _types_seen(session: Session) -> tuple[dict[int, DataTypeDef], dict[str, int]]:
    seen: tuple[dict[int, DataTypeDef], dict[str, int]] | None = session.info.get(_TYPES_SEEN)
    if seen is None:
        seen = session.info[_TYPES_SEEN] = ({}, {})
    return seen


def type_def(session: Session, type_id: int) -> DataTypeDef:
    by_id, _ = _types_seen(session)
    known = by_id.get(type_id)
    if known is None:
        known = by_id[type_id] = _read_type_def(session, type_id)
    return known


def _read_type_def(session: Session, type_id: int) -> DataTypeDef:
    conn = driver(session)
    forms = side(session)
    row = conn.execute(forms.type_row, (type_id,)).fetchone()
    if row is None:
        raise NotFound(f"no data type with ID {type_id}")
    fields = tuple(
        conn.execute(
            "SELECT name, type FROM fields WHERE data_type_id = ? ORDER BY position", (type_id,)
        )
    )
    key = (row[0], row[1], fields)
    definition = _TYPE_DEFS.get(key)
    if definition is None:
        if len(_TYPE_DEFS) > 1000:
            _TYPE_DEFS.clear()
        privacy = forms.read_json(row[1]) if row[1] else {}
        definition = DataTypeDef(
            row[0],
            tuple(FieldDef(name, ValueType.parse(kind)) for name, kind in fields),
            privacy_from_json(privacy or {}),
        )
        _TYPE_DEFS[key] = definition
    return definition


def _type_id(session: Session, type_name: str) -> int:
    _, by_name = _types_seen(session)
    known = by_name.get(type_name)
    if known is not None:
        return known
    row = (
        driver(session).execute("SELECT id FROM data_types WHERE name = ?", (type_name,)).fetchone()
    )
    if row is None:
        raise NotFound(f"unknown data type '{type_name}'")
    by_name[type_name] = int(row[0])
    return int(row[0])


def load_row(session: Session, thing_id: str) -> ThingRow | None:
    row = (
        driver(session)
        .execute("SELECT data_type_id, data FROM things WHERE id = ?", (thing_id,))
        .fetchone()
    )
    if row is None:
        return None
    return ThingRow(thing_id, row[0], side(session).read_json(row[1]) if row[1] else {})


def encode_fields(
    session: Session, definition: DataTypeDef, values: Mapping[str, Any]
) -> dict[str, Any]:
    """Check and encode field values (native or JSON-safe) for storage."""
    loader = SessionThingLoader(session)
    out = {}
    for name, value in values.items():
        field = definition.field(name)
        if field is None:
            raise BadInput(f"{definition.name} has no field '{name}'")
        try:
            out[name] = encode(field.type, coerce(field.type, value, loader.resolve))
        except BadInput as exc:
            raise BadInput(f"field '{name}': {exc.reason}") from None
    return out


def create_thing(
    session: Session, type_name: str, values: Mapping[str, Any], thing_id: str | None = None
) -> ThingView:
    type_id = _type_id(session, type_name)
    definition = type_def(session, type_id)
    data = encode_fields(session, definition, values)
    row = ThingRow(thing_id or new_id(), type_id, data)
    forms = side(session)
    now = forms.time(utcnow())
    driver(session).execute(
        "INSERT INTO things (id, data_type_id, data, created_at, modified_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (row.id, type_id, forms.json(data), now, now),
    )
    _note(session, Change("created", type_name, row.id, None, dict(data)))
    return SessionThingLoader(session).view(row)


_THING_COLUMNS = ("id", "data_type_id", "data", "created_at", "modified_at")


def insert_things(
    session: Session,
    type_name: str,
    things: Sequence[tuple[str | None, Mapping[str, Any]]],
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Many new things of one type in one executemany INSERT (importing a file).

    Every value is checked and encoded as `create_thing` does; what is
    skipped is the per-row work: one type lookup, one loader, no ORM, no
    change notes (an import fires no database triggers). `(None, values)`
    gets a new ID. `progress(n)` is told after each batch of rows.
    """
    type_id = _type_id(session, type_name)
    definition = type_def(session, type_id)
    loader = SessionThingLoader(session)
    fields = {f.name: f.type for f in definition.fields}
    # Values coerce() would return unchanged (text as str, a number as int): taken as they are.
    as_is = {
        name: str if kind.base == "text" else int
        for name, kind in fields.items()
        if not kind.is_list and kind.base in ("text", "number")
    }
    fresh = iter(new_ids(sum(1 for thing_id, _ in things if thing_id is None)))
    forms = side(session)
    now = forms.time(utcnow())
    dumps = json_text.dumps  # JSON as text: insert_rows takes it so on every side
    conn = driver(session)
    ids: list[str] = []
    rows: list[tuple[Any, ...]] = []
    for thing_id, values in things:
        data = {}
        for name, value in values.items():
            if type(value) is as_is.get(name):
                data[name] = value
                continue
            kind = fields.get(name)
            if kind is None:
                raise BadInput(f"{definition.name} has no field '{name}'")
            try:
                data[name] = encode(kind, coerce(kind, value, loader.resolve))
            except BadInput as exc:
                raise BadInput(f"field '{name}': {exc.reason}") from None
        row_id = thing_id or next(fresh)
        ids.append(row_id)
        rows.append((row_id, type_id, dumps(data), now, now))
        if len(rows) == 10_000:
            forms.insert_rows(conn, "things", _THING_COLUMNS, rows)
            if progress is not None:
                progress(len(rows))
            rows = []
    if rows:
        forms.insert_rows(conn, "things", _THING_COLUMNS, rows)
        if progress is not None:
            progress(len(rows))
    return ids


def thing_row(session: Session, thing_id: str) -> ThingRow:
    row = load_row(session, thing_id)
    if row is None:
        raise NotFound(f"no thing with ID '{thing_id}'")
    return row


def get_thing(session: Session, thing_id: str) -> ThingView:
    return SessionThingLoader(session).view(thing_row(session, thing_id))


def modify_thing(
    session: Session, thing_id: str, values: Mapping[str, Any], *, row: ThingRow | None = None
) -> ThingView:
    """Change some fields; `row` is the thing as just read in this session, if the
    caller has it (a run's privacy check), so it is not read twice."""
    if row is None:
        row = thing_row(session, thing_id)
    definition = type_def(session, row.type_id)
    before = row.data
    after = {**before, **encode_fields(session, definition, values)}
    forms = side(session)
    driver(session).execute(
        "UPDATE things SET data = ?, modified_at = ? WHERE id = ?",
        (forms.json(after), forms.time(utcnow()), thing_id),
    )
    if after != before:
        _note(session, Change("modified", definition.name, thing_id, before, dict(after)))
    return SessionThingLoader(session).view(ThingRow(thing_id, row.type_id, after))


def delete_thing(session: Session, thing_id: str, *, row: ThingRow | None = None) -> None:
    """Delete a thing; references to it become none (a field) or leave their list.

    Like no-code tools do, and in the same transaction, so no other thing
    is ever left pointing at nothing (an export would not import again).
    `row`: the thing as just read in this session, if the caller has it.
    """
    if row is None:
        row = thing_row(session, thing_id)
    type_name = type_def(session, row.type_id).name
    _note(session, Change("deleted", type_name, thing_id, dict(row.data), None))
    driver(session).execute("DELETE FROM things WHERE id = ?", (thing_id,))
    drop_references(session, type_name, thing_id)
    _drop_run_references(session, type_name, thing_id)


def _drop_run_references(session: Session, type_name: str, thing_id: str) -> None:
    """The same for what is still to run (upcoming runs, active schedules).

    An optional thing parameter becomes none and a list loses the thing;
    a run (or schedule) that can no longer run is cancelled, saying why:
    one whose required parameter was the thing, and one that was to run as
    the thing (running it as nobody would change what it may see and do).
    """
    conn = driver(session)
    forms = side(session)
    now = forms.time(utcnow())
    params = conn.execute(
        "SELECT w.name, p.key, p.is_list, p.optional FROM parameters AS p "
        "JOIN workflows AS w ON w.id = p.workflow_id WHERE p.type = ?",
        (type_name,),
    ).fetchall()
    cancelled_schedules: set[str] = set()
    for workflow, key, is_list, optional in params:
        for table, status in (("runs", ledger.SCHEDULED), ("schedules", schedules.ACTIVE)):
            where = f"{table}.workflow = ? AND {table}.status = ?"
            if is_list or optional:
                drop = forms.drop_from_list if is_list else forms.drop_key_equal
                conn.execute(
                    *drop(table, "params", key, thing_id, Where(where, (workflow, status)))
                )
                continue
            equal, equal_args = forms.key_is_text("params", key, thing_id)
            if table == "runs":
                conn.execute(
                    f"UPDATE runs SET status = ?, finished_at = ?, error = ? "
                    f"WHERE {where} AND {equal}",
                    (
                        ledger.CANCELLED,
                        now,
                        f"cancelled: its parameter '{key}' was {type_name} {thing_id}, "
                        "which was deleted",
                        workflow,
                        status,
                        *equal_args,
                    ),
                )
            else:
                cancelled_schedules.update(
                    row[0]
                    for row in conn.execute(
                        f"SELECT id FROM schedules WHERE {where} AND {equal}",
                        (workflow, status, *equal_args),
                    )
                )
    cancelled_schedules.update(
        row[0]
        for row in conn.execute(
            "SELECT id FROM schedules WHERE run_as = ? AND status = ?",
            (thing_id, schedules.ACTIVE),
        )
    )
    for schedule_id in sorted(cancelled_schedules):
        schedules.cancel(session, schedule_id)
    conn.execute(
        "UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE run_as = ? AND status = ?",
        (
            ledger.CANCELLED,
            now,
            f"cancelled: the thing it was to run as ({thing_id}) was deleted",
            thing_id,
            ledger.SCHEDULED,
        ),
    )


def drop_references(session: Session, type_name: str, thing_id: str) -> int:
    """Remove references to a deleted thing from other things; returns things changed.

    In SQL, one statement per referencing field: only things of the data
    types with such a field are read, and only those holding the ID written.
    These are not changes a trigger hears of (no one edited those things).
    """
    conn = driver(session)
    forms = side(session)
    now = forms.time(utcnow())
    changed = 0
    fields = conn.execute(
        "SELECT data_type_id, name, type FROM fields WHERE type IN (?, ?)",
        (type_name, f"list of {type_name}"),
    ).fetchall()
    for type_id, name, kind in fields:
        drop = forms.drop_key_equal if kind == type_name else forms.drop_from_list
        where = Where("data_type_id = ?", (type_id,), ", modified_at = ?", (now,))
        changed += conn.execute(*drop("things", "data", name, thing_id, where)).rowcount
    return changed


def list_things(session: Session, type_name: str, **equals: Any) -> list[ThingView]:
    type_id = _type_id(session, type_name)
    loader = SessionThingLoader(session)
    definition = type_def(session, type_id)
    sql = "SELECT id, data FROM things WHERE data_type_id = ?"
    args: list[Any] = [type_id]
    forms = side(session)
    for name, value in equals.items():
        field = definition.field(name)
        if field is None:
            raise BadInput(f"{type_name} has no field '{name}'")
        encoded = encode(field.type, coerce(field.type, value, loader.resolve))
        condition, condition_args = forms.key_equals("data", name, encoded)
        sql += f" AND {condition}"
        args += condition_args
    rows = driver(session).execute(sql + " ORDER BY created_at, id", args)
    return [
        ThingView(definition, thing_id, forms.read_json(data) if data else {}, loader)
        for thing_id, data in rows
    ]


# --- workflows --------------------------------------------------------------


def _workflow_def(row: m.Workflow) -> WorkflowDef:
    return WorkflowDef(
        name=row.name,
        label=row.label,
        colour=row.colour,
        description=row.description,
        parameters=tuple(
            ParameterDef(p.key, ValueType.parse(p.type, is_list=p.is_list), p.optional)
            for p in row.parameters
        ),
        steps=tuple(StepDef(s.action, dict(s.inputs), s.only_when) for s in row.steps),
        only_when=row.only_when,
        ignore_privacy_rules=row.ignore_privacy_rules,
        timeout=row.timeout,
        retries=RetryPolicy(row.retry_attempts, row.retry_backoff),
        on_missed=row.on_missed,
        grace=row.grace,
        api=ApiExposure.from_json(row.api),
        version=row.version,
    )


def get_workflow(session: Session, name: str) -> WorkflowDef:
    row = session.scalar(select(m.Workflow).where(m.Workflow.name == name))
    if row is None:
        raise NotFound(f"unknown workflow '{name}'")
    return _workflow_def(row)


# Bumped by every change to a workflow made in this process: with the row's ID
# and version it tells a cached definition from a new one even when a deleted
# workflow's name, row ID and version 1 come back together.
_generation = 0


# Within one unit of work a workflow's row is read once (a worker's batch runs
# many runs of it; issue 18); a change made in the session forgets it. On
# SQLite no other writer commits during the transaction; on a server another
# machine's save is seen from the next unit of work on (its next batch).
_WORKFLOW_ROWS = "cueflow_workflow_rows"


def _changed_workflows(session: Session) -> None:
    global _generation
    _generation += 1
    session.info.pop(_WORKFLOW_ROWS, None)


def workflow_stamp(session: Session, name: str) -> tuple[int, int, int]:
    """What identifies the stored definition of `name` now (for caches)."""
    seen: dict[str, tuple[int, int]] | None = session.info.get(_WORKFLOW_ROWS)
    if seen is None:
        seen = session.info[_WORKFLOW_ROWS] = {}
    known = seen.get(name)
    if known is None:
        row = (
            driver(session)
            .execute("SELECT id, version FROM workflows WHERE name = ?", (name,))
            .fetchone()
        )
        if row is None:
            raise NotFound(f"unknown workflow '{name}'")
        known = seen[name] = (int(row[0]), int(row[1]))
    return known[0], known[1], _generation


def workflow_name(session: Session, row_id: int) -> str | None:
    """The name of the workflow stored in row `row_id`, if it still exists."""
    row = driver(session).execute("SELECT name FROM workflows WHERE id = ?", (row_id,))
    found = row.fetchone()
    return str(found[0]) if found else None


def find_workflow(session: Session, name: str) -> WorkflowDef | None:
    row = session.scalar(select(m.Workflow).where(m.Workflow.name == name))
    return _workflow_def(row) if row is not None else None


def list_workflows(session: Session) -> list[WorkflowDef]:
    rows = session.scalars(select(m.Workflow).order_by(m.Workflow.name))
    return [_workflow_def(row) for row in rows]


def workflow_names(session: Session) -> set[str]:
    return set(session.scalars(select(m.Workflow.name)))


def save_workflow(session: Session, wf: WorkflowDef) -> int:
    """Insert or replace a workflow; returns its new version number."""
    row = session.scalar(select(m.Workflow).where(m.Workflow.name == wf.name))
    if row is None:
        row = m.Workflow(name=wf.name, version=0)
        session.add(row)
    row.label = wf.label
    row.colour = wf.colour
    row.description = wf.description
    row.only_when = wf.only_when
    row.ignore_privacy_rules = wf.ignore_privacy_rules
    row.timeout = wf.timeout
    row.retry_attempts = wf.retries.attempts
    row.retry_backoff = wf.retries.backoff
    row.on_missed = wf.on_missed
    row.grace = wf.grace
    row.api = wf.api.to_json() if wf.api != ApiExposure() else None
    row.version = (row.version or 0) + 1
    row.parameters = [
        m.Parameter(
            position=i, key=p.key, type=p.type.base, is_list=p.type.is_list, optional=p.optional
        )
        for i, p in enumerate(wf.parameters)
    ]
    row.steps = [
        m.Step(position=i, action=s.action, inputs=s.inputs, only_when=s.only_when)
        for i, s in enumerate(wf.steps)
    ]
    session.flush()
    _changed_workflows(session)
    return row.version


def rename_workflow(
    session: Session, old: str, new: str, *, callers: Collection[str]
) -> dict[str, int]:
    """Rename a workflow and everything that names it, in one transaction.

    Runs not finished yet (and failed or interrupted ones, which can be
    resumed), recurring schedules and triggers move to the new name; so do
    other workflows' steps that name it literally (the `workflow` input of
    the actions in `callers`: those declared `calls_workflow`, see
    app.actions.registry.workflow_callers; storage does not read actions).
    Other finished runs keep the name they ran under. Returns how many of
    each moved.
    """
    if find_workflow(session, new) is not None:
        raise BadInput(f"a workflow named '{new}' exists")
    row = session.scalar(select(m.Workflow).where(m.Workflow.name == old))
    if row is None:
        raise NotFound(f"unknown workflow '{old}'")
    row.name = new
    row.version = (row.version or 0) + 1  # no cache may take it for the old one
    session.flush()
    _changed_workflows(session)
    conn = driver(session)
    moved = {
        "runs": conn.execute(
            "UPDATE runs SET workflow = ? "
            "WHERE workflow = ? AND status IN ('scheduled', 'running', 'failed', 'interrupted')",
            (new, old),
        ).rowcount,
        "schedules": conn.execute(
            "UPDATE schedules SET workflow = ? WHERE workflow = ?", (new, old)
        ).rowcount,
        "triggers": conn.execute(
            "UPDATE triggers SET workflow = ? WHERE workflow = ?", (new, old)
        ).rowcount,
        "steps": 0,
    }
    changed: set[int] = set()
    for step in session.scalars(select(m.Step).where(m.Step.action.in_(callers))):
        if step.inputs.get("workflow") == old:
            step.inputs = {**step.inputs, "workflow": new}
            moved["steps"] += 1
            changed.add(step.workflow_id)
    for caller_id in changed:  # a new version: runs must not use a cached old definition
        caller = session.get_one(m.Workflow, caller_id)
        caller.version = (caller.version or 0) + 1
    session.flush()
    return moved


def rename_calls(wf: WorkflowDef, old: str, new: str, *, callers: Collection[str]) -> WorkflowDef:
    """`wf` with its steps that name workflow `old` naming `new` instead
    (steps of the actions in `callers`, as in rename_workflow)."""
    steps = tuple(
        dataclasses.replace(step, inputs={**step.inputs, "workflow": new})
        if step.action in callers and step.inputs.get("workflow") == old
        else step
        for step in wf.steps
    )
    return dataclasses.replace(wf, steps=steps)


def delete_workflow(session: Session, name: str) -> None:
    row = session.scalar(select(m.Workflow).where(m.Workflow.name == name))
    if row is None:
        raise NotFound(f"unknown workflow '{name}'")
    session.delete(row)
    session.flush()
    _changed_workflows(session)


# --- triggers ---------------------------------------------------------------


def list_triggers(session: Session) -> list[TriggerDef]:
    rows = session.scalars(select(m.Trigger).order_by(m.Trigger.name))
    return [
        TriggerDef(r.name, r.data_type, tuple(r.events), r.workflow, r.only_when, dict(r.params))
        for r in rows
    ]


_TRIGGERED_TYPES = "cueflow_triggered_types"


def has_triggers(session: Session, data_types: set[str]) -> bool:
    """Whether any trigger watches one of these data types.

    The watched types are read once per session (one unit of work); a trigger
    saved or deleted in it forgets them.
    """
    watched: frozenset[str] | None = session.info.get(_TRIGGERED_TYPES)
    if watched is None:
        rows = driver(session).execute("SELECT DISTINCT data_type FROM triggers")
        watched = session.info[_TRIGGERED_TYPES] = frozenset(str(row[0]) for row in rows)
    return not watched.isdisjoint(data_types)


def save_trigger(session: Session, trigger: TriggerDef) -> None:
    session.info.pop(_TRIGGERED_TYPES, None)
    session.execute(delete(m.Trigger).where(m.Trigger.name == trigger.name))
    session.add(
        m.Trigger(
            name=trigger.name,
            data_type=trigger.data_type,
            events=list(trigger.on),
            only_when=trigger.only_when,
            workflow=trigger.workflow,
            params=trigger.params,
        )
    )
    session.flush()


def delete_trigger(session: Session, name: str) -> None:
    """Remove a trigger by name; an unknown name is an error."""
    session.info.pop(_TRIGGERED_TYPES, None)
    result = session.execute(delete(m.Trigger).where(m.Trigger.name == name))
    if not getattr(result, "rowcount", 0):
        raise NotFound(f"unknown trigger '{name}'")
    session.flush()


class DbThingLoader(ResolvingLoader):
    """Loads things with a short read session each (no session kept open).

    `reading` may supply the session instead: a run reads through its open
    transaction, so it sees the things its own earlier steps wrote.
    """

    def __init__(
        self, db: Any, reading: Callable[[], AbstractContextManager[Session]] | None = None
    ) -> None:
        self.reading = reading or db.read

    def load(self, thing_id: str) -> ThingView | None:
        # Called from expressions (a reference, search()): never stopped half-way.
        with uninterrupted(), self.reading() as session:
            row = load_row(session, thing_id)
            if row is None:
                return None
            return ThingView(type_def(session, row.type_id), row.id, row.data, self)

    def search(self, type_name: str, **equals: Any) -> list[ThingView]:
        with uninterrupted(), self.reading() as session:
            found = list_things(session, type_name, **equals)
        return [thing.with_loader(self) for thing in found]
