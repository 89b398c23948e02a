"""What a step runs with: the run's state, its record in the ledger, the
evaluation of its expressions, and the StepContext actions call (StepRuntime).

Secrets a run reads are masked everywhere they would be stored or shown
(masking itself is app.engine.masking); the step loop is app.engine.runner.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from app.actions import registry
from app.core import expressions
from app.core.definitions import WorkflowDef
from app.core.things import ThingView
from app.core.types import ValueType, coerce, to_json_safe, utcnow
from app.core.when import within_horizon
from app.core.words import counted
from app.engine.access import RunAccess
from app.engine.enqueue import (
    ChainStopped,
    Parent,
    cancel_in,
    prepare_params,
    schedule_in,
    schedule_on_list,
)
from app.engine.events import Notification
from app.engine.masking import Masker
from app.engine.transactions import Segment
from app.errors import BadInput, StepFailed
from app.storage import catalog, ledger, secrets, settings
from app.storage import models as m
from app.storage.db import Database

MAX_INLINE_DEPTH = 20
# A step's expressions may compute this long while the run's transaction holds
# the write lock; one that needs longer is given its time with the lock freed.
LOCKED_EVAL_SECONDS = expressions.LOCKED_SECONDS
_T = TypeVar("_T")


class InlineRunner(Protocol):
    """What a step needs of the runner (app.engine.runner.Runner): run_workflow's run."""

    db: Database

    def run_now(
        self,
        workflow: str,
        params: Mapping[str, Any],
        *,
        run_as: str | None = None,
        ignore_privacy: bool = False,
        parent: Parent | None = None,
        depth: int = 0,
        trigger: str | None = None,
        inline: InlineCount | None = None,
        captured: bool = False,
    ) -> str:
        """Run a workflow in this thread, now; returns the run ID."""


@dataclass
class InlineCount:
    """Inline runs started under one top-level run, at any depth (run_workflow).

    Inline children are never scheduled, so a chain's count of unfinished runs
    sees only the nesting; two run_workflow steps per level would make 2^20.
    """

    started: int = 0


@dataclass
class RunState:
    run_id: str
    workflow: WorkflowDef
    attempt: int
    params: dict[str, Any]
    run_as: ThingView | None
    ignore_privacy: bool
    scheduled_for: datetime
    deadline: float
    access: RunAccess | None = None
    trigger: str | None = None
    chain_depth: int = 0
    depth: int = 0
    root_id: str = ""  # its chain's root (its own ID when it is the root)
    inline: InlineCount = field(default_factory=InlineCount)
    results: dict[str, Any] = field(default_factory=dict)
    resume_at: int = 1
    secrets: Masker = field(default_factory=Masker)
    # A test run: actions with a `capture` preview their effect instead (runs.captured).
    captured: bool = False
    # What every expression of the run sees besides parameters, results and now
    # (run_start.expression_names builds it once per run).
    fixed_names: dict[str, Any] | None = None

    def mask(self, value: Any) -> Any:
        """Replace every secret this run has read, in any encoding, with bullets."""
        return self.secrets.mask(value)

    @property
    def parent(self) -> Parent:
        """This run as the parent of a run it starts."""
        return Parent(self.run_id, self.chain_depth, self.root_id)


class Evaluating:
    """Evaluates one step's expressions without holding the write lock for long.

    While the run's transaction is open (it holds the write lock) they share
    LOCKED_EVAL_SECONDS. One that needs longer has what the run did so far
    committed, as an outside step's checkpoint does (the step itself has done
    nothing yet), and is evaluated again with no transaction open, for up to
    EVAL_SECONDS or what is left of the workflow's timeout. Expressions have
    no effects, so evaluating one twice changes nothing.
    """

    def __init__(self, segment: Segment, state: RunState) -> None:
        self.segment = segment
        self.state = state
        # Counted in the time this thread computes, as the evaluations' own
        # budgets are: waiting for the GIL or a busy machine uses none of it.
        # Read from the first evaluation on (a step without expressions reads
        # no clock: each read is a system call).
        self.locked_until: float | None = None

    def __call__(self, evaluate: Callable[[float], _T]) -> _T:
        """`evaluate(seconds)`. (An input that runs nothing under the time guard,
        expressions.timed, is evaluated without this: it uses none of the budget,
        and the thread's clock, a system call, is not read for it.)"""
        now = time.monotonic()
        full = max(0.0, min(expressions.EVAL_SECONDS, self.state.deadline - now))
        if self.segment.open:
            spent = expressions.thread_seconds()
            if self.locked_until is None:
                self.locked_until = spent + LOCKED_EVAL_SECONDS
            locked = min(self.locked_until - spent, full)
            if locked > 0:
                try:
                    return evaluate(locked)
                except expressions.OutOfTime:
                    if locked >= full:  # the workflow's own time is what ran out
                        raise
            self.segment.commit()  # free the lock; the run stays running
        left = self.state.deadline - time.monotonic()
        return evaluate(max(0.0, min(expressions.EVAL_SECONDS, left)))


