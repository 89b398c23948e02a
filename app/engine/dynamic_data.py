"""Dynamic data for the workflow editor: what a step's inputs can read, offered
as choices, and expressions read back as words.

`scope(...)` lists what is in scope before a step (parameters and their
fields, results of earlier steps, the current user, now, searches), each with
the operators that fit its type; `token(...)` makes the complete expression to
insert. `readable(...)` turns `{{ user.email }}` into "user's email" for the
step cards. Pure functions over definitions: no Qt, no database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.actions import registry
from app.core.definitions import DataTypeDef, WorkflowDef
from app.core.types import ValueType
from app.engine.condition_words import (
    DATE_FORMATS,
    FILTER_WORDS,
    date_sample,
    describe_value,
    plural,
)
from app.engine.validation import typed_names

# The types of what an entry gives, beside data type names and "list of X";
# THING is a thing of a data type not known in advance (the current user).
TEXT, NUMBER, YES_NO, DATE, ANY, THING = "text", "number", "yes/no", "date", "any", "thing"
SCALAR_TYPES = frozenset({TEXT, NUMBER, YES_NO, DATE, ANY})
_SIMPLE = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*|search\(\"[^\"]*\"\)")
SAME, ITEM = "", "item"  # what an operator gives: the same type, or a list's item type


@dataclass(frozen=True)
class Operator:
    """What can follow a value: `pattern` holds `{}` where the value goes, and so
    does `label` (its words: "{} in capitals" reads "user's name in capitals")."""

    label: str
    pattern: str
    condition_only: bool = False
    gives: str = SAME  # the type of the result: SAME, ITEM or a type name

    def apply(self, expression: str) -> str:
        if self.pattern != "{}" and not _SIMPLE.fullmatch(expression):
            expression = f"({expression})"  # `a if b else c` keeps its meaning
        return self.pattern.replace("{}", expression)

    def result_type(self, type_name: str) -> str:
        if self.condition_only:
            return YES_NO
        if self.gives == SAME:
            return type_name
        if self.gives == ITEM:
            return type_name.removeprefix("list of ")
        return self.gives


@dataclass(frozen=True)
class DataEntry:
    """One thing to insert (`user.email`), its type, its fields and operators."""

    label: str
    expression: str
    type: str
    fields: tuple[DataEntry, ...] = ()

    def operators(self, *, condition: bool) -> tuple[Operator, ...]:
        return tuple(o for o in operators_for(self.type) if condition or not o.condition_only)

    def choices(self, kind: str, *, condition: bool) -> list[tuple[str, str]]:
        """(label, expression) of this entry's operators whose result fits an input
        of `kind` (an action input kind; any value fits a condition)."""
        out = []
        for op in self.operators(condition=condition):
            if condition and op is not AS_IT_IS and not op.condition_only:
                continue  # a condition offers the value itself and its tests
            if condition or fits(op.result_type(self.type), kind):
                label = op.label.replace("{}", self.label)
                out.append((label, op.apply(self.expression)))
        return out

    def offers(self, kind: str, *, condition: bool) -> bool:
        """Whether this entry or one of its fields has something for such an input."""
        return bool(self.choices(kind, condition=condition)) or any(
            f.offers(kind, condition=condition) for f in self.fields
        )


def fits(type_name: str, kind: str) -> bool:
    """Whether a value of `type_name` is what an input of `kind` takes (as the
    engine coerces it: text takes scalars, not a thing or a list)."""
    item = type_name.removeprefix("list of ")
    if kind in (registry.TEXT, registry.LONG_TEXT):
        return type_name in SCALAR_TYPES
    if kind == registry.TEXT_OR_LIST:
        return item in SCALAR_TYPES
    if kind == registry.NUMBER:
        return type_name in (NUMBER, ANY)
    if kind == registry.DATE:
        return type_name in (DATE, ANY)
    if kind == registry.YES_NO:
        return type_name in (YES_NO, ANY)
    if kind == registry.THING_OR_LIST:
        return item == ANY or item not in SCALAR_TYPES
    return True


@dataclass(frozen=True)
class DataGroup:
    title: str
    entries: tuple[DataEntry, ...]


AS_IT_IS = Operator("{}", "{}")
_EMPTY = (
    Operator("{} is empty", "{} is none", True),
    Operator("{} is not empty", "{} is not none", True),
)
_OPERATORS: dict[str, tuple[Operator, ...]] = {
    DATE: (
        *(
            Operator(f"{{}} written like {shown}", f"{{}} | format_date('{fmt}')", gives=TEXT)
            for fmt, shown in DATE_FORMATS.items()
        ),
        Operator("{} + 1 day", "{} | add_days(1)"),
        Operator("{} + 1 hour", "{} | add_hours(1)"),
        Operator("{} + 1 week", "{} | add_weeks(1)"),
        Operator("{} + 1 month", "{} | add_months(1)"),
        Operator("{} + 1 year", "{} | add_years(1)"),
        *_EMPTY,
        Operator("{} is in the past", "{} is not none and {} < now", True),
    ),
    TEXT: (
        Operator("{} in capitals", "({} or '') | upper"),
        Operator("{} in small letters", "({} or '') | lower"),
        Operator("number of characters in {}", "({} or '') | length", gives=NUMBER),
        Operator("{} is empty", "not {}", True),
        Operator("{} is not empty", "{} is not none and {} != ''", True),
    ),
    NUMBER: (
        Operator("{} + 1", "({} or 0) + 1"),
        Operator("{} × 2", "({} or 0) * 2"),
        Operator("{} rounded", "({} or 0) | round | int"),
        *_EMPTY,
        Operator("{} is more than 0", "({} or 0) > 0", True),
    ),
    YES_NO: (Operator("{} is yes", "{}", True), Operator("{} is no", "not {}", True)),
}
_LIST = (
    Operator("number of {}", "({} or []) | length", gives=NUMBER),
    Operator("first of {}", "({} or [none]) | first", gives=ITEM),
    Operator("last of {}", "({} or [none]) | last", gives=ITEM),
    Operator("{} is empty", "not {}", True),
    Operator("{} is not empty", "({} or []) | length > 0", True),
)


def operators_for(type_name: str) -> tuple[Operator, ...]:
    if type_name.startswith("list of "):
        return (AS_IT_IS, *_LIST)
    return (AS_IT_IS, *_OPERATORS.get(type_name, _EMPTY))


def token(expression: str, *, condition: bool) -> str:
    """What to insert: a bare expression in a condition, `{{ … }}` in a template."""
    return expression if condition else "{{ " + expression + " }}"


def scope(
    workflow: WorkflowDef, data_types: Mapping[str, DataTypeDef], before_step: int
) -> list[DataGroup]:
    """What an input of step `before_step` (1-based) can read, grouped."""
    groups: list[DataGroup] = []
    params = tuple(_entry(p.key, p.key, p.type, data_types, depth=2) for p in workflow.parameters)
    if params:
        groups.append(DataGroup("Parameters", params))
    typed = typed_names(workflow, data_types, before_step)
    results = []
    for index, step in enumerate(workflow.steps[: max(before_step - 1, 0)], start=1):
        spec = registry.get(step.action)
        name = f"step{index}"
        label = f"Result of step {index}" + (f" ({spec.label})" if spec else "")
        type_name = typed.get(name)
        if type_name is not None:
            results.append(_entry(label, name, ValueType(type_name), data_types, depth=2))
        else:
            results.append(DataEntry(label, name, ANY))
    if results:
        groups.append(DataGroup("Results of earlier steps", tuple(results)))
    groups.append(
        DataGroup(
            "This run",
            (
                DataEntry(
                    "Current user",
                    "current_user",
                    THING,
                    (
                        DataEntry(
                            "Current user's id", "current_user.id if current_user else ''", TEXT
                        ),
                    ),
                ),
                DataEntry("Current date and time", "now", DATE),
                DataEntry("Scheduled date and time", "run.scheduled_for", DATE),
                DataEntry("Run ID", "run.id", TEXT),
            ),
        )
    )
    searches = tuple(
        DataEntry(plural(name), f'search("{name}")', f"list of {name}")
        for name in sorted(data_types)
    )
    if searches:
        groups.append(DataGroup("Search", searches))
    return groups


def _entry(
    label: str,
    expression: str,
    vtype: ValueType,
    data_types: Mapping[str, DataTypeDef],
    depth: int,
) -> DataEntry:
    definition = data_types.get(vtype.base)
    if vtype.is_list or definition is None or depth <= 0:
        return DataEntry(label, expression, str(vtype))
    fields = [DataEntry(f"{label}'s id", f"{expression}.id", TEXT)]
    for field_def in definition.fields:
        fields.append(
            _entry(
                f"{label}'s {field_def.name}",
                f"{expression}.{field_def.name}",
                field_def.type,
                data_types,
                depth - 1,
            )
        )
    return DataEntry(label, expression, str(vtype), tuple(fields))


# --- reading expressions back as words ---------------------------------------------

_PATH = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
_FILTER = r"\|\s*([a-z_]+)\s*(?:\(([^()]*)\))?"
_EXPRESSION = re.compile(rf"^({_PATH})((?:\s*{_FILTER})*)\s*(is\s+not\s+none|is\s+none)?$")
_OR_EMPTY = re.compile(rf"^\(({_PATH}) or (?:\[\]|\[none\]|''|0)\)")  # none-safe forms
_IF_ANY = re.compile(rf"\(?({_PATH}) if [A-Za-z_]+ else ''\)?")  # none-safe forms
_TEMPLATE = re.compile(r"\{\{\s*(.*?)\s*\}\}", re.S)
_UNITS = {
    "add_minutes": "minutes",
    "add_hours": "hours",
    "add_days": "days",
    "add_weeks": "weeks",
    "add_months": "months",
    "add_years": "years",
}
READABLE_LIMIT = 300  # longer expressions are shown clipped, as written
TEXT_LIMIT = 4000


def _clip(text: str) -> str:
    return text if len(text) <= READABLE_LIMIT else text[: READABLE_LIMIT - 1] + "…"


_NAMES = {"now": "now", "current_user": "current user", "run": "this run"}


def readable(expression: str) -> str:
    """`user.email | upper` → "user's email in capitals"; other text stays as it is."""
    if len(expression) > READABLE_LIMIT:  # no words to find in a page of code
        return _clip(" ".join(expression[: READABLE_LIMIT * 2].split()))
    text = " ".join(expression.split())
    text = _OR_EMPTY.sub(r"\1", _IF_ANY.sub(r"\1", text))
    match = _EXPRESSION.match(text)
    if match is None:  # not a path with filters: Jinja's parser may still find words
        return describe_value(text) or text
    path, filters, test = match.group(1), match.group(2), match.group(5)
    parts = path.split(".")
    head = parts[0]
    step = re.fullmatch(r"step([1-9][0-9]*)", head)
    words = f"Result of step {step.group(1)}" if step else _NAMES.get(head, head)
    for part in parts[1:]:
        words += f"'s {part}"
    for name, args in re.findall(_FILTER, filters):
        argument = (args or "").strip().strip("'\"")
        if name in _UNITS:
            count = argument or "1"
            sign = "−" if count.startswith("-") else "+"
            count = count.lstrip("-+ ")
            unit = _UNITS[name][:-1] if count == "1" else _UNITS[name]
            words += f" {sign} {count} {unit}"
        elif name == "format_date":  # a sample date, not the strftime codes
            words += f" written like {date_sample(argument)}"
        elif name in FILTER_WORDS and not args:
            words = FILTER_WORDS[name].replace("{}", words)
        else:  # an argument to put into words, or a filter of no known words
            return describe_value(text) or f"{words} ({name})"
    if test:
        words += " is not empty" if "not" in test else " is empty"
    return words


def readable_text(value: Any) -> str:
    """A template with each `{{ … }}` shown as ‹words›; other values as short text.

    Reads at most the first few thousand characters: what it gives is a line
    on a card or under an input, and a huge input must not stall the window."""
    if isinstance(value, str):
        head = value.strip()[:TEXT_LIMIT]
        shown = _TEMPLATE.sub(lambda m: f"‹{readable(m.group(1))}›", head)
        return shown + ("…" if len(value.strip()) > TEXT_LIMIT else "")
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {readable_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(readable_text(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def chip_segments(text: str) -> list[tuple[bool, str]]:
    """A template in pieces to draw: (False, plain text) and (True, a token's words),
    so `Hi {{ user.name }}` shows "Hi " and a chip "user's name"."""
    out: list[tuple[bool, str]] = []
    head = text[:TEXT_LIMIT]
    at = 0
    for match in _TEMPLATE.finditer(head):
        if match.start() > at:
            out.append((False, head[at : match.start()]))
        out.append((True, readable(match.group(1))))
        at = match.end()
    if at < len(head):
        out.append((False, head[at:]))
    return out


def step_summary(
    action: str, inputs: Mapping[str, Any], workflow_titles: Mapping[str, str] | None = None
) -> str:
    """The one line a step card shows: "Send email to ‹user's email›: Hello";
    a workflow it runs or schedules by its title ("Schedule Send birthday email")."""
    spec = registry.get(action)
    if spec is None:
        return f"Unknown action '{action}'"
    shown = {k: readable_text(v) if isinstance(v, str) else v for k, v in inputs.items()}
    called = shown.get("workflow")
    if spec.calls_workflow and isinstance(called, str) and workflow_titles:
        shown["workflow"] = workflow_titles.get(called, called)
    return spec.summary(shown)
