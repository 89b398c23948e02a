"""Data actions: create, modify and delete things."""

from __future__ import annotations

from typing import Any

from app.actions.spec import (
    DATA_TYPE,
    FAMILY_DATA,
    MAPPING,
    THING_OR_LIST,
    ActionSpec,
    InputSpec,
    StepContext,
    plain,
)
from app.core.things import ThingView

_SEQUENCE = (list, tuple)  # (a tuple: `list | tuple` is a new union object each call)


def _many(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, _SEQUENCE) else [value]


def create_thing(ctx: StepContext, inputs: dict[str, Any]) -> ThingView:
    return ctx.create_thing(str(inputs["type"]), inputs.get("fields") or {})


def modify_thing(ctx: StepContext, inputs: dict[str, Any]) -> ThingView | list[ThingView]:
    fields = inputs.get("fields") or {}
    changed = [ctx.modify_thing(thing, fields) for thing in _many(inputs["thing"])]
    return changed if isinstance(inputs["thing"], _SEQUENCE) else changed[0]


def delete_thing(ctx: StepContext, inputs: dict[str, Any]) -> int:
    things = _many(inputs["thing"])
    for thing in things:
        ctx.delete_thing(thing)
    return len(things)


# Collected by app.actions.registry.
SPECS: list[ActionSpec] = []

SPECS.append(
    ActionSpec(
        name="create_thing",
        family=FAMILY_DATA,
        icon="create",
        label="Create a new thing",
        inputs=(
            InputSpec("type", DATA_TYPE, True, "Data type of the new thing", label="Data type"),
            InputSpec("fields", MAPPING, False, "Field values", label="Fields"),
        ),
        perform=create_thing,
        leaves_runs_alone=True,
        result="the new thing",
        returns_things=True,
        typed_by="type",
        describe=lambda i: f"Create a new {i.get('type', 'thing')}",
    )
)
SPECS.append(
    ActionSpec(
        name="modify_thing",
        family=FAMILY_DATA,
        icon="modify",
        label="Make changes to a thing",
        inputs=(
            InputSpec(
                "thing",
                THING_OR_LIST,
                True,
                "The thing (or list of things) to change",
                label="Thing",
            ),
            InputSpec("fields", MAPPING, True, "Field values to set", label="Fields"),
        ),
        perform=modify_thing,
        leaves_runs_alone=True,
        result="the changed thing, or list of things",
        returns_things=True,
        describe=lambda i: f"Make changes to {plain(i.get('thing', '…'))}",
    )
)
SPECS.append(
    ActionSpec(
        name="delete_thing",
        family=FAMILY_DATA,
        icon="delete",
        label="Delete a thing",
        inputs=(
            InputSpec("thing", THING_OR_LIST, True, "The thing (or list) to delete", label="Thing"),
        ),
        perform=delete_thing,
        result="number deleted",
        describe=lambda i: f"Delete {plain(i.get('thing', '…'))}",
    )
)
