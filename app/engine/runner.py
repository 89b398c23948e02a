"""Executes one run: parameters, conditions, steps, results, retries.

Each step is one unit of work: a data step's changes and its step record
commit together; a step with an outside effect (email, HTTP) runs outside any
database transaction, so a slow server never holds the write lock, and its
record is written right after.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.actions import registry
from app.actions.registry import ActionSpec, ReturnData, Terminate
from app.core import expressions
from app.core.definitions import StepDef, WorkflowDef
from app.core.things import ThingView
from app.core.types import ValueType, coerce, to_json_safe, utcnow
from app.engine import triggers
from app.engine.access import RunAccess
from app.engine.events import EventBus, LedgerChanged, Notification, RunChanged
from app.engine.service import Parent, cancel_in, prepare_params, schedule_in, schedule_on_list
from app.errors import BadInput, CueflowError, ExpressionError, StepFailed, describe
from app.storage import catalog, ledger, schedules, secrets, settings
from app.storage import models as m
from app.storage.db import Database

log = logging.getLogger(__name__)
MAX_INLINE_DEPTH = 20
MASK = "••••"
THING_RESULTS = ("create_thing", "modify_thing")


class _Interrupted(Exception):
    """The run went past its timeout."""


@dataclass
class _RunState:
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
    results: dict[str, Any] = field(default_factory=dict)
    resume_at: int = 1
    secrets: set[str] = field(default_factory=set)

    def mask(self, value: Any) -> Any:
        """Replace every secret this run has read with bullets (JSON-safe values)."""
        if not self.secrets or value is None:
            return value
        if isinstance(value, str):
            for secret in self.secrets:
                value = value.replace(secret, MASK)
            return value
        if isinstance(value, dict):
            return {key: self.mask(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.mask(item) for item in value]
        return value


class Runner:
    """Runs workflows against one database; thread-safe (a session per unit of work)."""

    def __init__(self, db: Database, events: EventBus | None = None) -> None:
        self.db = db
        self.events = events or EventBus()
        self.pid = os.getpid()
        self._pending: dict[str, list[tuple[str, str]]] = {}  # log lines per run, not yet written
        self._workflows: dict[str, WorkflowDef] = {}  # by name, checked against the version

    # --- entry points ---------------------------------------------------------

    def execute(self, run_id: str) -> str | None:
        """Claim a scheduled run and execute it; returns its final status.

        None when the run was no longer scheduled (cancelled, or claimed by
        someone else): nothing is done.
        """
        with self.db.write() as session:
            row = ledger.claim(session, run_id, self.pid)
            if row is None:
                return None
            snapshot = _RowSnapshot.of(row)
            if row.schedule_id is not None and row.attempt == 1:
                schedules.advance(session, row.schedule_id, row.scheduled_for)
        self._emit_status(snapshot.id, snapshot.workflow, ledger.RUNNING)
        return self._execute_claimed(snapshot, depth=0)

    def run_now(
        self,
        workflow: str,
        params: Mapping[str, Any],
        *,
        run_as: str | None = None,
        ignore_privacy: bool = False,
        from_text: bool = False,
        parent_id: str | None = None,
        depth: int = 0,
    ) -> str:
        """Run a workflow in this thread, now, recorded in the ledger; returns the run ID."""
        with self.db.write() as session:
            run_id = schedule_in(
                session,
                workflow,
                params,
                run_as=run_as,
                ignore_privacy=ignore_privacy,
                parent_id=parent_id,
                from_text=from_text,
            )
            row = ledger.claim(session, run_id, self.pid)
            assert row is not None
            snapshot = _RowSnapshot.of(row)
        self._execute_claimed(snapshot, depth=depth)
        return run_id

    # --- the run --------------------------------------------------------------

    def _execute_claimed(self, snap: _RowSnapshot, depth: int) -> str:
        try:
            state = self._prepare(snap, depth)
        except CueflowError as exc:
            return self._fail(snap.id, snap.workflow, snap.attempt, None, str(exc))
        status, error, returned = self._run_steps(state)
        error, returned = state.mask(error), state.mask(returned)
        if status in (ledger.FAILED, ledger.INTERRUPTED):
            assert error is not None
            return self._fail(
                snap.id, snap.workflow, snap.attempt, state.workflow, error, final_status=status
            )
        with self.db.write() as session:
            self.flush_log(session, snap.id)
            ledger.finish(session, snap.id, status, error=error, returned=returned)
        self._emit_status(snap.id, snap.workflow, status, error)
        return status

    def _prepare(self, snap: _RowSnapshot, depth: int) -> _RunState:
        loader = catalog.DbThingLoader(self.db)
        wf = self._workflow(snap.workflow)
        prepare_params(wf, snap.params, loader.resolve)  # every check, with the error's name
        run_as = loader.load(snap.run_as) if snap.run_as else None
        if snap.run_as and run_as is None:
            raise BadInput(f"the thing to run as ('{snap.run_as}') no longer exists")
        # A trigger-started run always respects privacy rules (PRODUCT §1).
        ignore = (snap.ignore_privacy or wf.ignore_privacy_rules) and snap.trigger is None
        access = RunAccess(loader, run_as, ignore)
        params: dict[str, Any] = {}
        for param in wf.parameters:
            raw = snap.params.get(param.key)
            params[param.key] = None if raw is None else coerce(param.type, raw, access.resolve)
        who = f"{run_as.type_name} {run_as.id}" if run_as else "nobody"
        self._log(
            snap.id,
            f"attempt {snap.attempt}: running as {who}; privacy rules "
            + ("ignored" if ignore else "respected")
            + (f"; started by trigger {snap.trigger}" if snap.trigger else ""),
        )
        resume_at, carried = self._carry_over(snap.id, snap.attempt, access)
        return _RunState(
            run_id=snap.id,
            workflow=wf,
            attempt=snap.attempt,
            params=params,
            run_as=run_as,
            ignore_privacy=snap.ignore_privacy or wf.ignore_privacy_rules,
            scheduled_for=snap.scheduled_for,
            deadline=time.monotonic() + wf.timeout,
            access=access,
            trigger=snap.trigger,
            chain_depth=snap.depth,
            depth=depth,
            results=carried,
            resume_at=resume_at,
        )

    def _workflow(self, name: str) -> WorkflowDef:
        """The workflow's current definition (cached while its version is unchanged)."""
        with self.db.read() as session:
            version = catalog.workflow_version(session, name)
            cached = self._workflows.get(name)
            if cached is not None and cached.version == version:
                return cached
            wf = catalog.get_workflow(session, name)
        self._workflows[name] = wf
        return wf

    def _carry_over(
        self, run_id: str, attempt: int, access: RunAccess
    ) -> tuple[int, dict[str, Any]]:
        """Where a later attempt starts: after the steps that already succeeded.

        Their recorded results are reused, so a retry never repeats an email
        or a call that went through; a step that was in progress when the
        process died may have had its effect, and the log says so.
        """
        if attempt == 1:
            return 1, {}
        with self.db.read() as session:
            rows = ledger.step_results(session, run_id)
        latest: dict[int, m.StepResult] = {}
        for row in rows:
            if row.attempt < attempt:
                latest[row.position] = row  # ordered by attempt: the newest wins
        results: dict[str, Any] = {}
        position = 1
        while position in latest and latest[position].status in ("succeeded", "skipped"):
            results[f"step{position}"] = _revive(latest[position], access)
            position += 1
        notes = []
        if position > 1:
            notes.append(
                f"attempt {attempt} resumes at step {position}: steps 1–{position - 1} "
                "succeeded before and are not run again"
            )
        unsure = latest.get(position)
        if unsure is not None and unsure.status == "running":
            notes.append(
                f"step {position} ({unsure.action}) was in progress when Cueflow stopped; "
                "it may have completed; running it again"
            )
        for note in notes:
            self._log(run_id, note, "warning")
        return position, results

    def _names(self, state: _RunState, loader: catalog.DbThingLoader) -> dict[str, Any]:
        access = state.access
        assert access is not None

        def search(type_name: str, **equals: Any) -> list[ThingView]:
            with self.db.read() as session:
                found = catalog.list_things(session, str(type_name), **equals)
            return [access.view(t) for t in found if access.findable(t.with_loader(loader))]

        def secret(name: str) -> str:
            value = secrets.get_secret(str(name))
            if value is None:
                raise ExpressionError(f"no secret '{name}' in the OS keychain")
            state.secrets.add(value)
            return value

        return {
            **state.params,
            **state.results,
            "now": utcnow(),
            "current_user": state.run_as,
            "run": {
                "id": state.run_id,
                "workflow": state.workflow.name,
                "scheduled_for": state.scheduled_for,
                "attempt": state.attempt,
            },
            "search": search,
            "secret": secret,
        }

    def _run_steps(self, state: _RunState) -> tuple[str, str | None, dict[str, Any] | None]:
        wf = state.workflow
        loader = catalog.DbThingLoader(self.db)
        if wf.only_when is not None:
            try:
                go = expressions.test_condition(wf.only_when, self._names(state, loader))
            except ExpressionError as exc:
                return ledger.FAILED, f"workflow {wf.name}, only_when: {exc.reason}", None
            if not go:
                self._log(state.run_id, "the workflow's only_when is false: no step ran")
                return ledger.TERMINATED, "only_when is false", None
        for index, step in enumerate(wf.steps, start=1):
            if index < state.resume_at:
                continue
            if time.monotonic() > state.deadline:
                return ledger.INTERRUPTED, f"timed out after {wf.timeout:g} s", None
            try:
                self._run_step(state, index, step, loader)
            except ReturnData as done:
                return ledger.SUCCEEDED, None, to_json_safe(done.values)
            except Terminate:
                return ledger.TERMINATED, f"terminated by step {index}", None
            except _Interrupted:
                return ledger.INTERRUPTED, f"timed out after {wf.timeout:g} s (step {index})", None
            except CueflowError as exc:
                if time.monotonic() >= state.deadline:
                    return (
                        ledger.INTERRUPTED,
                        f"timed out after {wf.timeout:g} s (step {index}: {exc})",
                        None,
                    )
                return ledger.FAILED, f"step {index} ({step.action}): {exc}", None
        return ledger.SUCCEEDED, None, None

    def _run_step(
        self, state: _RunState, index: int, step: StepDef, loader: catalog.DbThingLoader
    ) -> None:
        spec = registry.get(step.action)
        where = f"workflow {state.workflow.name}, step {index} ({step.action})"
        record = _StepRecord(self, state, index, step.action)
        if spec is None:
            raise StepFailed(f"unknown action '{step.action}'")
        names = self._names(state, loader)
        try:
            if step.only_when is not None:
                try:
                    run_it = expressions.test_condition(step.only_when, names)
                except ExpressionError as exc:
                    raise ExpressionError(exc.reason, f"{where}, only_when") from None
                if not run_it:
                    record.write("skipped")
                    state.results[f"step{index}"] = None
                    return
            inputs = self._inputs(spec, step, names, where)
        except CueflowError as exc:
            record.write("failed", error=str(exc))
            raise
        record.inputs = to_json_safe(inputs)
        context = StepRuntime(self, state, index, loader)
        try:
            if spec.external or step.action == "run_workflow":
                record.checkpoint()  # a crash from here on leaves a "running" step behind
                result = spec.perform(context, inputs)
                record.write("succeeded", result=result, lines=context.lines)
            else:
                with self.db.write() as session:
                    context.session = session
                    result = spec.perform(context, inputs)
                    record.write("succeeded", result=result, lines=context.lines, session=session)
                    changes = catalog.take_changes(session)
                    # Trigger runs commit with the change itself: none can be lost
                    # between the two. A trigger's own run never fires triggers.
                    if changes and state.trigger is None and triggers.fire(
                        session, changes, run_as=context.run_as_id, parent_id=state.run_id
                    ):
                        context.ledger_changed = True
        except ReturnData as done:
            record.write("succeeded", result=done.values, lines=context.lines)
            raise
        except Terminate:
            record.write("terminated", lines=context.lines)
            raise
        except CueflowError as exc:
            record.write("failed", error=str(exc), lines=context.lines)
            raise
        except Exception as exc:  # an action's bug must not kill the worker
            log.exception("step %s of run %s failed unexpectedly", index, state.run_id)
            reason = f"internal error: {type(exc).__name__}: {exc}"
            record.write("failed", error=reason, lines=context.lines)
            raise StepFailed(reason) from None
        finally:
            if context.ledger_changed:
                self.events.emit(LedgerChanged())
        state.results[f"step{index}"] = result
        if time.monotonic() > state.deadline:
            raise _Interrupted()

    def _inputs(
        self, spec: ActionSpec, step: StepDef, names: Mapping[str, Any], where: str
    ) -> dict[str, Any]:
        inputs: dict[str, Any] = {}
        for item in spec.inputs:
            raw = step.inputs.get(item.name)
            if raw is None:
                if item.default is not None:
                    inputs[item.name] = item.default
                elif item.required:
                    raise StepFailed(f"input '{item.name}' is missing", where)
                continue
            try:
                value = expressions.evaluate(raw, names)
            except ExpressionError as exc:
                raise ExpressionError(exc.reason, f"{where}, input {item.name}") from None
            try:
                inputs[item.name] = _coerce_input(item, value)
            except BadInput as exc:
                raise StepFailed(exc.reason, f"{where}, input {item.name}") from None
        return inputs

    def _log(self, run_id: str, message: str, level: str = "info") -> None:
        """Queue a line for the run's log; it is written with the run's next write."""
        self._pending.setdefault(run_id, []).append((message, level))

    def flush_log(self, session: Session, run_id: str) -> None:
        for message, level in self._pending.pop(run_id, ()):
            ledger.add_log(session, run_id, message, level)

    def _fail(
        self,
        run_id: str,
        workflow: str,
        attempt: int,
        wf: WorkflowDef | None,
        error: str,
        final_status: str = ledger.FAILED,
    ) -> str:
        retries = wf.retries if wf is not None else None
        if retries is not None and attempt <= retries.attempts:
            delay = retries.delay(attempt)
            at = utcnow() + timedelta(seconds=delay)
            with self.db.write() as session:
                self.flush_log(session, run_id)
                ledger.add_log(
                    session,
                    run_id,
                    f"attempt {attempt} failed: {error}; retrying in {delay:g} s",
                    "warning",
                )
                ledger.retry_later(session, run_id, at, error)
            self._emit_status(run_id, workflow, ledger.SCHEDULED, error)
            self.events.emit(LedgerChanged())
            return ledger.SCHEDULED
        with self.db.write() as session:
            self.flush_log(session, run_id)
            ledger.add_log(session, run_id, error, "error")
            ledger.finish(session, run_id, final_status, error=error)
        self._emit_status(run_id, workflow, final_status, error)
        return final_status

    def fail_unexpected(self, run_id: str, workflow: str, exc: BaseException) -> bool:
        """Record a run that broke outside any step (e.g. the disk filled up).

        Returns False when even that cannot be written; the caller tries again.
        """
        reason = describe(exc)
        for _ in range(2):
            try:
                with self.db.write() as session:
                    self.flush_log(session, run_id)
                    ledger.add_log(session, run_id, reason, "error")
                    done = ledger.finish(session, run_id, ledger.FAILED, error=reason)
                break
            except Exception as exc2:
                log.warning("could not record the failure of run %s: %s", run_id, describe(exc2))
                # A failed big write can leave the WAL file holding the last free
                # space; hand it back to the disk and try once more.
                self.db.checkpoint()
        else:
            return False
        if done:
            self._emit_status(run_id, workflow, ledger.FAILED, reason)
        return True

    def _emit_status(
        self, run_id: str, workflow: str, status: str, error: str | None = None
    ) -> None:
        self.events.emit(RunChanged(run_id, workflow, status, error))


