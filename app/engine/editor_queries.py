"""What the workflow editor reads besides the workflow: its last run step by
step, and its problems as sentences that point at a field.

`last_run` opens one read session and returns plain data, so the window calls
it on a worker thread. `explain` turns a validation Problem
(`steps[1].with.to: required input is missing`) into the words a beginner
reads ("Step 1 · Send email: To is required") and the field it belongs to.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.actions import registry
from app.actions.spec import InputSpec
from app.core.definitions import DataTypeDef, WorkflowDef
from app.engine import presenting, run_queries
from app.engine.validation import Problem
from app.storage import catalog, ledger, views
from app.storage.db import Database

ONLY_WHEN = "only_when"


@dataclass(frozen=True)
class StepOutcome:
    """One step of a run's last attempt."""

    status: str
    duration_ms: float
    error: str | None = None
    inputs: dict[str, Any] | None = None
    result: Any = None


@dataclass(frozen=True)
class LastRun:
    run_id: str
    status: str
    finished_at: datetime | None
    error: str | None
    steps: dict[int, StepOutcome] = field(default_factory=dict)  # by position (1-based)
    retrying: bool = False  # it failed and waits for another attempt (steps: the failed one)
    # Short labels ("Ada") of the things its steps' inputs and results name by ID.
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def ended(self) -> bool:
        """Finished, or failed and waiting for a retry: what it did is all there."""
        return self.retrying or self.status in ENDED


ENDED = frozenset({"succeeded", "failed", "terminated", "interrupted", "cancelled", "missed"})


def last_run(db: Database, workflow: str) -> LastRun | None:
    """The newest finished run of `workflow` and its steps, or None."""
    rows = run_queries.history_page(db, run_queries.RunFilter(workflow=workflow), 0, 1)
    if not rows:
        return None
    return run_outcome(db, rows[0].id)


def run_outcome(db: Database, run_id: str) -> LastRun | None:
    """One run as it is now and the steps of its attempt (the editor's Test run
    reads its run with this while it goes on); None when there is no such run.

    A run waiting for a retry shows the attempt that failed.
    """
    with db.read() as session:
        run = views.get_run_row(session, run_id)
        if run is None:
            return None
        retrying = run.status == ledger.SCHEDULED and run.attempt > 1
        attempt = run.attempt - 1 if retrying else run.attempt
        rows = presenting.steps_to_json(ledger.step_results(session, run_id, attempt))
        found: set[str] = set()
        for row in rows:
            _id_like(row["inputs"], found)
            _id_like(row["result"], found)
        labels = presenting.thing_labels(session, sorted(found)[:MAX_LABELS]) if found else {}
    steps = {  # errors in the form's words ("To: 'Ada' is not an email address")
        int(s["step"]): StepOutcome(
            str(s["status"]),
            float(s["duration_ms"]),
            presenting.step_error_words(s["action"], s["error"]) if s["error"] else s["error"],
            s["inputs"],
            s["result"],
        )
        for s in rows
    }
    error = presenting.run_error_words(run.error)
    return LastRun(run.id, run.status, run.finished_at, error, steps, retrying, labels)


MAX_LABELS = 500  # thing IDs looked up for one run's steps
_ID_LIKE = re.compile(r"^[0-9a-z]{8,40}$")


def _id_like(value: Any, found: set[str], depth: int = 0) -> None:
    """Collect the texts in a recorded value that may be thing IDs."""
    if isinstance(value, str):
        if _ID_LIKE.match(value):
            found.add(value)
    elif depth < 8 and isinstance(value, dict):
        for item in value.values():
            _id_like(item, found, depth + 1)
    elif depth < 8 and isinstance(value, list):
        for item in value[:MAX_LABELS]:
            _id_like(item, found, depth + 1)


def workflow_titles(db: Database) -> dict[str, str]:
    """{name: the title people read (its label, else its name)} of every workflow, for
    tables that list runs by workflow."""
    with db.read() as session:
        return {wf.name: wf.title for wf in catalog.list_workflows(session)}


@dataclass(frozen=True)
class Explained:
    """A problem in words: the sentence, the step (1-based) and input it is about."""

    sentence: str
    short: str  # what the field itself shows
    step: int | None = None
    input: str | None = None


_STEP_PLACE = re.compile(r"^steps\[(\d+)\](?:\.(.*))?$")


def explain(problem: Problem, workflow: WorkflowDef | None = None) -> Explained:
    """`steps[1].with.to: required input is missing` → "Step 1 · Send email: To is required"."""
    match = _STEP_PLACE.match(problem.place)
    if match is None:
        what = _WORKFLOW_PLACES.get(problem.place.split(".")[0], problem.place)
        if problem.place.startswith("parameters."):
            what = f"Parameter '{problem.place.split('.')[1]}'"
        short = plain_reason(problem.reason)
        return Explained(f"{what}: {short}" if what else short, short)
    index = int(match.group(1))
    rest = match.group(2) or ""
    action = None
    if workflow is not None and 0 < index <= len(workflow.steps):
        action = workflow.steps[index - 1].action
    spec = registry.get(action) if action else None
    where = f"Step {index} · {spec.label}" if spec else f"Step {index}"
    if rest.startswith("with."):
        name = rest[len("with.") :].split(".")[0].split("[")[0]
        item = spec.input(name) if spec else _any_input(name)
        title = item.title if item else name
    elif rest == ONLY_WHEN:
        name, title = ONLY_WHEN, "Only when"
    else:
        return Explained(
            f"{where}: {plain_reason(problem.reason)}", plain_reason(problem.reason), index
        )
    if problem.reason == "required input is missing":
        short = f"{title} is required"
        return Explained(f"{where}: {short}", short, index, name)
    short = plain_reason(problem.reason)
    return Explained(f"{where}: {title} — {short}", short, index, name)


