"""A thing in an expression shows its fields and `id`, nothing else (PRODUCT §2).

Bob's `secret_note` is hidden from the run: no path through the sandbox may
reach it (nor the view's stored values, loader or data type).
"""

from __future__ import annotations

from typing import Any

import pytest

from app.core.definitions import DataTypeDef, FieldDef
from app.core.expressions import evaluate
from app.core.things import ThingView
from app.core.types import ValueType
from app.errors import ExpressionError

SECRET = "TOPSECRET"
USER = DataTypeDef(
    "User",
    (
        FieldDef("name", ValueType("text")),
        FieldDef("secret_note", ValueType("text")),
        FieldDef("manager", ValueType("User")),
    ),
)


class Hiding:
    """Loads Bob's manager the way a run does: through privacy (secret hidden)."""

    def load(self, thing_id: str) -> ThingView | None:
        return ThingView(
            USER, thing_id, {"name": "Meg", "secret_note": SECRET}, self, frozenset({"secret_note"})
        )


@pytest.fixture
def names() -> dict[str, Any]:
    bob = ThingView(
        USER,
        "t-bob",
        {"name": "Bob", "secret_note": SECRET, "manager": "t-meg"},
        Hiding(),
        frozenset({"secret_note"}),
    )
    return {"other": bob, "found": [bob], "nested": {"step": {"things": [[bob]]}}}


ESCAPES = [
    "{{ other.raw }}",
    "{{ other.raw.secret_note }}",
    "{{ other.raw['secret_note'] }}",
    "{{ other['raw'] }}",
    "{{ other['raw']['secret_note'] }}",
    "{{ other._data }}",
    "{{ other['_data'] }}",
    "{{ other._hidden }}",
    "{{ other._loader }}",
    "{{ other._loader.load('t-meg').raw }}",
    "{{ other.data_type }}",
    "{{ other.data_type.fields }}",
    "{{ other.with_loader }}",
    "{{ other.with_loader(none).raw }}",
    "{{ other.fields() }}",
    "{{ other.type_name }}",
    "{{ other.field_value }}",
    "{{ other._decode }}",
    "{{ other.__getitem__('raw') }}",
    "{{ other.manager.raw }}",
    "{{ other.manager['raw'].secret_note }}",
    "{{ found | map(attribute='raw') | list }}",
    "{{ found | map(attribute='raw.secret_note') | list }}",
    "{{ found | map(attribute='_data') | list }}",
    "{{ found | map(attribute='manager.raw') | list }}",
    "{{ found | sort(attribute='raw.secret_note') | map(attribute='id') | list }}",
    "{{ found | groupby('raw.secret_note') | list }}",
    "{{ found | selectattr('raw') | map(attribute='raw') | list }}",
    "{{ found | rejectattr('raw.secret_note', 'none') | list }}",
    "{{ found | sum(attribute='raw.secret_note', start='') }}",
    "{{ found | unique(attribute='raw.secret_note') | list }}",
    "{{ found | min(attribute='raw.secret_note') }}",
    "{{ found | max(attribute='raw.secret_note') }}",
    "{{ found | join(',', attribute='raw.secret_note') }}",
    "{{ other | attr('raw') }}",
    "{{ other | attr('_data') }}",
    "{{ other | attr('data_type') }}",
    "{{ other | tojson }}",
    "{{ found | tojson }}",
    "{{ {'a': other} | tojson }}",
    "{{ other | string }}",
    "{{ other | pprint }}",
    "{{ other | list }}",
    "{{ other | first }}",
    "{{ other | join }}",
    "{{ other | dictsort }}",
    "{{ other | items | list }}",
    "{{ '{0.raw}'.format(other) }}",
    "{{ '{0._data}'.format(other) }}",
    "{{ '{0.raw[secret_note]}'.format(other) }}",
    "{{ '%(secret_note)s' % other }}",
    "{{ other['secret_note'] }}",
    "{{ other.secret_note }}",
    "{{ other.manager.secret_note }}",
    "{{ nested.step.things[0][0].raw }}",
    "{{ nested.step.things | map('first') | map(attribute='raw') | list }}",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_no_path_reaches_a_hidden_field(source: str, names: dict[str, Any]) -> None:
    try:
        shown = str(evaluate(source, names))
    except ExpressionError as exc:
        shown = str(exc)
    assert SECRET not in shown
    assert "t-meg" not in shown or "manager" in source  # the reference is a visible field


@pytest.mark.parametrize(
    "source",
    [
        "{{ other.raw }}",
        "{{ other['_data'] }}",
        "{{ other | attr('raw') }}",
        "{{ found | map(attribute='raw') | list }}",
        "{{ other.fields() }}",
    ],
)
def test_a_member_that_is_not_a_field_is_an_error_naming_the_type(
    source: str, names: dict[str, Any]
) -> None:
    with pytest.raises(ExpressionError, match="User has no field"):
        evaluate(source, names)


def test_fields_and_id_are_readable_every_way(names: dict[str, Any]) -> None:
    assert evaluate("{{ other.name }}", names) == "Bob"
    assert evaluate("{{ other['name'] }}", names) == "Bob"
    assert evaluate("{{ other | attr('name') }}", names) == "Bob"
    assert evaluate("{{ other.id }}", names) == "t-bob"
    assert evaluate("{{ other['id'] }}", names) == "t-bob"
    assert evaluate("{{ found | map(attribute='name') | list }}", names) == ["Bob"]
    assert evaluate("{{ found | map(attribute='manager.name') | list }}", names) == ["Meg"]
    assert evaluate("{{ other.secret_note }}", names) is None
    assert evaluate("{{ other.manager }}", names).id == "t-meg"
    assert evaluate("{{ other }}", names) == names["other"]  # a native input keeps the thing
    assert evaluate("Hi {{ other }}", names) == "Hi t-bob"
    assert evaluate("{{ other.raw is defined }}", names) is False


def test_a_field_named_like_a_member_of_the_view_reads_the_field() -> None:
    odd = DataTypeDef(
        "Odd",
        (
            FieldDef("raw", ValueType("text")),
            FieldDef("fields", ValueType("text")),
            FieldDef("secret_note", ValueType("text")),
        ),
    )
    thing = ThingView(
        odd,
        "t-odd",
        {"raw": "r", "fields": "f", "secret_note": SECRET},
        None,
        frozenset({"secret_note"}),
    )
    assert evaluate("{{ thing.raw }}", {"thing": thing}) == "r"
    assert evaluate("{{ thing['fields'] }}", {"thing": thing}) == "f"
    assert evaluate("{{ [thing] | map(attribute='raw') | list }}", {"thing": thing}) == ["r"]


def test_the_error_for_a_long_unknown_name_stays_short(names: dict[str, Any]) -> None:
    with pytest.raises(ExpressionError) as caught:
        evaluate("{{ other['x' * 100000] }}", names)
    assert "User has no field 'xxx" in str(caught.value) and len(str(caught.value)) < 400
