"""Expressions: Jinja2 in a sandbox, per PRODUCT §2.

A text input is a template; an input that is exactly one `{{ … }}` keeps the
native value; a condition is a bare expression. Everything is compiled (and
its names checked) when a workflow is saved or imported, so unknown names and
syntax errors are reported before anything runs.
"""

from __future__ import annotations

import calendar
import ctypes
import itertools
import json
import math
import operator
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache, wraps
from types import TracebackType
from typing import Any

from jinja2 import (
    StrictUndefined,
    TemplateError,
    Undefined,
    meta,
    nodes,
    pass_environment,
    pass_eval_context,
)
from jinja2 import filters as jinja_filters
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Cycler, Joiner, Namespace

from app.core.things import ThingView
from app.core.types import parse_datetime
from app.errors import BadInput, ExpressionError

# Names every expression may use besides parameters and step results.
BASE_NAMES = frozenset({"now", "current_user", "run", "search", "secret"})
TRIGGER_NAMES = frozenset({"thing_before", "thing_now"})
JINJA_GLOBALS = frozenset({"range", "dict", "namespace", "cycler", "joiner"})
EVAL_SECONDS = 2.0  # one expression may compute this long, then it is stopped
# What expressions may compute while their caller holds the database's write
# lock (a run's open transaction, a change firing triggers): others wait meanwhile.
LOCKED_SECONDS = 0.1
WATCH_SECONDS = 0.05  # how often the watchdog looks at the clock
WALL_FACTOR = 10  # the wall-clock backstop, as a multiple of the computing time
# A width or precision of a million or more in a format: %-style (and strftime's
# %9999999Y) or a {…:…} replacement field. Digits elsewhere in a text are no width.
_HUGE_WIDTH = re.compile(r"%(?:\([^)]*\))?[-+ #0_^]*\d{7,}|\{[^{}]*:[^{}]*\d{7,}")
_FORMAT_FILTERS = frozenset({"format", "format_date"})  # filters whose text is a format
_NUMBER = re.compile(r"\d+")
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-+ #0_^]*(\d*)(?:\.(\d*))?")  # width, precision
_BRACE_FIELD = re.compile(r"\{[^{}]*\}")  # a {…} replacement field

MAX_STRING = 1_000_000
# What one evaluation may write out in all, counting text that a `{% set %}` block
# or a macro captures and throws away (each piece costs its length plus 8).
MAX_WRITTEN = 4 * MAX_STRING
MAX_LIST = 100_000
MAX_POWER = 10_000
MAX_INT_BITS = 100_000
# `{{-` / `-}}` are Jinja's whitespace control, not part of the expression.
_SINGLE = re.compile(r"^\s*\{\{-?(?P<expr>.*?)-?\}\}\s*$", re.DOTALL)


def _to_datetime(value: Any) -> datetime:
    _native(value)  # an undefined name fails here, naming the name
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return parse_datetime(value)
    raise ExpressionError(f"expected a date, got {type(value).__name__}")


def _add_months(value: Any, months: int) -> datetime | None:
    if value is None:
        return None
    stamp = _to_datetime(value)
    index = stamp.year * 12 + stamp.month - 1 + int(months)
    year, month = divmod(index, 12)
    day = min(stamp.day, calendar.monthrange(year, month + 1)[1])
    return stamp.replace(year=year, month=month + 1, day=day)


def _add_wall(unit: str) -> Callable[[Any, float], datetime | None]:
    """Days and weeks keep the wall-clock time in the date's own zone."""

    def add(value: Any, amount: float) -> datetime | None:
        if value is None:
            return None
        return _to_datetime(value) + timedelta(**{unit: amount})

    return add


def _add_elapsed(unit: str) -> Callable[[Any, float], datetime | None]:
    """Minutes and hours are elapsed time, whatever a DST change does."""

    def add(value: Any, amount: float) -> datetime | None:
        if value is None:
            return None
        stamp = _to_datetime(value)
        moved = stamp.astimezone(UTC) + timedelta(**{unit: amount})
        return moved.astimezone(stamp.tzinfo)

    return add


def _format_date(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return _to_datetime(value).strftime(fmt)


FILTERS: dict[str, Callable[..., Any]] = {
    "add_minutes": _add_elapsed("minutes"),
    "add_hours": _add_elapsed("hours"),
    "add_days": _add_wall("days"),
    "add_weeks": _add_wall("weeks"),
    "add_months": _add_months,
    "add_years": lambda value, years: _add_months(value, int(years) * 12),
    "format_date": _format_date,
}


def _size(value: Any, budget: int = MAX_STRING) -> int:
    """About how many characters `value` takes as text, a shared part counted
    each time it appears (as str() or JSON would write it out); the walk stops
    once past `budget`, so it costs at most that many steps."""
    total = 0
    stack = [value]
    while stack and total <= budget:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, bool) or item is None:
            total += 5
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 1
        elif isinstance(item, Mapping):
            total += 2 * len(item) + 2
            if total <= budget:
                stack.extend(itertools.chain.from_iterable(item.items()))
        elif isinstance(item, list | tuple | set | frozenset):
            total += len(item) + 2
            if total <= budget:
                stack.extend(item)
        elif isinstance(item, Namespace):  # `namespace(…)` holds what it is given
            total += 8
            stack.append(object.__getattribute__(item, "_Namespace__attrs"))
        elif isinstance(item, Cycler):
            total += 8
            stack.append(item.items)
        elif isinstance(item, Joiner):
            total += 8
            stack.append(item.sep)
        else:
            total += 8
    return total


