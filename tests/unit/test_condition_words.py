"""Conditions in words (the "only when" badge): Jinja's parsed tree walked, never
guessed at; whatever has no words gives None (the badge then says "a condition")."""

from __future__ import annotations

import pytest

from app.core.definitions import DataTypeDef, FieldDef, ParameterDef, StepDef, WorkflowDef
from app.core.types import ValueType
from app.engine.condition_words import date_sample, describe, describe_value, name_types

USER = DataTypeDef(
    "User",
    (
        FieldDef("email", ValueType("text")),
        FieldDef("active", ValueType("yes/no")),
        FieldDef("birthday", ValueType("date")),
        FieldDef("tags", ValueType("text", True)),
    ),
)
WORKFLOW = WorkflowDef(
    name="w",
    parameters=(
        ParameterDef("user", ValueType("User")),
        ParameterDef("notify", ValueType("yes/no")),
        ParameterDef("birthday", ValueType("date"), optional=True),
    ),
    steps=(
        StepDef("create_thing", {"type": "User", "fields": {}}),
        StepDef("http_request", {"method": "GET", "url": "https://example.com"}),
        StepDef("log", {"message": "x"}),
    ),
)
TYPES = name_types(WORKFLOW, {"User": USER}, 3)


@pytest.mark.parametrize(
    ("condition", "words"),
    [
        # emptiness, in each form Insert data writes and people type
        ("step2.json | length == 0", "Result of step 2's json is empty"),
        ("step2.json | length > 0", "Result of step 2's json is not empty"),
        ("(user.tags or []) | length > 0", "user's tags is not empty"),
        ("birthday is not none", "birthday is not empty"),
        ("birthday is none", "birthday is empty"),
        ("not user.email", "user's email is empty"),
        ("user.email is not none and user.email != ''", "user's email is not empty"),
        ("user.email == ''", "user's email is empty"),
        ("user.email != none", "user's email is not empty"),
        ("not (user.email is none)", "user's email is not empty"),
        # yes/no values, by their type
        ("notify", "notify is yes"),
        ("not notify", "notify is no"),
        ("user.active", "user's active is yes"),
        ("user.active == false", "user's active is no"),
        # comparisons; with a date on one side, before / after
        ("step2.status == 200", "Result of step 2's status is 200"),
        ("step2.status != 200", "Result of step 2's status is not 200"),
        ("step2.status >= 400", "Result of step 2's status is at least 400"),
        ("step2.status < 1.5", "Result of step 2's status is less than 1.5"),
        ("0 < step2.status", "0 is less than Result of step 2's status"),
        ("user.birthday < now", "user's birthday is before now"),
        ("birthday <= now | add_days(-3)", "birthday is on or before now − 3 days"),
        ("user.birthday | add_years(1) > now", "user's birthday + 1 year is after now"),
        ("run.scheduled_for >= now", "scheduled date and time is on or after now"),
        ("step1.email == user.email", "Result of step 1's email is user's email"),
        ("user['email'] == 'ada@example.com'", "user's email is “ada@example.com”"),
        # and / or, in / not in
        (
            "notify and step2.status == 200",
            "notify is yes and Result of step 2's status is 200",
        ),
        (
            "notify and (birthday is none or user.active)",
            "notify is yes and either birthday is empty or user's active is yes",
        ),
        ("'vip' in user.tags", "“vip” is in user's tags"),
        ("'vip' not in user.tags", "“vip” is not in user's tags"),
        ("user.email in ['a@x.org', 'b@x.org']", "user's email is “a@x.org” or “b@x.org”"),
        (
            "search('User', email=user.email) | length == 0",
            "there are no Users whose email is user's email",
        ),
        ("search('User')", "there are Users"),
        # values the operators write
        ("(user.email or '') | upper == 'ADA'", "user's email in capitals is “ADA”"),
        (
            "now | format_date('%A %d %B') == 'Tuesday'",
            "now written like Tuesday 15 December is “Tuesday”",
        ),
        ("current_user.id if current_user else ''", "current user's id is not empty"),
        ("thing_now.email != thing_before.email", "thing now's email is not thing before's email"),
        ("true", "always"),
    ],
)
def test_conditions_in_words(condition: str, words: str) -> None:
    assert describe(condition, TYPES, {"User": USER}) == words


@pytest.mark.parametrize(
    "condition",
    [
        "user.email | frobnicate",  # a filter with no words
        "user.email ~ 'x' == 'y'",  # concatenation
        "not (notify and birthday)",  # no plain sentence for it
        "step2.status < 3 < 4",  # a chain
        "[1, 2] | map('x')",
        "lipsum()",
        "x if y else z",
        "user.email == 1e400",  # an infinite literal
        "birthday | add_days(10 ** 12) > now",
        "(" * 5000 + "x" + ")" * 5000,  # deeper than anyone writes (and than Python recurses)
        "not " * 3000 + "x",
        "a and " * 400 + "b",
        "x" * 10_000,  # longer than a badge
        "user.email ==",  # a syntax error
        "}} {{",
        "\udcff == 1",  # not valid UTF-8 (a lone surrogate)
        "",
        "   ",
    ],
)
def test_what_has_no_words_falls_back(condition: str) -> None:
    assert describe(condition, TYPES, {"User": USER}) is None


@pytest.mark.parametrize("hostile", [None, 3, 1.5, b"x == 1", ["x"], {"x": 1}, float("nan")])
def test_anything_but_text_has_no_words(hostile: object) -> None:
    assert describe(hostile) is None
    assert describe_value(hostile) is None


def test_without_types_names_read_as_written_and_values_are_not_empty() -> None:
    assert describe("flag") == "flag is not empty"
    assert describe("a.b.c == 1") == "a's b's c is 1"
    assert describe("x[0] == 'a'") == "item 1 of x is “a”"


def test_date_formats_show_a_sample_date_never_their_codes() -> None:
    assert date_sample("%A %d %B") == "Tuesday 15 December"
    assert date_sample("%d %B %Y") == "10 December 2026"  # the menu's own examples
    assert date_sample("%Y-%m-%d %H:%M") == "2026-12-15 14:30"
    assert "%" not in date_sample("%A, %d.%m.%Y")
    assert date_sample("") == ""
