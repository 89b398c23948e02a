"""What an action declares: its name, the inputs it takes, and the function that
performs it (`ActionSpec`), and what a step may ask of the engine
(`StepContext`).

Each action module lists its specs in `SPECS`; `app.actions.registry` collects
them, so no action module imports the registry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from app.core.things import ThingView

# Input kinds: how an evaluated input is checked and which editor the form uses.
TEXT = "text"
LONG_TEXT = "long text"
NUMBER = "number"
YES_NO = "yes/no"
DATE = "date"
TEXT_OR_LIST = "text or list"
THING_OR_LIST = "thing or list"
MAPPING = "mapping"
WORKFLOW = "workflow"
DATA_TYPE = "data type"
CHOICE = "choice"
ANY = "any"

# Action families: how the editor groups, colours and draws the actions.
FAMILY_DATA = "data"
FAMILY_EMAIL = "email"
FAMILY_WEB = "web"
FAMILY_WORKFLOWS = "workflows"
FAMILY_OTHER = "other"
FAMILIES = (FAMILY_DATA, FAMILY_EMAIL, FAMILY_WEB, FAMILY_WORKFLOWS, FAMILY_OTHER)


@dataclass(frozen=True)
class InputSpec:
    name: str
    kind: str
    required: bool = False
    help: str = ""
    default: Any = None
    choices: tuple[str, ...] = ()
    # What a person reads beside the input ("Reply to", not `reply_to`).
    label: str = ""

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()


class StepContext(Protocol):
    """What an action may do; the engine provides it for each step."""

    run_id: str
    workflow_name: str

    def remaining(self) -> float:
        """Seconds left before the run's timeout."""

    def setting(self, key: str) -> Any: ...

    def secret(self, name: str) -> str | None: ...

    def log(self, message: str) -> None: ...

    def notify(self, title: str, message: str) -> None: ...

    def create_thing(self, type_name: str, fields: Mapping[str, Any]) -> ThingView: ...

    def modify_thing(self, thing: ThingView | str, fields: Mapping[str, Any]) -> ThingView: ...

    def delete_thing(self, thing: ThingView | str) -> None: ...

    def schedule(
        self,
        workflow: str,
        params: Mapping[str, Any],
        at: datetime | None,
        ignore_privacy_rules: bool,
        every: str | None = None,
    ) -> str: ...

    def schedule_list(
        self,
        workflow: str,
        items: Sequence[Any],
        item_param: str,
        params: Mapping[str, Any],
        at: datetime | None,
        interval: float,
    ) -> list[str]: ...

    def cancel(self, run_ids: Sequence[str]) -> int: ...

    def run_inline(self, workflow: str, params: Mapping[str, Any]) -> Any: ...

    def check_schedule(
        self, workflow: str, params: Mapping[str, Any], at: datetime | None
    ) -> dict[str, Any]:
        """Check what `schedule` would be given, scheduling nothing; the parameters
        as they would be stored (things as IDs). For a test run's preview."""


Perform = Callable[[StepContext, dict[str, Any]], Any]

# The key that marks a step result as a test run's preview (ActionSpec.capture).
CAPTURED = "captured"


@dataclass(frozen=True)
class ActionSpec:
    name: str
    family: str
    label: str
    inputs: tuple[InputSpec, ...]
    perform: Perform
    result: str = ""
    # The name of its icon (resources/icons/actions/<icon>.svg) on the editor's cards.
    icon: str = ""
    # What the engine needs to know about it, declared here rather than by name:
    # Runs outside the run's transaction, after a committed "running" checkpoint
    # (an effect outside Cueflow's database, or a run of its own): a crash
    # afterwards leaves the step marked as possibly done, never done twice.
    outside_effect: bool = False
    # Its `workflow` input names a workflow it runs or schedules with `params`:
    # those are checked against that workflow's parameters, and renaming the
    # workflow renames it in such steps.
    calls_workflow: bool = False
    # Its perform neither reads nor writes Cueflow's database (a log line, the
    # end of the run): it runs with no savepoint around it.
    touches_no_data: bool = False
    # Neither it nor what its writes set off (triggers) reads or changes runs:
    # in a batch on SQLite the engine may leave its run's own claim unwritten
    # until the run ends, and write both at once (issue 18). False unless sure:
    # deleting a thing cancels runs, a schedule counts and cancels them.
    leaves_runs_alone: bool = False
    # Its result is a thing or a list of things (recorded by ID, loaded again
    # when a later attempt resumes after it).
    returns_things: bool = False
    # The input naming the data type of the thing it returns and whose `fields`
    # it sets (create_thing: "type"); validation checks both against that type.
    typed_by: str | None = None
    describe: Callable[[Mapping[str, Any]], str] | None = field(default=None, compare=False)
    # What it does instead in a test run (runs.captured): every check the real
    # action makes, then a preview of its effect (the email as it would be sent,
    # the request as it would go out), marked {"captured": True}, with nothing
    # sent, called or scheduled. None: it runs for real (data steps, as in n8n).
    capture: Perform | None = field(default=None, compare=False)

    def input(self, name: str) -> InputSpec | None:
        return next((i for i in self.inputs if i.name == name), None)

    def summary(self, inputs: Mapping[str, Any]) -> str:
        """A readable one-line description of a configured step."""
        if self.describe is not None:
            return self.describe(inputs)
        return self.label


class ReturnData(Exception):
    """Raised by `return_data`: the workflow ends and gives these values."""

    def __init__(self, values: dict[str, Any]) -> None:
        super().__init__("return")
        self.values = values


class Terminate(Exception):
    """Raised by `terminate`: the workflow ends with status `terminated`."""


def plain(value: Any) -> str:
    """An input as a person reads it on a step card: `{{ user.email }}` → `‹user.email›`."""
    text = str(value).strip()
    return re.sub(r"\{\{\s*(.*?)\s*\}\}", r"‹\1›", text)