def _refuse_over(size: int, what: str = "result too large") -> None:
    if size > MAX_STRING:
        raise SecurityError(what)


def _limit(value: Any) -> Any:
    """Refuse a value too big to keep building on (texts, containers, integers)."""
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            raise SecurityError("result too large")
    elif isinstance(value, int):
        if value.bit_length() > MAX_INT_BITS:
            raise SecurityError("number too large")
    elif isinstance(value, list | tuple | dict | set | frozenset | Namespace | Cycler | Joiner):
        _refuse_over(_size(value))
    return value


def _count_written(text: str) -> str:
    """Count a piece of template output against the evaluation's MAX_WRITTEN.

    A template's output (and what a `{% set %}` block or a macro captures) is
    a list of pieces that only Python code appends to, so no size check sees
    it grow: 3,000 pieces of a million characters took 1.4 GB in 0.6 s.
    """
    watch = _watches.get(threading.get_ident())
    if watch is not None:
        watch.written += len(text) + 8
        if watch.written > MAX_WRITTEN:
            raise SecurityError("output too large")
    return text


def _int_operands(left: Any, right: Any) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in (left, right))


def _format_size(fmt: str, args: Any) -> int:
    """An upper bound of what `fmt % args` or `fmt.format(...)` writes: widths and
    precisions are numbers in the format or in the arguments (`%*s`, `{:{}}`)."""
    head = fmt[:MAX_STRING]
    numbers = sum(int(n) for spec in _PERCENT_SPEC.findall(head) for n in spec if n)
    numbers += sum(int(n) for field in _BRACE_FIELD.findall(head) for n in _NUMBER.findall(field))
    values = args if isinstance(args, tuple | list) else (args,)
    if isinstance(args, Mapping):
        values = tuple(args.values())
    widths = sum(
        abs(v) for v in values if isinstance(v, int) and not isinstance(v, bool) and abs(v) < 10**7
    )
    return len(fmt) + numbers + widths + _size(values)


