"""The JSON Schema (Draft 2020-12) of the workflow file, for editors (`cueflow schema`).

Generated from what the reader itself uses — its allowed keys, its ranges,
the value types and the actions' declared inputs (`ActionSpec.inputs`) — so
the schema and the reader cannot drift apart: a key the reader accepts
without a schema here, or a schema for a key the reader refuses, stops the
schema from being built (`SchemaDrift`), which the tests catch.

The schema describes the shape of a file so an editor can complete and flag
it. The reader stays the judge: it also checks expressions, references
(a workflow or data type that exists, a parameter the called workflow has) and
names, and gives each problem its place. Where the reader is lenient with
degenerate values (an empty `on_missed` taken as the default), the schema
asks for the meaningful one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from app.actions import registry
from app.core.definitions import (
    CONTROL,
    FIELD_NAME,
    MAX_NAME,
    ON_MISSED,
    TYPE_NAME,
    WORKFLOW_NAME,
)
from app.core.types import SCALARS
from app.engine.validation import KEY, RESERVED, TRIGGER_EVENTS
from app.workflow_file.read_base import (
    MAX_ATTEMPTS,
    MAX_BACKOFF,
    MAX_DESCRIPTION,
    MAX_GRACE,
    MAX_LABEL,
    MAX_STEP_SECONDS,
    MAX_TIMEOUT,
)
from app.workflow_file.read_triggers import TRIGGER_KEYS
from app.workflow_file.read_types import (
    DATA_TYPE_KEYS,
    EVERYONE_ELSE_KEYS,
    GRANTS,
    PRIVACY_KEYS,
    RULE_KEYS,
    VIEW_WORDS,
)
from app.workflow_file.read_workflows import PARAMETER_KEYS, RETRY_KEYS, STEP_KEYS, WORKFLOW_KEYS
from app.workflow_file.reader import FORMAT_VERSION, RUN_KEYS, TOP_KEYS

SCHEMA_ID = f"https://cueflow.invalid/schema/workflow-file-{FORMAT_VERSION}.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

# The `api` mapping of a workflow (PRODUCT §6). It joins a workflow's
# properties as soon as the reader accepts the key (WORKFLOW_KEYS).
API_KEYS = ("expose", "auth", "method", "respond", "return_200_if_condition_unmet")
API_AUTH = ("token", "none")
API_METHODS = ("POST", "GET")
API_RESPOND = ("when_done", "at_once")


class SchemaDrift(AssertionError):
    """The reader accepts a key the schema does not describe, or the other way round."""


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _ecma(pattern: str) -> str:
    """A Python pattern written so ECMA-262 regexes (JSON Schema's `pattern`) read it alike."""
    pattern = pattern.replace("\\Z", "$")
    return "".join(
        f"\\u{ord(ch):04x}" if not ch.isprintable() or ord(ch) > 126 else ch for ch in pattern
    )


def _no_control(lines: bool = False) -> str:
    """`^…$` over text without the reader's control characters (`lines`: tab, newline allowed)."""
    body = CONTROL.pattern.strip("[]")
    if lines:  # \t and \n are 0x09 and 0x0a, inside the first range \x00-\x1f
        body = "\x00-\x08\x0b-\x1f" + body[len("\x00-\x1f") :]
    return _ecma(f"^[^{body}]*$")


def _nullable(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The reader takes a missing value (`key:` with nothing after it) as the default."""
    return {"anyOf": [dict(schema), {"type": "null"}]}


def _flag(description: str) -> dict[str, Any]:
    return {"type": ["boolean", "null"], "description": description}


def _object(
    keys: tuple[str, ...], properties: Mapping[str, Any], where: str, **extra: Any
) -> dict[str, Any]:
    """An object with exactly the reader's `keys` (a mapping or nothing, as the reader reads it)."""
    missing = [k for k in keys if k not in properties]
    unread = [k for k in properties if k not in keys]
    if missing:
        raise SchemaDrift(f"{where}: the reader accepts {missing} but the schema has no entry")
    if unread:
        raise SchemaDrift(f"{where}: the schema describes {unread} but the reader refuses them")
    return {
        "type": ["object", "null"],
        "properties": dict(properties),
        "additionalProperties": False,
        **extra,
    }


def _text(limit: int, description: str, *, lines: bool = False) -> dict[str, Any]:
    return {
        "type": ["string", "number", "null"],  # a number is taken as its text
        "maxLength": limit,
        "pattern": _no_control(lines),
        "description": description,
    }


def _seconds(
    high: float, description: str, *, low: float = 0, above_low: bool = False
) -> dict[str, Any]:
    bound = {"exclusiveMinimum": low} if above_low else {"minimum": low}
    return {"type": ["number", "null"], **bound, "maximum": high, "description": description}


def _name(pattern: re.Pattern[str], description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "pattern": _ecma(pattern.pattern),
        "maxLength": MAX_NAME,
        "description": description,
    }


def _condition(description: str) -> dict[str, Any]:
    return {"type": ["string", "boolean", "number", "null"], "description": description}


# --- the value of each kind of step input (app.actions.spec) ---------------

_TEMPLATE = {"type": "string", "pattern": r"\{\{|\{%|\{#", "description": "an expression"}


def _any_case(word: str) -> str:
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in word)


def _input_schema(item: registry.InputSpec) -> dict[str, Any]:
    """What a step input of this kind may be in a file (before expressions are computed)."""
    kind = item.kind
    text_like = {"type": ["string", "number", "boolean"]}
    schema: dict[str, Any]
    if kind in (registry.TEXT, registry.LONG_TEXT):
        schema = dict(text_like)
    elif kind in (registry.WORKFLOW, registry.DATA_TYPE, registry.DATE):
        schema = {"type": "string"}
    elif kind == registry.CHOICE:
        words = "|".join(_any_case(c) for c in item.choices)
        schema = {
            "type": "string",
            "anyOf": [{"enum": list(item.choices)}, {"pattern": f"^({words})$"}, _TEMPLATE],
        }
    elif kind == registry.NUMBER:
        schema = {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": MAX_STEP_SECONDS},
                {"type": "string"},  # an expression (or a number written as text)
            ]
        }
    elif kind == registry.YES_NO:
        schema = {"type": ["boolean", "string"]}
    elif kind == registry.TEXT_OR_LIST:
        schema = {"type": ["string", "number", "array"]}
    elif kind == registry.THING_OR_LIST:
        schema = {"type": ["string", "array"]}
    elif kind == registry.MAPPING:
        schema = {"anyOf": [{"type": "object"}, _TEMPLATE]}
    elif kind == registry.ANY:
        schema = {}
    else:
        raise SchemaDrift(f"input kind {kind!r} of '{item.name}' has no schema")
    if item.required and schema.get("type") in ("string", text_like["type"]):
        schema["minLength"] = 1  # the reader takes "" as missing
    schema["description"] = item.help
    if item.default not in (None, ""):
        schema["default"] = item.default
    return schema if item.required else _nullable(schema)


