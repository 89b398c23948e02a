"""Privacy rules: what a user may see, find, change and delete of a thing.

A data type with no rules is open. Otherwise each rule whose condition holds
for (thing, current_user) grants what it lists; grants add up; when no rule
holds, "everyone else" applies (nothing, if it is not given). A condition
that cannot be evaluated (say, `current_user.email` with no current user)
does not hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core import expressions
from app.core.definitions import DataTypeDef, PrivacyRule
from app.errors import ExpressionError


@dataclass(frozen=True)
class Grant:
    view: frozenset[str]
    find: bool
    modify: bool
    delete: bool

    def hidden(self, data_type: DataTypeDef) -> frozenset[str]:
        return frozenset(f.name for f in data_type.fields) - self.view


def _fields(rule: PrivacyRule, data_type: DataTypeDef) -> frozenset[str]:
    if rule.view == "all":
        return frozenset(f.name for f in data_type.fields)
    if rule.view == "none" or isinstance(rule.view, str):
        return frozenset()
    return frozenset(rule.view)


def grant_for(data_type: DataTypeDef, thing: Any, current_user: Any) -> Grant:
    """What `current_user` (a thing or None) may do with `thing` of `data_type`."""
    privacy = data_type.privacy
    everything = frozenset(f.name for f in data_type.fields)
    if privacy.is_open:
        return Grant(everything, True, True, True)
    matched = [rule for rule in privacy.rules if _holds(rule.when, thing, current_user)]
    if not matched and privacy.everyone_else is not None:
        matched = [privacy.everyone_else]
    view: frozenset[str] = frozenset()
    for rule in matched:
        view |= _fields(rule, data_type)
    return Grant(
        view=view,
        find=any(rule.find for rule in matched),
        modify=any(rule.modify for rule in matched),
        delete=any(rule.delete for rule in matched),
    )


def _holds(condition: str, thing: Any, current_user: Any) -> bool:
    try:
        return expressions.test_condition(condition, {"thing": thing, "current_user": current_user})
    except ExpressionError:
        return False
