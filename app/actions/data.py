"""Data actions: create, modify and delete things."""

from __future__ import annotations

from typing import Any

from app.actions.spec import (
    DATA_TYPE,
    MAPPING,
    THING_OR_LIST,
    ActionSpec,
    InputSpec,
    StepContext,
    plain,
)
from app.core.things import ThingView


def _many(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def create_thing(ctx: StepContext, inputs: dict[str, Any]) -> ThingView:
    return ctx.create_thing(str(inputs["type"]), inputs.get("fields") or {})


def modify_thing(ctx: StepContext, inputs: dict[str, Any]) -> ThingView | list[ThingView]:
    fields = inputs.get("fields") or {}
    changed = [ctx.modify_thing(thing, fields) for thing in _many(inputs["thing"])]
    return changed if isinstance(inputs["thing"], list | tuple) else changed[0]


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
        family="Data",
        label="Create a new thing",
        inputs=(
            InputSpec("type", DATA_TYPE, True, "Data type of the new thing"),
            InputSpec("fields", MAPPING, False, "Field values"),
        ),
        perform=create_thing,
        result="the new thing",
        returns_things=True,
        typed_by="type",
        describe=lambda i: f"Create a new {i.get('type', 'thing')}",
    )
)
SPECS.append(
    ActionSpec(
        name="modify_thing",
        family="Data",
        label="Make changes to a thing",
        inputs=(
            InputSpec("thing", THING_OR_LIST, True, "The thing (or list of things) to change"),
            InputSpec("fields", MAPPING, True, "Field values to set"),
        ),
        perform=modify_thing,
        result="the thing(s)",
        returns_things=True,
        describe=lambda i: f"Make changes to {plain(i.get('thing', '…'))}",
    )
)
SPECS.append(
    ActionSpec(
        name="delete_thing",
        family="Data",
        label="Delete a thing",
        inputs=(InputSpec("thing", THING_OR_LIST, True, "The thing (or list) to delete"),),
        perform=delete_thing,
        result="number deleted",
        describe=lambda i: f"Delete {plain(i.get('thing', '…'))}",
    )
)
