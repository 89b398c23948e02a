"""An "only when" condition in plain words, for the step cards' badge.

`describe(...)` parses a condition with Jinja's own parser (the one the
runner compiles it with) and walks the expression tree: comparisons, empty
tests, `and` / `or`, `in`, attribute paths, literals and the date filters
become a sentence that names values the way the Insert data menu does
("Result of step 1's email", "user's birthday + 1 year"). Whatever it cannot
say is not guessed at: it returns None and the window shows "only when a
condition holds", with the condition itself in the tooltip. Pure: no Qt, no
database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import TypeVar

from jinja2 import nodes
from jinja2.exceptions import TemplateError
from jinja2.parser import Parser

from app.core.definitions import DataTypeDef, WorkflowDef
from app.core.expressions import environment
from app.engine.validation import typed_names

__all__ = [
    "DATE_FORMATS",
    "FILTER_WORDS",
    "SOURCE_LIMIT",
    "date_sample",
    "describe",
    "describe_value",
    "name_types",
    "plural",
]

_T = TypeVar("_T")
SOURCE_LIMIT = 500  # longer conditions are not put into words (a badge is one line)
DEPTH_LIMIT = 12  # deeper nesting is not a sentence anyone reads
DATE, YES_NO = "date", "yes/no"
# A fixed date to show a date format with: Tuesday 15 December 2026, 14:30 (a day
# and an hour of two digits, so `%d` and `%H` show no hidden zero).
SAMPLE_DATE = datetime(2026, 12, 15, 14, 30, tzinfo=UTC)

_NAMES = {
    "now": "now",
    "current_user": "current user",
    "thing_before": "thing before",
    "thing_now": "thing now",
}
_RUN_FIELDS = {"scheduled_for": "scheduled date and time", "id": "run ID", "workflow": "workflow"}
_UNITS = {
    "add_minutes": "minute",
    "add_hours": "hour",
    "add_days": "day",
    "add_weeks": "week",
    "add_months": "month",
    "add_years": "year",
}
# Dates written as examples (and read back so): strftime pattern → what it shows.
DATE_FORMATS = {"%d %B %Y": "10 December 2026", "%d/%m/%Y %H:%M": "10/12/2026 09:00"}
# Filters without arguments, in words ("{}" is the value they apply to).
FILTER_WORDS = {
    "upper": "{} in capitals",
    "lower": "{} in small letters",
    "title": "{} with capital initials",
    "capitalize": "{} starting with a capital",
    "length": "number of {}",
    "count": "number of {}",
    "wordcount": "number of words in {}",
    "first": "first of {}",
    "last": "last of {}",
    "sum": "sum of {}",
    "min": "smallest of {}",
    "max": "largest of {}",
    "sort": "{} sorted",
    "reverse": "{} reversed",
    "unique": "{} without repeats",
    "join": "{} joined",
    "tojson": "{} as JSON",
    "abs": "{} without its sign",
    "round": "{} rounded",
    "trim": "{}",
    "int": "{}",
    "float": "{}",
    "string": "{}",
    "list": "{}",
}
# Comparison words: plain, and when one side is a date.
_COMPARE = {
    "eq": ("is", "is"),
    "ne": ("is not", "is not"),
    "lt": ("is less than", "is before"),
    "gt": ("is more than", "is after"),
    "lteq": ("is at most", "is on or before"),
    "gteq": ("is at least", "is on or after"),
}
_EMPTY_VALUES = ("", 0, None)


class _Unsayable(Exception):
    """A part of the condition has no words here: the whole falls back."""


@dataclass(frozen=True)
class _Value:
    """Words for a value, and its type when known ("date", "yes/no", "User" …)."""

    words: str
    type: str = ""
    search: bool = False  # things found by a search: "there are no Users whose …"

    def empty(self, negated: bool = False) -> str:
        if self.search:
            return f"there are {self.words}" if negated else f"there are no {self.words}"
        return f"{self.words} is {'not ' if negated else ''}empty"


def plural(name: str) -> str:
    """ "Users", "Boxes", "Companies": a data type's things, as the Search entries say."""
    if name.endswith(("s", "x", "z", "ch", "sh")):
        return f"{name}es"
    if len(name) > 1 and name.endswith("y") and name[-2].lower() not in "aeiou":
        return f"{name[:-1]}ies"
    return f"{name}s"


