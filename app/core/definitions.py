"""Workflow, data type and trigger definitions as plain values.

Storage turns rows into these and back; the engine, the workflow file and the
window all work on them. They hold no database state.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from app.core.types import ValueType

WORKFLOW_NAME = re.compile(r"^[a-z0-9_]+\Z")  # \Z: "$" would let a final newline in
TYPE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*\Z")  # a data type's name
FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")  # a field's name (not `id`)
MAX_NAME = 200  # names and IDs: workflows, data types, fields, triggers, things, runs
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # C0, DEL, C1, line breaks
DEFAULT_TIMEOUT = 300.0
DEFAULT_GRACE = 86400.0
ON_MISSED = ("run_late", "skip")


def name_problem(value: Any, what: str) -> str | None:
    """Why `value` cannot be a name or ID (text, not too long, no control characters)."""
    if not isinstance(value, str) or not value.strip():
        return f"a {what} must be non-empty text, got {_quote(value)}"
    if len(value) > MAX_NAME:
        return f"a {what} has at most {MAX_NAME} characters"
    if CONTROL.search(value):
        return f"a {what} cannot contain control characters"
    return None


def data_type_name_problem(name: Any) -> str | None:
    """Why `name` cannot name a data type: the workflow file's rule, word for word."""
    reason = name_problem(name, "data type name")
    if reason is None and not TYPE_NAME.match(name):
        reason = "a data type name starts with a letter and uses A-Z, a-z, 0-9, _"
    return reason


def field_name_problem(name: Any) -> str | None:
    """Why `name` cannot name a field: the workflow file's rule, word for word."""
    if (
        not isinstance(name, str)
        or not FIELD_NAME.match(name)
        or name == "id"
        or len(name) > MAX_NAME
    ):
        return f"'{name}' cannot be a field name"
    return None


def _quote(value: Any, limit: int = 60) -> str:
    """A value as it may appear in a one-line problem: escaped, clipped."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class FieldDef:
    name: str
    type: ValueType


@dataclass(frozen=True)
class PrivacyRule:
    name: str
    when: str
    view: str | tuple[str, ...] = "all"
    find: bool = False
    modify: bool = False
    delete: bool = False


@dataclass(frozen=True)
class Privacy:
    rules: tuple[PrivacyRule, ...] = ()
    everyone_else: PrivacyRule | None = None

    @property
    def is_open(self) -> bool:
        return not self.rules and self.everyone_else is None


@dataclass(frozen=True)
class DataTypeDef:
    name: str
    fields: tuple[FieldDef, ...]
    privacy: Privacy = Privacy()

    def field(self, name: str) -> FieldDef | None:
        for found in self.fields:  # (a loop: half of next() over a generator; issue 18)
            if found.name == name:
                return found
        return None

    def renames_to(self, fields: tuple[FieldDef, ...]) -> dict[str, str]:
        """Fields that `fields` renames in place: {old name: new name}.

        A rename is a field whose name changed while the fields kept their
        number and order (what editing a name in the fields table does), and
        whose old name is not in use any more.
        """
        if len(fields) != len(self.fields):
            return {}
        kept = {f.name for f in fields}
        return {
            old.name: new.name
            for old, new in zip(self.fields, fields, strict=True)
            if old.name != new.name and old.name not in kept
        }

    def with_fields(self, fields: tuple[FieldDef, ...]) -> DataTypeDef:
        """This type with other fields; privacy rules follow renamed fields."""
        renames = self.renames_to(fields)

        def follow(rule: PrivacyRule | None) -> PrivacyRule | None:
            if rule is None or isinstance(rule.view, str) or not renames:
                return rule
            return replace(rule, view=tuple(renames.get(name, name) for name in rule.view))

        privacy = Privacy(
            tuple(follow(rule) or rule for rule in self.privacy.rules),
            follow(self.privacy.everyone_else),
        )
        return replace(self, fields=fields, privacy=privacy)


@dataclass(frozen=True)
class ParameterDef:
    key: str
    type: ValueType
    optional: bool = False


@dataclass(frozen=True)
class StepDef:
    action: str
    inputs: dict[str, Any] = field(default_factory=dict)
    only_when: str | None = None


MAX_RETRY_DELAY = 86400.0  # seconds: no retry waits longer than a day


@dataclass(frozen=True)
class RetryPolicy:
    """`attempts` further tries after the first, `backoff` s doubling each time."""

    attempts: int = 0
    backoff: float = 10.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait before try number `attempt + 1` (attempt is 1-based).

        At most MAX_RETRY_DELAY (a day): the doubling of a big backoff, or an
        infinite or undefined one from an older database, never overflows the
        time arithmetic and never leaves a run waiting for ever.
        """
        backoff = RetryPolicy.backoff if math.isnan(self.backoff) else float(self.backoff)
        if backoff <= 0:
            return 0.0
        if backoff >= MAX_RETRY_DELAY:  # infinity included
            return MAX_RETRY_DELAY
        doublings = min(max(attempt - 1, 0), 64)  # 2**64 × any backoff is past a day
        return min(backoff * 2.0**doublings, MAX_RETRY_DELAY)


API_AUTH = ("token", "none")
API_METHODS = ("POST", "GET")
API_RESPOND = ("when_done", "at_once")
API_KEYS = ("expose", "auth", "method", "respond", "return_200_if_condition_unmet")


@dataclass(frozen=True)
class ApiExposure:
    """How the workflow API serves a workflow (PRODUCT §6): not at all by default."""

    expose: bool = False
    auth: str = "token"  # token | none
    method: str = "POST"  # POST | GET
    respond: str = "when_done"  # when_done | at_once
    return_200_if_condition_unmet: bool = False

    def to_json(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in API_KEYS}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ApiExposure:
        """From stored JSON (None: not exposed); unknown or odd values keep the defaults."""
        if not data:
            return cls()
        default = cls()
        auth = data.get("auth", default.auth)
        method = data.get("method", default.method)
        respond = data.get("respond", default.respond)
        return cls(
            expose=data.get("expose") is True,
            auth=auth if auth in API_AUTH else default.auth,
            method=method if method in API_METHODS else default.method,
            respond=respond if respond in API_RESPOND else default.respond,
            return_200_if_condition_unmet=data.get("return_200_if_condition_unmet") is True,
        )


@dataclass(frozen=True)
class WorkflowDef:
    name: str
    label: str = ""
    colour: str = "#3b82f6"
    description: str = ""
    parameters: tuple[ParameterDef, ...] = ()
    steps: tuple[StepDef, ...] = ()
    only_when: str | None = None
    ignore_privacy_rules: bool = False
    timeout: float = DEFAULT_TIMEOUT
    retries: RetryPolicy = RetryPolicy()
    on_missed: str = "run_late"
    grace: float = DEFAULT_GRACE
    api: ApiExposure = ApiExposure()
    version: int = 0

    def parameter(self, key: str) -> ParameterDef | None:
        return next((p for p in self.parameters if p.key == key), None)

    @property
    def title(self) -> str:
        return self.label or self.name


@dataclass(frozen=True)
class TriggerDef:
    name: str
    data_type: str
    on: tuple[str, ...]
    workflow: str
    only_when: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
