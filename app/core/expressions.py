"""Expressions: Jinja2 in a sandbox, per PRODUCT §2.

A text input is a template; an input that is exactly one `{{ … }}` keeps the
native value; a condition is a bare expression. Everything is compiled (and
its names checked) when a workflow is saved or imported, so unknown names and
syntax errors are reported before anything runs.
"""

from __future__ import annotations

import calendar
import operator
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache, wraps
from typing import Any

from jinja2 import StrictUndefined, TemplateError, meta, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment

from app.core.types import parse_datetime
from app.errors import BadInput, ExpressionError

# Names every expression may use besides parameters and step results.
BASE_NAMES = frozenset({"now", "current_user", "run", "search", "secret"})
TRIGGER_NAMES = frozenset({"thing_before", "thing_now"})
JINJA_GLOBALS = frozenset({"range", "dict", "namespace", "cycler", "joiner"})
EVAL_SECONDS = 2.0  # one expression may compute this long, then it is stopped
_HUGE_WIDTH = re.compile(r"\d{7,}")  # a format width of a million or more

MAX_STRING = 1_000_000
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


def _limit(value: Any) -> Any:
    """Refuse a value too big to keep building on (strings, lists, integers)."""
    if isinstance(value, str | list | tuple) and len(value) > MAX_STRING:
        raise SecurityError("result too large")
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise SecurityError("number too large")
    return value


def _int_operands(left: Any, right: Any) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in (left, right))


class _CodeGenerator(CodeGenerator):
    """Routes `~` through the size limit: Jinja compiles it to a plain join."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.limit(")
        super().visit_Concat(node, frame)
        self.write(")")


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox plus limits on operators, calls and filters that can build huge values."""

    code_generator_class = _CodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    @staticmethod
    def limit(value: Any) -> Any:
        return _limit(value)

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
                if sized and len(seq) * count > MAX_STRING:
                    raise SecurityError("result too large")
            if _int_operands(left, right) and (
                abs(left).bit_length() + abs(right).bit_length() > MAX_INT_BITS
            ):
                raise SecurityError("number too large")
            return operator.mul(left, right)
        if operator_ == "%":
            if isinstance(left, str) and _HUGE_WIDTH.search(left):
                raise SecurityError("format width too large")
            return _limit(operator.mod(left, right))
        return _limit(operator.add(left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_arguments(args, kwargs)
        return _limit(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Any:
        """`'…'.format` is reached by attribute: refuse huge widths before it runs."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None and _HUGE_WIDTH.search(value.__self__):
            raise SecurityError("format width too large")
        return wrapped


def _check_arguments(args: Any, kwargs: Any) -> None:
    """Refuse widths and counts that would build a huge value in one C call."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_STRING:
            raise SecurityError("argument too large")
        if isinstance(value, str) and "%" in value and _HUGE_WIDTH.search(value):
            raise SecurityError("format width too large")


def _limited_filter(fn: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(fn)  # keeps Jinja's pass_context / pass_environment markers
    def run(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(args[1:], kwargs)
        value = args[0] if args else None
        if isinstance(value, str) and "%" in value and _HUGE_WIDTH.search(value):
            raise SecurityError("format width too large")
        return _limit(fn(*args, **kwargs))

    return run


@lru_cache(maxsize=1)
def environment() -> _Sandbox:
    env = _Sandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.globals.pop("lipsum", None)  # lorem ipsum generator: no use here, and a memory bomb
    env.filters.update(FILTERS)
    env.filters = {name: _limited_filter(fn) for name, fn in env.filters.items()}
    return env


@dataclass(frozen=True)
class Compiled:
    """One compiled input: a literal, a native expression, or a text template."""

    source: str
    kind: str  # "literal" | "native" | "template"
    _fn: Callable[[Mapping[str, Any]], Any] | None = None
    # Only statements ({% for %}, macros) make template code repeat; without
    # them it runs a fixed number of lines and needs no time guard.
    looping: bool = False

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
        if single and "}}" not in single["expr"] and "{{" not in single["expr"]:
            expr = env.compile_expression(single["expr"], undefined_to_none=False)
            return Compiled(source, "native", lambda names: _native(expr(**names)))
        template = env.from_string(source)
        return Compiled(
            source, "template", lambda names: template.render(**names), looping="{%" in source
        )
    except TemplateError as exc:
        raise ExpressionError(_reason(exc)) from None


@lru_cache(maxsize=4096)
def compile_condition(source: str) -> Compiled:
    """Compile a bare expression such as `birthday is not none`."""
    try:
        expr = environment().compile_expression(source, undefined_to_none=False)
    except TemplateError as exc:
        raise ExpressionError(_reason(exc)) from None
    return Compiled(source, "native", lambda names: _native(expr(**names)))


def _native(value: Any) -> Any:
    if isinstance(value, StrictUndefined):
        str(value)  # raises UndefinedError with Jinja's own message
    return value


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


def evaluate(value: Any, names: Mapping[str, Any]) -> Any:
    """Evaluate an input value: strings are templates, containers recurse."""
    if isinstance(value, str):
        compiled = compile_input(value)
        return _guard(lambda: compiled.evaluate(names), timed=compiled.looping)
    if isinstance(value, Mapping):
        return {key: evaluate(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [evaluate(item, names) for item in value]
    return value


def test_condition(source: str, names: Mapping[str, Any]) -> bool:
    return bool(_guard(lambda: compile_condition(source).evaluate(names)))


def _within_time(fn: Callable[[], Any]) -> Any:
    """Run `fn`, stopping template code that computes for longer than EVAL_SECONDS.

    Jinja compiles templates to Python code named "<template>"; a trace
    function on those frames only checks the clock every thousand lines, so a
    nested loop of a billion steps ends with an error instead of never.
    """
    deadline = time.monotonic() + EVAL_SECONDS
    ticks = [0]

    def on_line(frame: Any, event: str, arg: Any) -> Any:
        ticks[0] += 1
        if ticks[0] % 1024 == 0 and time.monotonic() > deadline:
            raise SecurityError(f"the expression ran longer than {EVAL_SECONDS:g} s")
        return on_line

    def on_call(frame: Any, event: str, arg: Any) -> Any:
        return on_line if frame.f_code.co_filename == "<template>" else None

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        return fn()
    finally:
        sys.settrace(previous)


def _guard(fn: Callable[[], Any], *, timed: bool = False) -> Any:
    try:
        return _within_time(fn) if timed else fn()
    except ExpressionError:
        raise
    except BadInput as exc:
        raise ExpressionError(exc.reason) from None
    except SecurityError as exc:
        raise ExpressionError(f"not allowed: {exc}") from None
    except UndefinedError as exc:
        raise ExpressionError(str(exc.message)) from None
    except TemplateError as exc:
        raise ExpressionError(_reason(exc)) from None
    except RecursionError:
        raise ExpressionError("too deeply nested") from None
    except MemoryError:
        raise ExpressionError("not allowed: result too large") from None
    except (ArithmeticError, ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
        raise ExpressionError(f"{type(exc).__name__}: {exc}") from None


def _reason(exc: TemplateError) -> str:
    message = exc.message or type(exc).__name__
    line = getattr(exc, "lineno", None)
    return f"{message} (line {line})" if line and line > 1 else message
