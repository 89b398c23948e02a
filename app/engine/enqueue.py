"""Putting runs in the ledger inside the caller's transaction: check the
parameters against the workflow, schedule one run, a recurring schedule or one
run per item of a list, cancel by ID.

Below both `service` (the front ends' entry points) and `triggers` (runs that a
change of things starts), so neither imports the other back.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.definitions import WorkflowDef
from app.core.recurrence import Recurrence, zone_name
from app.core.types import ThingResolver, coerce, encode, local_zone, parse_text, utcnow
from app.core.when import HORIZON, HORIZON_YEARS, within_horizon
from app.core.words import counted
from app.errors import BadInput, NotFound, StepFailed
from app.storage import catalog, ledger, schedules, settings
from app.storage import models as m

IMMEDIATE = timedelta(seconds=1)  # a child due this soon continues its parent's chain


def prepare_params(
    wf: WorkflowDef,
    values: Mapping[str, Any],
    resolve: ThingResolver,
    *,
    from_text: bool = False,
) -> dict[str, Any]:
    """Check parameter values and encode them for the ledger (things as IDs)."""
    out: dict[str, Any] = {}
    for key in values:
        if wf.parameter(key) is None:
            known = ", ".join(p.key for p in wf.parameters) or "none"
            raise BadInput(f"{wf.name} has no parameter '{key}' (parameters: {known})")
    for param in wf.parameters:
        raw = values.get(param.key)
        if raw is None or (from_text and raw == "" and param.type.base != "text"):
            if not param.optional:
                raise BadInput(f"parameter '{param.key}' ({param.type}) is required")
            continue
        try:
            native = (
                parse_text(param.type, raw, resolve)
                if from_text and isinstance(raw, str)
                else coerce(param.type, raw, resolve)
            )
        except BadInput as exc:
            raise BadInput(f"parameter '{param.key}' ({param.type}): {exc.reason}") from None
        out[param.key] = encode(param.type, native)
    return out


@dataclass(frozen=True)
class Parent:
    """The run that schedules another: its ID, how deep its chain is, and the
    chain's root (None: the parent is the root)."""

    run_id: str
    depth: int
    root_id: str | None = None

    @property
    def root(self) -> str:
        return self.root_id or self.run_id


class ChainStopped(StepFailed):
    """A chain of runs would grow past runner.max_chain_runs: it is stopped for good.

    Raised before anything is written; whoever records the failure also calls
    `ledger.stop_chain` (the step's own writes are rolled back by then).
    """

    def __init__(self, root_id: str, reason: str) -> None:
        super().__init__(reason)
        self.root_id = root_id

    def stop(self, session: Session) -> str:
        """Stop the chain in `session`'s transaction; the whole reason, with what it cancelled."""
        cancelled = ledger.stop_chain(session, self.root_id, self.reason)
        cancelled_runs = counted(len(cancelled), "upcoming run")
        return f"{self.reason}; cancelled {cancelled_runs} of the chain"


def chain_room(session: Session, parent: Parent | None, adding: int, what: str = "runs") -> None:
    """Refuse `adding` more runs in the parent's chain when its unfinished runs
    (scheduled or running, the root included) would exceed runner.max_chain_runs.

    A chain's depth bounds its length only: a step scheduling two runs of its
    own workflow doubles the chain every generation. Counted with one indexed
    query, paid only by steps that schedule; a stopped chain stays stopped.
    """
    if parent is None:
        return
    limit = int(settings.get(session, "runner.max_chain_runs"))
    unfinished, stopped = ledger.chain_load(session, parent.root)
    if stopped:
        raise ChainStopped(
            parent.root,
            f"runaway chain stopped: this chain (from run {parent.root}) was stopped "
            f"before, when its runs would exceed runner.max_chain_runs; it schedules "
            f"nothing more",
        )
    if unfinished + adding > limit:
        raise ChainStopped(
            parent.root,
            f"runaway chain stopped: its runs would exceed runner.max_chain_runs "
            f"({limit:,}): {unfinished:,} unfinished in the chain from run {parent.root}, "
            f"{adding:,} more {what} asked for",
        )