def date_sample(fmt: str) -> str:
    """What `format_date(fmt)` shows, on a fixed sample day ("Tuesday 01 December")."""
    known = DATE_FORMATS.get(fmt)
    if known is not None:
        return known
    try:
        shown = SAMPLE_DATE.strftime(fmt[:100])
    except (ValueError, UnicodeError):
        return fmt
    return " ".join(shown.split()) or fmt


def name_types(
    workflow: WorkflowDef, data_types: Mapping[str, DataTypeDef], before_step: int | None = None
) -> dict[str, str]:
    """The type of each name a condition of step `before_step` can read (when known)."""
    out = {p.key: str(p.type) for p in workflow.parameters}
    out.update(typed_names(workflow, data_types, before_step))
    out["now"] = DATE
    return out


def describe(
    condition: object,
    types: Mapping[str, str] | None = None,
    data_types: Mapping[str, DataTypeDef] | None = None,
) -> str | None:
    """`step1 | length == 0` → "Result of step 1 is empty"; None when it has no words.

    `types` gives the type of names (see name_types) and `data_types` the
    fields of things, so `user.active` reads "user's active is yes".
    """
    if not isinstance(condition, str) or not condition.strip() or len(condition) > SOURCE_LIMIT:
        return None
    return _described(condition, _key(types or {}), _key(data_types or {}))


def _key(mapping: Mapping[str, _T]) -> tuple[tuple[str, _T], ...]:
    return tuple(sorted(mapping.items(), key=lambda item: item[0]))


@lru_cache(maxsize=1024)  # the cards are drawn again after each edit and each run
def _described(
    condition: str,
    types: tuple[tuple[str, str], ...],
    data_types: tuple[tuple[str, DataTypeDef], ...],
) -> str | None:
    try:
        parser = Parser(environment(), condition, state="variable")
        tree = parser.parse_expression()
        if not parser.stream.eos:
            return None
        return _Describer(dict(types), dict(data_types)).truth(tree, 0)
    except (TemplateError, RecursionError, _Unsayable, UnicodeError, ValueError):
        return None


def describe_value(
    expression: object,
    types: Mapping[str, str] | None = None,
    data_types: Mapping[str, DataTypeDef] | None = None,
) -> str | None:
    """A value's words (`(user.name or '') | title` → "user's name with capital
    initials"); a test or comparison reads as a condition; None when it has none."""
    if not isinstance(expression, str) or not expression.strip():
        return None
    if len(expression) > SOURCE_LIMIT:
        return None
    try:
        parser = Parser(environment(), expression, state="variable")
        tree = parser.parse_expression()
        if not parser.stream.eos:
            return None
        describer = _Describer(types or {}, data_types or {})
        if isinstance(tree, nodes.Compare | nodes.Test | nodes.And | nodes.Not):
            return describer.truth(tree, 0)
        return describer.value(tree, 0).words
    except (TemplateError, RecursionError, _Unsayable, UnicodeError, ValueError):
        return None


