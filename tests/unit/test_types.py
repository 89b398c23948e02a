"""Unit tests for app.core.types: type specs and value conversion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.core import types
from app.core.types import ValueType, coerce, encode, parse_datetime, parse_text, to_json_safe
from app.errors import BadInput, NotFound

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class FakeThing:
    id: str
    type_name: str


@pytest.fixture(autouse=True)
def berlin_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Times without an offset are local: make "local" the same on every machine."""
    monkeypatch.setattr(types, "local_zone", lambda: BERLIN)


def make_resolver(known: dict[tuple[str, str], FakeThing]):
    calls: list[tuple[str, str]] = []

    def resolve(type_name: str, thing_id: str) -> FakeThing:
        calls.append((type_name, thing_id))
        try:
            return known[(type_name, thing_id)]
        except KeyError:
            raise NotFound(f"no {type_name} '{thing_id}'") from None

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


# --- ValueType.parse ---------------------------------------------------------------


@pytest.mark.parametrize("spec", ["text", "number", "yes/no", "date"])
def test_parse_scalars(spec: str) -> None:
    parsed = ValueType.parse(spec)
    assert parsed == ValueType(spec, False)
    assert not parsed.is_list
    assert not parsed.is_thing
    assert str(parsed) == spec


@pytest.mark.parametrize("spec", ["yes / no", "boolean", "bool"])
def test_parse_yes_no_aliases(spec: str) -> None:
    assert ValueType.parse(spec) == ValueType("yes/no")


def test_parse_data_type_name_is_a_thing_reference() -> None:
    parsed = ValueType.parse("User")
    assert parsed == ValueType("User")
    assert parsed.is_thing
    assert not parsed.is_list


@pytest.mark.parametrize(
    ("spec", "base"),
    [
        ("list of text", "text"),
        ("list of number", "number"),
        ("list of yes/no", "yes/no"),
        ("list of date", "date"),
        ("list of User", "User"),
        ("  list   of    User  ", "User"),
        ("list of boolean", "yes/no"),
    ],
)
def test_parse_list_of(spec: str, base: str) -> None:
    parsed = ValueType.parse(spec)
    assert parsed == ValueType(base, True)
    assert parsed.is_list
    assert parsed.item == ValueType(base, False)
    assert str(parsed) == f"list of {base}"


def test_parse_with_is_list_flag() -> None:
    parsed = ValueType.parse("date", is_list=True)
    assert parsed == ValueType("date", True)
    assert str(parsed) == "list of date"


def test_parse_list_of_with_is_list_flag_is_refused() -> None:
    with pytest.raises(BadInput) as info:
        ValueType.parse("list of text", is_list=True)
    assert str(info.value) == "'list of text' is already a list"


@pytest.mark.parametrize(
    "spec",
    ["", "list of", "list of list of text", "9lives", "text!", "User Name", "list of 3d", "a-b"],
)
def test_parse_bad_types(spec: str) -> None:
    with pytest.raises(BadInput) as info:
        ValueType.parse(spec)
    assert str(info.value) == f"unknown type '{spec}'"


def test_str_round_trips_through_parse() -> None:
    for spec in ["text", "list of number", "User", "list of User", "list of yes/no"]:
        assert str(ValueType.parse(spec)) == spec
        assert ValueType.parse(str(ValueType.parse(spec))) == ValueType.parse(spec)


# --- coerce: None, text ----------------------------------------------------------------


@pytest.mark.parametrize(
    "spec", ["text", "number", "yes/no", "date", "User", "list of text", "list of User"]
)
def test_none_passes_through(spec: str) -> None:
    assert coerce(ValueType.parse(spec), None) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("hello", "hello"),
        ("", ""),
        ("  spaced  ", "  spaced  "),
        (True, "yes"),
        (False, "no"),
        (3, "3"),
        (2.5, "2.5"),
        (datetime(2026, 12, 10, 9, 0, tzinfo=UTC), "2026-12-10T09:00:00+00:00"),
    ],
)
def test_coerce_text(value: object, expected: str) -> None:
    assert coerce(ValueType("text"), value) == expected


@pytest.mark.parametrize(
    ("value", "described"),
    [([1], "a list"), ({"a": 1}, "a mapping"), (FakeThing("u1", "User"), "a User")],
)
def test_coerce_text_refuses_other_values(value: object, described: str) -> None:
    with pytest.raises(BadInput) as info:
        coerce(ValueType("text"), value)
    assert str(info.value) == f"expected text, got {described}"


