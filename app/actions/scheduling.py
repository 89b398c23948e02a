"""Scheduling actions: schedule another workflow, cancel scheduled runs."""

from __future__ import annotations

from typing import Any

from app.actions.registry import (
    DATE,
    MAPPING,
    TEXT_OR_LIST,
    WORKFLOW,
    YES_NO,
    ActionSpec,
    InputSpec,
    StepContext,
    register,
)


def schedule_workflow(ctx: StepContext, inputs: dict[str, Any]) -> str:
    return ctx.schedule(
        str(inputs["workflow"]),
        inputs.get("params") or {},
        inputs.get("at"),
        bool(inputs.get("ignore_privacy_rules")),
    )


def cancel_scheduled(ctx: StepContext, inputs: dict[str, Any]) -> int:
    ids = inputs["id"]
    items = ids if isinstance(ids, list) else [ids]
    return ctx.cancel([str(i) for i in items if i])


def _describe_schedule(inputs: Any) -> str:
    at = inputs.get("at")
    when = f" at {_strip(at)}" if at else " now"
    return f"Schedule {inputs.get('workflow', '…')}{when}"


def _strip(text: Any) -> str:
    value = str(text).strip()
    if value.startswith("{{") and value.endswith("}}"):
        value = value[2:-2].strip()
    return value


register(
    ActionSpec(
        name="schedule_workflow",
        family="Scheduling",
        label="Schedule a workflow",
        inputs=(
            InputSpec("workflow", WORKFLOW, True, "The workflow to run"),
            InputSpec("params", MAPPING, False, "Its parameters"),
            InputSpec("at", DATE, False, "When (default: now)"),
            InputSpec(
                "ignore_privacy_rules", YES_NO, False, "Run it ignoring privacy rules", False
            ),
        ),
        perform=schedule_workflow,
        result="run ID",
        describe=_describe_schedule,
    )
)
register(
    ActionSpec(
        name="cancel_scheduled",
        family="Scheduling",
        label="Cancel a scheduled run",
        inputs=(InputSpec("id", TEXT_OR_LIST, True, "Run ID, or a list of run IDs"),),
        perform=cancel_scheduled,
        result="number cancelled",
        describe=lambda i: f"Cancel scheduled run {i.get('id', '…')}",
    )
)
