"""json_text.dumps writes exactly what json.dumps writes, for any JSON-like value."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.json_text import dumps

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=8) | st.integers() | st.booleans(), inner, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(_VALUES)
def test_the_same_text_as_json_dumps(value: Any) -> None:
    assert dumps(value) == json.dumps(value)


@pytest.mark.parametrize("value", [object(), {"when": {1, 2}}, [b"bytes"]])
def test_what_json_cannot_hold_is_refused_as_json_dumps_refuses_it(value: Any) -> None:
    with pytest.raises(TypeError) as ours:
        dumps(value)
    with pytest.raises(TypeError) as theirs:
        json.dumps(value)
    assert str(ours.value) == str(theirs.value)


def test_it_keeps_nothing_between_calls() -> None:
    """A refused value half-written leaves no state behind for the next call."""
    with pytest.raises(TypeError):
        dumps({"a": [1, {"b": object()}]})
    shared = [1, 2]
    assert dumps({"x": shared, "y": shared}) == '{"x": [1, 2], "y": [1, 2]}'
