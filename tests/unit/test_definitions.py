"""Data type definitions: which field edits are renames, and privacy following them."""

from __future__ import annotations

from app.core.definitions import DataTypeDef, FieldDef, Privacy, PrivacyRule
from app.core.types import ValueType

TEXT = ValueType("text")


def _type(*names: str, view: tuple[str, ...] = ("email",)) -> DataTypeDef:
    rule = PrivacyRule("own", "true", view)
    return DataTypeDef("User", tuple(FieldDef(n, TEXT) for n in names), Privacy((rule,), rule))


def test_a_name_changed_in_place_is_a_rename() -> None:
    before = _type("email", "name")
    after = (FieldDef("mail", TEXT), FieldDef("name", TEXT))
    assert before.renames_to(after) == {"email": "mail"}
    renamed = before.with_fields(after)
    assert renamed.fields == after
    assert renamed.privacy.rules[0].view == ("mail",)
    assert renamed.privacy.everyone_else is not None
    assert renamed.privacy.everyone_else.view == ("mail",)


def test_adding_removing_or_swapping_fields_renames_nothing() -> None:
    before = _type("email", "name")
    assert before.renames_to((FieldDef("email", TEXT),)) == {}
    assert before.renames_to((*before.fields, FieldDef("age", TEXT))) == {}
    swapped = (FieldDef("name", TEXT), FieldDef("email", TEXT))
    assert before.renames_to(swapped) == {}
    assert before.with_fields(swapped).privacy == before.privacy


def test_rules_that_show_all_fields_are_left_alone() -> None:
    before = _type("email", view=())
    open_rule = PrivacyRule("all", "true", "all")
    before = DataTypeDef("User", before.fields, Privacy((open_rule,)))
    after = before.with_fields((FieldDef("mail", TEXT),))
    assert after.privacy.rules == (open_rule,)