def _step_branches() -> list[dict[str, Any]]:
    """One `if`/`then` per action: its `with` holds exactly its declared inputs."""
    branches = []
    for name, spec in sorted(registry.actions().items()):
        required = [i.name for i in spec.inputs if i.required]
        with_schema: dict[str, Any] = {
            "type": "object" if required else ["object", "null"],
            "properties": {i.name: _input_schema(i) for i in spec.inputs},
            "additionalProperties": False,
            "required": required,
        }
        then: dict[str, Any] = {"properties": {"with": with_schema}}
        if required:
            then["required"] = ["with"]
        branches.append(
            {
                "if": {"properties": {"action": {"const": name}}, "required": ["action"]},
                "then": then,
            }
        )
    return branches


# --- the parts of the file ---------------------------------------------------


def _type_spec() -> dict[str, Any]:
    scalars = "|".join(re.escape(s) for s in SCALARS)
    type_name = TYPE_NAME.pattern.removeprefix("^").removesuffix("\\Z")
    return {
        "type": "string",
        "pattern": _ecma(rf"^\s*(list\s+of\s+)?({scalars}|yes\s+/\s+no|{type_name})\s*$"),
        "examples": [*SCALARS, "list of text"],
        "description": "text, number, yes/no, date, a data type's name, or list of any of these",
    }


