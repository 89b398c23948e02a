"""How a claimed run starts: its state, and where a later attempt resumes.

`prepare` checks the run's parameters against its workflow as it is now,
loads who it runs as, decides whether privacy rules apply (never ignored in
a trigger's chain) and logs it; `carry_over` makes a later attempt resume
after the steps that already succeeded, reusing their recorded results, and
says in the log when a step may have had its effect before a crash.
`expression_names` is what the run's expressions see.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any

from app.core import expressions
from app.core.definitions import WorkflowDef
from app.core.things import ThingView
from app.core.types import coerce, utcnow
from app.engine.access import RunAccess
from app.engine.enqueue import prepare_params
from app.engine.step_runtime import InlineCount, RunState, revive
from app.engine.transactions import Segment
from app.errors import BadInput, ExpressionError
from app.storage import catalog, ledger, secrets
from app.storage import models as m

QueueLog = Callable[..., None]
"""Runner.queue_log: (run ID, message, level="info") — written with the run's next commit."""


def prepare(
    snap: ledger.Claimed,
    wf: WorkflowDef,
    depth: int,
    segment: Segment,
    inline: InlineCount | None,
    queue_log: QueueLog,
) -> RunState:
    """The state a claimed run starts with; BadInput when its parameters no longer fit."""
    loader = segment.loader
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
    queue_log(
        snap.id,
        f"attempt {snap.attempt}: running as {who}; privacy rules "
        + ("ignored" if ignore else "respected")
        + chain
        + ("; a test run: emails and web calls are captured, not sent" if snap.captured else ""),
    )
    resume_at, carried = carry_over(segment, snap.attempt, access, queue_log)
    return RunState(
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
        inline=inline or InlineCount(),
        results=carried,
        resume_at=resume_at,
        captured=snap.captured,
    )


def carry_over(
    segment: Segment, attempt: int, access: RunAccess, queue_log: QueueLog
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
        results[f"step{position}"] = revive(latest[position], access)
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
        queue_log(run_id, note, "warning")
    return position, results


def expression_names(state: RunState, loader: catalog.DbThingLoader) -> dict[str, Any]:
    """What the run's expressions see: parameters, earlier results, now, run, search ….

    The names that stay the same through the run (current_user through the
    rules, run, search, secret) are made at its first step rather than at
    each (issue 18); `now` is read anew for each step."""
    fixed = state.fixed_names
    if fixed is None:
        fixed = state.fixed_names = _fixed_names(state, loader)
    return {**state.params, **state.results, "now": utcnow(), **fixed}


def _fixed_names(state: RunState, loader: catalog.DbThingLoader) -> dict[str, Any]:
    access = state.access
    assert access is not None
    # (`secret` holds the run's masker, not the run's state, which keeps these
    # names: a cycle left to the garbage collector each run; issue 18)
    read_secrets = state.secrets

    def search(type_name: str, **equals: Any) -> list[ThingView]:
        return access.found(loader.search(str(type_name), **equals), equals.keys())

    def secret(name: str) -> str:
        with expressions.uninterrupted():  # (the keychain is not stopped half-way)
            value = secrets.get_secret(str(name))
        if value is None:
            # (team mode: secrets stay in each machine's keychain, so say which one)
            raise ExpressionError(
                f"no secret '{name}' in the OS keychain on host {socket.gethostname()}"
            )
        read_secrets.add(value)
        return value

    return {
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