# --- coerce: number ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, 3),
        (-7, -7),
        (2.5, 2.5),
        (4.0, 4),
        ("42", 42),
        (" 42 ", 42),
        ("-1.25", -1.25),
        ("1e3", 1000),
        ("9007199254740993", 9007199254740993),  # 2**53 + 1, exact as text
    ],
)
def test_coerce_number(value: object, expected: float) -> None:
    result = coerce(ValueType("number"), value)
    assert result == expected
    assert type(result) is type(expected)


def test_coerce_number_keeps_large_floats_as_floats() -> None:
    result = coerce(ValueType("number"), 2.0**60)
    assert result == 2.0**60
    assert isinstance(result, float)


@pytest.mark.parametrize("value", [True, False])
def test_bools_are_not_numbers(value: bool) -> None:
    with pytest.raises(BadInput) as info:
        coerce(ValueType("number"), value)
    assert str(info.value) == "expected a number, got yes/no"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), "nan", "inf"])
def test_non_finite_numbers_are_refused(value: object) -> None:
    with pytest.raises(BadInput) as info:
        coerce(ValueType("number"), value)
    assert str(info.value) == "expected a finite number"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "'abc' is not a number"),
        ("", "'' is not a number"),
        ([1], "expected a number, got a list"),
        ({"n": 1}, "expected a number, got a mapping"),
    ],
)
def test_coerce_number_refuses(value: object, message: str) -> None:
    with pytest.raises(BadInput) as info:
        coerce(ValueType("number"), value)
    assert str(info.value) == message


def test_coerce_number_refuses_a_date() -> None:
    with pytest.raises(BadInput) as info:
        coerce(ValueType("number"), datetime(2026, 1, 1, tzinfo=UTC))
    assert str(info.value) == "expected a number, got a date"


# --- coerce: yes/no ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        ("yes", True),
        ("YES", True),
        (" true ", True),
        ("no", False),
        ("False", False),
    ],
)
def test_coerce_yes_no(value: object, expected: bool) -> None:
    assert coerce(ValueType("yes/no"), value) is expected


@pytest.mark.parametrize(
    ("value", "described"),
    [(1, "a number"), (0, "a number"), ("1", "text"), ("maybe", "text"), ([True], "a list")],
)
def test_coerce_yes_no_refuses(value: object, described: str) -> None:
    with pytest.raises(BadInput) as info:
        coerce(ValueType("yes/no"), value)
    assert str(info.value) == f"expected yes or no, got {described}"


# --- coerce: date ---------------------------------------------------------------------------


def test_aware_datetime_is_kept() -> None:
    stamp = datetime(2026, 12, 10, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
    result = coerce(ValueType("date"), stamp)
    assert result is stamp


def test_naive_datetime_gets_the_local_zone() -> None:
    result = coerce(ValueType("date"), datetime(2026, 7, 1, 9, 30))
    assert result == datetime(2026, 7, 1, 9, 30, tzinfo=BERLIN)
    assert result.tzinfo is BERLIN
    assert result.utcoffset() == timedelta(hours=2)  # summer time


def test_date_object_becomes_local_midnight() -> None:
    result = coerce(ValueType("date"), date(2026, 1, 15))
    assert result == datetime(2026, 1, 15, 0, 0, tzinfo=BERLIN)
    assert result.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-10T09:00:00+00:00", datetime(2026, 12, 10, 9, 0, tzinfo=UTC)),
        ("2026-12-10T09:00:00Z", datetime(2026, 12, 10, 9, 0, tzinfo=UTC)),
        ("2026-12-10T09:00+05:30", datetime(2026, 12, 10, 3, 30, tzinfo=UTC)),
        ("2026-12-10T09:00", datetime(2026, 12, 10, 9, 0, tzinfo=BERLIN)),
        ("2026-12-10", datetime(2026, 12, 10, 0, 0, tzinfo=BERLIN)),
        ("  2026-12-10T09:00  ", datetime(2026, 12, 10, 9, 0, tzinfo=BERLIN)),
    ],
)
def test_coerce_date_from_iso_text(text: str, expected: datetime) -> None:
    result = coerce(ValueType("date"), text)
    assert result == expected
    assert result.tzinfo is not None


def test_iso_text_without_offset_is_local_time() -> None:
    result = parse_datetime("2026-12-10T09:00")
    assert result.tzinfo is BERLIN
    assert result.astimezone(UTC) == datetime(2026, 12, 10, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["tomorrow", "", "2026-13-01", "10/12/2026"])