class _Describer:
    def __init__(self, types: Mapping[str, str], data_types: Mapping[str, DataTypeDef]) -> None:
        self.types = types
        self.data_types = data_types

    # --- conditions: what must hold ---------------------------------------------------

    def truth(self, node: nodes.Node, depth: int) -> str:
        """Words for `node` taken as a condition (true or false)."""
        depth = _deeper(depth)
        if isinstance(node, nodes.And | nodes.Or):
            return self._joined(node, depth)
        if isinstance(node, nodes.Not):
            return self._negated(node.node, depth)
        if isinstance(node, nodes.Compare) and len(node.ops) == 1:
            return self._compare(node.expr, node.ops[0], depth)
        if isinstance(node, nodes.Test):
            return self._test(node, depth)
        if isinstance(node, nodes.Const) and isinstance(node.value, bool):
            return "always" if node.value else "never"
        value = self.value(node, depth)
        if value.type == YES_NO:
            return f"{value.words} is yes"
        return value.empty(negated=True)

    def _joined(self, node: nodes.And | nodes.Or, depth: int) -> str:
        word = "and" if isinstance(node, nodes.And) else "or"
        parts: list[str] = []
        for side in (node.left, node.right):
            text = self.truth(side, depth)
            other = nodes.Or if word == "and" else nodes.And
            if isinstance(side, other):
                text = f"either {text}" if other is nodes.Or else f"({text})"
            parts.append(text)
        if parts[0] == parts[1]:  # `x is not none and x != ''`: one "x is not empty"
            return parts[0]
        return f"{parts[0]} {word} {parts[1]}"

    def _negated(self, inner: nodes.Node, depth: int) -> str:
        if isinstance(inner, nodes.Compare) and len(inner.ops) == 1:
            flipped = {"eq": "ne", "ne": "eq", "in": "notin", "notin": "in"}.get(inner.ops[0].op)
            if flipped is not None:
                return self._compare(inner.expr, nodes.Operand(flipped, inner.ops[0].expr), depth)
        if isinstance(inner, nodes.Test):
            return self._test(inner, depth, negated=True)
        if isinstance(inner, nodes.And | nodes.Or | nodes.Not | nodes.Compare):
            raise _Unsayable
        value = self.value(inner, depth)
        if value.type == YES_NO:
            return f"{value.words} is no"
        return value.empty()

    def _compare(self, left: nodes.Node, operand: nodes.Operand, depth: int) -> str:
        op, right = operand.op, operand.expr
        if op in ("in", "notin"):
            return self._contains(left, right, op == "notin", depth)
        emptiness = self._emptiness(left, op, right, depth)
        if emptiness is not None:
            return emptiness
        lhs, rhs = self.value(left, depth), self.value(right, depth)
        plain, dated = _COMPARE[op]
        return f"{lhs.words} {dated if DATE in (lhs.type, rhs.type) else plain} {rhs.words}"

    def _emptiness(self, left: nodes.Node, op: str, right: nodes.Node, depth: int) -> str | None:
        """`x == none`, `x == ''`, `x | length == 0`, `x | length > 0` … in words."""
        if isinstance(left, nodes.Const) and not isinstance(right, nodes.Const):
            left, right = right, left
            op = {"lt": "gt", "gt": "lt", "lteq": "gteq", "gteq": "lteq"}.get(op, op)
        if not isinstance(right, nodes.Const):
            return None
        if isinstance(left, nodes.Filter) and left.name in ("length", "count") and left.node:
            if right.value == 0 and op in ("eq", "lteq"):
                return self.value(left.node, depth).empty()
            if (right.value == 0 and op in ("ne", "gt")) or (right.value == 1 and op == "gteq"):
                return self.value(left.node, depth).empty(negated=True)
            return None
        if right.value is None or (right.value == "" and isinstance(right.value, str)):
            if op == "eq":
                return self.value(left, depth).empty()
            if op == "ne":
                return self.value(left, depth).empty(negated=True)
        return None

    def _contains(self, item: nodes.Node, within: nodes.Node, negated: bool, depth: int) -> str:
        what = self.value(item, depth).words
        if isinstance(within, nodes.List | nodes.Tuple):
            if not within.items:
                raise _Unsayable
            choices = [self.value(choice, depth).words for choice in within.items]
            listed = (
                choices[0] if len(choices) == 1 else f"{', '.join(choices[:-1])} or {choices[-1]}"
            )
            return f"{what} is {'not ' if negated else ''}{listed}"
        holder = self.value(within, depth).words
        return f"{what} is {'not ' if negated else ''}in {holder}"

    def _test(self, node: nodes.Test, depth: int, negated: bool = False) -> str:
        value = self.value(node.node, depth)
        words = {
            "none": ("", ""),
            "defined": ("is given", "is not given"),
            "undefined": ("is not given", "is given"),
            "true": ("is yes", "is not yes"),
            "false": ("is no", "is not no"),
            "even": ("is even", "is odd"),
            "odd": ("is odd", "is even"),
            "number": ("is a number", "is not a number"),
            "string": ("is a text", "is not a text"),
        }.get(node.name)
        if words is None or node.args or node.kwargs:
            raise _Unsayable
        if node.name == "none":
            return value.empty(negated)
        return f"{value.words} {words[1] if negated else words[0]}"

    # --- values ---------------------------------------------------------------------

    def value(self, node: nodes.Node, depth: int) -> _Value:
        depth = _deeper(depth)
        if isinstance(node, nodes.Name):
            return self._name(node.name)
        if isinstance(node, nodes.Getattr):
            return self._field(node.node, node.attr, depth)
        if isinstance(node, nodes.Getitem):
            key = node.arg
            if isinstance(key, nodes.Const) and isinstance(key.value, str):
                return self._field(node.node, key.value, depth)
            if isinstance(key, nodes.Const) and type(key.value) is int and 0 <= key.value < 1000:
                inner = self.value(node.node, depth)
                return _Value(f"item {key.value + 1} of {inner.words}", _item(inner.type))
            raise _Unsayable
        if isinstance(node, nodes.Const):
            return _literal(node.value)
        if isinstance(node, nodes.Filter):
            return self._filter(node, depth)
        if isinstance(node, nodes.Or):
            return self._or_empty(node, depth)
        if isinstance(node, nodes.CondExpr):
            # `current_user.id if current_user else ''`: the none-safe form of a value
            if isinstance(node.expr2, nodes.Const) and node.expr2.value in _EMPTY_VALUES:
                return self.value(node.expr1, depth)
            raise _Unsayable
        if isinstance(node, nodes.Add | nodes.Sub | nodes.Mul | nodes.Div):
            sign = {nodes.Add: "+", nodes.Sub: "−", nodes.Mul: "×", nodes.Div: "÷"}[type(node)]
            left, right = self.value(node.left, depth), self.value(node.right, depth)
            return _Value(f"{left.words} {sign} {right.words}", left.type or right.type)
        if isinstance(node, nodes.Neg) and isinstance(node.node, nodes.Const):
            return _literal(-node.node.value) if _is_number(node.node.value) else _unsayable()
        if isinstance(node, nodes.Call):
            return self._search(node, depth)
        raise _Unsayable

    def _name(self, name: str) -> _Value:
        kind = self.types.get(name, "")
        if name.startswith("step") and name[4:].isdigit() and not name[4:].startswith("0"):
            return _Value(f"Result of step {name[4:]}", kind)
        if name in _NAMES:
            return _Value(_NAMES[name], DATE if name == "now" else kind)
        if name == "run":
            return _Value("this run")
        return _Value(name, kind)

    def _field(self, holder: nodes.Node, field: str, depth: int) -> _Value:
        if isinstance(holder, nodes.Name) and holder.name == "run" and field in _RUN_FIELDS:
            return _Value(_RUN_FIELDS[field], DATE if field == "scheduled_for" else "")
        owner = self.value(holder, depth)
        definition = self.data_types.get(owner.type)
        found = definition.field(field) if definition is not None else None
        kind = str(found.type) if found is not None else ""
        return _Value(f"{owner.words}'s {field}", kind)

    def _filter(self, node: nodes.Filter, depth: int) -> _Value:
        if node.node is None:
            raise _Unsayable
        inner = self.value(node.node, depth)
        args = node.args
        if node.name in _UNITS and len(args) <= 1 and not node.kwargs:
            count = _number(args[0]) if args else 1
            sign = "−" if count < 0 else "+"
            count = abs(count)
            unit = _UNITS[node.name] + ("" if count == 1 else "s")
            return _Value(f"{inner.words} {sign} {count:g} {unit}", DATE)
        if node.name == "format_date" and len(args) == 1 and isinstance(args[0], nodes.Const):
            if not isinstance(args[0].value, str):
                raise _Unsayable
            return _Value(f"{inner.words} written like {date_sample(args[0].value)}", "text")
        if node.name == "default" and len(args) == 1:
            fallback = self.value(args[0], depth)
            return _Value(f"{inner.words} (or {fallback.words} when empty)", inner.type)
        pattern = FILTER_WORDS.get(node.name)
        if pattern is None or args or node.kwargs:
            raise _Unsayable
        kind = "number" if node.name in ("length", "count") else inner.type
        if node.name in ("first", "last"):
            kind = _item(inner.type)
        return _Value(pattern.replace("{}", inner.words), kind)

    def _or_empty(self, node: nodes.Or, depth: int) -> _Value:
        """`x or ''`, `x or 0`, `x or []`: the none-safe forms Insert data writes."""
        right = node.right
        if (isinstance(right, nodes.Const) and right.value in _EMPTY_VALUES) or (
            isinstance(right, nodes.List)
            and all(isinstance(i, nodes.Const) and i.value is None for i in right.items)
        ):
            return self.value(node.left, depth)
        raise _Unsayable

    def _search(self, node: nodes.Call, depth: int) -> _Value:
        """`search("User", email="…")` → "Users whose email is “…”"."""
        target = node.node
        if not (isinstance(target, nodes.Name) and target.name == "search"):
            raise _Unsayable
        if len(node.args) != 1 or not isinstance(node.args[0], nodes.Const):
            raise _Unsayable
        type_name = node.args[0].value
        if not isinstance(type_name, str) or node.dyn_args or node.dyn_kwargs:
            raise _Unsayable
        words = plural(type_name)
        wheres = [f"{kw.key} is {self.value(kw.value, depth).words}" for kw in node.kwargs]
        if wheres:
            words += " whose " + " and ".join(wheres)
        return _Value(words, f"list of {type_name}", search=True)


