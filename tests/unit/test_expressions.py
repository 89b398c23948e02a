"""Unit tests for app.core.expressions: native values, templates, filters, checks, sandbox."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import expressions, types
from app.core.expressions import check, evaluate
from app.errors import ExpressionError

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class FakeThing:
    id: str
    type_name: str
    name: str = "Ada"
    email: str = "ada@example.com"


@pytest.fixture(autouse=True)
def berlin_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(types, "local_zone", lambda: BERLIN)


def condition(source: str, names: dict[str, object]) -> bool:
    # Called through the module: a name starting with test_ would be collected by pytest.
    return expressions.test_condition(source, names)


# --- native values, templates, literals ------------------------------------------------


def test_single_expression_keeps_a_datetime() -> None:
    stamp = datetime(2026, 12, 10, 9, 0, tzinfo=BERLIN)
    result = evaluate("{{ birthday }}", {"birthday": stamp})
    assert result is stamp


def test_single_expression_keeps_a_list() -> None:
    tags = ["a", "b"]
    result = evaluate("{{ tags }}", {"tags": tags})
    assert result == ["a", "b"]
    assert isinstance(result, list)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ n }}", 41),
        ("{{ n + 1 }}", 42),
        ("{{ n * 1.5 }}", 61.5),
        ("  {{ n }}  ", 41),
        ("{{n}}", 41),
        ("{{ none }}", None),
        ("{{ true }}", True),
        ("{{ [n, 'x'] }}", [41, "x"]),
        ("{{ {'k': n} }}", {"k": 41}),
        ("{{- n }}", 41),  # whitespace control, not a minus sign
        ("{{ n -}}", 41),
        ("{{- n -}}", 41),
        ("{{ n - 1 }}", 40),
        ("{{ '}}' }}", "}}"),
    ],
)
def test_single_expression_native_values(source: str, expected: object) -> None:
    result = evaluate(source, {"n": 41})
    assert result == expected
    assert type(result) is type(expected)


def test_single_expression_keeps_a_thing() -> None:
    ada = FakeThing("u1", "User")
    assert evaluate("{{ user }}", {"user": ada}) is ada
    assert evaluate("{{ user.email }}", {"user": ada}) == "ada@example.com"


def test_single_expression_with_a_date_filter_stays_a_datetime() -> None:
    stamp = datetime(2026, 12, 10, 9, 0, tzinfo=BERLIN)
    result = evaluate("{{ birthday | add_years(1) }}", {"birthday": stamp})
    assert result == datetime(2027, 12, 10, 9, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Happy birthday, {{ user.name }}!", "Happy birthday, Ada!"),
        ("{{ n }}{{ n }}", "4141"),
        ("{{ n }} and {{ n + 1 }}", "41 and 42"),
        ("n={{ n }}", "n=41"),
        ("{% if n > 40 %}big{% else %}small{% endif %}", "big"),
        ("{% for t in tags %}[{{ t }}]{% endfor %}", "[a][b]"),
        ("{{ n }}.\n", "41.\n"),
        ("{# just a comment #}", ""),
    ],
)
def test_text_templates_render_to_str(source: str, expected: str) -> None:
    names = {"user": FakeThing("u1", "User"), "n": 41, "tags": ["a", "b"]}
    result = evaluate(source, names)
    assert result == expected
    assert isinstance(result, str)


@pytest.mark.parametrize(
    "source", ["plain text", "", "price {5} and } {", "{ {x} }", "50%} off", "a }} b", "user.name"]
)
def test_literal_strings_pass_through(source: str) -> None:
    result = evaluate(source, {})
    assert result == source
    assert isinstance(result, str)


@pytest.mark.parametrize("value", [5, 2.5, True, None])
def test_non_strings_pass_through(value: object) -> None:
    assert evaluate(value, {}) is value


def test_mappings_and_lists_are_evaluated_recursively() -> None:
    stamp = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    value = {
        "user": "{{ user }}",
        "greeting": "Hi {{ user.name }}",
        "when": "{{ birthday | add_days(1) }}",
        "nested": {"list": ["{{ n }}", "literal", 3, None, ["{{ n * 2 }}"]]},
        "flag": False,
    }
    ada = FakeThing("u1", "User")
    result = evaluate(value, {"user": ada, "birthday": stamp, "n": 2})
    assert result == {
        "user": ada,
        "greeting": "Hi Ada",
        "when": datetime(2026, 12, 11, 9, 0, tzinfo=UTC),
        "nested": {"list": [2, "literal", 3, None, [4]]},
        "flag": False,
    }
    assert result["user"] is ada
    assert value["user"] == "{{ user }}"  # the input is not changed


# --- conditions ------------------------------------------------------------------------------


def test_condition_is_not_none() -> None:
    stamp = datetime(2026, 12, 10, tzinfo=UTC)
    assert condition("birthday is not none", {"birthday": stamp}) is True
    assert condition("birthday is not none", {"birthday": None}) is False


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("n > 3", True),
        ("n > 50", False),
        ("tags", True),
        ("not tags", False),
        ("'a' in tags", True),
        ("n > 3 and 'z' in tags", False),
        ("[]", False),
        ("''", False),
        ("user.email.endswith('@example.com')", True),
    ],
)
def test_conditions(source: str, expected: bool) -> None:
    names = {"n": 41, "tags": ["a", "b"], "user": FakeThing("u1", "User")}
    assert condition(source, names) is expected


def test_condition_with_undefined_name_raises() -> None:
    with pytest.raises(ExpressionError) as info:
        condition("birthday.year > 2000", {})
    assert info.value.reason == "'birthday' is undefined"
    with pytest.raises(ExpressionError) as info:
        condition("count > 3", {})
    assert info.value.reason == "'count' is undefined"


def test_condition_with_bad_syntax_raises() -> None:
    with pytest.raises(ExpressionError):
        condition("birthday is", {"birthday": None})


# --- date filters -----------------------------------------------------------------------------


def test_add_hours_is_elapsed_time_across_spring_forward() -> None:
    start = datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN)  # CET; clocks jump 02:00 -> 03:00
    result = evaluate("{{ t | add_hours(1) }}", {"t": start})
    assert (result.year, result.month, result.day, result.hour, result.minute) == (
        2026,
        3,
        29,
        3,
        30,
    )
    assert result.utcoffset() == timedelta(hours=2)
    assert result.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=1)
    assert result.tzinfo is BERLIN


def test_add_minutes_is_elapsed_time_across_fall_back() -> None:
    start = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN)  # first 02:30, CEST
    assert start.utcoffset() == timedelta(hours=2)
    result = evaluate("{{ t | add_minutes(60) }}", {"t": start})
    assert result.astimezone(UTC) - start.astimezone(UTC) == timedelta(minutes=60)
    assert (result.hour, result.minute) == (2, 30)  # the second 02:30, CET
    assert result.utcoffset() == timedelta(hours=1)


def test_add_minutes_and_hours_simple_and_negative() -> None:
    start = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert evaluate("{{ t | add_minutes(90) }}", {"t": start}) == datetime(
        2026, 1, 1, 13, 30, tzinfo=UTC
    )
    assert evaluate("{{ t | add_hours(-13) }}", {"t": start}) == datetime(
        2025, 12, 31, 23, 0, tzinfo=UTC
    )
    assert evaluate("{{ t | add_minutes(0.5) }}", {"t": start}) == start + timedelta(seconds=30)


def test_add_days_keeps_the_wall_clock_across_dst() -> None:
    start = datetime(2026, 3, 28, 9, 0, tzinfo=BERLIN)
    result = evaluate("{{ t | add_days(1) }}", {"t": start})
    assert result == datetime(2026, 3, 29, 9, 0, tzinfo=BERLIN)
    assert result.utcoffset() == timedelta(hours=2)
    assert result.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=23)


def test_add_weeks_keeps_the_wall_clock_across_dst() -> None:
    start = datetime(2026, 10, 20, 9, 0, tzinfo=BERLIN)
    result = evaluate("{{ t | add_weeks(1) }}", {"t": start})
    assert result == datetime(2026, 10, 27, 9, 0, tzinfo=BERLIN)
    assert (result.hour, result.utcoffset()) == (9, timedelta(hours=1))
    assert result.astimezone(UTC) - start.astimezone(UTC) == timedelta(days=7, hours=1)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime(2026, 1, 31, 9, 0), 1, datetime(2026, 2, 28, 9, 0)),
        (datetime(2028, 1, 31, 9, 0), 1, datetime(2028, 2, 29, 9, 0)),
        (datetime(2026, 3, 31, 9, 0), -1, datetime(2026, 2, 28, 9, 0)),
        (datetime(2026, 11, 30, 9, 0), 3, datetime(2027, 2, 28, 9, 0)),
        (datetime(2026, 1, 15, 9, 0), -13, datetime(2024, 12, 15, 9, 0)),
        (datetime(2026, 12, 10, 9, 0), 6, datetime(2027, 6, 10, 9, 0)),
        (datetime(2026, 5, 31, 9, 0), 0, datetime(2026, 5, 31, 9, 0)),
    ],
)
def test_add_months(start: datetime, months: int, expected: datetime) -> None:
    result = evaluate("{{ t | add_months(m) }}", {"t": start.replace(tzinfo=BERLIN), "m": months})
    assert result == expected.replace(tzinfo=BERLIN)
    assert result.hour == 9  # wall clock kept, summer or winter
    assert result.tzinfo is BERLIN


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (datetime(2028, 2, 29, 9, 0), 1, datetime(2029, 2, 28, 9, 0)),
        (datetime(2028, 2, 29, 9, 0), 4, datetime(2032, 2, 29, 9, 0)),
        (datetime(2026, 12, 10, 9, 0), 1, datetime(2027, 12, 10, 9, 0)),
        (datetime(2026, 12, 10, 9, 0), -2, datetime(2024, 12, 10, 9, 0)),
    ],
)
def test_add_years(start: datetime, years: int, expected: datetime) -> None:
    result = evaluate(f"{{{{ t | add_years({years}) }}}}", {"t": start.replace(tzinfo=BERLIN)})
    assert result == expected.replace(tzinfo=BERLIN)


def test_date_filters_accept_iso_text() -> None:
    result = evaluate("{{ '2026-12-10T09:00:00+00:00' | add_days(1) }}", {})
    assert result == datetime(2026, 12, 11, 9, 0, tzinfo=UTC)
    local = evaluate("{{ '2026-12-10T09:00' | add_hours(1) }}", {})
    assert local == datetime(2026, 12, 10, 10, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    "flt",
    [
        "add_minutes(1)",
        "add_hours(1)",
        "add_days(1)",
        "add_weeks(1)",
        "add_months(1)",
        "add_years(1)",
    ],
)
def test_date_filters_pass_none_through(flt: str) -> None:
    assert evaluate(f"{{{{ t | {flt} }}}}", {"t": None}) is None


def test_date_filters_refuse_other_values() -> None:
    with pytest.raises(ExpressionError) as info:
        evaluate("{{ 5 | add_days(1) }}", {})
    assert info.value.reason == "expected a date, got int"
    with pytest.raises(ExpressionError) as info:
        evaluate("{{ 'soon' | add_days(1) }}", {})
    assert info.value.reason == "'soon' is not a date (ISO 8601, e.g. 2026-12-10T09:00)"


def test_format_date() -> None:
    stamp = datetime(2026, 12, 10, 9, 5, tzinfo=BERLIN)
    assert evaluate("{{ t | format_date }}", {"t": stamp}) == "2026-12-10 09:05"
    assert evaluate("{{ t | format_date('%d.%m.%Y') }}", {"t": stamp}) == "10.12.2026"
    assert evaluate("On {{ t | format_date('%A') }}", {"t": stamp}) == "On Thursday"
    assert evaluate("{{ none | format_date }}", {}) == ""
    assert evaluate("{{ '2026-01-02T03:04:00Z' | format_date('%H:%M') }}", {}) == "03:04"


def test_filters_chain() -> None:
    stamp = datetime(2026, 1, 31, 9, 0, tzinfo=BERLIN)
    result = evaluate(
        "{{ t | add_months(1) | add_days(1) | format_date('%Y-%m-%d') }}", {"t": stamp}
    )
    assert result == "2026-03-01"


# --- check --------------------------------------------------------------------------------------


def test_check_reports_an_unknown_name() -> None:
    assert check("{{ birtday | add_years(1) }}", ["birthday"]) == ["unknown name 'birtday'"]


def test_check_reports_each_unknown_name_once_sorted() -> None:
    assert check("{{ zeta }} {{ alpha }} {{ zeta }}", []) == [
        "unknown name 'alpha'",
        "unknown name 'zeta'",
    ]


def test_check_accepts_allowed_names() -> None:
    names = ["user", "birthday", "step1"]
    assert check("Hi {{ user.name }}, {{ birthday | add_years(1) }} {{ step1 }}", names) == []


@pytest.mark.parametrize(
    "source",
    [
        "{{ now | add_days(1) }}",
        "{{ current_user }}",
        "{{ run.id }} {{ run.workflow }} {{ run.scheduled_for }}",
        "{{ search('User', email='a@example.com') }}",
        "{{ range(3) | list }}",
        "{{ dict(a=1) }}",
        "{% set ns = namespace(n=0) %}{{ ns.n }}",
        "{{ cycler(1, 2).next() }} {{ joiner(',')() }}",
    ],
)
def test_check_accepts_base_names_and_jinja_globals(source: str) -> None:
    assert check(source, []) == []


def test_check_accepts_loop_and_set_variables() -> None:
    source = (
        "{% for u in users %}{{ loop.index }}. {{ u.name }}{% endfor %}"
        "{% set total = users | length %}{{ total }}"
    )
    assert check(source, ["users"]) == []
    assert check(source, []) == ["unknown name 'users'"]


def test_check_literals_have_no_problems() -> None:
    assert check("just text, {braces} too", []) == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("{{ user.name ", "unexpected end of template, expected 'end of print statement'."),
        ("{% if %}", "Expected an expression, got 'end of statement block'"),
        ("first line\n{{ a + }}", "unexpected 'end of print statement' (line 2)"),
        ("{% for u in users %}", None),
        ("{{ }}", None),
        ("{# open comment", None),
    ],
)
def test_check_reports_syntax_errors(source: str, problem: str | None) -> None:
    problems = check(source, ["user", "a", "users"])
    assert len(problems) == 1
    if problem is not None:
        assert problems == [problem]
    assert not problems[0].startswith("unknown name")


def test_check_reports_unknown_filters_and_tests() -> None:
    assert check("{{ x | frobnicate }}", ["x"]) == ["unknown filter 'frobnicate'"]
    assert check("{{ x | add_day(1) }}", ["x"]) == ["unknown filter 'add_day'"]
    assert check("{% if x is frob %}{% endif %}", ["x"]) == ["unknown test 'frob'"]
    assert check("x | nope", ["x"], condition=True) == ["unknown filter 'nope'"]


def test_check_conditions() -> None:
    assert check("birthday is not none", ["birthday"], condition=True) == []
    assert check("birtday is not none", ["birthday"], condition=True) == ["unknown name 'birtday'"]
    assert check("now > birthday", ["birthday"], condition=True) == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("a ==", "unexpected 'end of template'"),
        ("a b", "chunk after expression"),
        ("", "unexpected 'end of template'"),
        ("{{ a }}", None),
        ("a) }}{{ (a", None),
    ],
)
def test_check_condition_syntax_errors(source: str, problem: str | None) -> None:
    problems = check(source, ["a"], condition=True)
    assert len(problems) == 1
    if problem is not None:
        assert problems == [problem]
    # the message talks about what the user wrote, not about a hidden wrapper
    assert "')'" not in problems[0] or ")" in source


def test_check_then_evaluate_agree_on_whitespace_control() -> None:
    assert check("{{ n -}}", ["n"]) == []
    assert evaluate("{{ n -}}", {"n": 3}) == 3


# --- undefined names at evaluation ---------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "{{ birthday }}",
        "Hello {{ birthday }}",
        "{{ birthday | add_years(1) }}",
        "{{ birthday | format_date }}",
        "{{ birthday.year }}",
        "{% for x in birthday %}{% endfor %}",
    ],
)
def test_undefined_name_at_evaluation_names_it(source: str) -> None:
    with pytest.raises(ExpressionError) as info:
        evaluate(source, {"user": FakeThing("u1", "User")})
    assert "'birthday' is undefined" in info.value.reason


def test_missing_attribute_names_it() -> None:
    with pytest.raises(ExpressionError) as info:
        evaluate("{{ user.nmae }}", {"user": {"name": "Ada"}})
    assert info.value.reason == "'dict object' has no attribute 'nmae'"


def test_python_errors_become_expression_errors() -> None:
    with pytest.raises(ExpressionError) as info:
        evaluate("{{ 1 / 0 }}", {})
    assert info.value.reason == "ZeroDivisionError: division by zero"
    with pytest.raises(ExpressionError) as info:
        evaluate("{{ 'a' + 1 }}", {})
    assert info.value.reason.startswith("TypeError: ")


def test_syntax_error_at_evaluation_is_an_expression_error() -> None:
    with pytest.raises(ExpressionError):
        evaluate("{{ a + }}", {"a": 1})


# --- sandbox: no way to Python internals -------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ joiner.__init__.__globals__.os }}",
        "{{ namespace.__init__.__globals__ }}",
        "{{ cycler.__globals__ }}",
        "{{ joiner.__init__.__globals__['os'].popen('id').read() }}",
        "{{ ().__class__.__base__.__subclasses__() }}",
        "{{ self.__init__ }}",
        "{{ self.__init__.__globals__ }}",
        "{{ self._TemplateReference__context }}",
        "{{ ''|attr('__class__') }}",
        "{{ ''|attr('__class__')|attr('__mro__') }}",
        "{{ (()|attr('__class__')|attr('__base__')|attr('__subclasses__'))() }}",
        "{{ '{0.__class__.__mro__}'.format(1) }}",
        "{{ '%s'.format.__self__ }}",
        "{{ now.__class__ }}",
        "{{ run.__dict__ }}",
        "{{ items.append(1) }}",
        "{{ items.pop() }}",
        "{{ mapping.update(a=2) }}",
        "{{ mapping.clear() }}",
        "{% set x = items.__len__ %}{{ x() }}",
    ],
)
def test_sandbox_blocks_python_internals(source: str) -> None:
    items, mapping = [1, 2], {"a": 1}
    names = {
        "items": items,
        "mapping": mapping,
        "now": datetime.now(UTC),
        "run": FakeThing("r1", "Run"),
    }
    with pytest.raises(ExpressionError) as info:
        evaluate(source, names)
    # Either refused outright or, after a refused step, an attribute that is not there.
    reason = info.value.reason
    assert reason.startswith("not allowed: ") or "has no attribute '__" in reason, reason
    assert items == [1, 2] and mapping == {"a": 1}  # nothing was mutated


@pytest.mark.parametrize("name", ["request", "config", "os", "__builtins__", "globals", "self2"])
def test_flask_style_and_python_names_do_not_exist(name: str) -> None:
    with pytest.raises(ExpressionError) as info:
        evaluate(f"{{{{ {name} }}}}", {})
    assert info.value.reason == f"'{name}' is undefined"
    assert check(f"{{{{ {name} }}}}", []) == [f"unknown name '{name}'"]


def test_request_style_attribute_access_is_refused() -> None:
    with pytest.raises(ExpressionError) as info:
        evaluate("{{ request.application.__globals__ }}", {})
    assert info.value.reason == "'request' is undefined"


def test_no_loader_for_include_or_extends() -> None:
    for source in (
        "{% include '/etc/passwd' %}",
        "{% extends 'base.html' %}",
        "{% import 'x' as y %}",
    ):
        with pytest.raises(ExpressionError):
            evaluate(source, {})


# --- sandbox: resource bombs -------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "{{ 'a' * 10**9 }}",
        "{{ 10**9 * 'a' }}",
        "{{ 'a' * 999999 * 999999 }}",
        "{{ 2 ** (10**8) }}",
        "{{ (10**10000) ** 10000 }}",
        "{{ 10 ** 100000 }}",
        "{{ range(10**9) }}",
        "{{ range(10**9) | list }}",
        "{% for i in range(10**9) %}{% endfor %}",
        "{{ [1]*10**8 }}",
        "{{ ('ab'|list) * 10**8 }}",
        "{% set ns = namespace(s='a') %}{% for i in range(100) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
        "{% set ns = namespace(s='a') %}{% for i in range(100) %}"
        "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s|length }}",
        "{% set ns = namespace(s='ab') %}{% for i in range(100) %}"
        "{% set ns.s = ns.s ~ 'x' ~ ns.s %}{% endfor %}{{ ns.s|length }}",
        "{% set ns = namespace(s='a') %}{% for i in range(100) %}"
        "{% set ns.s = [ns.s, ns.s]|join %}{% endfor %}{{ ns.s|length }}",
        "{% set ns = namespace(s='a') %}{% for i in range(100) %}"
        "{% set ns.s = '%s%s'|format(ns.s, ns.s) %}{% endfor %}{{ ns.s|length }}",
        "{% set ns = namespace(s='a') %}{% for i in range(100) %}"
        "{% set ns.s = '%s%s' % (ns.s, ns.s) %}{% endfor %}{{ ns.s|length }}",
        "{% set ns = namespace(s='a') %}{% for i in range(100) %}"
        "{% set ns.s = ''.join([ns.s, ns.s]) %}{% endfor %}{{ ns.s|length }}",
        "{% set ns = namespace(s='a') %}{% for i in range(100) %}"
        "{% set ns.s = '{}{}'.format(ns.s, ns.s) %}{% endfor %}{{ ns.s|length }}",
        "{% set ns = namespace(s='a') %}{% for i in range(100) %}"
        "{% set ns.s = ns.s|replace('a', 'aa') %}{% endfor %}{{ ns.s|length }}",
        "{% set ns = namespace(l=[1]) %}{% for i in range(100) %}"
        "{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l|length }}",
        "{% set ns = namespace(n=10**1000) %}{% for i in range(40) %}"
        "{% set ns.n = ns.n * ns.n %}{% endfor %}{{ ns.n > 0 }}",
        "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    ],
)
def test_resource_bombs_are_refused(source: str) -> None:
    with pytest.raises(ExpressionError):
        evaluate(source, {})


def test_lipsum_is_not_offered() -> None:
    """Jinja's lorem-ipsum generator is removed: no use in a workflow, and a memory bomb."""
    assert check("{{ lipsum(10**6) }}", []) == ["unknown name 'lipsum'"]
    with pytest.raises(ExpressionError, match="'lipsum' is undefined"):
        evaluate("{{ lipsum(10**6) }}", {})


