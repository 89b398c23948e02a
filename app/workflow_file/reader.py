"""The reader of the workflow file (PRODUCT §4): YAML, or JSON, to checked definitions.

Pure: it touches no database. What it needs to know of the database (the data
types, workflows, thing IDs and trigger names already there) is given to it as
a `Known`. It reads and checks the whole document and reports every problem
with its place, e.g.
`workflows.send_birthday_email.steps[2].with.at: unknown name 'birtday'`;
`importer` writes what it returns.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from app.actions import registry
from app.core.definitions import (
    API_AUTH,
    API_KEYS,
    API_METHODS,
    API_RESPOND,
    CONTROL,
    DEFAULT_GRACE,
    DEFAULT_TIMEOUT,
    MAX_NAME,
    TYPE_NAME,
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
    data_type_name_problem,
    field_name_problem,
    name_problem,
)
from app.core.types import ValueType, coerce, encode
from app.engine.validation import (
    Problem,
    check_condition,
    check_expression,
    check_fields,
    check_type_name,
    validate_workflow,
)
from app.errors import BadInput, InvalidWorkflowFile, one_line

FORMAT_VERSION = 1
TOP_KEYS = ("cueflow", "data_types", "things", "workflows", "triggers", "runs")
RUN_KEYS = ("id", "workflow", "scheduled_for", "params", "run_as", "ignore_privacy")
WORKFLOW_KEYS = (
    "label",
    "colour",
    "color",
    "description",
    "parameters",
    "steps",
    "only_when",
    "ignore_privacy_rules",
    "timeout",
    "retries",
    "on_missed",
    "grace",
    "api",
)
STEP_KEYS = ("action", "with", "only_when")
TRIGGER_EVENTS = ("created", "modified", "deleted")

# Sane ranges of the numbers a file gives (README, "The workflow file"): each is
# checked on import, so a run never meets an infinite backoff or a NaN timeout.
DAY = 86400.0
MAX_TIMEOUT = 7 * DAY  # timeout: more than 0, at most a week
MAX_GRACE = 366 * DAY  # grace: 0 to a year
MAX_ATTEMPTS = 100  # retries.attempts: a whole number, 0 to 100
MAX_BACKOFF = DAY  # retries.backoff: 0 to a day (doubling after each try)
MAX_STEP_SECONDS = 366 * DAY  # a number input of a step (interval, timeout): 0 to a year
MAX_LABEL = 1000  # labels, privacy rule names
MAX_DESCRIPTION = 100_000
_CONTROL = CONTROL


@dataclass
class FileContents:
    data_types: list[DataTypeDef] = field(default_factory=list)
    things: list[tuple[str, str | None, dict[str, Any]]] = field(default_factory=list)
    workflows: list[WorkflowDef] = field(default_factory=list)
    triggers: list[TriggerDef] = field(default_factory=list)
    # The upcoming runs of an export, as given: `importer` checks each with
    # `run_problems`, then builds it against the workflows as written.
    runs: Any = None


@dataclass(frozen=True)
class Known:
    """What the database already holds, as plain data: what a file may refer to or collide with."""

    data_types: Mapping[str, DataTypeDef] = field(default_factory=dict)
    workflows: Mapping[str, WorkflowDef] = field(default_factory=dict)
    thing_ids: AbstractSet[str] = frozenset()
    triggers: AbstractSet[str] = frozenset()


# --- reading ----------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false, so `on: [created]` keeps its key `on`.

    Aliases (`*name`) are refused: a few of them can expand into billions of
    nodes ("billion laughs"), and a workflow file has no need for them.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                None,
                None,
                "aliases (*name) are not allowed in a workflow file",
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        """A key given twice in one mapping is an error, never "the last one wins"."""
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node)
                except TypeError:  # an unhashable key: the base class says so
                    continue
                if first is not key_node:
                    raise yaml.MarkedYAMLError(
                        None,
                        None,
                        f"duplicate key {_quote(key)} (first given on line "
                        f"{first.start_mark.line + 1})",
                        key_node.start_mark,
                    )
        return super().construct_mapping(node, deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_text(text: str, name: str = "file") -> Any:
    """Parse YAML (JSON is YAML); a syntax error names the line."""
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{name}: line {mark.line + 1}, column {mark.column + 1}" if mark else name
        raise InvalidWorkflowFile([f"{where}: {_one_line(exc.problem or exc)}"]) from None
    except yaml.YAMLError as exc:
        raise InvalidWorkflowFile([f"{name}: not valid YAML or JSON: {_one_line(exc)}"]) from None
    except RecursionError:
        raise InvalidWorkflowFile([f"{name}: nested too deeply"]) from None


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _quote(value: Any, limit: int = 60) -> str:
    """A value as it may appear in a one-line problem: escaped, clipped."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Reader:
    """Turns the parsed document into definitions, collecting problems."""

    def __init__(
        self,
        known_types: Mapping[str, DataTypeDef],
        known_workflows: Mapping[str, WorkflowDef],
        known_things: set[str],
    ) -> None:
        self.problems: list[Problem] = []
        self.known_types = dict(known_types)
        self.known_workflows = dict(known_workflows)
        self.known_things = known_things

    def add(self, place: str, reason: str) -> None:
        self.problems.append(Problem(place, reason))

    def mapping(self, value: Any, place: str) -> Mapping[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.add(place, "expected a mapping")
            return {}
        return value

    def unknown_keys(self, value: Mapping[str, Any], allowed: tuple[str, ...], place: str) -> None:
        for key in value:
            if key not in allowed:
                self.add(f"{place}.{key}", f"unknown key (allowed: {', '.join(allowed)})")

    def number(
        self,
        value: Any,
        place: str,
        default: float,
        high: float,
        *,
        low: float = 0.0,
        above_low: bool = False,
        what: str = "a number of seconds",
    ) -> float:
        """A number from `low` to `high` (finite; `above_low`: more than `low`)."""
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(place, f"expected {what}, got {_quote(value)}")
            return default
        if not math.isfinite(value):
            self.add(place, f"expected {what}, got {value} (not a finite number)")
            return default
        if value < low or (above_low and value == low) or value > high:
            least = f"more than {low:,.0f}" if above_low else f"{low:,.0f}"
            unit = "" if "whole" in what else " seconds"
            self.add(place, f"{value:g} is out of range ({least} to {high:,.0f}{unit})")
            return default
        return float(value)

    def text(
        self, value: Any, place: str, *, limit: int, default: str = "", lines: bool = False
    ) -> str:
        """Text (a number is taken as its text) of at most `limit` characters.

        Control characters are refused, and line breaks too unless `lines`.
        """
        if value is None:
            return default
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.add(place, f"expected text, got {_quote(value)}")
            return default
        if len(value) > limit:
            self.add(place, f"too long ({len(value):,} characters; at most {limit:,})")
            return default
        bad = _CONTROL.search(value.replace("\n", "").replace("\t", "") if lines else value)
        if bad:
            self.add(place, f"control character {bad.group()!r} not allowed")
            return default
        return value

    def name(self, value: Any, place: str, what: str) -> bool:
        """Whether `value` can be a name or ID (text, not too long, no control characters)."""
        reason = name_problem(value, what)
        if reason is not None:
            self.add(place, reason)
        return reason is None

    def choice(self, value: Any, place: str, allowed: tuple[str, ...]) -> str:
        """One of `allowed` (the first when absent)."""
        if value is None:
            return allowed[0]
        if value not in allowed:
            self.add(place, f"expected one of {', '.join(allowed)}, got {_quote(value)}")
            return allowed[0]
        return str(value)

    def flag(self, value: Any, place: str) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.add(place, f"expected true or false, got {value!r}")
            return False
        return value

    def read(self, doc: Any) -> FileContents:
        out = FileContents()
        if not isinstance(doc, Mapping):
            self.add("file", "expected a mapping with workflows, data_types, things, triggers")
            return out
        self.unknown_keys(doc, TOP_KEYS, "file")
        version = doc.get("cueflow", FORMAT_VERSION)
        if version != FORMAT_VERSION or type(version) is not int:
            self.add("cueflow", f"unsupported format version {version!r} (this Cueflow reads 1)")
        types = self.mapping(doc.get("data_types"), "data_types")
        for name in types:  # first pass: every name, so fields may refer to each other
            if isinstance(name, str) and TYPE_NAME.match(name):
                self.known_types.setdefault(name, DataTypeDef(name, ()))
        for name, body in types.items():
            if not self.name(name, f"data_types.{_quote(name)}", "data type name"):
                continue
            definition = self.data_type(str(name), body)
            if definition is not None:
                out.data_types.append(definition)
                self.known_types[definition.name] = definition
        for definition in out.data_types:  # now every type's fields are known
            for index, rule in enumerate(definition.privacy.rules, start=1):
                where = f"data_types.{definition.name}.privacy.rules[{index}].when"
                reasons = check_fields(
                    rule.when, {"thing": definition.name}, self.known_types, condition=True
                )
                self.problems += [Problem(where, reason) for reason in reasons]
        self.read_things(doc.get("things"), out)
        workflows = self.mapping(doc.get("workflows"), "workflows")
        drafts = []
        for name, body in workflows.items():
            if not self.name(name, f"workflows.{_quote(name)}", "workflow name"):
                continue
            wf = self.workflow(str(name), body)
            if wf is not None:
                drafts.append(wf)
                self.known_workflows[wf.name] = wf
        for wf in drafts:
            self.problems += validate_workflow(
                wf, self.known_types, self.known_workflows, f"workflows.{wf.name}"
            )
        out.workflows = drafts
        triggers = self.mapping(doc.get("triggers"), "triggers")
        for name, body in triggers.items():
            if not self.name(name, f"triggers.{_quote(name)}", "trigger name"):
                continue
            trigger = self.trigger(str(name), body)
            if trigger is not None:
                out.triggers.append(trigger)
        out.runs = doc.get("runs")
        return out

    def data_type(self, name: str, body: Any) -> DataTypeDef | None:
        place = f"data_types.{name}"
        reason = data_type_name_problem(name)
        if reason is not None:
            self.add(place, reason)
            return None
        body = self.mapping(body, place)
        self.unknown_keys(body, ("fields", "privacy"), place)
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

    def value_type(self, spec: Any, place: str, *, is_list: bool = False) -> ValueType | None:
        if not isinstance(spec, str):
            self.add(place, f"expected a type such as text or list of text, got {spec!r}")
            return None
        try:
            vtype = ValueType.parse(spec, is_list=is_list)
        except BadInput as exc:
            self.add(place, exc.reason)
            return None
        reason = check_type_name(vtype.base, self.known_types)
        if reason:
            self.add(place, reason)
            return None
        return vtype

    def privacy(self, raw: Any, place: str, fields: list[FieldDef]) -> Privacy:
        body = self.mapping(raw, place)
        self.unknown_keys(body, ("rules", "everyone_else"), place)
        names = {f.name for f in fields}
        rules = []
        raw_rules = body.get("rules") or []
        if not isinstance(raw_rules, list):
            self.add(f"{place}.rules", "expected a list of rules")
            raw_rules = []
        for index, item in enumerate(raw_rules, start=1):
            where = f"{place}.rules[{index}]"
            item = self.mapping(item, where)
            self.unknown_keys(item, ("name", "when", "view", "find", "modify", "delete"), where)
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
            self.unknown_keys(item, ("view", "find", "modify", "delete"), where)
            other = self.grant(item, where, names, "everyone else", "true")
        return Privacy(tuple(rules), other)

    def grant(
        self, item: Mapping[str, Any], where: str, names: set[str], name: str, when: str
    ) -> PrivacyRule:
        view = item.get("view", "all")
        if isinstance(view, list):
            for field_name in view:
                if not isinstance(field_name, str):
                    self.add(f"{where}.view", f"expected field names, got {_quote(field_name)}")
                elif field_name not in names:
                    self.add(f"{where}.view", f"unknown field '{field_name}'")
            view_value: str | tuple[str, ...] = tuple(str(v) for v in view)
        elif view in ("all", "none"):
            view_value = str(view)
        else:
            self.add(f"{where}.view", "expected all, none or a list of field names")
            view_value = "none"
        return PrivacyRule(
            name,
            when,
            view_value,
            *(self.flag(item.get(k), f"{where}.{k}") for k in ("find", "modify", "delete")),
        )

    def read_things(self, raw: Any, out: FileContents) -> None:
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
                out.things.append((str(type_name), thing_id, values))

    def workflow(self, name: str, body: Any) -> WorkflowDef | None:
        place = f"workflows.{name}"
        body = self.mapping(body, place)
        self.unknown_keys(body, WORKFLOW_KEYS, place)
        params = []
        for key, spec in self.mapping(body.get("parameters"), f"{place}.parameters").items():
            where = f"{place}.parameters.{key}"
            if len(str(key)) > MAX_NAME:
                self.add(where[:120] + "…", f"a parameter key has at most {MAX_NAME} characters")
                continue
            if isinstance(spec, str):
                spec = {"type": spec}
            spec = self.mapping(spec, where)
            self.unknown_keys(spec, ("type", "list", "optional"), where)
            vtype = self.value_type(
                spec.get("type", "text"),
                f"{where}.type",
                is_list=self.flag(spec.get("list"), f"{where}.list"),
            )
            if vtype is not None:
                params.append(
                    ParameterDef(
                        str(key), vtype, self.flag(spec.get("optional"), f"{where}.optional")
                    )
                )
        steps = []
        raw_steps = body.get("steps") or []
        if not isinstance(raw_steps, list):
            self.add(f"{place}.steps", "expected a list of steps")
            raw_steps = []
        for index, raw in enumerate(raw_steps, start=1):
            where = f"{place}.steps[{index}]"
            raw = self.mapping(raw, where)
            self.unknown_keys(raw, STEP_KEYS, where)
            if not isinstance(raw.get("action"), str):
                self.add(f"{where}.action", "each step needs an action")
                continue
            inputs = dict(self.mapping(raw.get("with"), f"{where}.with"))
            self.step_numbers(raw["action"], inputs, f"{where}.with")
            steps.append(
                StepDef(raw["action"], _plain(inputs), _text_or_none(raw.get("only_when")))
            )
        retries = self.mapping(body.get("retries"), f"{place}.retries")
        self.unknown_keys(retries, ("attempts", "backoff"), f"{place}.retries")
        attempts = self.number(
            retries.get("attempts"),
            f"{place}.retries.attempts",
            0,
            MAX_ATTEMPTS,
            what="a whole number of tries",
        )
        if attempts != int(attempts):
            self.add(f"{place}.retries.attempts", "expected a whole number")
        colour_key = "colour" if "colour" in body else "color"
        return WorkflowDef(
            name=name,
            label=self.text(body.get("label"), f"{place}.label", limit=MAX_LABEL),
            colour=self.text(
                body.get(colour_key), f"{place}.{colour_key}", limit=MAX_LABEL, default="#3b82f6"
            )
            or "#3b82f6",
            description=self.text(
                body.get("description"),
                f"{place}.description",
                limit=MAX_DESCRIPTION,
                lines=True,
            ),
            parameters=tuple(params),
            steps=tuple(steps),
            only_when=_text_or_none(body.get("only_when")),
            ignore_privacy_rules=self.flag(
                body.get("ignore_privacy_rules"), f"{place}.ignore_privacy_rules"
            ),
            timeout=self.number(
                body.get("timeout"),
                f"{place}.timeout",
                DEFAULT_TIMEOUT,
                MAX_TIMEOUT,
                above_low=True,
            ),
            retries=RetryPolicy(
                int(attempts),
                self.number(retries.get("backoff"), f"{place}.retries.backoff", 10.0, MAX_BACKOFF),
            ),
            on_missed=self.text(
                body.get("on_missed"), f"{place}.on_missed", limit=MAX_NAME, default="run_late"
            )
            or "run_late",
            grace=self.number(body.get("grace"), f"{place}.grace", DEFAULT_GRACE, MAX_GRACE),
            api=self.api_exposure(body.get("api"), f"{place}.api"),
        )

    def api_exposure(self, value: Any, place: str) -> ApiExposure:
        """A workflow's `api:` mapping (PRODUCT §6); absent: not exposed."""
        body = self.mapping(value, place)
        self.unknown_keys(body, API_KEYS, place)
        default = ApiExposure()
        method = body.get("method", default.method)
        return ApiExposure(
            expose=self.flag(body.get("expose"), f"{place}.expose"),
            auth=self.choice(body.get("auth"), f"{place}.auth", API_AUTH),
            method=self.choice(
                method.upper() if isinstance(method, str) else method,
                f"{place}.method",
                API_METHODS,
            ),
            respond=self.choice(body.get("respond"), f"{place}.respond", API_RESPOND),
            return_200_if_condition_unmet=self.flag(
                body.get("return_200_if_condition_unmet"),
                f"{place}.return_200_if_condition_unmet",
            ),
        )

    def step_numbers(self, action: str, inputs: Mapping[str, Any], place: str) -> None:
        """A number input given as a plain number (not an expression) must be in range."""
        spec = registry.get(action)
        if spec is None:
            return
        for item in spec.inputs:
            value = inputs.get(item.name)
            if item.kind != registry.NUMBER or value is None:
                continue
            if isinstance(value, str):
                try:
                    value = float(value)
                except ValueError:
                    continue  # an expression: checked when it runs
            self.number(value, f"{place}.{item.name}", 0, MAX_STEP_SECONDS)

    def trigger(self, name: str, body: Any) -> TriggerDef | None:
        place = f"triggers.{name}"
        body = self.mapping(body, place)
        self.unknown_keys(body, ("data_type", "on", "only_when", "workflow", "params"), place)
        data_type = str(body.get("data_type") or "")
        if data_type not in self.known_types:
            self.add(f"{place}.data_type", f"unknown data type '{data_type}'")
        events = body.get("on") or []
        events = [events] if isinstance(events, str) else events
        if not isinstance(events, list):
            events = []
        if not events or not all(e in TRIGGER_EVENTS for e in events):
            self.add(f"{place}.on", f"expected a list of {', '.join(TRIGGER_EVENTS)}")
        workflow = str(body.get("workflow") or "")
        target = self.known_workflows.get(workflow)
        if target is None:
            self.add(f"{place}.workflow", f"unknown workflow '{workflow}'")
        names = {"thing_before", "thing_now"}
        typed = dict.fromkeys(names, data_type)
        only_when = _text_or_none(body.get("only_when"))
        if only_when is not None:
            self.problems += check_condition(
                only_when, names, f"{place}.only_when", typed, self.known_types
            )
        params = dict(self.mapping(body.get("params"), f"{place}.params"))
        self.problems += check_expression(params, names, f"{place}.params", typed, self.known_types)
        if target is not None:
            for key in params:
                if target.parameter(str(key)) is None:
                    self.add(f"{place}.params.{key}", f"{workflow} has no parameter '{key}'")
        return TriggerDef(
            name, data_type, tuple(str(e) for e in events), workflow, only_when, _plain(params)
        )


@dataclasses.dataclass(frozen=True)
class _FileThing:
    """A thing the file refers to by ID (in the file or the database)."""

    type_name: str
    id: str


def _check_id(type_name: str, thing_id: str, ids: set[str]) -> _FileThing:
    if thing_id not in ids:
        raise BadInput(f"no {type_name} with ID '{thing_id}' in the file or the database")
    return _FileThing(type_name, thing_id)


def _text_or_none(value: Any) -> str | None:
    """A condition as text; other scalars (a YAML date, a number) become their text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool | int | float):
        return str(value).lower() if isinstance(value, bool) else str(value)
    return json.dumps(_plain(value))


def _plain(value: Any) -> Any:
    """YAML values to what the database stores (dates as ISO text)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# --- the file and the whole document -----------------------------------------


MAX_FILE_BYTES = 64 * 1024 * 1024  # a workflow file, things included; more is refused unread


def read_file(path: Path) -> str:
    """The text of a workflow file: UTF-8, at most MAX_FILE_BYTES.

    Read in one bounded read, so a device without end (/dev/zero) or a huge
    file is refused instead of filling the memory.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: is a folder, not a workflow file") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise BadInput(
            f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB, the most a workflow "
            "file may be; split it into several files"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8"
        ) from None


def read_document(doc: Any, known: Known | None = None, *, replace: bool = False) -> FileContents:
    """The checked definitions of a parsed document, or InvalidWorkflowFile with every problem.

    Without `replace`, a workflow, thing or trigger the database already holds
    (or a data type it holds differently) is a problem too.
    """
    known = known or Known()
    reader = _Reader(known.data_types, known.workflows, set(known.thing_ids))
    contents = reader.read(doc)
    problems = [one_line(str(p)) for p in reader.problems]
    if not replace:
        problems += _conflicts(
            contents, known.data_types, known.workflows, known.thing_ids, known.triggers
        )
    if problems:
        raise InvalidWorkflowFile(problems)
    return contents


def read_text(
    text: str, known: Known | None = None, *, name: str = "file", replace: bool = False
) -> FileContents:
    """`read_document` of a YAML or JSON text."""
    doc = load_text(text, name)
    try:
        return read_document(doc, known, replace=replace)
    except RecursionError:
        raise InvalidWorkflowFile([f"{name}: nested too deeply"]) from None


def run_problems(
    item: Any, place: str, seen: dict[str, str], thing_ids: AbstractSet[str]
) -> list[str]:
    """What is wrong with one upcoming run of `runs`, before anything is built.

    `seen` maps the run IDs given so far to their place; `thing_ids` are the
    things in the database and the file (a run may run as one of them).
    """
    if not isinstance(item, Mapping):
        return [f"{place}: expected a mapping"]
    unknown = [key for key in item if key not in RUN_KEYS]
    if unknown:
        return [f"{place}.{unknown[0]}: unknown key (allowed: {', '.join(RUN_KEYS)})"]
    problems = []
    run_id = item.get("id")
    if run_id is not None:
        if not isinstance(run_id, str) or not run_id.strip() or len(run_id) > MAX_NAME:
            problems.append(f"{place}.id: expected a run ID (text), got {_quote(run_id)}")
        elif _CONTROL.search(run_id):
            problems.append(f"{place}.id: a run ID cannot contain control characters")
        elif run_id in seen:
            problems.append(f"{place}.id: run '{run_id}' given twice (also {seen[run_id]})")
        else:
            seen[run_id] = f"{place}.id"
    if not isinstance(item.get("workflow"), str):
        got = _quote(item.get("workflow"))
        problems.append(f"{place}.workflow: expected a workflow name, got {got}")
    params = item.get("params")
    if params is not None and not isinstance(params, Mapping):
        problems.append(f"{place}.params: expected a mapping of parameters, got {_quote(params)}")
    run_as = item.get("run_as")
    if run_as is not None:
        if not isinstance(run_as, str):
            problems.append(f"{place}.run_as: expected a thing's ID, got {_quote(run_as)}")
        elif run_as not in thing_ids:
            problems.append(
                f"{place}.run_as: no thing with ID '{run_as}' in the file or the database"
            )
    flag = item.get("ignore_privacy")
    if flag is not None and not isinstance(flag, bool):
        problems.append(f"{place}.ignore_privacy: expected true or false, got {_quote(flag)}")
    return problems


def _conflicts(
    contents: FileContents,
    types: Mapping[str, DataTypeDef],
    workflows: Mapping[str, WorkflowDef],
    things: AbstractSet[str],
    triggers: AbstractSet[str],
) -> list[str]:
    """What the file would replace in the database (refused unless importing with --replace)."""
    hint = "already exists (import with --replace to replace it)"
    out = [
        f"workflows.{wf.name}: workflow {hint}" for wf in contents.workflows if wf.name in workflows
    ]
    out += [
        f"data_types.{d.name}: data type {hint}"
        for d in contents.data_types
        if d.name in types and types[d.name] != d
    ]
    out += [f"things: thing '{i}' {hint}" for _, i, _ in contents.things if i in things]
    out += [f"triggers.{t.name}: trigger {hint}" for t in contents.triggers if t.name in triggers]
    return out
