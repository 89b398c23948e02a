"""Checks a workflow definition before it is saved: actions, inputs, names.

Every problem comes back with its place (`steps[2].with.at`) so the file
importer and the window can both point at it. Nothing here touches storage:
the caller passes the data types and workflows it knows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.actions import registry
from app.core import expressions
from app.core.definitions import (
    ON_MISSED,
    WORKFLOW_NAME,
    DataTypeDef,
    TriggerDef,
    WorkflowDef,
    name_problem,
)
from app.core.recurrence import Recurrence
from app.core.things import ThingView
from app.core.types import SCALARS
from app.errors import BadInput, ExpressionError

KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
RESERVED = frozenset(
    {"now", "current_user", "run", "search", "secret", "thing_before", "thing_now"}
) | {f"step{i}" for i in range(1, 200)}


# What a thing answers besides its fields (`raw` bypasses privacy: not offered).
THING_ATTRIBUTES = frozenset(
    name for name in dir(ThingView) if not name.startswith("_") and name != "raw"
)

TRIGGER_EVENTS = ("created", "modified", "deleted")

Typed = Mapping[str, str]
"""Names whose data type is certain, e.g. {"user": "User", "thing_now": "User"}."""


@dataclass(frozen=True)
class Problem:
    place: str
    reason: str

    def __str__(self) -> str:
        return f"{self.place}: {self.reason}" if self.place else self.reason


def check_type_name(base: str, data_types: Iterable[str]) -> str | None:
    if base in SCALARS or base in set(data_types):
        return None
    return f"unknown type '{base}'"


def check_expression(
    value: Any,
    names: Iterable[str],
    place: str,
    typed: Typed | None = None,
    data_types: Mapping[str, DataTypeDef] | None = None,
) -> list[Problem]:
    """Compile every template inside `value` (strings, lists, mappings).

    With `typed` and `data_types`, fields read from a name of a known data type
    (`user.na`) must be fields of that type.
    """
    allowed = set(names)
    if isinstance(value, str):
        reasons = expressions.check(value, allowed)
        if not reasons and typed and data_types:
            reasons = check_fields(value, typed, data_types)
        return [Problem(place, reason) for reason in reasons]
    if isinstance(value, Mapping):
        out = []
        for key, item in value.items():
            out += check_expression(item, allowed, f"{place}.{key}", typed, data_types)
        return out
    if isinstance(value, list):
        out = []
        for index, item in enumerate(value):
            out += check_expression(item, allowed, f"{place}[{index}]", typed, data_types)
        return out
    return []


def check_condition(
    source: Any,
    names: Iterable[str],
    place: str,
    typed: Typed | None = None,
    data_types: Mapping[str, DataTypeDef] | None = None,
) -> list[Problem]:
    if not isinstance(source, str) or not source.strip():
        return [Problem(place, "a condition must be a non-empty expression")]
    reasons = expressions.check(source, set(names), condition=True)
    if not reasons and typed and data_types:
        reasons = check_fields(source, typed, data_types, condition=True)
    return [Problem(place, r) for r in reasons]


def check_fields(
    source: str,
    typed: Typed,
    data_types: Mapping[str, DataTypeDef],
    *,
    condition: bool = False,
) -> list[str]:
    """Unknown fields read from names whose data type is certain.

    Follows references (`user.manager.email` when `manager` is a User field);
    stops at anything whose type is not certain (a list, a date, a number).
    """
    try:
        chains = expressions.attribute_chains(source, condition=condition)
    except ExpressionError:
        return []  # a syntax error is reported by expressions.check
    reasons: list[str] = []
    for chain in sorted(chains):
        definition = data_types.get(typed.get(chain[0], ""))
        for attr in chain[1:]:
            if definition is None:
                break
            field_def = definition.field(attr)
            if field_def is None:
                if attr not in THING_ATTRIBUTES:
                    reason = f"{definition.name} has no field '{attr}'"
                    if reason not in reasons:
                        reasons.append(reason)
                break
            vtype = field_def.type
            definition = None if vtype.is_list else data_types.get(vtype.base)
    return reasons


def typed_names(
    wf: WorkflowDef, data_types: Mapping[str, DataTypeDef], before_step: int | None = None
) -> dict[str, str]:
    """Names of `wf` whose data type is certain: thing parameters (not lists)
    and results of steps typed by a literal data type (create_thing's `type`,
    see ActionSpec.typed_by), up to `before_step`."""
    out = {
        p.key: p.type.base
        for p in wf.parameters
        if not p.type.is_list and p.type.base in data_types
    }
    last = len(wf.steps) + 1 if before_step is None else before_step
    for index, step in enumerate(wf.steps[: last - 1], start=1):
        spec = registry.get(step.action)
        if spec is None or spec.typed_by is None:
            continue
        type_name = step.inputs.get(spec.typed_by)
        if _literal(type_name) and type_name in data_types:
            out[f"step{index}"] = str(type_name)
    return out


def validate_workflow(
    wf: WorkflowDef,
    data_types: Mapping[str, DataTypeDef],
    workflows: Mapping[str, WorkflowDef],
    prefix: str = "",
) -> list[Problem]:
    """All problems of one workflow; `workflows` includes `wf` itself."""

    def at(rest: str) -> str:
        return f"{prefix}.{rest}" if prefix else rest

    problems: list[Problem] = []
    if not WORKFLOW_NAME.match(wf.name):
        problems.append(Problem(prefix or "name", "a name uses only a-z, 0-9 and _"))
    if wf.on_missed not in ON_MISSED:
        problems.append(Problem(at("on_missed"), f"must be one of {', '.join(ON_MISSED)}"))
    if wf.timeout <= 0:
        problems.append(Problem(at("timeout"), "must be more than 0 seconds"))
    if wf.grace < 0:
        problems.append(Problem(at("grace"), "must be 0 or more seconds"))
    if wf.retries.attempts < 0 or wf.retries.backoff < 0:
        problems.append(Problem(at("retries"), "attempts and backoff must be 0 or more"))
    if not re.match(r"^#[0-9a-fA-F]{6}$", wf.colour):
        problems.append(Problem(at("colour"), f"'{wf.colour}' is not a colour like #e67e22"))

    keys: set[str] = set()
    for param in wf.parameters:
        place = at(f"parameters.{param.key}")
        if not KEY.match(param.key) or param.key in RESERVED:
            problems.append(Problem(place, f"'{param.key}' cannot be a parameter key"))
        if param.key in keys:
            problems.append(Problem(place, "duplicate parameter"))
        keys.add(param.key)
        reason = check_type_name(param.type.base, data_types)
        if reason:
            problems.append(Problem(f"{place}.type", reason))

    if wf.only_when is not None:
        problems += check_condition(
            wf.only_when, keys, at("only_when"), typed_names(wf, data_types, 1), data_types
        )

    for index, step in enumerate(wf.steps, start=1):
        names = keys | {f"step{i}" for i in range(1, index)}
        problems += _check_step(
            step.action,
            step.inputs,
            step.only_when,
            names,
            at(f"steps[{index}]"),
            data_types,
            workflows,
            typed_names(wf, data_types, index),
        )
    return problems


def _check_step(
    action: str,
    inputs: Mapping[str, Any],
    only_when: str | None,
    names: set[str],
    place: str,
    data_types: Mapping[str, DataTypeDef],
    workflows: Mapping[str, WorkflowDef],
    typed: Typed | None = None,
) -> list[Problem]:
    spec = registry.get(action)
    if spec is None:
        known = ", ".join(sorted(registry.actions()))
        return [Problem(f"{place}.action", f"unknown action '{action}' (known: {known})")]
    problems: list[Problem] = []
    if only_when is not None:
        problems += check_condition(only_when, names, f"{place}.only_when", typed, data_types)
    for name in inputs:
        if spec.input(name) is None:
            allowed = ", ".join(i.name for i in spec.inputs) or "none"
            problems.append(
                Problem(
                    f"{place}.with.{name}", f"{action} has no input '{name}' (inputs: {allowed})"
                )
            )
    for item in spec.inputs:
        value = inputs.get(item.name)
        where = f"{place}.with.{item.name}"
        if value is None or value == "":
            if item.required:
                problems.append(Problem(where, "required input is missing"))
            continue
        problems += check_expression(value, names, where, typed, data_types)
        problems += _check_literal(item, value, where, data_types, workflows)
    problems += _check_target_params(spec, inputs, place, workflows, data_types)
    return problems


def _literal(value: Any) -> bool:
    return isinstance(value, str) and not expressions.is_template(value)


def _check_literal(
    item: registry.InputSpec,
    value: Any,
    where: str,
    data_types: Mapping[str, DataTypeDef],
    workflows: Mapping[str, WorkflowDef],
) -> list[Problem]:
    if item.kind == registry.WORKFLOW and _literal(value) and value not in workflows:
        return [Problem(where, f"unknown workflow '{value}'")]
    if item.kind == registry.DATA_TYPE and _literal(value) and value not in data_types:
        return [Problem(where, f"unknown data type '{value}'")]
    if item.kind == registry.CHOICE and _literal(value) and str(value).upper() not in item.choices:
        return [Problem(where, f"must be one of {', '.join(item.choices)}")]
    if (
        item.kind == registry.MAPPING
        and not isinstance(value, Mapping)
        and not (isinstance(value, str) and expressions.is_template(value))
    ):
        return [Problem(where, "expected a mapping of names to values")]
    return []


def _check_target_params(
    spec: registry.ActionSpec,
    inputs: Mapping[str, Any],
    place: str,
    workflows: Mapping[str, WorkflowDef],
    data_types: Mapping[str, DataTypeDef],
) -> list[Problem]:
    """Parameters given to a named workflow must be its parameters; fields, its fields."""
    problems = []
    target = inputs.get("workflow")
    params = inputs.get("params")
    if params is None:
        params = {}
    item = inputs.get("item_param") if spec.input("item_param") is not None else None
    wf = workflows.get(str(target)) if _literal(target) else None
    if wf is not None and _literal(item) and wf.parameter(str(item)) is None:
        problems.append(Problem(f"{place}.with.item_param", f"{target} has no parameter '{item}'"))
    if spec.calls_workflow and isinstance(params, Mapping) and wf is not None:
        for key in params:
            if wf.parameter(str(key)) is None:
                problems.append(
                    Problem(f"{place}.with.params.{key}", f"{target} has no parameter '{key}'")
                )
        for param in wf.parameters:
            if not param.optional and param.key not in params and param.key != item:
                problems.append(
                    Problem(f"{place}.with.params", f"{target} needs parameter '{param.key}'")
                )
    every = inputs.get("every")
    if spec.input("every") is not None and _literal(every) and every:
        try:
            Recurrence.parse(str(every))
        except BadInput as exc:
            problems.append(Problem(f"{place}.with.every", exc.reason))
    type_name = inputs.get(spec.typed_by) if spec.typed_by is not None else None
    fields = inputs.get("fields")
    if _literal(type_name) and isinstance(fields, Mapping):
        definition = data_types.get(str(type_name))
        if definition is not None:
            for key in fields:
                if definition.field(str(key)) is None:
                    problems.append(
                        Problem(f"{place}.with.fields.{key}", f"{type_name} has no field '{key}'")
                    )
    return problems


def trigger_problems(
    trigger: TriggerDef,
    types: Mapping[str, DataTypeDef],
    workflows: Mapping[str, WorkflowDef],
) -> list[Problem]:
    """Why `trigger` cannot be saved: the one set of checks of the file and the Data area.

    Its data type and workflow must exist, `on` must name events, and its
    `only_when` and `params` must compile over `thing_before` / `thing_now`
    (fields of its data type) and fit the workflow's parameters.
    """
    place = f"triggers.{trigger.name}"
    reason = name_problem(trigger.name, "trigger name")
    if reason is not None:
        return [Problem(place, reason)]
    problems = []
    if trigger.data_type not in types:
        problems.append(Problem(f"{place}.data_type", f"unknown data type '{trigger.data_type}'"))
    if not trigger.on or not all(e in TRIGGER_EVENTS for e in trigger.on):
        problems.append(Problem(f"{place}.on", f"expected a list of {', '.join(TRIGGER_EVENTS)}"))
    target = workflows.get(trigger.workflow)
    if target is None:
        problems.append(Problem(f"{place}.workflow", f"unknown workflow '{trigger.workflow}'"))
    names = expressions.TRIGGER_NAMES
    typed = dict.fromkeys(names, trigger.data_type)
    if trigger.only_when is not None:
        problems += check_condition(trigger.only_when, names, f"{place}.only_when", typed, types)
    problems += check_expression(dict(trigger.params), names, f"{place}.params", typed, types)
    if target is not None:
        problems += [
            Problem(f"{place}.params.{key}", f"{trigger.workflow} has no parameter '{key}'")
            for key in trigger.params
            if target.parameter(str(key)) is None
        ]
    return problems