def test_size_limits_leave_ordinary_values_alone() -> None:
    assert evaluate("{{ 'ab' * 3 }}", {}) == "ababab"
    assert evaluate("{{ [0] * 3 }}", {}) == [0, 0, 0]
    assert evaluate("{{ 2 ** 10 }}", {}) == 1024
    assert evaluate("{{ 2 ** 10 ** 2 }}", {}) == 2**20  # Jinja's ** groups from the left
    assert evaluate("{{ 7 % 3 }}", {}) == 1
    assert evaluate("{{ 'a' ~ 1 ~ none }}", {}) == "a1None"
    assert evaluate("{{ '%s-%s' % ('a', 'b') }}", {}) == "a-b"
    assert evaluate("{{ ('x' * 1000000) | length }}", {}) == 1_000_000
    assert evaluate("{{ (range(1000) | list) | sum }}", {}) == 499500


# --- property: nothing but ExpressionError escapes --------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_raises_only_expression_errors(source: str) -> None:
    try:
        problems = check(source, [])
    except ExpressionError:
        return
    assert isinstance(problems, list)
    assert all(isinstance(p, str) and p for p in problems)
    if problems:
        return
    with contextlib.suppress(ExpressionError):
        evaluate(source, {})


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "{{",
                "}}",
                "{%",
                "%}",
                "{#",
                "#}",
                " ",
                "-",
                "x",
                "1",
                "'",
                "(",
                ")",
                "|",
                "add_days",
                "format_date",
                "if",
                "for",
                "in",
                "endfor",
                "endif",
                "set",
                "=",
                "*",
                "**",
                "~",
                "+",
                ".",
                "__class__",
                "range",
                "none",
                "now",
                ",",
                "[",
                "]",
            ]
        ),
        max_size=25,
    ).map("".join)
)
def test_template_like_text_raises_only_expression_errors(source: str) -> None:
    for as_condition in (False, True):
        problems = check(source, [], condition=as_condition)
        if problems:
            continue
        try:
            if as_condition:
                expressions.test_condition(source, {"now": datetime(2026, 1, 1, tzinfo=UTC)})
            else:
                evaluate(source, {"now": datetime(2026, 1, 1, tzinfo=UTC)})
        except ExpressionError:
            pass


def test_add_days_keeps_a_fixed_offset() -> None:
    stamp = datetime(2026, 12, 10, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert evaluate("{{ t | add_days(1) }}", {"t": stamp}).utcoffset() == timedelta(hours=-5)