class StepRecord:
    """A step's row in the step results of this attempt, with secrets masked.

    Data steps write it in their segment, with their changes (queued, and
    written with the segment's commit in one executemany). Steps with an
    outside effect first commit a "running" checkpoint, so that after a crash
    the ledger says the effect may have happened.
    """

    def __init__(self, segment: Segment, state: RunState, index: int, action: str) -> None:
        self.segment = segment
        self.state = state
        self.index = index
        self.action = action
        self.inputs: Any = None  # as evaluated: things, dates … (recorded JSON-safe)
        self.started = utcnow()
        self.clock = time.perf_counter()
        self.row_id: int | None = None

    def _values(self, status: str, result: Any, error: str | None) -> dict[str, Any]:
        if self.state.secrets:  # masked before clipping: a cut must not split a secret
            mask = self.state.mask
            inputs = _clip(mask(to_json_safe(self.inputs)))
            result = _clip(mask(to_json_safe(result)))
            error = mask(error)
        else:
            inputs, result = _recorded(self.inputs), _recorded(result)
        return {
            "run_id": self.state.run_id,
            "attempt": self.state.attempt,
            "position": self.index,
            "action": self.action,
            "status": status,
            "inputs": inputs,
            "result": result,
            "error": error,
            "started_at": self.started,
            "duration_ms": (time.perf_counter() - self.clock) * 1000,
        }

    def checkpoint(self) -> None:
        # Queued lines (e.g. "step 2 was in progress …, running it again") are
        # committed with it: in the ledger before the outside effect happens.
        self.row_id = self.segment.insert_step(self._values("running", None, None))
        self.segment.commit()

    def write(
        self,
        status: str,
        *,
        result: Any = None,
        error: str | None = None,
        lines: Sequence[str] = (),
    ) -> None:
        values = self._values(status, result, error)
        if self.row_id is not None:
            ledger.update_step(self.segment.session(), self.row_id, values)
        else:
            self.segment.record_step(values)  # written with the segment's commit
        for line in lines:
            self.segment.runner.queue_log(self.state.run_id, self.state.mask(line))


RECORDED_TEXT = 20_000  # characters of one recorded input or result value


_AS_IS = frozenset((type(None), bool, int))
_SEQUENCE = (list, tuple)  # (a tuple: `list | tuple` is a new union object each time)


