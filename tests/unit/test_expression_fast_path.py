"""Inputs made of text and `{{ name.field… }}` skip Jinja's per-call context
(issue 18): they must give exactly what Jinja gives — the same value, the same
text, the same error — for any names, hidden fields and globals included."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import expressions
from app.core.definitions import DataTypeDef, FieldDef
from app.core.expressions import compile_input, evaluate
from app.core.things import ThingView
from app.core.types import ValueType
from app.errors import ExpressionError

USER = DataTypeDef(
    "User",
    (FieldDef("name", ValueType("text")), FieldDef("note", ValueType("text"))),
)
BOB = ThingView(USER, "t-bob", {"name": "Bob", "note": "hidden"}, None, frozenset({"note"}))
NAMES: dict[str, Any] = {
    "user": BOB,
    "step1": {"name": "Ada", "items": [1, 2], "inner": {"deep": None}},
    "word": "hi",
    "n": 3,
    "nothing": None,
    "many": [BOB, {"a": 1}],
}
HEADS = [*NAMES, "range", "missing", "now"]
FIELDS = ["name", "note", "id", "items", "inner", "deep", "a", "upper", "raw", "__class__"]


def _slow(source: str, names: dict[str, Any]) -> Any:
    """What Jinja alone answers (the compiled input's usual path, without the plan)."""
    env = expressions.environment()
    single = expressions._SINGLE.match(source)
    try:
        if single and "}}" not in single["expr"] and "{{" not in single["expr"]:
            expr = env.compile_expression(single["expr"], undefined_to_none=False)
            return expressions._native(expr(**names))
        return env.from_string(source).render(**names)
    except Exception as exc:
        return ("error", type(exc).__name__, str(exc))


def _fast(source: str, names: dict[str, Any]) -> Any:
    try:
        return compile_input(source).evaluate(names)
    except Exception as exc:
        return ("error", type(exc).__name__, str(exc))


paths = st.builds(
    lambda head, fields: ".".join([head, *fields]),
    st.sampled_from(HEADS),
    st.lists(st.sampled_from(FIELDS), max_size=3),
)
texts = st.text(alphabet="ab {}%#\n", max_size=6).filter(lambda t: "{" not in t and "}" not in t)
templates = st.lists(
    st.one_of(texts, paths.map(lambda p: "{{ " + p + " }}")), min_size=1, max_size=4
).map("".join)


@settings(max_examples=400, deadline=None)
@given(templates)
def test_the_fast_path_answers_what_jinja_answers(source: str) -> None:
    assert _fast(source, NAMES) == _slow(source, NAMES)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ step1 }}", NAMES["step1"]),
        ("{{ user.name }}", "Bob"),
        ("hello {{ user.name }} and {{ step1.name }}!", "hello Bob and Ada!"),
        ("{{ nothing }}", None),
        ("x{{ nothing }}", "xNone"),
        ("{{ step1.inner.deep }}", None),
        ("{{ user.id }}", "t-bob"),
    ],
)
def test_plain_paths_are_read_directly(source: str, expected: Any) -> None:
    assert evaluate(source, NAMES) == expected


@pytest.mark.parametrize(
    "source",
    ["a {{ user.raw }}", "{{ missing }}", "{{ step1.nope }}", "{{ user.x }}"],
)
def test_what_the_fast_path_cannot_answer_fails_as_jinja_fails(source: str) -> None:
    with pytest.raises(ExpressionError):
        evaluate(source, NAMES)


def test_a_global_is_left_to_jinja() -> None:
    assert evaluate("{{ range }}", {}) is expressions.environment().globals["range"]
