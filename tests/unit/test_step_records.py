"""app/engine/step_runtime.py: what a step's record holds.

A record's inputs and result are made JSON-safe and clipped in one walk
(`_recorded`, issue 18): it must answer exactly what the general path
(`to_json_safe`, then `_clip`) answers, for every value a step can give.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from app.core.definitions import DataTypeDef, FieldDef
from app.core.things import ThingView
from app.core.types import ValueType, to_json_safe
from app.engine.step_runtime import RECORDED_TEXT, _clip, _recorded

PERSON = DataTypeDef("Person", (FieldDef("name", ValueType("text")),))

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # inf and nan too: recorded as text
    st.text(max_size=30),
    st.text(min_size=RECORDED_TEXT + 1, max_size=RECORDED_TEXT + 3, alphabet="ab"),
    st.datetimes(timezones=st.just(UTC)),
    st.builds(lambda t: ThingView(PERSON, t, {"name": "Ada"}), st.text(min_size=1, max_size=8)),
    st.builds(Markup, st.text(max_size=10)),
    st.frozensets(st.integers(), max_size=3),
)
values = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.one_of(st.text(max_size=5), st.integers()), inner, max_size=4),
    ),
    max_leaves=12,
)


@settings(max_examples=40, deadline=None)  # 20,000-character texts are slow to draw
@given(values)
def test_a_record_holds_what_the_general_path_gives(value: Any) -> None:
    assert _recorded(value) == _clip(to_json_safe(value))


def test_long_texts_are_cut_saying_so_and_the_rest_is_kept() -> None:
    long = "x" * (RECORDED_TEXT + 5)
    got = _recorded({"a": [long, 1, None], 2: (datetime(2026, 1, 2, tzinfo=UTC),)})
    assert got == {
        "a": [f"{'x' * RECORDED_TEXT}… ({RECORDED_TEXT + 5:,} characters in all)", 1, None],
        "2": ["2026-01-02T00:00:00+00:00"],
    }


def test_non_finite_numbers_are_recorded_as_text() -> None:
    value = {"a": float("inf"), "b": [float("-inf"), float("nan")], "c": 1.5}
    assert _recorded(value) == {"a": "inf", "b": ["-inf", "nan"], "c": 1.5}
    assert _recorded(value) == _clip(value)
