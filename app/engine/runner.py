"""Executes one run: parameters, conditions, steps, results, retries.

A run writes through one open transaction, its segment (see _Segment): the
claim, each data step's changes with that step's record, the log and the end
commit together. A step with an outside effect (email, HTTP) commits the
segment first, with a "running" checkpoint for itself, and runs outside any
transaction, so a slow server never holds the write lock; its record opens
the next segment. A data step that fails is rolled back to a savepoint and
leaves only its failed record. A worker with several due runs executes them
in a Batch: their segments are savepoints of one transaction (group commit).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from app.actions import registry
from app.actions.registry import ActionSpec, ReturnData, Terminate
from app.core import expressions
from app.core.definitions import StepDef, WorkflowDef
from app.core.things import ThingView
from app.core.types import ValueType, coerce, to_json_safe, utcnow
from app.engine import triggers
from app.engine.access import RunAccess
from app.engine.enqueue import (
    ChainStopped,
    Parent,
    cancel_in,
    prepare_params,
    schedule_in,
    schedule_on_list,
)
from app.engine.events import EventBus, LedgerChanged, Notification, RunChanged
from app.engine.masking import Masker
from app.errors import BadInput, CueflowError, ExpressionError, StepFailed, describe
from app.storage import catalog, ledger, schedules, secrets, settings
from app.storage import models as m
from app.storage.db import Database, driver

log = logging.getLogger(__name__)
MAX_INLINE_DEPTH = 20
THING_RESULTS = ("create_thing", "modify_thing")
# A segment that has been open this long is committed after its current step,
# so other writers (the window, other runs) never wait much longer for the lock.
SEGMENT_SECONDS = 0.02
# A step's expressions may compute this long while the run's transaction holds
# the write lock; one that needs longer is given its time with the lock freed.
LOCKED_EVAL_SECONDS = expressions.LOCKED_SECONDS
DUE_SLACK = timedelta(seconds=1)
_T = TypeVar("_T")  # a timer may fire this much before its run's time

# The runs this process executes now, by any Runner: a clock of this process
# must not take them over as left behind (see Clock.take_over).
_executing: set[str] = set()
_executing_lock = threading.Lock()


def executing_here() -> frozenset[str]:
    """IDs of the runs this process is executing at this moment."""
    with _executing_lock:
        return frozenset(_executing)


class _Interrupted(Exception):
    """The run went past its timeout."""


@dataclass
class _InlineCount:
    """Inline runs started under one top-level run, at any depth (run_workflow).

    Inline children are never scheduled, so a chain's count of unfinished runs
    sees only the nesting; two run_workflow steps per level would make 2^20.
    """

    started: int = 0


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
    root_id: str = ""  # its chain's root (its own ID when it is the root)
    inline: _InlineCount = field(default_factory=_InlineCount)
    results: dict[str, Any] = field(default_factory=dict)
    resume_at: int = 1
    secrets: Masker = field(default_factory=Masker)

    def mask(self, value: Any) -> Any:
        """Replace every secret this run has read, in any encoding, with bullets."""
        return self.secrets.mask(value)

    @property
    def parent(self) -> Parent:
        """This run as the parent of a run it starts."""
        return Parent(self.run_id, self.chain_depth, self.root_id)


class Runner:
    """Runs workflows against one database; thread-safe (a session per unit of work)."""

    def __init__(self, db: Database, events: EventBus | None = None) -> None:
        self.db = db
        self.events = events or EventBus()
        self.pid = os.getpid()
        self._pending: dict[str, list[tuple[str, str]]] = {}  # log lines per run, not yet written
        self._workflows: dict[str, tuple[Any, WorkflowDef]] = {}  # by name, with its stamp
        self._local = threading.local()  # this thread's open Batch, if any

    # --- entry points ---------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """Group-commit the runs this thread executes inside (see Batch).

        Committed on leaving; rolled back if something escapes, in which case
        the runs inside are as if never started (still scheduled).
        """
        if self.current_batch() is not None:
            raise RuntimeError("batches do not nest")
        batch = Batch(self)
        self._local.batch = batch
        try:
            yield batch
        except BaseException:
            batch.rollback()
            raise
        finally:
            self._local.batch = None
        batch.commit()

    def current_batch(self) -> Batch | None:
        return getattr(self._local, "batch", None)

    def execute(self, run_id: str) -> str | None:
        """Claim a scheduled run and execute it; returns its final status.

        None when the run was no longer scheduled (cancelled, or claimed by
        someone else): nothing is done.
        """
        segment = _Segment(self, run_id)
        try:
            session = segment.session()
            # Only if due: a timer read before a retry moved the run later must not
            # start it early (the move may not have been committed when it read).
            claimed = ledger.claim(session, run_id, self.pid, due_by=utcnow() + DUE_SLACK)
            if claimed is None:
                return None
            if claimed.schedule_id is not None and claimed.attempt == 1:
                schedules.advance(session, claimed.schedule_id, claimed.scheduled_for)
            return self._execute_claimed(claimed, 0, segment)
        finally:
            segment.abandon()  # rolls back only what an unexpected error left uncommitted

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
        parent: Parent | None = None,
        trigger: str | None = None,
        inline: _InlineCount | None = None,
    ) -> str:
        """Run a workflow in this thread, now, recorded in the ledger; returns the run ID.

        `parent` (a run_workflow step's run) continues its chain; `trigger`
        keeps the run in a trigger's chain (see enqueue.schedule_in).
        """
        segment = _Segment(self, "")
        try:
            # Scheduled and claimed in one transaction: no clock can claim it first.
            session = segment.session()
            run_id = segment.run_id = schedule_in(
                session,
                workflow,
                params,
                run_as=run_as,
                ignore_privacy=ignore_privacy,
                parent_id=parent_id,
                parent=parent,
                from_text=from_text,
                trigger=trigger,
            )
            claimed = ledger.claim(session, run_id, self.pid)
            assert claimed is not None
            self._execute_claimed(claimed, depth, segment, inline)
        except BaseException:
            self._pending.pop(segment.run_id, None)  # its row was rolled back with it
            raise
        finally:
            segment.abandon()
        batch = self.current_batch()
        if batch is not None:
            batch.commit()  # the caller reads the outcome through another session
        return run_id

    # --- the run --------------------------------------------------------------

    def _execute_claimed(
        self,
        snap: ledger.Claimed,
        depth: int,
        segment: _Segment,
        inline: _InlineCount | None = None,
    ) -> str:
        with _executing_lock:
            _executing.add(snap.id)
        try:
            return self._execute_owned(snap, depth, segment, inline)
        finally:
            with _executing_lock:
                _executing.discard(snap.id)

    def _execute_owned(
        self, snap: ledger.Claimed, depth: int, segment: _Segment, inline: _InlineCount | None
    ) -> str:
        segment.running = RunChanged(snap.id, snap.workflow, ledger.RUNNING)
        try:
            state = self._prepare(snap, depth, segment, inline)
        except CueflowError as exc:
            return self._fail(segment, snap.workflow, snap.attempt, None, str(exc))
        status, error, returned = self._run_steps(state, segment)
        error, returned = state.mask(error), state.mask(returned)
        if status in (ledger.FAILED, ledger.INTERRUPTED):
            assert error is not None
            return self._fail(
                segment, snap.workflow, snap.attempt, state.workflow, error, final_status=status
            )
        ledger.finish(segment.session(), snap.id, status, error=error, returned=returned)
        segment.commit(RunChanged(snap.id, snap.workflow, status, error))
        return status

    def _prepare(
        self, snap: ledger.Claimed, depth: int, segment: _Segment, inline: _InlineCount | None
    ) -> _RunState:
        loader = segment.loader
        wf = self._workflow(segment.session(), snap.workflow)
        prepare_params(wf, snap.params, loader.resolve)  # every check, with the error's name
        run_as = loader.load(snap.run_as) if snap.run_as else None
        if snap.run_as and run_as is None:
            raise BadInput(f"the thing to run as ('{snap.run_as}') no longer exists")
        # A run in a trigger's chain always respects privacy rules (PRODUCT §1),
        # and so does everything it starts (state.ignore_privacy is handed down).
        ignore = (snap.ignore_privacy or wf.ignore_privacy_rules) and snap.trigger is None
        access = RunAccess(loader, run_as, ignore)
        params: dict[str, Any] = {}
        for param in wf.parameters:
            raw = snap.params.get(param.key)
            params[param.key] = None if raw is None else coerce(param.type, raw, access.resolve)
        who = f"{run_as.type_name} {run_as.id}" if run_as else "nobody"
        chain = ""
        if snap.trigger is not None:
            in_chain = ledger.parent_trigger(segment.session(), snap.id) is not None
            chain = (
                f"; in the chain of trigger {snap.trigger}: its changes fire no triggers"
                if in_chain
                else f"; started by trigger {snap.trigger}"
            )
        self._log(
            snap.id,
            f"attempt {snap.attempt}: running as {who}; privacy rules "
            + ("ignored" if ignore else "respected")
            + chain,
        )
        resume_at, carried = self._carry_over(segment, snap.attempt, access)
        return _RunState(
            run_id=snap.id,
            workflow=wf,
            attempt=snap.attempt,
            params=params,
            run_as=run_as,
            ignore_privacy=ignore,
            scheduled_for=snap.scheduled_for,
            deadline=time.monotonic() + wf.timeout,
            access=access,
            trigger=snap.trigger,
            chain_depth=snap.depth,
            depth=depth,
            root_id=snap.root_id,
            inline=inline or _InlineCount(),
            results=carried,
            resume_at=resume_at,
        )

    def _workflow(self, session: Session, name: str) -> WorkflowDef:
        """The workflow's current definition (cached while its stamp is unchanged)."""
        stamp = catalog.workflow_stamp(session, name)
        cached = self._workflows.get(name)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        wf = catalog.get_workflow(session, name)
        self._workflows[name] = (stamp, wf)
        return wf

    def _carry_over(
        self, segment: _Segment, attempt: int, access: RunAccess
    ) -> tuple[int, dict[str, Any]]:
        """Where a later attempt starts: after the steps that already succeeded.

        Their recorded results are reused, so a retry never repeats an email
        or a call that went through; a step that was in progress when the
        process died may have had its effect, and the log says so.
        """
        run_id = segment.run_id
        if attempt == 1:
            return 1, {}
        rows = ledger.step_results(segment.session(), run_id)
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
            return access.found(loader.search(str(type_name), **equals), equals.keys())

        def secret(name: str) -> str:
            with expressions.uninterrupted():  # (the keychain is not stopped half-way)
                value = secrets.get_secret(str(name))
            if value is None:
                raise ExpressionError(f"no secret '{name}' in the OS keychain")
            state.secrets.add(value)
            return value

        return {
            **state.params,
            **state.results,
            "now": utcnow(),
            "current_user": access.user_view(),
            "run": {
                "id": state.run_id,
                "workflow": state.workflow.name,
                "scheduled_for": state.scheduled_for,
                "attempt": state.attempt,
            },
            "search": search,
            "secret": secret,
        }

    def _run_steps(
        self, state: _RunState, segment: _Segment
    ) -> tuple[str, str | None, dict[str, Any] | None]:
        wf = state.workflow
        loader = segment.loader
        if wf.only_when is not None:
            names = self._names(state, loader)
            evaluating = _Evaluating(segment, state)
            condition = wf.only_when
            try:
                go = evaluating(
                    lambda seconds: expressions.test_condition(condition, names, seconds=seconds)
                )
            except ExpressionError as exc:
                if time.monotonic() >= state.deadline:
                    return (
                        ledger.INTERRUPTED,
                        f"timed out after {wf.timeout:g} s (only_when: {exc.reason})",
                        None,
                    )
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
                self._run_step(state, index, step, segment)
                segment.commit_if_old()
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

    def _run_step(self, state: _RunState, index: int, step: StepDef, segment: _Segment) -> None:
        spec = registry.get(step.action)
        where = f"workflow {state.workflow.name}, step {index} ({step.action})"
        record = _StepRecord(segment, state, index, step.action)
        if spec is None:
            raise StepFailed(f"unknown action '{step.action}'")
        names = self._names(state, segment.loader)
        evaluating = _Evaluating(segment, state)
        try:
            if step.only_when is not None:
                condition = step.only_when
                try:
                    run_it = evaluating(
                        lambda seconds: expressions.test_condition(
                            condition, names, seconds=seconds
                        )
                    )
                except ExpressionError as exc:
                    raise ExpressionError(exc.reason, f"{where}, only_when") from None
                if not run_it:
                    record.write("skipped")
                    state.results[f"step{index}"] = None
                    return
            inputs = self._inputs(spec, step, names, where, evaluating)
        except CueflowError as exc:
            record.write("failed", error=str(exc))
            raise
        except Exception as exc:  # a bug met while evaluating must not leave the run running
            segment.check_alive()
            log.exception("step %s of run %s: evaluating its inputs failed", index, state.run_id)
            reason = f"{where}: internal error: {type(exc).__name__}: {exc}"
            record.write("failed", error=reason)
            raise StepFailed(reason) from None
        record.inputs = to_json_safe(inputs)
        context = StepRuntime(self, state, index, segment)
        try:
            outside = spec.external or step.action == "run_workflow"
            if outside:
                record.checkpoint()  # a crash from here on leaves a "running" step behind
                result = spec.perform(context, inputs)
            else:
                with segment.savepoint() as session:
                    context.session = session
                    result = spec.perform(context, inputs)
                    changes = catalog.take_changes(session)
                    # Trigger runs commit with the change itself: none can be lost
                    # between the two. No run in a trigger's chain fires triggers.
                    if (
                        changes
                        and state.trigger is None
                        and triggers.fire(
                            session,
                            changes,
                            run_as=context.run_as_id,
                            parent=state.parent,
                        )
                    ):
                        segment.notify(LedgerChanged())
                context.session = None
            record.write("succeeded", result=result, lines=context.lines)
            if outside:  # done outside: on disk now, or a crash would make it happen twice
                segment.commit()
        except TransactionLost:
            raise
        except ChainStopped as stop:
            # Its step's writes are rolled back; the stop commits with the failure.
            reason = stop.stop(segment.session())
            segment.notify(LedgerChanged())
            record.write("failed", error=reason, lines=context.lines)
            raise StepFailed(reason) from None
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
            segment.check_alive()  # (a database error may have ended the transaction)
            trace = "".join(traceback.format_exception(exc))  # its text may hold a secret
            log.error("step %s of run %s failed unexpectedly\n%s", index, state.run_id,
                      state.mask(trace))
            reason = f"internal error: {type(exc).__name__}: {exc}"
            record.write("failed", error=reason, lines=context.lines)
            raise StepFailed(reason) from None
        state.results[f"step{index}"] = result
        if time.monotonic() > state.deadline:
            raise _Interrupted()

    def _inputs(
        self,
        spec: ActionSpec,
        step: StepDef,
        names: Mapping[str, Any],
        where: str,
        evaluating: _Evaluating,
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
                value = evaluating(
                    lambda seconds: expressions.evaluate(raw, names, seconds=seconds)  # noqa: B023
                )
            except ExpressionError as exc:
                raise ExpressionError(exc.reason, f"{where}, input {item.name}") from None
            try:
                inputs[item.name] = _coerce_input(item, value)
            except BadInput as exc:
                raise StepFailed(exc.reason, f"{where}, input {item.name}") from None
        return inputs

    def _log(self, run_id: str, message: str, level: str = "info") -> None:
        """Queue a line for the run's log; it is written with the run's next commit."""
        self._pending.setdefault(run_id, []).append((message, level))

    def flush_log(self, session: Session, run_id: str) -> None:
        ledger.add_logs(session, run_id, self._pending.pop(run_id, ()))

    def _fail(
        self,
        segment: _Segment,
        workflow: str,
        attempt: int,
        wf: WorkflowDef | None,
        error: str,
        final_status: str = ledger.FAILED,
    ) -> str:
        run_id = segment.run_id
        retries = wf.retries if wf is not None else None
        session = segment.session()
        if retries is not None and attempt <= retries.attempts:
            delay = retries.delay(attempt)
            at = utcnow() + timedelta(seconds=delay)
            self._log(
                run_id, f"attempt {attempt} failed: {error}; retrying in {delay:g} s", "warning"
            )
            ledger.retry_later(session, run_id, at, error)
            segment.notify(LedgerChanged())
            segment.commit(RunChanged(run_id, workflow, ledger.SCHEDULED, error))
            return ledger.SCHEDULED
        self._log(run_id, error, "error")
        ledger.finish(session, run_id, final_status, error=error)
        segment.commit(RunChanged(run_id, workflow, final_status, error))
        return final_status

    def fail_unexpected(self, run_id: str, workflow: str, exc: BaseException) -> bool:
        """Record a run that broke outside any step (e.g. the disk filled up).

        Its open segment was rolled back, so the run may be scheduled again
        rather than running: either way it is marked failed. Returns False
        when even that cannot be written; the caller tries again.
        """
        reason = describe(exc)
        for _ in range(2):
            try:
                with self.db.write() as session:
                    self.flush_log(session, run_id)
                    ledger.add_log(session, run_id, reason, "error")
                    done = ledger.finish(
                        session, run_id, ledger.FAILED, error=reason, unless_finished=True
                    )
                break
            except Exception as exc2:
                log.warning("could not record the failure of run %s: %s", run_id, describe(exc2))
                # A failed big write can leave the WAL file holding the last free
                # space; hand it back to the disk and try once more.
                self.db.checkpoint()
        else:
            return False
        if done:
            self.events.emit(RunChanged(run_id, workflow, ledger.FAILED, reason))
        return True


class _Evaluating:
    """Evaluates one step's expressions without holding the write lock for long.

    While the run's transaction is open (it holds the write lock) they share
    LOCKED_EVAL_SECONDS. One that needs longer has what the run did so far
    committed, as an outside step's checkpoint does (the step itself has done
    nothing yet), and is evaluated again with no transaction open, for up to
    EVAL_SECONDS or what is left of the workflow's timeout. Expressions have
    no effects, so evaluating one twice changes nothing.
    """

    def __init__(self, segment: _Segment, state: _RunState) -> None:
        self.segment = segment
        self.state = state
        # Counted in the time this thread computes, as the evaluations' own
        # budgets are: waiting for the GIL or a busy machine uses none of it.
        self.locked_until = expressions.thread_seconds() + LOCKED_EVAL_SECONDS

    def __call__(self, evaluate: Callable[[float], _T]) -> _T:
        now = time.monotonic()
        full = max(0.0, min(expressions.EVAL_SECONDS, self.state.deadline - now))
        if self.segment.open:
            locked = min(self.locked_until - expressions.thread_seconds(), full)
            if locked > 0:
                try:
                    return evaluate(locked)
                except expressions.OutOfTime:
                    if locked >= full:  # the workflow's own time is what ran out
                        raise
            self.segment.commit()  # free the lock; the run stays running
        left = self.state.deadline - time.monotonic()
        return evaluate(max(0.0, min(expressions.EVAL_SECONDS, left)))


class _Unit:
    """A db.write() unit of work held open across calls (committed or rolled back later)."""

    def __init__(self, db: Database) -> None:
        self._context = db.write(urgent=False)
        self.session = self._context.__enter__()
        self.opened = time.monotonic()

    def commit(self) -> None:
        try:
            check_alive(self.session)
        except TransactionLost:
            self.rollback()
            raise
        self._context.__exit__(None, None, None)

    def rollback(self) -> None:
        with suppress(_Abandoned):
            self._context.__exit__(_Abandoned, _Abandoned(), None)


class TransactionLost(Exception):
    """SQLite rolled the whole transaction back itself (disk full, I/O error).

    Nothing written since it began is there: no record of it may be written
    in its place (that would go in outside any transaction) and nothing of it
    may be announced. It travels up to whoever opened the transaction.
    """

    def __str__(self) -> str:
        return "the database rolled the transaction back (disk full or I/O error)"


def check_alive(session: Session) -> None:
    """Raise TransactionLost if SQLite has rolled the session's transaction back."""
    if not driver(session).in_transaction:
        raise TransactionLost()


class Batch:
    """Runs one worker executes back to back, sharing one write transaction.

    A commit costs more than a small run's own writes (the WAL pages of the
    ledger's indexes are written out once per commit), so a worker with more
    due runs keeps its transaction for up to SEGMENT_SECONDS (group commit).
    Each run is a savepoint in it: a run that breaks is rolled back alone.
    What the runs say (events) is said once the transaction is committed.
    """

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.unit: _Unit | None = None
        self.events: list[Any] = []

    def session(self) -> Session:
        if self.unit is None:
            self.unit = _Unit(self.runner.db)
        return self.unit.session

    @property
    def young(self) -> bool:
        """Whether it may take another run: not open for long, nobody else waiting."""
        if self.unit is None:
            return True
        age = time.monotonic() - self.unit.opened
        return age < SEGMENT_SECONDS and not self.runner.db.write_lock.wanted

    def commit(self) -> None:
        unit, self.unit = self.unit, None
        events, self.events = self.events, []  # not said if the commit fails
        if unit is not None:
            unit.commit()
        for event in events:
            self.runner.events.emit(event)

    def rollback(self) -> None:
        unit, self.unit = self.unit, None
        self.events = []
        if unit is not None:
            unit.rollback()


class _Segment:
    """The open write transaction of one run (see the module's docstring).

    It is opened on first use and committed before an outside step, at the
    run's end, and after any step once it has been open SEGMENT_SECONDS.
    Events about what it wrote are emitted only once that is committed: a
    listener never reads the ledger before the change is there. Inside a
    Batch, the segment is a savepoint of the batch's transaction.
    """

    def __init__(self, runner: Runner, run_id: str) -> None:
        self.runner = runner
        self.run_id = run_id
        self.loader = catalog.DbThingLoader(runner.db, reading=self.reading)
        self.running: RunChanged | None = None  # said when a commit leaves the run running
        self._events: list[Any] = []
        self._unit: _Unit | None = None  # its own transaction, outside a batch
        self._batch: Batch | None = None  # the batch whose transaction it is part of
        self._session: Session | None = None
        self._savepoint = f'"segment {id(self)}"'

    def session(self) -> Session:
        if self._session is None:
            batch = self.runner.current_batch()
            if batch is not None:
                self._session = batch.session()
                self._session.flush()  # what the ORM holds belongs before the savepoint
                driver(self._session).execute(f"SAVEPOINT {self._savepoint}")
                self._batch = batch
            else:
                self._unit = _Unit(self.runner.db)
                self._session = self._unit.session
        return self._session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """The open transaction to read through, or a short read session."""
        batch = self.runner.current_batch()
        if self._session is not None:
            yield self._session
        elif batch is not None and batch.unit is not None:
            yield batch.unit.session  # earlier runs' writes, not yet committed
        else:
            with self.runner.db.read() as session:
                yield session

    @contextmanager
    def savepoint(self) -> Iterator[Session]:
        """One data step: on an error its changes are undone, the rest stays."""
        session = self.session()
        conn = driver(session)
        session.flush()  # raw SAVEPOINTs do not flush: earlier ORM changes go in first
        conn.execute("SAVEPOINT step")
        try:
            yield session
            session.flush()
        except BaseException:
            self.check_alive()
            conn.execute("ROLLBACK TO step")
            conn.execute("RELEASE step")
            catalog.take_changes(session)  # the undone changes fire nothing
            session.expunge_all()  # nor may ORM objects of undone rows linger
            raise
        conn.execute("RELEASE step")

    @property
    def open(self) -> bool:
        """Whether it has a transaction open (holding the write lock)."""
        return self._session is not None

    def check_alive(self) -> None:
        if self._session is not None:
            check_alive(self._session)

    def notify(self, event: Any) -> None:
        """Emit `event` once what the segment wrote so far is committed."""
        if self._session is None:
            self.runner.events.emit(event)
        else:
            self._events.append(event)

    def commit(self, final: Any = None) -> None:
        """Commit; `final` is the run's last event (its end), said last.

        In a batch, the run's end only releases its savepoint (the batch
        commits it with the others); any other commit is a real one, since
        what follows needs it on disk (an outside step's checkpoint).
        """
        events, self._events = self._events, []
        if final is None and self.running is not None:
            events.insert(0, self.running)  # the run is visible as running from now on
            self.running = None
        if final is not None:
            events.append(final)
        if self._session is not None:
            self.runner.flush_log(self._session, self.run_id)
            session, self._session = self._session, None
            if self._batch is not None:
                batch, self._batch = self._batch, None
                session.flush()
                check_alive(session)
                driver(session).execute(f"RELEASE {self._savepoint}")
                batch.events.extend(events)
                if final is None:
                    batch.commit()
                return
            unit, self._unit = self._unit, None
            assert unit is not None
            unit.commit()
        for event in events:
            self.runner.events.emit(event)

    def commit_if_old(self) -> None:
        """Commit after a step when open for long or when another writer waits."""
        if self._session is None:
            return
        opened = (self._batch.unit if self._batch is not None else self._unit)
        if opened is not None and (
            time.monotonic() - opened.opened > SEGMENT_SECONDS or self.runner.db.write_lock.wanted
        ):
            self.commit()

    def abandon(self) -> None:
        """Roll back what is still open (an unexpected error is on its way up)."""
        if self._session is None:
            return
        session, self._session = self._session, None
        self._events = []
        if self._batch is not None:
            batch, self._batch = self._batch, None
            try:
                check_alive(session)
                conn = driver(session)
                conn.execute(f"ROLLBACK TO {self._savepoint}")
                conn.execute(f"RELEASE {self._savepoint}")
                session.expunge_all()
            except Exception:  # the transaction is gone: so is the whole batch
                batch.rollback()
            return
        unit, self._unit = self._unit, None
        if unit is not None:
            unit.rollback()


class _Abandoned(Exception):
    """Thrown into a segment's unit of work to roll it back."""


class _StepRecord:
    """A step's row in the step results of this attempt, with secrets masked.

    Data steps write it in their segment, with their changes. Steps with an
    outside effect first commit a "running" checkpoint, so that after a crash
    the ledger says the effect may have happened.
    """

    def __init__(self, segment: _Segment, state: _RunState, index: int, action: str) -> None:
        self.segment = segment
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
        # Queued lines (e.g. "step 2 was in progress …, running it again") are
        # committed with it: in the ledger before the outside effect happens.
        values = self._values("running", None, None)
        self.row_id = ledger.insert_step(self.segment.session(), values)
        self.segment.commit()

    def write(
        self,
        status: str,
        *,
        result: Any = None,
        error: str | None = None,
        lines: Sequence[str] = (),
    ) -> None:
        session = self.segment.session()
        values = self._values(status, result, error)
        if self.row_id is not None:
            ledger.update_step(session, self.row_id, values)
        else:
            ledger.insert_step(session, values)
        for line in lines:
            self.segment.runner._log(self.state.run_id, self.state.mask(line))


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

    def __init__(self, runner: Runner, state: _RunState, index: int, segment: _Segment) -> None:
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
        if self.state.secrets.contains(to_json_safe(value)):
            raise StepFailed(
                f"a secret cannot be passed on in {where}: it would be stored in the "
                "database; read it with secret(…) where it is used"
            )

    def create_thing(self, type_name: str, fields: Mapping[str, Any]) -> ThingView:
        self._keep_secrets(fields, "a thing's fields")
        created = catalog.create_thing(self._session(), type_name, fields)
        return self.access.view(created)  # the step's session ends with the step

    def modify_thing(self, thing: ThingView | str, fields: Mapping[str, Any]) -> ThingView:
        thing_id = thing if isinstance(thing, str) else thing.id
        self._keep_secrets(fields, "a thing's fields")
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
        self.lines.append(f"scheduled {workflow} for {len(ids)} item(s)")
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
        )
        with self.runner.db.read() as session:
            row = ledger.get_run(session, child)
            status, error, returned = row.status, row.error, row.returned
        if status not in (ledger.SUCCEEDED, ledger.TERMINATED):
            raise StepFailed(f"{workflow} (run {child}) {status}: {error}")
        return returned