class _StepRecord:
    """A step's row in the step results of this attempt, with secrets masked.

    Data steps write it once, in the step's own transaction. Steps with an
    outside effect first write a "running" checkpoint, so that after a crash
    the ledger says the effect may have happened.
    """

    def __init__(self, runner: Runner, state: _RunState, index: int, action: str) -> None:
        self.runner = runner
        self.state = state
        self.index = index
        self.action = action
        self.inputs: Any = None
        self.started = utcnow()
        self.clock = time.perf_counter()
        self.row_id: int | None = None

    def _values(self, status: str, result: Any, error: str | None) -> dict[str, Any]:
        mask = self.state.mask
        return {
            "run_id": self.state.run_id,
            "attempt": self.state.attempt,
            "position": self.index,
            "action": self.action,
            "status": status,
            "inputs": _clip(mask(self.inputs)),
            "result": _clip(mask(to_json_safe(result))),
            "error": mask(error),
            "started_at": self.started,
            "duration_ms": (time.perf_counter() - self.clock) * 1000,
        }

    def checkpoint(self) -> None:
        with self.runner.db.write() as session:
            # Queued lines (e.g. "step 2 was in progress …, running it again") must be
            # in the ledger before the outside effect happens, not after it.
            self.runner.flush_log(session, self.state.run_id)
            row = m.StepResult(**self._values("running", None, None))
            session.add(row)
            session.flush()
            self.row_id = row.id

    def write(
        self,
        status: str,
        *,
        result: Any = None,
        error: str | None = None,
        lines: Sequence[str] = (),
        session: Session | None = None,
    ) -> None:
        if session is None:
            with self.runner.db.write() as own:
                self._write(own, status, result, error, lines)
        else:
            self._write(session, status, result, error, lines)

    def _write(
        self, session: Session, status: str, result: Any, error: str | None, lines: Sequence[str]
    ) -> None:
        values = self._values(status, result, error)
        if self.row_id is not None:
            row = session.get_one(m.StepResult, self.row_id)
            for key, value in values.items():
                setattr(row, key, value)
        else:
            session.add(m.StepResult(**values))
        self.runner.flush_log(session, self.state.run_id)
        for line in lines:
            ledger.add_log(session, self.state.run_id, self.state.mask(line))