def _workflow_properties() -> dict[str, Any]:
    parameter_key = {
        "type": "string",
        "pattern": _ecma(KEY.pattern),
        "maxLength": MAX_NAME,
        "not": {"enum": sorted(RESERVED)},
    }
    parameter = {
        "anyOf": [
            _ref("type"),
            _object(
                PARAMETER_KEYS,
                {
                    "type": _ref("type"),
                    "list": _flag("a list of values of the type"),
                    "optional": _flag("the parameter may be left out"),
                },
                "workflows.*.parameters.*",
            ),
        ]
    }
    colour = {
        "type": ["string", "null"],
        "pattern": "^(#[0-9a-fA-F]{6})?$",
        "description": "a colour like #e67e22",
    }
    return {
        "label": _text(MAX_LABEL, "the name people read"),
        "colour": colour,
        "color": colour,
        "description": _text(MAX_DESCRIPTION, "what the workflow is for", lines=True),
        "parameters": {
            "type": ["object", "null"],
            "propertyNames": parameter_key,
            "additionalProperties": parameter,
        },
        "steps": {"type": ["array", "null"], "items": _ref("step")},
        "only_when": _condition("run only when this holds (over the parameters)"),
        "ignore_privacy_rules": _flag("runs see all data, whoever they run as"),
        "timeout": _seconds(MAX_TIMEOUT, "seconds a run may take (default 300)", above_low=True),
        "retries": _object(
            RETRY_KEYS,
            {
                "attempts": {
                    "type": ["integer", "null"],
                    "minimum": 0,
                    "maximum": MAX_ATTEMPTS,
                    "description": "further tries after the first",
                },
                "backoff": _seconds(MAX_BACKOFF, "seconds before the first retry, doubling"),
            },
            "workflows.*.retries",
        ),
        "on_missed": {
            "enum": [*ON_MISSED, None],
            "description": "a run that came due while Cueflow was closed",
        },
        "grace": _seconds(MAX_GRACE, "how late a run may still start (default one day)"),
        "api": _ref("workflow_api"),
    }