def _deeper(depth: int) -> int:
    if depth >= DEPTH_LIMIT:
        raise _Unsayable
    return depth + 1


def _unsayable() -> _Value:
    raise _Unsayable


def _item(type_name: str) -> str:
    return type_name.removeprefix("list of ") if type_name.startswith("list of ") else ""


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(node: nodes.Node) -> float:
    if isinstance(node, nodes.Const) and _is_number(node.value):
        value = float(node.value)
    elif (
        isinstance(node, nodes.Neg)
        and isinstance(node.node, nodes.Const)
        and _is_number(node.node.value)
    ):
        value = -float(node.node.value)
    else:
        raise _Unsayable
    if not abs(value) < 1e9:  # also NaN and infinity
        raise _Unsayable
    return value


def _literal(value: object) -> _Value:
    if value is None:
        return _Value("empty")
    if isinstance(value, bool):
        return _Value("yes" if value else "no", YES_NO)
    if _is_number(value):
        number = float(value)  # type: ignore[arg-type]
        if not abs(number) < 1e15:
            raise _Unsayable
        return _Value(f"{value:,}" if isinstance(value, int) else f"{number:g}", "number")
    if isinstance(value, str):
        if not value:
            return _Value("empty text", "text")
        if len(value) > 60 or not value.isprintable():
            raise _Unsayable
        return _Value(f"“{value}”", "text")
    raise _Unsayable