def test_coerce_date_refuses_bad_text(text: str) -> None:
    with pytest.raises(BadInput) as info:
        coerce(ValueType("date"), text)
    assert str(info.value) == f"'{text}' is not a date (ISO 8601, e.g. 2026-12-10T09:00)"


@pytest.mark.parametrize(("value", "described"), [(5, "a number"), (True, "yes/no")])
def test_coerce_date_refuses_other_values(value: object, described: str) -> None:
    with pytest.raises(BadInput) as info:
        coerce(ValueType("date"), value)
    assert str(info.value) == f"expected a date, got {described}"


# --- coerce: things ----------------------------------------------------------------------------


def test_thing_of_the_right_type_is_kept() -> None:
    ada = FakeThing("u1", "User")
    assert coerce(ValueType("User"), ada) is ada


def test_thing_of_another_type_is_refused() -> None:
    with pytest.raises(BadInput) as info:
        coerce(ValueType("User"), FakeThing("t1", "Team"))
    assert str(info.value) == "expected a User, got a Team"


def test_thing_id_is_resolved() -> None:
    ada = FakeThing("u1", "User")
    resolve = make_resolver({("User", "u1"): ada})
    assert coerce(ValueType("User"), " u1 ", resolve) is ada
    assert resolve.calls == [("User", "u1")]  # stripped, with the type name


def test_unknown_thing_id_raises_the_resolvers_error() -> None:
    resolve = make_resolver({})
    with pytest.raises(NotFound) as info:
        coerce(ValueType("User"), "nope", resolve)
    assert str(info.value) == "no User 'nope'"


def test_thing_id_without_resolver_stays_an_id() -> None:
    assert coerce(ValueType("User"), "u1") == "u1"


@pytest.mark.parametrize(("value", "described"), [(5, "a number"), ({"id": "u1"}, "a mapping")])
def test_thing_refuses_other_values(value: object, described: str) -> None:
    with pytest.raises(BadInput) as info:
        coerce(ValueType("User"), value)
    assert str(info.value) == f"expected a User (a thing or its ID), got {described}"


# --- coerce: lists -------------------------------------------------------------------------------


def test_list_items_are_coerced() -> None:
    assert coerce(ValueType("number", True), [1, "2", 3.0]) == [1, 2, 3]
    assert coerce(ValueType("text", True), ("a", True)) == ["a", "yes"]
    assert coerce(ValueType("yes/no", True), []) == []


def test_list_from_json_text() -> None:
    assert coerce(ValueType("number", True), '[1, "2.5"]') == [1, 2.5]


def test_list_of_dates() -> None:
    result = coerce(ValueType("date", True), ["2026-01-01T00:00:00+00:00", date(2026, 6, 1)])
    assert result == [
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 6, 1, tzinfo=BERLIN),
    ]


def test_list_of_things_resolves_each_id() -> None:
    ada, grace = FakeThing("u1", "User"), FakeThing("u2", "User")
    resolve = make_resolver({("User", "u1"): ada, ("User", "u2"): grace})
    assert coerce(ValueType("User", True), ["u1", grace], resolve) == [ada, grace]
    assert resolve.calls == [("User", "u1")]


def test_list_item_errors_propagate() -> None:
    with pytest.raises(BadInput) as info:
        coerce(ValueType("number", True), [1, True])
    assert str(info.value) == "expected a number, got yes/no"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (5, "expected a list, got a number"),
        ({"a": 1}, "expected a list, got a mapping"),
        ("not json", "'not json' is not a JSON array"),
        ('{"a": 1}', "'{\"a\": 1}' is not a JSON array"),
    ],
)
def test_list_refuses_non_lists(value: object, message: str) -> None:
    with pytest.raises(BadInput) as info:
        coerce(ValueType("text", True), value)
    assert str(info.value) == message


# --- parse_text ----------------------------------------------------------------------------------


def test_parse_text_scalars() -> None:
    assert parse_text(ValueType("text"), "hi there") == "hi there"
    assert parse_text(ValueType("number"), "12") == 12
    assert parse_text(ValueType("yes/no"), "no") is False
    assert parse_text(ValueType("date"), "2026-12-10T09:00") == datetime(
        2026, 12, 10, 9, 0, tzinfo=BERLIN
    )


def test_parse_text_json_arrays() -> None:
    assert parse_text(ValueType.parse("list of text"), '["a", "b"]') == ["a", "b"]
    assert parse_text(ValueType.parse("list of number"), '[1, 2.5, "3"]') == [1, 2.5, 3]
    assert parse_text(ValueType.parse("list of yes/no"), '[true, "no"]') == [True, False]
    assert parse_text(ValueType.parse("list of date"), '["2026-01-01T00:00Z"]') == [
        datetime(2026, 1, 1, tzinfo=UTC)
    ]