def _checked_str_method(method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Bound what a text's own method may build before it runs (one C call)."""
    text, name = method.__self__, method.__name__
    if name == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        count = text.count(old) if old else len(text) + 1
        if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
            count = min(count, args[2])
        _refuse_over(len(text) + count * max(0, len(new) - len(old)))
    elif name == "expandtabs":
        width = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(width, int):
            _refuse_over(len(text) + text.count("\t") * width)
    elif name == "translate" and args and isinstance(args[0], Mapping):
        longest = max((_size(v) for v in args[0].values()), default=1)
        _refuse_over(len(text) * max(longest, 1))
    elif name in ("format", "format_map"):
        _refuse_over(_format_size(text, (*args, *kwargs.values())), "format width too large")


class _CodeGenerator(CodeGenerator):
    """Routes `~`, container literals and template output through the size
    limits: Jinja compiles them to plain Python (a join, a list display, a
    list append) that no hook sees."""

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        self.write("environment.count_written(")
        super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        super()._output_child_post(node, frame, finalize)
        self.write(")")

    def _output_const_repr(self, group: Iterable[Any]) -> str:
        return f"environment.count_written({super()._output_const_repr(group)})"

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.concat_limited((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def visit_List(self, node: nodes.List, frame: Frame) -> None:
        self.write("environment.limit(")
        super().visit_List(node, frame)
        self.write(")")

    def visit_Dict(self, node: nodes.Dict, frame: Frame) -> None:
        self.write("environment.limit(")
        super().visit_Dict(node, frame)
        self.write(")")

    def visit_Tuple(self, node: nodes.Tuple, frame: Frame) -> None:
        if node.ctx != "load":  # an assignment target (`{% set a, b = … %}`)
            super().visit_Tuple(node, frame)
            return
        self.write("environment.limit(")
        super().visit_Tuple(node, frame)
        self.write(")")


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox plus limits on operators, calls and filters that can build huge values.

    Built-in operations written in C (`*`, `+`, `join`, `sum`, `str()` …) run
    to the end once started: neither the time guard nor a signal can stop
    them. So whatever they would build is sized up front and refused there.
    """

    code_generator_class = _CodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    @staticmethod
    def limit(value: Any) -> Any:
        return _limit(value)

    @staticmethod
    def count_written(text: str) -> str:
        return _count_written(text)

    @staticmethod
    def concat_limited(parts: tuple[Any, ...]) -> str:
        _refuse_over(sum(_size(part) for part in parts))
        text = "".join(map(str, parts))
        _limit(text)
        return text

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "**":
            if isinstance(right, int | float) and abs(right) > MAX_POWER:
                raise SecurityError("exponent too large")
            if (
                _int_operands(left, right)
                and right > 0
                and (abs(left).bit_length() * right > MAX_INT_BITS)
            ):
                raise SecurityError("number too large")
            return operator.pow(left, right)
        if operator_ == "*":
            for seq, count in ((left, right), (right, left)):
                sized = isinstance(seq, str | list | tuple) and isinstance(count, int)
                if sized and count > 0 and _size(seq) * count > MAX_STRING:
                    raise SecurityError("result too large")
            if _int_operands(left, right) and (
                abs(left).bit_length() + abs(right).bit_length() > MAX_INT_BITS
            ):
                raise SecurityError("number too large")
            return operator.mul(left, right)
        if operator_ == "%":
            if isinstance(left, str):
                if _HUGE_WIDTH.search(left):
                    raise SecurityError("format width too large")
                _refuse_over(_format_size(left, right), "format width too large")
            return _limit(operator.mod(left, right))
        if isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
            _refuse_over(_size(left) + _size(right))
        return _limit(operator.add(left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_arguments(args, kwargs, formats=getattr(__obj, "__name__", None) == "strftime")
        if isinstance(getattr(__obj, "__self__", None), str):
            _checked_str_method(__obj, args, kwargs)
        return _limit(super().call(__context, __obj, *args, **kwargs))

    # A thing shows an expression its fields and `id`, nothing else (PRODUCT §2):
    # an allow-list, so no Python attribute of the view (its stored values, its
    # loader, its data type) is reachable by dot, subscript, `attr`, the
    # `attribute=` of filters or `'{0.x}'.format`, which all come through here.

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, ThingView):
            return False  # read only through _thing_member
        return bool(super().is_safe_attribute(obj, attr, value))

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, ThingView):
            return self._thing_member(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, ThingView):
            return self._thing_member(obj, argument)
        return super().getitem(obj, argument)

    def _thing_member(self, thing: ThingView, name: Any) -> Any:
        if name == "id":
            return thing.id
        if isinstance(name, str) and thing.data_type.field(name) is not None:
            return thing.field_value(name)
        return self.undefined(
            hint=f"{thing.type_name} has no field {str(name)[:100]!r}", obj=thing, name=name
        )

    def wrap_str_format(self, value: Any) -> Any:
        """`'…'.format` is reached by attribute: refuse huge widths before it runs."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        fmt = value.__self__
        if _HUGE_WIDTH.search(fmt):
            raise SecurityError("format width too large")

        @wraps(wrapped)
        def format_sized(*args: Any, **kwargs: Any) -> Any:
            _refuse_over(_format_size(fmt, (*args, *kwargs.values())), "format width too large")
            return wrapped(*args, **kwargs)

        return format_sized


# Checked per evaluation: tuples, as `list | tuple …` makes a new union object each time.
_CONTAINERS = (list, tuple, dict, set, frozenset)
_NESTED = (list, tuple, dict)


def _finalize(value: Any) -> Any:
    """What `{{ … }}` writes into a text: a container is sized before str() expands it."""
    if isinstance(value, _CONTAINERS):
        _refuse_over(_size(value))
    return value


def _check_arguments(args: Any, kwargs: Any, *, formats: bool = False) -> None:
    """Refuse widths and counts that would build a huge value in one C call.

    Texts are looked at only where they are formats (`formats`): elsewhere
    `%` and digits are just text (a URL-encoded secret, "50% of 1234567").
    """
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_STRING:
            raise SecurityError("argument too large")
        if formats and isinstance(value, str) and _HUGE_WIDTH.search(value):
            raise SecurityError("format width too large")


def _items(value: Any, attribute: Any = None, environment: Any = None) -> list[Any]:
    """An iterable as a list of at most MAX_LIST items (or refused), read by `attribute`."""
    if isinstance(value, Mapping):
        value = value.keys()
    items = list(itertools.islice(iter(value), MAX_LIST + 1))
    if len(items) > MAX_LIST:
        raise SecurityError("too many items")
    if attribute is not None and environment is not None:
        get = jinja_filters.make_attrgetter(environment, attribute)
        items = [get(item) for item in items]
    return items


@pass_eval_context
def _join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
    items = _items(value, attribute, eval_ctx.environment)
    _refuse_over(sum(_size(item) for item in items) + len(str(d)) * len(items))
    return str(jinja_filters.do_join(eval_ctx, items, d))


@pass_environment
def _sum(environment: Any, iterable: Any, attribute: Any = None, start: Any = 0) -> Any:
    items = _items(iterable, attribute, environment)
    if isinstance(start, list | tuple):
        # Built-in sum copies the growing list at every step: quadratic work in
        # one C call. Chained once instead, after sizing the result.
        _refuse_over(_size(start) + sum(_size(item) for item in items))
        for item in items:
            if not isinstance(item, type(start)):
                raise TypeError(
                    f'can only concatenate {type(start).__name__} (not "{type(item).__name__}")'
                )
        return type(start)(itertools.chain(start, *items))
    return _limit(sum(items, start))


def _stringified(index: int = 0) -> Callable[..., None]:
    """A filter that writes its argument out as text: size a container first."""

    def check(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        if len(args) > index:
            _finalize(args[index])

    return check


def _check_replace(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    if len(args) >= 4:  # (eval_ctx, s, old, new, count)
        text, old, new = (str(_finalize(a)) for a in args[1:4])
        count = text.count(old) if old else len(text) + 1
        limit = args[4] if len(args) > 4 else kwargs.get("count")
        if isinstance(limit, int) and limit >= 0:
            count = min(count, limit)
        _refuse_over(len(text) + count * max(0, len(new) - len(old)))


def _check_indent(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    text = str(_finalize(args[0])) if args else ""
    width = args[1] if len(args) > 1 else kwargs.get("width", 4)
    width = len(width) if isinstance(width, str) else width
    if isinstance(width, int):
        _refuse_over(len(text) + (text.count("\n") + 1) * abs(width))


def _check_wordwrap(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    text = str(_finalize(args[1])) if len(args) > 1 else ""  # (environment, s, width, …)
    wrap = args[4] if len(args) > 4 else kwargs.get("wrapstring")
    if wrap is not None:
        # at most one break per character of the text
        _refuse_over(len(text) + (len(text) + 1) * len(str(wrap)))


def _check_format(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    if args and isinstance(args[0], str):
        _refuse_over(_format_size(args[0], (*args[1:], *kwargs.values())), "format width too large")


# Checks run before a filter: its arguments as Jinja passes them (context first
# for the filters that take one).
_FILTER_CHECKS: dict[str, Callable[[tuple[Any, ...], dict[str, Any]], None]] = {
    "replace": _check_replace,
    "indent": _check_indent,
    "wordwrap": _check_wordwrap,
    "format": _check_format,
    "center": _stringified(),
    "truncate": _stringified(1),
    "string": _stringified(),
    "pprint": _stringified(),
    "e": _stringified(),
    "escape": _stringified(),
    "forceescape": _stringified(),
    "urlize": _stringified(1),
    "striptags": _stringified(),
    "trim": _stringified(),
    "upper": _stringified(),
    "lower": _stringified(),
    "title": _stringified(),
    "capitalize": _stringified(),
    "urlencode": _stringified(),
    "xmlattr": _stringified(1),
    "wordcount": _stringified(),
    "safe": _stringified(),
}


def _bounded_json(value: Any, **kwargs: Any) -> str:
    """json.dumps that stops writing once the text grows past MAX_STRING.

    (The pure-Python encoder yields piece by piece; the C one builds it all first.)
    """
    indent = kwargs.get("indent")
    if isinstance(indent, int) and indent > 100:
        raise SecurityError("argument too large")
    pieces = []
    written = 0
    for piece in json.JSONEncoder(**kwargs).iterencode(value):
        written += len(piece)
        if written > MAX_STRING:
            raise SecurityError("result too large")
        pieces.append(piece)
    return "".join(pieces)


def _limited_filter(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    before = _FILTER_CHECKS.get(name)

    @wraps(fn)  # keeps Jinja's pass_context / pass_environment markers
    def run(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(args[1:], kwargs, formats=name in _FORMAT_FILTERS)
        value = args[0] if args else None
        if name == "format" and isinstance(value, str) and _HUGE_WIDTH.search(value):
            raise SecurityError("format width too large")
        if before is not None:
            before(args, kwargs)
        return _limit(fn(*args, **kwargs))

    return run


@lru_cache(maxsize=1)
def environment() -> _Sandbox:
    env = _Sandbox(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.globals.pop("lipsum", None)  # lorem ipsum generator: no use here, and a memory bomb
    env.policies["json.dumps_function"] = _bounded_json
    env.filters.update(FILTERS)
    env.filters["join"] = _join
    env.filters["sum"] = _sum
    env.filters["list"] = lambda value: _items(value)
    env.filters = {name: _limited_filter(name, fn) for name, fn in env.filters.items()}
    return env


@dataclass(frozen=True)
class Compiled:
    """One compiled input: a literal, a native expression, or a text template."""

    source: str
    kind: str  # "literal" | "native" | "template"
    _fn: Callable[[Mapping[str, Any]], Any] | None = None
    bounded: bool = False  # names, fields and comparisons only: cannot run away (see _bounded)

    def evaluate(self, names: Mapping[str, Any]) -> Any:
        if self._fn is None:
            return self.source
        return self._fn(names)


def is_template(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text


@lru_cache(maxsize=4096)
def compile_input(source: str) -> Compiled:
    """Compile a text input; raise ExpressionError on a syntax error."""
    if not is_template(source):
        return Compiled(source, "literal")
    env = environment()
    single = _SINGLE.match(source)
    try:
        tree = env.parse(source)
        bounded = _bounded(tree)
        plan = _path_plan(tree)
        if single and "}}" not in single["expr"] and "{{" not in single["expr"]:
            expr = env.compile_expression(single["expr"], undefined_to_none=False)

            def native(names: Mapping[str, Any]) -> Any:
                return _native(expr(**names))

            if plan is not None and len(plan) == 1 and isinstance(plan[0], tuple):
                return Compiled(source, "native", _fast_native(plan[0], native), bounded)
            return Compiled(source, "native", native, bounded)
        template = env.from_string(source)

        def render(names: Mapping[str, Any]) -> Any:
            return template.render(**names)

        if plan is not None:
            return Compiled(source, "template", _fast_template(plan, render), bounded)
        return Compiled(source, "template", render, bounded)
    except TemplateError as exc:
        raise ExpressionError(_reason(exc)) from None


# Most inputs are text with `{{ name }}` or `{{ name.field }}` in it. Such an
# input is evaluated by following its paths through the sandbox's own getattr
# (the same allow-list) instead of building a Jinja context per call — a third
# of a data run's Python time (issue 18). Whatever the fast path does not meet
# exactly (a name it was not given — a global —, an undefined field) is left to
# Jinja, which then gives its own result or error.

_Path = tuple[str, ...]


class _Unplanned(Exception):
    """The fast path met something only Jinja answers: evaluate the usual way."""


def _path_plan(tree: nodes.Template) -> list[str | _Path] | None:
    """The template as text pieces and `name.field…` paths; None if it is anything else."""
    if len(tree.body) != 1 or not isinstance(tree.body[0], nodes.Output):
        return None
    plan: list[str | _Path] = []
    for node in tree.body[0].nodes:
        if isinstance(node, nodes.TemplateData):
            plan.append(node.data)
            continue
        fields: list[str] = []
        while isinstance(node, nodes.Getattr):
            fields.append(node.attr)
            node = node.node
        if not isinstance(node, nodes.Name) or node.ctx != "load":
            return None
        plan.append((node.name, *reversed(fields)))
    return plan


def _follow(path: _Path, names: Mapping[str, Any]) -> Any:
    try:
        value = names[path[0]]
    except KeyError:
        raise _Unplanned from None
    env = environment()
    for field_name in path[1:]:
        value = env.getattr(value, field_name)
    if isinstance(value, Undefined):
        raise _Unplanned
    return value


def _fast_native(
    path: _Path, slow: Callable[[Mapping[str, Any]], Any]
) -> Callable[[Mapping[str, Any]], Any]:
    def evaluate(names: Mapping[str, Any]) -> Any:
        try:
            value = _follow(path, names)
        except _Unplanned:
            return slow(names)
        return _native(value)

    return evaluate


def _fast_template(
    plan: list[str | _Path], slow: Callable[[Mapping[str, Any]], Any]
) -> Callable[[Mapping[str, Any]], Any]:
    def render(names: Mapping[str, Any]) -> Any:
        try:
            values = [part if isinstance(part, str) else _follow(part, names) for part in plan]
        except _Unplanned:
            return slow(names)
        return "".join(
            _count_written(value if isinstance(part, str) else str(_finalize(value)))
            for part, value in zip(plan, values, strict=True)
        )

    return render


@lru_cache(maxsize=4096)
def compile_condition(source: str) -> Compiled:
    """Compile a bare expression such as `birthday is not none`."""
    try:
        expr = environment().compile_expression(source, undefined_to_none=False)
        bounded = _bounded(environment().parse("{{ " + source + " }}"))
    except TemplateError as exc:
        raise ExpressionError(_reason(exc)) from None
    return Compiled(source, "native", lambda names: _native(expr(**names)), bounded)


# What an expression made only of these does is bounded by the size of what it
# reads (a field, an item, a comparison): it is evaluated without the time guard,
# which is most of what a step's inputs are (`{{ user }}`, `{{ step1.email }}`).
_BOUNDED_NODES = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Getattr,
    nodes.Getitem, nodes.Const, nodes.Not, nodes.And, nodes.Or, nodes.Compare,
    nodes.Operand, nodes.CondExpr, nodes.Test,
)  # fmt: skip
_BOUNDED_TESTS = frozenset(
    {"none", "defined", "undefined", "true", "false", "boolean", "number", "string", "mapping"}
)


def _bounded(tree: nodes.Node) -> bool:
    for node in tree.find_all(nodes.Node):
        if not isinstance(node, _BOUNDED_NODES):
            return False
        if isinstance(node, nodes.Test) and (node.name not in _BOUNDED_TESTS or node.args):
            return False
    return True


def _native(value: Any) -> Any:
    if isinstance(value, StrictUndefined):
        str(value)  # raises UndefinedError with Jinja's own message
    if isinstance(value, _NESTED):
        _no_undefined(value)
    return value


def _no_undefined(value: Any) -> None:
    """An undefined inside a native list or mapping (`map(attribute='nope')`) fails here,
    not later when the step's result is recorded."""
    items = value.values() if isinstance(value, dict) else value
    for item in items:
        if isinstance(item, StrictUndefined):
            str(item)
        elif isinstance(item, _NESTED):
            _no_undefined(item)


def names_used(source: str, *, condition: bool = False) -> set[str]:
    """Free names of a template or condition (raise ExpressionError on bad syntax)."""
    try:
        ast = _parse_condition(source) if condition else environment().parse(source)
    except TemplateError as exc:
        raise ExpressionError(_reason(exc)) from None
    unknown = _filters_unknown(ast)
    if unknown:
        return unknown
    try:
        return set(meta.find_undeclared_variables(ast))
    except TemplateError as exc:
        raise ExpressionError(_reason(exc)) from None


def attribute_chains(source: str, *, condition: bool = False) -> set[tuple[str, ...]]:
    """Attribute paths read from free names: `{{ user.manager.email }}` gives
    ("user", "manager", "email"). `user["x"]` counts as `user.x`. Names the
    template itself binds (loop variables, `set`, macro arguments) are left out,
    since their type is not the parameter's. Raise ExpressionError on bad syntax.
    """
    try:
        ast = _parse_condition(source) if condition else environment().parse(source)
    except TemplateError as exc:
        raise ExpressionError(_reason(exc)) from None
    bound = {node.name for node in ast.find_all(nodes.Name) if node.ctx != "load"}
    chains = set()
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        path = _path(node)
        if path is not None and path[0] not in bound:
            chains.add(path)
    return chains


def _path(node: nodes.Node) -> tuple[str, ...] | None:
    if isinstance(node, nodes.Name):
        return (node.name,)
    if isinstance(node, nodes.Getattr):
        attr = node.attr
    elif (
        isinstance(node, nodes.Getitem)
        and isinstance(node.arg, nodes.Const)
        and isinstance(node.arg.value, str)
    ):
        attr = node.arg.value
    else:
        return None
    inner = _path(node.node)
    return None if inner is None else (*inner, attr)


def _parse_condition(source: str) -> nodes.Template:
    """Parse a bare expression the way `compile_expression` does, so a syntax
    error reads the same as at run time (no wrapper characters in it)."""
    env = environment()
    parser = Parser(env, source, state="variable")
    expr = parser.parse_expression()
    if not parser.stream.eos:
        raise TemplateSyntaxError("chunk after expression", parser.stream.current.lineno)
    ast = nodes.Template([nodes.Output([expr], lineno=1)], lineno=1)
    ast.set_environment(env)
    return ast


def _filters_unknown(ast: nodes.Template) -> set[str]:
    """Jinja reports unknown filters only on compile; find them while parsing."""
    unknown = set()
    env = environment()
    for node in ast.find_all((nodes.Filter, nodes.Test)):
        table = env.filters if isinstance(node, nodes.Filter) else env.tests
        if node.name not in table:
            kind = "filter" if isinstance(node, nodes.Filter) else "test"
            unknown.add(f"{kind}:{node.name}")
    return unknown


def check(source: str, allowed: Iterable[str], *, condition: bool = False) -> list[str]:
    """Problems with one template or condition: syntax, unknown names or filters."""
    try:
        used = names_used(source, condition=condition)
        # Compiling would only repeat an unknown filter in Jinja's own words.
        if not any(name.startswith(("filter:", "test:")) for name in used):
            if condition:
                compile_condition(source)
            else:
                compile_input(source)
    except ExpressionError as exc:
        return [exc.reason]
    allowed_set = set(allowed) | BASE_NAMES | JINJA_GLOBALS
    problems = []
    for name in sorted(used - allowed_set):
        if name.startswith(("filter:", "test:")):
            kind, _, real = name.partition(":")
            problems.append(f"unknown {kind} '{real}'")
        else:
            problems.append(f"unknown name '{name}'")
    return problems


def evaluate(value: Any, names: Mapping[str, Any], *, seconds: float = EVAL_SECONDS) -> Any:
    """Evaluate an input value: strings are templates, containers recurse.

    Each template computes for at most `seconds` (see OutOfTime).
    """
    if isinstance(value, str):
        compiled = compile_input(value)
        fn = compiled._fn
        if fn is None:  # a literal text: nothing to compute or to guard
            return compiled.source
        if not compiled.bounded:
            return _guard(lambda: fn(names), seconds)
        try:  # (_guard without a time guard, inline: most inputs are such)
            return fn(names)
        except ExpressionError:
            raise
        except _EVALUATION_ERRORS as exc:
            raise _worded(exc) from None
    if isinstance(value, Mapping):
        return {key: evaluate(item, names, seconds=seconds) for key, item in value.items()}
    if isinstance(value, list):
        return [evaluate(item, names, seconds=seconds) for item in value]
    return value


def timed(value: Any) -> bool:
    """Whether evaluating an input value runs any template under the time guard
    (one that is not bounded: see _bounded). A caller sharing a time budget
    between evaluations need not read the clock for one that is not."""
    if isinstance(value, str):
        compiled = compile_input(value)
        return compiled._fn is not None and not compiled.bounded
    items = value.values() if isinstance(value, Mapping) else value
    if isinstance(items, list) or items is not value:
        for item in items:  # (a loop, not any() over a generator: once per input per step)
            if timed(item):
                return True
    return False


def test_condition(source: str, names: Mapping[str, Any], *, seconds: float = EVAL_SECONDS) -> bool:
    compiled = compile_condition(source)
    return bool(_guard(lambda: compiled.evaluate(names), None if compiled.bounded else seconds))


def within(seconds: float, fn: Callable[[], Any]) -> Any:
    """Run `fn` with every evaluation inside it sharing one deadline `seconds` away
    (they nest: the outer deadline governs); raise OutOfTime when it passes."""
    return _guard(fn, seconds)


class OutOfTime(ExpressionError):
    """An evaluation was stopped after the seconds it was given.

    A caller that gave it less than EVAL_SECONDS (the runner, while it holds
    the write lock) may free what it holds and evaluate again with more.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the expression ran longer than {seconds:.2g} s")
        self.seconds = seconds


# --- the time guard ---------------------------------------------------------------
#
# One watchdog thread per process looks at the running evaluations every
# WATCH_SECONDS and raises _Stopped in the thread of one past its deadline
# (PyThreadState_SetAsyncExc): Python code anywhere in it stops at its next
# loop or call, in a template's own code or in Jinja's filters alike. An
# evaluation costs a dictionary entry; no thread is started per evaluation and
# nothing is traced. C code (a built-in's single call) is not stopped this
# way: it is bounded by the size limits above instead.
#
# A _Stopped that is still pending when its evaluation ends is delivered and
# caught there (_settle), never taken back with PyThreadState_SetAsyncExc(id,
# NULL): on CPython 3.11 that call raises the interpreter-wide "async exception
# pending" flag with nothing to deliver, and no thread ever lowers it again.
# Untraced code does not notice, but from then on the first function that any
# profiled or traced thread calls (sys.setprofile / settrace, cProfile,
# coverage, a debugger) spins at 100 % CPU forever in the interpreter's RESUME
# check (3.12 and 3.13 do not): a repaint probe in the test suite hung so after
# one runaway expression.


class _Stopped(BaseException):
    """Raised in an evaluating thread by the watchdog (a BaseException, so that
    no `except Exception` inside Jinja or a privacy check swallows it)."""


class _Watch:
    """One evaluation's deadlines: the time its thread has computed (where the
    platform tells a thread's CPU time), so that a machine under load or
    threads taking turns at the GIL do not cut an expression short, and a wall
    clock backstop (WALL_FACTOR times as long) for everything else."""

    __slots__ = ("clock", "cpu_deadline", "deadline", "done", "fired", "shield", "written")

    def __init__(self, seconds: float) -> None:
        self.clock = _thread_clock()
        if self.clock is None:
            self.cpu_deadline = math.inf
            self.deadline = time.monotonic() + seconds
        else:
            self.cpu_deadline = time.clock_gettime(self.clock) + seconds
            self.deadline = time.monotonic() + seconds * WALL_FACTOR + WATCH_SECONDS
        self.fired = False  # the watchdog raised _Stopped in its thread
        self.done = False  # the evaluation ended: never fire any more
        self.shield = 0  # inside database reads (see uninterrupted): fire later
        self.written = 0  # template output so far (see _count_written)

    def over(self, now: float) -> bool:
        if now > self.deadline:
            return True
        if self.clock is None:
            return False
        try:
            return time.clock_gettime(self.clock) > self.cpu_deadline
        except OSError:  # (the thread is gone: nothing to stop)
            return False


_clocks = threading.local()


def _thread_clock() -> int | None:
    """The calling thread's CPU-time clock, or None where there is none (Windows).

    Looked up once per thread (an evaluation's start reads it)."""
    try:
        return _clocks.id  # type: ignore[no-any-return]
    except AttributeError:
        pass
    getter = getattr(time, "pthread_getcpuclockid", None)
    clock: int | None = None
    if getter is not None:
        try:
            clock = int(getter(threading.get_ident()))
        except OSError:
            clock = None
    _clocks.id = clock
    return clock


def thread_seconds() -> float:
    """What the calling thread has computed so far (the clock budgets are in)."""
    return time.thread_time()


_watches: dict[int, _Watch] = {}
_watch_lock = threading.Lock()
_watchdog: list[threading.Thread] = []


def _raise_in(thread_id: int, exc: type[BaseException]) -> None:
    """Schedule `exc` in a thread: raised at its next call or loop."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc))


def _checkpoint() -> None:
    """A Python call: a pending asynchronous exception is raised on entering it."""


def _settle(thread_id: int) -> None:
    """Leave no _Stopped pending in the calling thread, after the watchdog fired.

    The watchdog's _Stopped was either raised already (and caught), or is still
    pending. Schedule it once more (it replaces a pending one: at most one is
    ever pending) and have it raised and caught right here, which also lowers
    the interpreter's flag the way taking it back would not (see above).
    """
    try:
        _raise_in(thread_id, _Stopped)
        _checkpoint()
    except _Stopped:
        pass


def _watch_forever() -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        now = time.monotonic()
        with _watch_lock:
            for thread_id, watch in list(_watches.items()):
                if not (watch.fired or watch.done or watch.shield) and watch.over(now):
                    watch.fired = True
                    _raise_in(thread_id, _Stopped)


def _start_watchdog() -> None:
    with _watch_lock:
        if not _watchdog:
            thread = threading.Thread(target=_watch_forever, name="cueflow-eval-watch", daemon=True)
            thread.start()
            _watchdog.append(thread)


os.register_at_fork(after_in_child=_watchdog.clear)  # a forked child has no watchdog thread


def _within_time(fn: Callable[[], Any], seconds: float) -> Any:
    """Run `fn`, stopping it once it has computed for `seconds`.

    Nested (a privacy rule's condition inside a search): the outer deadline
    governs, and _Stopped travels up to the outermost evaluation.
    """
    me = threading.get_ident()
    if me in _watches:
        return fn()
    if not _watchdog:
        _start_watchdog()
    watch = _Watch(seconds)
    _watches[me] = watch
    try:
        try:
            return fn()
        finally:
            watch.done = True
            with _watch_lock:  # a watchdog firing right now finishes first
                fired = watch.fired
            if fired:
                _settle(me)  # raised already, or pending: either way none is pending after
            del _watches[me]
    except _Stopped:
        # Raised in `fn` or in the finally above: either way none is pending now.
        _watches.pop(me, None)
        raise OutOfTime(seconds) from None


class uninterrupted:
    """Hold the time guard off inside (database reads from an expression's
    `search()`): stopping there could leave a session half-way. Stopped
    just after instead, if the time ran out."""

    __slots__ = ("_watch",)

    def __enter__(self) -> None:
        watch = self._watch = _watches.get(threading.get_ident())
        if watch is None:
            return
        watch.shield += 1
        with _watch_lock:
            fired = watch.fired
        if fired:  # raised just before the shield went up: raise it here, not inside
            watch.shield -= 1
            self._watch = None
            _raise_in(threading.get_ident(), _Stopped)  # (replaces the pending one)
            _checkpoint()  # raises it
            raise _Stopped()  # (only if it was swallowed meanwhile)

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._watch is not None:
            self._watch.shield -= 1


def _guard(fn: Callable[[], Any], seconds: float | None = EVAL_SECONDS) -> Any:
    """Evaluate, turning every error into an ExpressionError; None: no time guard."""
    try:
        return _within_time(fn, seconds) if seconds is not None else fn()
    except ExpressionError:
        raise
    except _EVALUATION_ERRORS as exc:
        raise _worded(exc) from None


# What evaluating may raise, each said as an ExpressionError by _worded.
_EVALUATION_ERRORS = (
    BadInput, TemplateError, RecursionError, MemoryError, ArithmeticError, ValueError,
    TypeError, AttributeError, KeyError, IndexError,
)  # fmt: skip


def _worded(exc: BaseException) -> ExpressionError:
    if isinstance(exc, BadInput):
        return ExpressionError(exc.reason)
    if isinstance(exc, SecurityError):
        return ExpressionError(f"not allowed: {exc}")
    if isinstance(exc, UndefinedError):
        return ExpressionError(str(exc.message))
    if isinstance(exc, TemplateError):
        return ExpressionError(_reason(exc))
    if isinstance(exc, RecursionError):
        return ExpressionError("too deeply nested")
    if isinstance(exc, MemoryError):
        return ExpressionError("not allowed: result too large")
    return ExpressionError(f"{type(exc).__name__}: {exc}")


def _reason(exc: TemplateError) -> str:
    message = exc.message or type(exc).__name__
    line = getattr(exc, "lineno", None)
    return f"{message} (line {line})" if line and line > 1 else message