RECORDED_TEXT = 20_000  # characters of one recorded input or result value


def _clip(value: Any) -> Any:
    """Keep the trace readable and the ledger small: long texts are cut, saying so."""
    if isinstance(value, str) and len(value) > RECORDED_TEXT:
        return f"{value[:RECORDED_TEXT]}… ({len(value):,} characters in all)"
    if isinstance(value, dict):
        return {key: _clip(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clip(item) for item in value]
    return value


def _revive(row: m.StepResult, access: RunAccess) -> Any:
    """A recorded result as the step gave it: things are loaded again by ID."""
    if row.action not in THING_RESULTS or row.result is None:
        return row.result
    if isinstance(row.result, list):
        return [access.load(str(item)) for item in row.result]
    return access.load(str(row.result))


@dataclass(frozen=True)
class _RowSnapshot:
    id: str
    workflow: str
    attempt: int
    params: dict[str, Any]
    run_as: str | None
    ignore_privacy: bool
    scheduled_for: datetime
    trigger: str | None = None
    depth: int = 0

    @classmethod
    def of(cls, row: m.Run) -> _RowSnapshot:
        return cls(
            row.id,
            row.workflow,
            row.attempt,
            dict(row.params),
            row.run_as,
            row.ignore_privacy,
            row.scheduled_for,
            row.trigger,
            row.depth or 0,
        )


def _coerce_input(item: registry.InputSpec, value: Any) -> Any:
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
        if isinstance(value, list | tuple):
            return [coerce(ValueType("text"), v) for v in value]
        return coerce(ValueType("text"), value)
    if kind == registry.THING_OR_LIST:
        items = value if isinstance(value, list | tuple) else [value]
        for item_value in items:
            if not isinstance(item_value, ThingView | str):
                raise BadInput(f"expected a thing or a list of things, got {item_value!r}")
        return list(value) if isinstance(value, list | tuple) else value
    return value


class StepRuntime:
    """The StepContext the engine gives each step (see actions.registry)."""

    def __init__(
        self, runner: Runner, state: _RunState, index: int, loader: catalog.DbThingLoader
    ) -> None:
        self.runner = runner
        self.loader = loader
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
        self.runner.events.emit(Notification(title, message, self.run_id))

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

    def create_thing(self, type_name: str, fields: Mapping[str, Any]) -> ThingView:
        created = catalog.create_thing(self._session(), type_name, fields)
        return self.access.view(created)  # the step's session ends with the step

    def modify_thing(self, thing: ThingView | str, fields: Mapping[str, Any]) -> ThingView:
        thing_id = thing if isinstance(thing, str) else thing.id
        self.access.check(thing_id, "modify")
        return self.access.view(catalog.modify_thing(self._session(), thing_id, fields))

    def delete_thing(self, thing: ThingView | str) -> None:
        thing_id = thing if isinstance(thing, str) else thing.id
        self.access.check(thing_id, "delete")
        catalog.delete_thing(self._session(), thing_id)

    def schedule(
        self,
        workflow: str,
        params: Mapping[str, Any],
        at: datetime | None,
        ignore_privacy_rules: bool,
        every: str | None = None,
    ) -> str:
        from app.core.recurrence import Recurrence

        run_id = schedule_in(
            self._session(),
            workflow,
            params,
            at=at,
            run_as=self.run_as_id,
            ignore_privacy=ignore_privacy_rules,
            parent=Parent(self.run_id, self.state.chain_depth),
            every=Recurrence.parse(every) if every else None,
        )
        self.ledger_changed = True
        when = (at or utcnow()).isoformat()
        repeat = f", repeating every {every}" if every else ""
        self.lines.append(f"scheduled {workflow} for {when}{repeat}: {run_id}")
        return run_id

    def schedule_list(
        self,
        workflow: str,
        items: Sequence[Any],
        item_param: str,
        params: Mapping[str, Any],
        at: datetime | None,
        interval: float,
    ) -> list[str]:
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
            parent=Parent(self.run_id, self.state.chain_depth),
        )
        self.ledger_changed = True
        self.lines.append(f"scheduled {workflow} for {len(ids)} item(s)")
        return ids

    def cancel(self, run_ids: Sequence[str]) -> int:
        cancelled = cancel_in(self._session(), list(run_ids))
        self.ledger_changed = True
        return len(cancelled)

    def run_inline(self, workflow: str, params: Mapping[str, Any]) -> Any:
        if self.state.depth >= MAX_INLINE_DEPTH:
            raise StepFailed(f"run_workflow nested deeper than {MAX_INLINE_DEPTH}")
        child = self.runner.run_now(
            workflow,
            params,
            run_as=self.run_as_id,
            ignore_privacy=self.state.ignore_privacy,
            parent_id=self.run_id,
            depth=self.state.depth + 1,
        )
        with self.runner.db.read() as session:
            row = ledger.get_run(session, child)
            status, error, returned = row.status, row.error, row.returned
        if status not in (ledger.SUCCEEDED, ledger.TERMINATED):
            raise StepFailed(f"{workflow} (run {child}) {status}: {error}")
        return returned