def _defs() -> dict[str, Any]:
    grants = {k: _flag(f"may {k}") for k in GRANTS}
    view = {
        "anyOf": [
            {"enum": list(VIEW_WORDS)},
            {"type": "array", "items": {"type": "string"}},
        ],
        "description": "all, none, or a list of field names",
    }
    field_name = {**_name(FIELD_NAME, "a field's name"), "not": {"const": "id"}}
    # `api` is described already (PRODUCT §6) and joins when the reader reads it.
    workflow = {k: v for k, v in _workflow_properties().items() if k != "api" or k in WORKFLOW_KEYS}
    return {
        "type": _type_spec(),
        "data_type": _object(
            DATA_TYPE_KEYS,
            {
                "fields": {
                    "type": ["object", "null"],
                    "propertyNames": field_name,
                    "additionalProperties": _ref("type"),
                },
                "privacy": _object(
                    PRIVACY_KEYS,
                    {
                        "rules": {"type": ["array", "null"], "items": _ref("privacy_rule")},
                        "everyone_else": _object(
                            EVERYONE_ELSE_KEYS,
                            {"view": view, **grants},
                            "data_types.*.privacy.everyone_else",
                        ),
                    },
                    "data_types.*.privacy",
                ),
            },
            "data_types.*",
        ),
        "privacy_rule": _object(
            RULE_KEYS,
            {
                "name": _text(MAX_LABEL, "the rule's name"),
                "when": {
                    "type": "string",
                    "minLength": 1,
                    "description": "over thing and current_user",
                },
                "view": view,
                **grants,
            },
            "data_types.*.privacy.rules[]",
            required=["when"],
        ),
        "thing": {
            "type": "object",
            "propertyNames": {"anyOf": [field_name, {"const": "id"}]},
            "properties": {"id": {"type": "string", "maxLength": MAX_NAME}},
        },
        "workflow": _object(WORKFLOW_KEYS, workflow, "workflows.*"),
        "workflow_api": {
            "type": ["object", "null"],
            "properties": {
                "expose": _flag("served over HTTP (default false)"),
                "auth": {"enum": list(API_AUTH), "default": API_AUTH[0]},
                "method": {"enum": list(API_METHODS), "default": API_METHODS[0]},
                "respond": {"enum": list(API_RESPOND), "default": API_RESPOND[0]},
                "return_200_if_condition_unmet": _flag("200 instead of 400 when only_when fails"),
            },
            "additionalProperties": False,
            "description": "the workflow API (PRODUCT §6)",
        },
        "step": {
            "type": "object",
            "properties": {
                "action": {"enum": sorted(registry.actions())},
                "with": {"type": ["object", "null"]},
                "only_when": _condition("run the step only when this holds"),
            },
            "required": ["action"],
            "additionalProperties": False,
            "allOf": _step_branches(),
        },
        "trigger": _object(
            TRIGGER_KEYS,
            {
                "data_type": {"type": "string"},
                "on": {
                    "anyOf": [
                        {"enum": list(TRIGGER_EVENTS)},
                        {
                            "type": "array",
                            "items": {"enum": list(TRIGGER_EVENTS)},
                            "minItems": 1,
                        },
                    ]
                },
                "only_when": _condition("over thing_before and thing_now"),
                "workflow": {"type": "string"},
                "params": {"type": ["object", "null"]},
            },
            "triggers.*",
            required=["data_type", "on", "workflow"],
        ),
        "run": {
            "type": "object",
            "properties": {
                "id": {"type": "string", "maxLength": MAX_NAME, "pattern": _no_control()},
                "workflow": {"type": "string"},
                "scheduled_for": {"type": ["string", "null"]},
                "params": {"type": ["object", "null"]},
                "run_as": {"type": ["string", "null"]},
                "ignore_privacy": _flag("the run ignores privacy rules"),
            },
            "required": ["workflow"],
            "additionalProperties": False,
        },
    }


def workflow_file_schema() -> dict[str, Any]:
    """The JSON Schema of the workflow file (YAML or JSON), as a JSON-ready mapping."""
    defs = _defs()
    for where, keys, properties in (
        ("step", STEP_KEYS, defs["step"]["properties"]),
        ("runs[]", RUN_KEYS, defs["run"]["properties"]),
    ):
        _object(keys, properties, where)
    top = {
        "cueflow": {"type": "integer", "const": FORMAT_VERSION},
        "data_types": {
            "type": ["object", "null"],
            "propertyNames": _name(TYPE_NAME, "a data type's name"),
            "additionalProperties": _ref("data_type"),
        },
        "things": {
            "type": ["object", "null"],
            "additionalProperties": {"type": "array", "items": _ref("thing")},
        },
        "workflows": {
            "type": ["object", "null"],
            "propertyNames": _name(WORKFLOW_NAME, "a workflow's name"),
            "additionalProperties": _ref("workflow"),
        },
        "triggers": {
            "type": ["object", "null"],
            "propertyNames": {"type": "string", "maxLength": MAX_NAME, "minLength": 1},
            "additionalProperties": _ref("trigger"),
        },
        "runs": {"type": ["array", "null"], "items": _ref("run")},
    }
    document = _object(TOP_KEYS, top, "file")
    document["type"] = "object"
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": "Cueflow workflow file",
        "description": (
            f"A Cueflow workflow file (format {FORMAT_VERSION}), YAML or JSON: data types, "
            "things, workflows and triggers. `cueflow import` checks expressions and "
            "references beyond this schema."
        ),
        **document,
        "$defs": defs,
    }
