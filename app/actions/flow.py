"""Flow actions: run a workflow inline, return data, notify, log, terminate."""

from __future__ import annotations

from typing import Any

from app.actions.spec import (
    FAMILY_OTHER,
    FAMILY_WORKFLOWS,
    LONG_TEXT,
    MAPPING,
    TEXT,
    WORKFLOW,
    ActionSpec,
    InputSpec,
    ReturnData,
    StepContext,
    Terminate,
    plain,
)


def run_workflow(ctx: StepContext, inputs: dict[str, Any]) -> Any:
    return ctx.run_inline(str(inputs["workflow"]), inputs.get("params") or {})


def return_data(ctx: StepContext, inputs: dict[str, Any]) -> None:
    raise ReturnData(dict(inputs.get("values") or {}))


def notify(ctx: StepContext, inputs: dict[str, Any]) -> None:
    ctx.notify(str(inputs.get("title") or ""), str(inputs.get("message") or ""))


def log(ctx: StepContext, inputs: dict[str, Any]) -> None:
    ctx.log(str(inputs.get("message") or ""))


def terminate(ctx: StepContext, inputs: dict[str, Any]) -> None:
    raise Terminate()


# Collected by app.actions.registry.
SPECS: list[ActionSpec] = []

SPECS.append(
    ActionSpec(
        name="run_workflow",
        family=FAMILY_WORKFLOWS,
        icon="run",
        label="Run a workflow and wait",
        inputs=(
            InputSpec("workflow", WORKFLOW, True, "The workflow to run inline", label="Workflow"),
            InputSpec("params", MAPPING, False, "Its parameters", label="Parameters"),
        ),
        perform=run_workflow,
        result="what it returned",
        outside_effect=True,  # the child run commits on its own
        calls_workflow=True,
        describe=lambda i: f"Run {i.get('workflow', '…')} and wait",
    )
)
SPECS.append(
    ActionSpec(
        name="return_data",
        family=FAMILY_OTHER,
        icon="return",
        label="Return data",
        inputs=(InputSpec("values", MAPPING, True, "Values to give back", label="Values"),),
        perform=return_data,
        leaves_runs_alone=True,
        touches_no_data=True,
        result="ends the workflow",
        describe=lambda i: f"Return {', '.join(map(str, (i.get('values') or {}).keys()))}",
    )
)
SPECS.append(
    ActionSpec(
        name="notify",
        family=FAMILY_OTHER,
        icon="notify",
        label="Show a notification",
        inputs=(
            InputSpec("title", TEXT, True, "Title", label="Title"),
            InputSpec("message", LONG_TEXT, False, "Message", label="Message"),
        ),
        perform=notify,
        leaves_runs_alone=True,
        describe=lambda i: f"Notify: {plain(i.get('title', ''))}",
    )
)
SPECS.append(
    ActionSpec(
        name="log",
        family=FAMILY_OTHER,
        icon="log",
        label="Write to the run log",
        inputs=(InputSpec("message", LONG_TEXT, True, "The line to write", label="Message"),),
        perform=log,
        leaves_runs_alone=True,
        touches_no_data=True,
        describe=lambda i: f"Log: {plain(i.get('message', ''))}",
    )
)
SPECS.append(
    ActionSpec(
        name="terminate",
        family=FAMILY_OTHER,
        icon="stop",
        label="Terminate this workflow",
        inputs=(),
        perform=terminate,
        leaves_runs_alone=True,
        touches_no_data=True,
        result="ends the workflow, status terminated",
        describe=lambda i: "Terminate this workflow",
    )
)
