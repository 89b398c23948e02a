"""Executes one run: parameters, conditions, steps, results, retries.

A run writes through one open transaction, its segment (see
app.engine.transactions): the claim, each data step's changes with that
step's record, the log and the end commit together. A step with an outside
effect (its ActionSpec says so: email, HTTP, a workflow run inline) commits
the segment first, with a "running" checkpoint for itself, and runs outside
any transaction, so a slow server never holds the write lock; its record
opens the next segment. A data step that fails is rolled back to a savepoint
and leaves only its failed record. A worker with several due runs executes
them in a Batch: their segments are savepoints of one transaction (group
commit). What a step runs with lives in app.engine.step_runtime; how a claimed
run starts (its state, where a later attempt resumes) in app.engine.run_start.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from app.actions import registry
from app.actions.registry import ActionSpec, ReturnData, Terminate
from app.core import expressions
from app.core.definitions import StepDef, WorkflowDef
from app.core.types import to_json_safe, utcnow
from app.engine import triggers
from app.engine.enqueue import ChainStopped, Parent, schedule_in
from app.engine.events import EventBus, LedgerChanged, RunChanged
from app.engine.run_start import expression_names, prepare
from app.engine.step_runtime import (
    Evaluating,
    InlineCount,
    RunState,
    StepRecord,
    StepRuntime,
    coerce_input,
)
from app.engine.transactions import Batch, LeaseLost, Segment, TransactionLost
from app.errors import BadInput, CueflowError, ExpressionError, StepFailed, describe
from app.storage import catalog, ledger, schedulers, schedules
from app.storage.db import Database, ended_idle, idle_reason

log = logging.getLogger(__name__)
DUE_SLACK = timedelta(seconds=1)  # a timer may fire this much before its run's time

# The runs this process executes now, by any Runner: a clock of this process
# must not take them over as left behind (see Clock.take_over).
_executing: set[str] = set()
_executing_lock = threading.Lock()


def executing_here() -> frozenset[str]:
    """IDs of the runs this process is executing at this moment."""
    with _executing_lock:
        return frozenset(_executing)


def _timed(raw: Any) -> bool:
    """expressions.timed; an input that does not compile counts as timed (its
    evaluation then fails in its step, saying where)."""
    try:
        return expressions.timed(raw)
    except Exception:
        return True


class _Interrupted(Exception):
    """The run went past its timeout."""


class Runner:
    """Runs workflows against one database; thread-safe (a session per unit of work)."""

    def __init__(self, db: Database, events: EventBus | None = None) -> None:
        self.db = db
        self.events = events or EventBus()
        self.pid = os.getpid()
        # Team mode: the scheduler (schedulers.id) it runs for; claims record it,
        # finishes and commits need it still to hold its lease. None: one machine.
        self.owner: str | None = None
        # What its claims record as owner on a server when it is no scheduler.
        self.host_tag = schedulers.host_tag() if db.folder is None else None
        self._pending: dict[str, list[tuple[str, str]]] = {}  # log lines per run, not yet written
        # By name, with its stamp and, per step, the inputs evaluated under the time
        # guard (expressions.timed): what the step loop needs worked out once per version.
        self._workflows: dict[str, tuple[Any, WorkflowDef, tuple[frozenset[str], ...]]] = {}
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
        segment = Segment(self, run_id)
        try:
            claimed = segment.claim(
                partial(self._claim, run_id), partial(self._peek, run_id, segment)
            )
            if claimed is None:
                return None
            return self._execute_claimed(claimed, 0, segment)
        finally:
            segment.abandon()  # rolls back only what an unexpected error left uncommitted

    def _claim(self, run_id: str, session: Session) -> ledger.Claimed | None:
        # Only if due: a timer read before a retry moved the run later must not
        # start it early (the move may not have been committed when it read).
        claimed = ledger.claim(
            session,
            run_id,
            self.pid,
            due_by=utcnow() + DUE_SLACK,
            owner=self.owner or self.host_tag,
        )
        if claimed is not None and claimed.schedule_id is not None and claimed.attempt == 1:
            schedules.advance(session, claimed.schedule_id, claimed.scheduled_for)
        return claimed

    def _peek(self, run_id: str, segment: Segment, session: Session) -> ledger.Claimed | None:
        """The claim of a run in a batch (Segment.claim): read now, written with the
        run's end or when something must see it running (Segment.late)."""
        started = utcnow()
        claimed = ledger.peek_claim(session, run_id, due_by=started + DUE_SLACK)
        if claimed is None:
            return None
        if claimed.schedule_id is not None and claimed.attempt == 1:
            # Its schedule's next occurrence is made now, and must see this one taken.
            return self._claim(run_id, session)
        segment.late = ledger.LateClaim(run_id, started, self.pid, self.owner or self.host_tag)
        return claimed

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
        inline: InlineCount | None = None,
        captured: bool = False,
    ) -> str:
        """Run a workflow in this thread, now, recorded in the ledger; returns the run ID.

        `parent` (a run_workflow step's run) continues its chain; `trigger`
        keeps the run in a trigger's chain (see enqueue.schedule_in);
        `captured` makes it a test run (a captured run's inline children are).
        """
        segment = Segment(self, "")
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
                captured=captured,
            )
            claimed = ledger.claim(session, run_id, self.pid, owner=self.owner or self.host_tag)
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
        segment: Segment,
        inline: InlineCount | None = None,
    ) -> str:
        with _executing_lock:
            _executing.add(snap.id)
        try:
            return self._execute_owned(snap, depth, segment, inline)
        finally:
            with _executing_lock:
                _executing.discard(snap.id)

    def _execute_owned(
        self, snap: ledger.Claimed, depth: int, segment: Segment, inline: InlineCount | None
    ) -> str:
        segment.running = RunChanged(snap.id, snap.workflow, ledger.RUNNING)
        try:
            wf, timed = self._workflow(segment.session(), snap.workflow)
            state = prepare(snap, wf, depth, segment, inline, self.queue_log)
        except CueflowError as exc:
            return self._fail(segment, snap.workflow, snap.attempt, None, str(exc))
        status, error, returned = self._run_steps(state, segment, timed)
        error, returned = state.mask(error), state.mask(returned)
        if status in (ledger.FAILED, ledger.INTERRUPTED):
            assert error is not None
            return self._fail(
                segment, snap.workflow, snap.attempt, state.workflow, error, final_status=status
            )
        written = ledger.finish(
            segment.session(),
            snap.id,
            status,
            error=error,
            returned=returned,
            owner=self.owner,
            late=segment.take_late(),
        )
        segment.commit(RunChanged(snap.id, snap.workflow, status, error, returned, written))
        return status

    def _workflow(
        self, session: Session, name: str
    ) -> tuple[WorkflowDef, tuple[frozenset[str], ...]]:
        """The workflow's current definition (cached while its stamp is unchanged),
        and per step the names of its inputs evaluated under the time guard."""
        stamp = catalog.workflow_stamp(session, name)
        cached = self._workflows.get(name)
        if cached is not None and cached[0] == stamp:
            return cached[1], cached[2]
        wf = catalog.get_workflow(session, name)
        timed = tuple(
            frozenset(key for key, raw in step.inputs.items() if _timed(raw)) for step in wf.steps
        )
        self._workflows[name] = (stamp, wf, timed)
        return wf, timed

    def _run_steps(
        self, state: RunState, segment: Segment, timed: tuple[frozenset[str], ...]
    ) -> tuple[str, str | None, dict[str, Any] | None]:
        wf = state.workflow
        loader = segment.loader
        if wf.only_when is not None:
            names = expression_names(state, loader)
            evaluating = Evaluating(segment, state)
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
                self.queue_log(state.run_id, "the workflow's only_when is false: no step ran")
                return ledger.TERMINATED, "only_when is false", None
        for index, step in enumerate(wf.steps, start=1):
            if index < state.resume_at:
                continue
            if time.monotonic() > state.deadline:
                return ledger.INTERRUPTED, f"timed out after {wf.timeout:g} s", None
            try:
                self._run_step(state, index, step, segment, timed[index - 1])
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

    def _run_step(
        self, state: RunState, index: int, step: StepDef, segment: Segment, timed: frozenset[str]
    ) -> None:
        spec = registry.get(step.action)
        where = f"workflow {state.workflow.name}, step {index} ({step.action})"
        record = StepRecord(segment, state, index, step.action)
        if spec is None:
            raise StepFailed(f"unknown action '{step.action}'")
        names = expression_names(state, segment.loader)
        evaluating = Evaluating(segment, state)
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
            inputs = self._inputs(spec, step, names, where, evaluating, timed)
        except CueflowError as exc:
            record.write("failed", error=str(exc))
            raise
        except Exception as exc:  # a bug met while evaluating must not leave the run running
            segment.check_alive()
            log.exception("step %s of run %s: evaluating its inputs failed", index, state.run_id)
            reason = f"{where}: internal error: {type(exc).__name__}: {exc}"
            record.write("failed", error=reason)
            raise StepFailed(reason) from None
        record.inputs = inputs  # (made JSON-safe as it is recorded: StepRecord._values)
        context = StepRuntime(self, state, index, segment)
        # A test run previews what the action would do outside (ActionSpec.capture).
        act = spec.capture if state.captured and spec.capture is not None else spec.perform
        if not spec.leaves_runs_alone:
            segment.write_claim()  # the run's row says running before the step may look
        try:
            outside = spec.outside_effect
            if outside:
                record.checkpoint()  # a crash from here on leaves a "running" step behind
                result = act(context, inputs)
            elif spec.touches_no_data:  # nothing to roll back: no savepoint
                result = act(context, inputs)
            else:
                with segment.savepoint() as session:
                    context.session = session
                    result = act(context, inputs)
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
            # Its step's writes are rolled back; the stop commits with the failure
            # (and cancels the chain's scheduled runs: this one is running first).
            segment.write_claim()
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
            log.error(
                "step %s of run %s failed unexpectedly\n%s", index, state.run_id, state.mask(trace)
            )
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
        evaluating: Evaluating,
        timed: frozenset[str],
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
                if item.name in timed:
                    value = evaluating(
                        lambda seconds: expressions.evaluate(raw, names, seconds=seconds)  # noqa: B023
                    )
                else:  # nothing in it runs under the time guard: no budget used
                    value = expressions.evaluate(raw, names)
            except ExpressionError as exc:
                raise ExpressionError(exc.reason, f"{where}, input {item.name}") from None
            try:
                inputs[item.name] = coerce_input(item, value)
            except BadInput as exc:
                raise StepFailed(exc.reason, f"{where}, input {item.name}") from None
        return inputs

    def queue_log(self, run_id: str, message: str, level: str = "info") -> None:
        """Queue a line for the run's log; it is written with the run's next commit."""
        self._pending.setdefault(run_id, []).append((message, level))

    def take_log(self, run_id: str) -> list[tuple[str, str]]:
        """Take the run's queued (message, level) lines, to be written now."""
        return self._pending.pop(run_id, [])

    def flush_log(self, session: Session, run_id: str) -> None:
        ledger.add_logs(session, run_id, self.take_log(run_id))

    def _fail(
        self,
        segment: Segment,
        workflow: str,
        attempt: int,
        wf: WorkflowDef | None,
        error: str,
        final_status: str = ledger.FAILED,
    ) -> str:
        run_id = segment.run_id
        retries = wf.retries if wf is not None else None
        session = segment.session()
        segment.write_claim()  # (a retry and a failure match a running run)
        if retries is not None and attempt <= retries.attempts:
            delay = retries.delay(attempt)
            at = utcnow() + timedelta(seconds=delay)
            self.queue_log(
                run_id, f"attempt {attempt} failed: {error}; retrying in {delay:g} s", "warning"
            )
            ledger.retry_later(session, run_id, at, error, owner=self.owner)
            segment.notify(LedgerChanged())
            segment.commit(RunChanged(run_id, workflow, ledger.SCHEDULED, error))
            return ledger.SCHEDULED
        self.queue_log(run_id, error, "error")
        ledger.finish(session, run_id, final_status, error=error, owner=self.owner)
        segment.commit(RunChanged(run_id, workflow, final_status, error))
        return final_status

    def fail_unexpected(self, run_id: str, workflow: str, exc: BaseException) -> bool:
        """Record a run that broke outside any step (e.g. the disk filled up).

        Its open segment was rolled back, so the run may be scheduled again
        rather than running: either way it is marked failed. Returns False
        when even that cannot be written; the caller tries again.
        """
        if isinstance(exc, LeaseLost):
            # Taken over by another scheduler: this one writes nothing for it.
            log.warning("run %s not finished here: %s", run_id, exc)
            self._pending.pop(run_id, None)
            return True
        # On a server: its transaction was ended by the server for staying idle (a
        # step computing past IDLE_TX_MS, or the process stalled). Failed with the
        # reason, never put back to go round again (it would compute as long each
        # time), unless this scheduler lost its lease meanwhile (its runs are
        # another's now); batch-mates whose writes went with it (another
        # exception: the batch's commit) do go round.
        ended = ended_idle(exc)
        reason = idle_reason() if ended else describe(exc)
        for _ in range(2):
            try:
                with self.db.write() as session:
                    if (
                        ended
                        and self.owner is not None
                        and not schedulers.hold(session, self.owner)
                    ):
                        # Frozen past its lease too: its runs were taken over (LeaseLost).
                        log.warning("run %s not finished here: %s", run_id, LeaseLost(self.owner))
                        self._pending.pop(run_id, None)
                        return True
                    self.flush_log(session, run_id)
                    ledger.add_log(session, run_id, reason, "error")
                    done = ledger.finish(
                        session,
                        run_id,
                        ledger.FAILED,
                        error=reason,
                        unless_finished=True,
                        owner=self.owner,
                        unclaimed_too=ended,
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