def _recorded(value: Any) -> Any:
    """_clip(to_json_safe(value)) in one walk, with the common types told by their
    exact type (a step's record is made for every step of every run; issue 18)."""
    kind = type(value)
    if kind is str:
        return _clip(value)
    if kind in _AS_IS:
        return value
    if kind is float:  # inf and nan as text: JSON has no such number, PostgreSQL refuses it
        return value if math.isfinite(value) else str(value)
    if kind is dict:
        return {str(key): _recorded(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [_recorded(item) for item in value]
    return _clip(to_json_safe(value))  # anything else (things, dates, subclasses)


def _clip(value: Any) -> Any:
    """Keep the trace readable and the ledger small: long texts are cut, saying so."""
    if isinstance(value, str) and len(value) > RECORDED_TEXT:
        return f"{value[:RECORDED_TEXT]}… ({len(value):,} characters in all)"
    if isinstance(value, dict):
        return {key: _clip(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clip(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # ("inf": JSON has no such number, PostgreSQL refuses it)
    return value


def revive(row: m.StepResult, access: RunAccess) -> Any:
    """A recorded result as the step gave it: things are loaded again by ID."""
    spec = registry.get(row.action)
    if spec is None or not spec.returns_things or row.result is None:
        return row.result
    if isinstance(row.result, list):
        return [access.load(str(item)) for item in row.result]
    return access.load(str(row.result))


def coerce_input(item: registry.InputSpec, value: Any) -> Any:
    kind = item.kind
    if value is None:
        return None
    if kind in (
        registry.TEXT,
        registry.LONG_TEXT,
        registry.WORKFLOW,
        registry.DATA_TYPE,
        registry.CHOICE,
    ):
        return coerce(ValueType("text"), value)
    if kind == registry.NUMBER:
        return coerce(ValueType("number"), value)
    if kind == registry.YES_NO:
        return coerce(ValueType("yes/no"), value)
    if kind == registry.DATE:
        return coerce(ValueType("date"), value)
    if kind == registry.MAPPING:
        if not isinstance(value, Mapping):
            raise BadInput("expected a mapping of names to values")
        return dict(value)
    if kind == registry.TEXT_OR_LIST:
        if isinstance(value, _SEQUENCE):
            return [coerce(ValueType("text"), v) for v in value]
        return coerce(ValueType("text"), value)
    if kind == registry.THING_OR_LIST:
        items = value if isinstance(value, _SEQUENCE) else [value]
        for item_value in items:
            if not isinstance(item_value, ThingView | str):
                raise BadInput(f"expected a thing or a list of things, got {item_value!r}")
        return list(value) if isinstance(value, _SEQUENCE) else value
    return value


class StepRuntime:
    """The StepContext the engine gives each step (see actions.registry)."""

    def __init__(self, runner: InlineRunner, state: RunState, index: int, segment: Segment) -> None:
        self.runner = runner
        self.segment = segment
        self.loader = segment.loader
        self.state = state
        self.index = index
        self.session: Session | None = None
        self.lines: list[str] = []
        self.ledger_changed = False
        self.run_id = state.run_id
        self.workflow_name = state.workflow.name

    def remaining(self) -> float:
        return max(0.0, self.state.deadline - time.monotonic())

    def setting(self, key: str) -> Any:
        if self.session is not None:
            return settings.get(self.session, key)
        with self.runner.db.read() as session:
            return settings.get(session, key)

    def secret(self, name: str) -> str | None:
        value = secrets.get_secret(name)
        if value:
            self.state.secrets.add(value)
        return value

    def log(self, message: str) -> None:
        self.lines.append(message)

    def notify(self, title: str, message: str) -> None:
        self.lines.append(f"notification: {title} — {message}")
        self.segment.notify(Notification(title, message, self.run_id))

    def _session(self) -> Session:
        if self.session is None:
            raise StepFailed("this action needs the database")  # pragma: no cover
        return self.session

    @property
    def run_as_id(self) -> str | None:
        return self.state.run_as.id if self.state.run_as else None

    @property
    def access(self) -> RunAccess:
        assert self.state.access is not None
        return self.state.access

    def _keep_secrets(self, value: Any, where: str) -> None:
        """Refuse to hand a secret this run read on to where it would be stored:
        a child run's parameters (in the ledger, where the child, which never
        read the secret, would not mask it) or a thing's fields (data, exported)."""
        if self.state.secrets and self.state.secrets.contains(to_json_safe(value)):
            raise StepFailed(
                f"a secret cannot be passed on in {where}: it would be stored in the "
                "database; read it with secret(…) where it is used"
            )

    def create_thing(self, type_name: str, fields: Mapping[str, Any]) -> ThingView:
        self._keep_secrets(fields, "a thing's fields")
        created = catalog.create_thing(self._session(), type_name, fields)
        return self.access.view(created)  # the step's session ends with the step

    def _checked_row(self, thing_id: str, what: str) -> catalog.ThingRow:
        """The thing read once in the step's transaction, after the privacy check
        (which reads it through the same session: the write reuses the row)."""
        session = self._session()
        row = catalog.thing_row(session, thing_id)
        if not self.access.ignore:
            definition = catalog.type_def(session, row.type_id)
            self.access.check_thing(ThingView(definition, row.id, row.data, self.loader), what)
        return row

    def modify_thing(self, thing: ThingView | str, fields: Mapping[str, Any]) -> ThingView:
        thing_id = thing if isinstance(thing, str) else thing.id
        self._keep_secrets(fields, "a thing's fields")
        row = self._checked_row(thing_id, "modify")
        return self.access.view(catalog.modify_thing(self._session(), thing_id, fields, row=row))

    def delete_thing(self, thing: ThingView | str) -> None:
        thing_id = thing if isinstance(thing, str) else thing.id
        row = self._checked_row(thing_id, "delete")
        catalog.delete_thing(self._session(), thing_id, row=row)

    def schedule(
        self,
        workflow: str,
        params: Mapping[str, Any],
        at: datetime | None,
        ignore_privacy_rules: bool,
        every: str | None = None,
    ) -> str:
        from app.core.recurrence import Recurrence

        self._keep_secrets(params, "a workflow's parameters")
        run_id = schedule_in(
            self._session(),
            workflow,
            params,
            at=at,
            run_as=self.run_as_id,
            # In a trigger's chain the step cannot lift privacy rules either.
            ignore_privacy=ignore_privacy_rules and self.state.trigger is None,
            parent=self.state.parent,
            every=Recurrence.parse(every) if every else None,
            trigger=self.state.trigger,
        )
        self.ledger_changed = True
        when = (at or utcnow()).isoformat()
        repeat = f", repeating every {every}" if every else ""
        self.lines.append(f"scheduled {workflow} for {when}{repeat}: {run_id}")
        return run_id

    def check_schedule(
        self, workflow: str, params: Mapping[str, Any], at: datetime | None
    ) -> dict[str, Any]:
        self._keep_secrets(params, "a workflow's parameters")
        session = self._session()
        wf = catalog.get_workflow(session, workflow)
        encoded = prepare_params(wf, params, catalog.SessionThingLoader(session).resolve)
        if at is not None:
            within_horizon(at, f"the time {at.isoformat()}", utcnow())
        return encoded

    def schedule_list(
        self,
        workflow: str,
        items: Sequence[Any],
        item_param: str,
        params: Mapping[str, Any],
        at: datetime | None,
        interval: float,
    ) -> list[str]:
        self._keep_secrets([list(items), params], "a workflow's parameters")
        ids = schedule_on_list(
            self._session(),
            workflow,
            items,
            item_param,
            params,
            at=at,
            interval=interval,
            run_as=self.run_as_id,
            ignore_privacy=self.state.ignore_privacy,
            parent=self.state.parent,
            trigger=self.state.trigger,
        )
        self.ledger_changed = True
        self.lines.append(f"scheduled {workflow} for {counted(len(ids), 'item')}")
        return ids

    def cancel(self, run_ids: Sequence[str]) -> int:
        cancelled = cancel_in(self._session(), list(run_ids))
        self.ledger_changed = True
        return len(cancelled)

    def run_inline(self, workflow: str, params: Mapping[str, Any]) -> Any:
        if self.state.depth >= MAX_INLINE_DEPTH:
            raise StepFailed(f"run_workflow nested deeper than {MAX_INLINE_DEPTH}")
        inline = self.state.inline
        limit = int(self.setting("runner.max_chain_runs"))
        if inline.started >= limit:
            raise ChainStopped(
                self.state.root_id,
                f"runaway chain stopped: its runs would exceed runner.max_chain_runs "
                f"({limit:,}): {inline.started:,} run_workflow runs already started inline "
                f"under one run",
            )
        inline.started += 1
        self._keep_secrets(params, "a workflow's parameters")
        child = self.runner.run_now(
            workflow,
            params,
            run_as=self.run_as_id,
            ignore_privacy=self.state.ignore_privacy,
            parent=self.state.parent,
            depth=self.state.depth + 1,
            trigger=self.state.trigger,
            inline=inline,
            captured=self.state.captured,  # nothing outside happens down a test's chain
        )
        with self.runner.db.read() as session:
            row = ledger.get_run(session, child)
            status, error, returned = row.status, row.error, row.returned
        if status not in (ledger.SUCCEEDED, ledger.TERMINATED):
            raise StepFailed(f"{workflow} (run {child}) {status}: {error}")
        return returned