def _depth(session: Session, parent: Parent | None, at: datetime) -> int:
    if parent is None or at > utcnow() + IMMEDIATE:
        return 0
    depth = parent.depth + 1
    limit = int(settings.get(session, "runner.max_chain_depth"))
    if depth > limit:
        raise StepFailed(
            f"runaway chain stopped: {depth} runs in a row each scheduled the next "
            f"at once (runner.max_chain_depth is {limit})"
        )
    return depth


def schedule_in(
    session: Session,
    workflow: str,
    params: Mapping[str, Any],
    *,
    at: datetime | None = None,
    run_as: str | None = None,
    ignore_privacy: bool = False,
    parent_id: str | None = None,
    parent: Parent | None = None,
    from_text: bool = False,
    trigger: str | None = None,
    every: Recurrence | None = None,
    timezone: str | None = None,
    origin: str | None = None,
    captured: bool = False,
) -> str:
    """Insert a scheduled run (or a recurring schedule) in the caller's transaction.

    Returns the run ID, or the schedule ID when `every` is given. `trigger`
    names the trigger whose chain the run belongs to: the trigger's own run
    and every run started from it (inline or scheduled, at any depth). Such a
    run respects privacy rules and its changes fire no triggers (PRODUCT §1).
    A `captured` run (the editor's test run) previews its emails and web calls
    instead of performing them; it cannot repeat.
    """
    if captured and every is not None:
        raise BadInput("a test run runs once: it cannot repeat")
    wf = catalog.get_workflow(session, workflow)
    loader = catalog.SessionThingLoader(session)
    encoded = prepare_params(wf, params, loader.resolve, from_text=from_text)
    if run_as is not None and loader.load(run_as) is None:
        raise NotFound(f"no thing with ID '{run_as}' to run as")
    now = utcnow()
    if at is not None:
        within_horizon(at, f"the time {at.isoformat()}", now)
    # A time in the past is due now (PRODUCT §5): stored as the moment it was
    # scheduled, so no scheduler start later takes it for a missed run. A
    # schedule keeps its start as the origin of its grid (see schedules.create).
    when = now if at is None or at < now else at
    if trigger is not None:
        ignore_privacy = False
    run = ledger.NewRun(
        workflow=wf.name,
        workflow_version=wf.version,
        params=encoded,
        scheduled_for=at if every is not None and at is not None else when,
        run_as=run_as,
        ignore_privacy=ignore_privacy,
        parent_id=parent.run_id if parent else parent_id,
        trigger=trigger,
        depth=_depth(session, parent, when),
        root_id=parent.root if parent else None,
        origin=_origin(origin, parent, parent_id),
        captured=captured,
    )
    chain_room(session, parent, 1)
    if every is not None:
        schedule_id, _ = schedules.create(session, run, every, timezone or zone_name(local_zone()))
        return schedule_id
    run_id = ledger.insert_run(session, run)
    if at is not None and at < when - IMMEDIATE:
        ledger.add_log(session, run_id, f"asked for {at.isoformat()}, in the past: due at once")
    return run_id