def _any_input(name: str) -> InputSpec | None:
    """The input called `name` of whichever action has one (the step's action unknown)."""
    return next(
        (i for spec in registry.actions().values() for i in spec.inputs if i.name == name), None
    )


_FILE_PLACE = re.compile(r"^(data_types|workflows|triggers)\.([^.\[]+)(?:\.(.*))?$")
_THING_PLACE = re.compile(r"^things\.([^.\[]+)\[(\d+)\](?:\.(.*))?$")


def file_problem_words(problem: str) -> str:
    """A workflow file's problem with its place in words:
    `workflows.greet.steps[1].with.to: required input is missing` →
    "Workflow 'greet' · Step 1: To is required". Other lines stay as they are."""
    place, sep, reason = problem.partition(": ")
    if not sep:
        return problem
    thing = _THING_PLACE.match(place)
    if thing is not None:
        what = f"{thing.group(1)} number {thing.group(2)}"
        field = f", field '{thing.group(3)}'" if thing.group(3) else ""
        return f"{what}{field}: {plain_reason(reason)}"
    match = _FILE_PLACE.match(place)
    if match is None:
        return problem
    part, name, rest = match.group(1), match.group(2), match.group(3) or ""
    if part == "workflows":
        explained = explain(Problem(rest, reason))
        return f"Workflow '{name}' · {explained.sentence}"
    kind = "Data type" if part == "data_types" else "Trigger"
    pieces = rest.split(".")
    if part == "data_types" and pieces[0] == "fields" and len(pieces) > 1:
        return f"{kind} '{name}', field '{pieces[1]}': {plain_reason(reason)}"
    words = rest.replace("_", " ").replace(".", " › ")
    return f"{kind} '{name}'{f', {words}' if words else ''}: {plain_reason(reason)}"


_WORKFLOW_PLACES = {
    "name": "Name",
    "colour": "Colour",
    "timeout": "Timeout",
    "grace": "Grace period",
    "retries": "Retries",
    "on_missed": "Missed runs",
    "only_when": "Only when",
    "steps": "Steps",
    "parameters": "Parameters",
    "label": "Label",
    "api": "API",
    "": "",
}


def plain_reason(reason: str) -> str:
    """A few developer phrasings in plain words (the name in quotes stays)."""
    unknown = re.match(r"^unknown name '([^']*)'$", reason)
    if unknown:
        return (
            f"unknown name '{unknown.group(1)}': not a parameter, nor the result of an earlier step"
        )
    return reason


NAME_LIMIT = 60  # a technical name derived from a label is cut here


def name_from_label(label: str) -> str:
    """The technical name a label gives: "Send birthday email" → "send_birthday_email"
    (accents dropped, anything but a-z and 0-9 becomes one _; "workflow" when
    nothing is left)."""
    plain = unicodedata.normalize("NFKD", label[: NAME_LIMIT * 4])
    plain = plain.encode("ascii", "ignore").decode("ascii").lower()
    name = re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:NAME_LIMIT].rstrip("_")
    return name or "workflow"


def follows_label(name: str, label: str) -> bool:
    """Whether `name` is what `label` gives (or that with a number to keep it
    apart): the name was derived, not chosen, and follows the label."""
    base = name_from_label(label)
    return name == base or re.fullmatch(re.escape(base) + r"_[0-9]+", name) is not None


def free_name_from_label(label: str, taken: set[str] | frozenset[str]) -> str:
    """The name `label` gives, with _2, _3 … when another workflow has it."""
    base = name_from_label(label)
    if base not in taken:
        return base
    number = 2
    while f"{base}_{number}" in taken:
        number += 1
    return f"{base}_{number}"


_DATE_WORDS = re.compile(r"(date|day|_at|time|when)$")


def suggested_type(name: str, data_types: Mapping[str, DataTypeDef]) -> str | None:
    """The type a new field or parameter called `name` most likely holds, or None:
    a data type of that name ("user" → User), the type of a field of that name
    elsewhere ("birthday" → date, as User.birthday), a date for names such as
    "start_date", "birthday", "created_at". A suggestion: shown, and changed freely."""
    key = name.strip().lower()
    if not key:
        return None
    for type_name in data_types:
        if type_name.lower() == key:
            return type_name
    for definition in data_types.values():
        for field_def in definition.fields:
            if field_def.name.lower() == key and not field_def.type.is_list:
                return field_def.type.base
    return "date" if _DATE_WORDS.search(key) else None
