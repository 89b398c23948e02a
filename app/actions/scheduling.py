"""Scheduling actions: schedule another workflow, cancel scheduled runs."""

from __future__ import annotations

from typing import Any

from app.actions.spec import (
    ANY,
    CAPTURED,
    DATE,
    FAMILY_WORKFLOWS,
    MAPPING,
    NUMBER,
    TEXT,
    TEXT_OR_LIST,
    WORKFLOW,
    YES_NO,
    ActionSpec,
    InputSpec,
    StepContext,
    plain,
)
from app.errors import StepFailed


def schedule_workflow(ctx: StepContext, inputs: dict[str, Any]) -> str:
    return ctx.schedule(
        str(inputs["workflow"]),
        inputs.get("params") or {},
        inputs.get("at"),
        bool(inputs.get("ignore_privacy_rules")),
        str(inputs["every"]) if inputs.get("every") else None,
    )


def capture_schedule(ctx: StepContext, inputs: dict[str, Any]) -> dict[str, Any]:
    """A test run schedules nothing: what it would have scheduled, checked."""
    workflow = str(inputs["workflow"])
    at = inputs.get("at")
    params = ctx.check_schedule(workflow, inputs.get("params") or {}, at)
    preview: dict[str, Any] = {CAPTURED: True, "workflow": workflow, "at": at, "params": params}
    if inputs.get("every"):
        preview["every"] = str(inputs["every"])
    ctx.log(f"schedule {workflow} captured (a test run schedules nothing)")
    return preview


def capture_schedule_on_list(ctx: StepContext, inputs: dict[str, Any]) -> dict[str, Any]:
    """A test run schedules nothing: how many runs it would have scheduled."""
    items = inputs.get("list")
    if items is None:
        items = []
    if not isinstance(items, list | tuple):
        raise StepFailed(f"'list' must be a list, got {type(items).__name__}")
    workflow = str(inputs["workflow"])
    item_param = str(inputs["item_param"])
    params = dict(inputs.get("params") or {})
    if items:  # the first item's run, checked as the real step checks each
        ctx.check_schedule(workflow, {**params, item_param: items[0]}, inputs.get("at"))
    ctx.log(f"schedule {workflow} on {len(items):,} items captured (a test run schedules nothing)")
    return {
        CAPTURED: True,
        "workflow": workflow,
        "runs": len(items),
        "at": inputs.get("at"),
        "interval": float(inputs.get("interval") or 0),
    }


def schedule_workflow_on_list(ctx: StepContext, inputs: dict[str, Any]) -> list[str]:
    items = inputs.get("list")
    if items is None:
        items = []
    if not isinstance(items, list | tuple):
        raise StepFailed(f"'list' must be a list, got {type(items).__name__}")
    return ctx.schedule_list(
        str(inputs["workflow"]),
        list(items),
        str(inputs["item_param"]),
        inputs.get("params") or {},
        inputs.get("at"),
        float(inputs.get("interval") or 0),
    )


def cancel_scheduled(ctx: StepContext, inputs: dict[str, Any]) -> int:
    ids = inputs["id"]
    items = ids if isinstance(ids, list) else [ids]
    return ctx.cancel([str(i) for i in items if i])


def _describe_schedule(inputs: Any) -> str:
    at = inputs.get("at")
    when = f" at {plain(at)}" if at else " now"
    return f"Schedule {inputs.get('workflow', '…')}{when}"


# Collected by app.actions.registry.
SPECS: list[ActionSpec] = []

SPECS.append(
    ActionSpec(
        name="schedule_workflow",
        family=FAMILY_WORKFLOWS,
        icon="schedule",
        label="Schedule a workflow",
        inputs=(
            InputSpec("workflow", WORKFLOW, True, "The workflow to run", label="Workflow"),
            InputSpec("params", MAPPING, False, "Its parameters", label="Parameters"),
            InputSpec("at", DATE, False, "When (default: now)", label="When"),
            InputSpec(
                "every",
                TEXT,
                False,
                "Repeat: e.g. 1 day, 2 hours, cron:0 9 * * 1-5",
                label="Repeat every",
            ),
            InputSpec(
                "ignore_privacy_rules",
                YES_NO,
                False,
                "Run it ignoring privacy rules",
                False,
                label="Ignore privacy rules",
            ),
        ),
        perform=schedule_workflow,
        capture=capture_schedule,
        result="run ID",
        calls_workflow=True,
        describe=_describe_schedule,
    )
)
SPECS.append(
    ActionSpec(
        name="schedule_workflow_on_list",
        family=FAMILY_WORKFLOWS,
        icon="schedule-list",
        label="Schedule a workflow on a list",
        inputs=(
            InputSpec(
                "workflow", WORKFLOW, True, "The workflow to run for each item", label="Workflow"
            ),
            InputSpec("list", ANY, True, "The items (e.g. a search)", label="List"),
            InputSpec(
                "item_param",
                TEXT,
                True,
                "The parameter that receives each item",
                label="Parameter for each item",
            ),
            InputSpec(
                "params",
                MAPPING,
                False,
                "Other parameters, the same for every item",
                label="Parameters",
            ),
            InputSpec("at", DATE, False, "When the first runs (default: now)", label="When"),
            InputSpec(
                "interval", NUMBER, False, "Seconds between items", 0, label="Seconds between items"
            ),
        ),
        perform=schedule_workflow_on_list,
        capture=capture_schedule_on_list,
        result="list of run IDs",
        calls_workflow=True,
        describe=lambda i: f"Schedule {i.get('workflow', '…')} on {plain(i.get('list', '…'))}",
    )
)
SPECS.append(
    ActionSpec(
        name="cancel_scheduled",
        family=FAMILY_WORKFLOWS,
        icon="cancel",
        label="Cancel a scheduled run",
        inputs=(
            InputSpec("id", TEXT_OR_LIST, True, "Run ID, or a list of run IDs", label="Run ID"),
        ),
        perform=cancel_scheduled,
        result="number cancelled",
        describe=lambda i: f"Cancel scheduled run {i.get('id', '…')}",
    )
)