def schedule_on_list(
    session: Session,
    workflow: str,
    items: Sequence[Any],
    item_param: str,
    params: Mapping[str, Any],
    *,
    at: datetime | None = None,
    interval: float = 0.0,
    run_as: str | None = None,
    ignore_privacy: bool = False,
    parent: Parent | None = None,
    from_text: bool = False,
    trigger: str | None = None,
    origin: str | None = None,
) -> list[str]:
    """One run per item, `interval` seconds apart, in one bulk insert."""
    wf = catalog.get_workflow(session, workflow)
    param = wf.parameter(item_param)
    if param is None:
        raise BadInput(f"{wf.name} has no parameter '{item_param}'")
    if item_param in params:
        raise BadInput(f"'{item_param}' is given both as the list's item and in params")
    if not math.isfinite(interval) or interval < 0:
        raise BadInput(f"the interval must be 0 or more seconds, not {interval!r}")
    if items and interval * (len(items) - 1) > HORIZON.total_seconds():
        raise BadInput(
            f"an interval of {interval:g} s spreads {len(items)} runs over more than "
            f"{HORIZON_YEARS} years"
        )
    loader = catalog.SessionThingLoader(session)
    others = {k: v for k, v in params.items()}
    base = (
        prepare_params(wf, {**others, item_param: items[0]}, loader.resolve, from_text=from_text)
        if items
        else {}
    )
    base.pop(item_param, None)
    encoded_items = _encode_items(
        session,
        param.type.item if param.type.is_list else param.type,
        items,
        loader,
        from_text,
        item_param,
    )
    now = utcnow()
    if at is not None:
        within_horizon(at, f"the time {at.isoformat()}", now)
    start = now if at is None or at < now else at  # in the past: the first is due now
    depth = _depth(session, parent, start)
    chain_room(session, parent, len(encoded_items))
    if trigger is not None:
        ignore_privacy = False
    runs = [
        ledger.NewRun(
            workflow=wf.name,
            workflow_version=wf.version,
            params={**base, item_param: value},
            # (one time object for a list at one time: its hash is computed once)
            scheduled_for=start + timedelta(seconds=interval * index) if interval else start,
            run_as=run_as,
            ignore_privacy=ignore_privacy,
            parent_id=parent.run_id if parent else None,
            trigger=trigger,
            depth=depth,
            root_id=parent.root if parent else None,
            origin=_origin(origin, parent, None),
        )
        for index, value in enumerate(encoded_items)
    ]
    return ledger.insert_runs(session, runs)


def _origin(origin: str | None, parent: Parent | None, parent_id: str | None) -> str:
    """Who asked for a run: the caller's word, else a step of its parent run, else the CLI."""
    if origin is not None:
        return origin
    return ledger.WORKFLOW if parent is not None or parent_id is not None else ledger.CLI


def _encode_items(
    session: Session,
    vtype: Any,
    items: Sequence[Any],
    loader: catalog.SessionThingLoader,
    from_text: bool,
    key: str,
) -> list[Any]:
    if vtype.is_thing:
        ids = [item if isinstance(item, str) else getattr(item, "id", item) for item in items]
        for thing_id in ids:
            if not isinstance(thing_id, str):
                raise BadInput(f"parameter '{key}': expected a {vtype.base}, got {thing_id!r}")
        type_id = session.scalar(select(m.DataType.id).where(m.DataType.name == vtype.base))
        found: set[str] = set()
        if len(ids) > 2000:  # one scan of the type's IDs beats thousands of lookups
            found = set(session.scalars(select(m.Thing.id).where(m.Thing.data_type_id == type_id)))
        else:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                found |= set(
                    session.scalars(
                        select(m.Thing.id).where(
                            m.Thing.id.in_(chunk), m.Thing.data_type_id == type_id
                        )
                    )
                )
        missing = [i for i in ids if i not in found]
        if missing:
            raise BadInput(
                f"parameter '{key}' ({vtype.base}): no {vtype.base} with ID "
                f"'{missing[0]}'" + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
            )
        return ids
    out = []
    for item in items:
        try:
            native = (
                parse_text(vtype, item, loader.resolve)
                if from_text and isinstance(item, str)
                else coerce(vtype, item, loader.resolve)
            )
        except BadInput as exc:
            raise BadInput(f"parameter '{key}' ({vtype}): {exc.reason}") from None
        out.append(encode(vtype, native))
    return out


def cancel_in(session: Session, ids: Sequence[str]) -> list[str]:
    """Cancel runs and schedules by ID; a cancelled occurrence makes way for the next."""
    schedule_ids = set(session.scalars(select(m.Schedule.id).where(m.Schedule.id.in_(ids))))
    cancelled: list[str] = []
    for schedule_id in schedule_ids:
        cancelled += schedules.cancel(session, schedule_id)
    run_ids = [i for i in ids if i not in schedule_ids]
    done = ledger.cancel(session, run_ids)
    cancelled += done
    if done:
        owners = session.execute(
            select(m.Run.schedule_id, m.Run.scheduled_for).where(
                m.Run.id.in_(done), m.Run.schedule_id.is_not(None)
            )
        ).all()
        for owner, when in owners:
            schedules.advance(session, str(owner), when)
    return cancelled
