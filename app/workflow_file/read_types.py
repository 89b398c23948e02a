"""The reader's part for data types (fields, privacy rules) and the things a file gives."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from app.core.definitions import (
    DataTypeDef,
    FieldDef,
    Privacy,
    PrivacyRule,
    data_type_name_problem,
    field_name_problem,
)
from app.core.types import coerce, encode
from app.engine.validation import check_condition
from app.errors import BadInput
from app.workflow_file.read_base import MAX_LABEL, ReaderBase, quote

DATA_TYPE_KEYS = ("fields", "privacy")
PRIVACY_KEYS = ("rules", "everyone_else")
GRANTS = ("find", "modify", "delete")  # yes/no grants of a privacy rule, beside `view`
RULE_KEYS = ("name", "when", "view", *GRANTS)
EVERYONE_ELSE_KEYS = ("view", *GRANTS)
VIEW_WORDS = ("all", "none")  # `view` is one of these or a list of field names

FileThing = tuple[str, str | None, dict[str, Any]]  # data type, ID given or None, stored values


class TypesReader(ReaderBase):
    """Data types, their privacy rules, and things."""

    def data_type(self, name: str, body: Any) -> DataTypeDef | None:
        place = f"data_types.{name}"
        reason = data_type_name_problem(name)
        if reason is not None:
            self.add(place, reason)
            return None
        body = self.mapping(body, place)
        self.unknown_keys(body, DATA_TYPE_KEYS, place)
        fields = []
        for field_name, spec in self.mapping(body.get("fields"), f"{place}.fields").items():
            where = f"{place}.fields.{field_name}"
            reason = field_name_problem(field_name)
            if reason is not None:
                self.add(where, reason)
                continue
            vtype = self.value_type(spec, where)
            if vtype is not None:
                fields.append(FieldDef(field_name, vtype))
        privacy = self.privacy(body.get("privacy"), f"{place}.privacy", fields)
        return DataTypeDef(name, tuple(fields), privacy)

    def privacy(self, raw: Any, place: str, fields: list[FieldDef]) -> Privacy:
        body = self.mapping(raw, place)
        self.unknown_keys(body, PRIVACY_KEYS, place)
        names = {f.name for f in fields}
        rules = []
        for index, where, item in self.list_items(body.get("rules"), f"{place}.rules", "rules"):
            self.unknown_keys(item, RULE_KEYS, where)
            self.problems += check_condition(
                item.get("when"), {"thing", "current_user"}, f"{where}.when"
            )
            rules.append(
                self.grant(
                    item,
                    where,
                    names,
                    self.text(item.get("name"), f"{where}.name", limit=MAX_LABEL)
                    or f"rule {index}",
                    str(item.get("when") or "false"),
                )
            )
        other = None
        if body.get("everyone_else") is not None:
            where = f"{place}.everyone_else"
            item = self.mapping(body["everyone_else"], where)
            self.unknown_keys(item, EVERYONE_ELSE_KEYS, where)
            other = self.grant(item, where, names, "everyone else", "true")
        return Privacy(tuple(rules), other)

    def grant(
        self, item: Mapping[str, Any], where: str, names: set[str], name: str, when: str
    ) -> PrivacyRule:
        view = item.get("view", "all")
        if isinstance(view, list):
            for field_name in view:
                if not isinstance(field_name, str):
                    self.add(f"{where}.view", f"expected field names, got {quote(field_name)}")
                elif field_name not in names:
                    self.add(f"{where}.view", f"unknown field '{field_name}'")
            view_value: str | tuple[str, ...] = tuple(str(v) for v in view)
        elif view in VIEW_WORDS:
            view_value = str(view)
        else:
            self.add(f"{where}.view", "expected all, none or a list of field names")
            view_value = "none"
        return PrivacyRule(
            name,
            when,
            view_value,
            *(self.flag(item.get(k), f"{where}.{k}") for k in GRANTS),
        )

    def read_things(self, raw: Any) -> list[FileThing]:
        """The things of the file, each field checked against its type (and IDs they refer to)."""
        out: list[FileThing] = []
        things = self.mapping(raw, "things")
        ids = set(self.known_things)
        first: dict[str, str] = {}  # ID → where the file gives it first
        for type_name, items in things.items():
            for index, item in enumerate(items if isinstance(items, list) else [], start=1):
                if not isinstance(item, Mapping) or item.get("id") is None:
                    continue
                where = f"things.{type_name}[{index}].id"
                thing_id = item["id"]
                if not self.name(thing_id, where, "thing ID"):
                    continue
                if thing_id in first:
                    self.add(where, f"thing ID '{thing_id}' given twice (also {first[thing_id]})")
                first.setdefault(thing_id, where)
                ids.add(thing_id)
        for type_name, items in things.items():
            place = f"things.{type_name}"
            definition = self.known_types.get(str(type_name))
            if definition is None:
                self.add(place, f"unknown data type '{type_name}'")
                continue
            if not isinstance(items, list):
                self.add(place, "expected a list of things")
                continue
            fields = {f.name: f for f in definition.fields}  # (100,000 things: a dict)
            known_id = lambda t, i: _check_id(t, i, ids)  # noqa: E731 (one for every value)
            for index, item in enumerate(items, start=1):
                where = f"{place}[{index}]"
                item = self.mapping(item, where)
                values = {}
                for key, value in item.items():
                    if key == "id":
                        continue
                    field_def = fields.get(str(key))
                    if field_def is None:
                        self.add(f"{where}.{key}", f"{type_name} has no field '{key}'")
                        continue
                    try:
                        native = coerce(field_def.type, value, known_id)
                        values[str(key)] = encode(field_def.type, native)
                    except BadInput as exc:
                        self.add(f"{where}.{key}", exc.reason)
                given = item.get("id")
                thing_id = given if isinstance(given, str) else None
                out.append((str(type_name), thing_id, values))
        return out


@dataclasses.dataclass(frozen=True)
class _FileThing:
    """A thing the file refers to by ID (in the file or the database)."""

    type_name: str
    id: str


def _check_id(type_name: str, thing_id: str, ids: set[str]) -> _FileThing:
    if thing_id not in ids:
        raise BadInput(f"no {type_name} with ID '{thing_id}' in the file or the database")
    return _FileThing(type_name, thing_id)