def test_parse_text_list_of_things_resolves_ids() -> None:
    ada = FakeThing("u1", "User")
    resolve = make_resolver({("User", "u1"): ada})
    assert parse_text(ValueType.parse("list of User"), '["u1"]', resolve) == [ada]


def test_parse_text_thing_id() -> None:
    ada = FakeThing("u1", "User")
    assert parse_text(ValueType("User"), "u1", make_resolver({("User", "u1"): ada})) is ada


@pytest.mark.parametrize("text", ["a, b", "[1, 2", '"a"', "{}"])
def test_parse_text_list_needs_a_json_array(text: str) -> None:
    with pytest.raises(BadInput) as info:
        parse_text(ValueType.parse("list of text"), text)
    assert str(info.value) == f"'{text}' is not a JSON array"


def test_parse_text_bad_number() -> None:
    with pytest.raises(BadInput) as info:
        parse_text(ValueType("number"), "twelve")
    assert str(info.value) == "'twelve' is not a number"


# --- encode / to_json_safe -----------------------------------------------------------------------


def test_encode_values() -> None:
    stamp = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    assert encode(ValueType("date"), stamp) == "2026-12-10T09:00:00+00:00"
    assert encode(ValueType("User"), FakeThing("u1", "User")) == "u1"
    assert encode(ValueType("User"), "u7") == "u7"
    assert encode(ValueType("number"), 2.5) == 2.5
    assert encode(ValueType("yes/no"), True) is True
    assert encode(ValueType("text"), "x") == "x"
    for spec in ["text", "date", "User", "list of date"]:
        assert encode(ValueType.parse(spec), None) is None


def test_encode_lists() -> None:
    stamp = datetime(2026, 12, 10, 9, 0, tzinfo=BERLIN)
    assert encode(ValueType("date", True), [stamp]) == ["2026-12-10T09:00:00+01:00"]
    assert encode(ValueType("User", True), [FakeThing("u1", "User"), "u2"]) == ["u1", "u2"]
    assert encode(ValueType("number", True), []) == []


def test_encode_then_coerce_round_trips() -> None:
    ada = FakeThing("u1", "User")
    resolve = make_resolver({("User", "u1"): ada})
    cases = [
        (ValueType("date"), datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN)),
        (ValueType("date", True), [datetime(2026, 1, 1, tzinfo=UTC)]),
        (ValueType("User"), ada),
        (ValueType("User", True), [ada]),
        (ValueType("number", True), [1, 2.5]),
        (ValueType("yes/no"), False),
    ]
    for vtype, value in cases:
        assert coerce(vtype, encode(vtype, value), resolve) == value


def test_to_json_safe() -> None:
    stamp = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    value = {
        "when": stamp,
        "who": FakeThing("u1", "User"),
        1: [True, None, 2, 2.5, "x"],
        "nested": {"tuple": (stamp, FakeThing("u2", "User"))},
        "set": {"only"},
        "day": date(2026, 12, 10),
    }
    assert to_json_safe(value) == {
        "when": "2026-12-10T09:00:00+00:00",
        "who": "u1",
        "1": [True, None, 2, 2.5, "x"],
        "nested": {"tuple": ["2026-12-10T09:00:00+00:00", "u2"]},
        "set": ["only"],
        "day": "2026-12-10",
    }


@pytest.mark.parametrize("value", [None, True, 0, 1.5, "text"])
def test_to_json_safe_keeps_plain_values(value: object) -> None:
    assert to_json_safe(value) is value


def test_utcnow_is_aware_utc() -> None:
    now = types.utcnow()
    assert now.tzinfo is UTC
    assert abs(datetime.now(UTC) - now) < timedelta(seconds=5)


@pytest.mark.parametrize(
    "value",
    ["1" * 301, "9" * 4300, 10**300, -(10**400), "-" + "7" * 350],
)
def test_a_whole_number_past_300_digits_is_refused_in_one_line(value: object) -> None:
    from app.core.types import ValueType, coerce
    from app.errors import BadInput

    with pytest.raises(BadInput, match="too large"):
        coerce(ValueType("number"), value)


def test_whole_numbers_up_to_300_digits_stay_exact() -> None:
    from app.core.types import ValueType, coerce

    big = 10**299 + 7
    assert coerce(ValueType("number"), str(big)) == big
    assert coerce(ValueType("number"), -big) == -big
