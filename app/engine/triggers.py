"""Database triggers: a workflow started after a thing is created, modified or
deleted and a condition on `thing_before` / `thing_now` holds.

Called right after the change set commits, once per changed thing. A trigger
that cannot start (a condition or parameter that fails) leaves a failed run in
the ledger saying why, so nothing is silently lost.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from app.core import expressions
from app.core.definitions import TriggerDef
from app.core.things import ThingView
from app.core.types import utcnow
from app.engine.access import RunAccess
from app.engine.enqueue import ChainStopped, Parent, schedule_in
from app.errors import CueflowError, ExpressionError
from app.storage import catalog, ledger

log = logging.getLogger(__name__)


def fire(
    session: Session,
    changes: list[catalog.Change],
    *,
    run_as: str | None,
    parent: Parent | None = None,
) -> list[str]:
    """Schedule the runs the changes call for; returns their IDs.

    `parent` is the run whose step made the changes: a trigger's run continues
    its chain depth, so a loop through triggers meets runner.max_chain_depth.
    The condition and the parameters see `thing_before` / `thing_now` through
    the privacy rules of the user who made the change, as the run will: a
    hidden field reads as none and cannot flow into the run's parameters.
    """
    if not changes or not catalog.has_triggers(session, {c.type_name for c in changes}):
        return []
    triggers = catalog.list_triggers(session)
    types = catalog.data_types(session)
    loader = catalog.SessionThingLoader(session)
    access = RunAccess(loader, loader.load(run_as) if run_as else None, ignore=False)
    parent_id = parent.run_id if parent else None
    root_id = parent.root if parent else None
    started: list[str] = []
    too_slow: dict[str, ExpressionError] = {}  # by trigger: not judged again in this change set
    for change in changes:
        definition = types.get(change.type_name)
        if definition is None:
            continue
        before, after = (
            None if data is None else access.view(ThingView(definition, change.thing_id, data))
            for data in (change.before, change.after)
        )
        names = {
            "thing_before": before,
            "thing_now": after,
            "current_user": access.user_view(),
            "now": utcnow(),
        }
        for trigger in triggers:
            if trigger.data_type != change.type_name or change.event not in trigger.on:
                continue
            try:
                params = _judge(trigger, names, too_slow)
                if params is None:
                    continue
                with session.begin_nested():
                    started.append(
                        schedule_in(
                            session,
                            trigger.workflow,
                            params,
                            run_as=run_as,
                            parent_id=parent_id,
                            parent=parent,
                            trigger=trigger.name,
                            origin=ledger.TRIGGER,
                        )
                    )
            except ChainStopped as stop:  # its savepoint is rolled back: stop it here
                started.append(
                    _failed(
                        session,
                        trigger.name,
                        trigger.workflow,
                        run_as,
                        parent_id,
                        root_id,
                        f"trigger {trigger.name}: {stop.stop(session)}",
                    )
                )
            except CueflowError as exc:
                started.append(
                    _failed(
                        session,
                        trigger.name,
                        trigger.workflow,
                        run_as,
                        parent_id,
                        root_id,
                        f"trigger {trigger.name}: {exc}",
                    )
                )
    return started


def _judge(
    trigger: TriggerDef, names: dict[str, Any], too_slow: dict[str, ExpressionError]
) -> dict[str, Any] | None:
    """The trigger's parameters, or None when its only_when is false.

    Judged inside the change's transaction, which holds the write lock and
    cannot be let go half-way (the trigger's run commits with the change), so
    condition and parameters share LOCKED_SECONDS. A trigger that runs out
    of it fails (a failed run says so) and, for the rest of the change set,
    fails at once: a bulk change pays its time once, not once per thing.
    """
    if trigger.name in too_slow:
        raise too_slow[trigger.name]

    def judge() -> dict[str, Any] | None:
        if trigger.only_when and not expressions.test_condition(trigger.only_when, names):
            return None
        params: dict[str, Any] = expressions.evaluate(trigger.params, names)
        return params

    try:
        judged: dict[str, Any] | None = expressions.within(expressions.LOCKED_SECONDS, judge)
    except expressions.OutOfTime:
        too_slow[trigger.name] = ExpressionError(
            f"condition took too long (a trigger's only_when and params get "
            f"{expressions.LOCKED_SECONDS:g} s, while the change is being saved)"
        )
        raise too_slow[trigger.name] from None
    return judged


def _failed(
    session: Session,
    trigger: str,
    workflow: str,
    run_as: str | None,
    parent_id: str | None,
    root_id: str | None,
    reason: str,
) -> str:
    log.warning(reason)
    now = utcnow()
    version = 0
    run_id = ledger.insert_run(
        session,
        ledger.NewRun(
            workflow=workflow,
            workflow_version=version,
            params={},
            scheduled_for=now,
            run_as=run_as,
            parent_id=parent_id,
            root_id=root_id,
            status=ledger.FAILED,
            trigger=trigger,
            origin=ledger.TRIGGER,
        ),
    )
    row = ledger.get_run(session, run_id)
    row.finished_at = now
    row.error = reason
    ledger.add_log(session, run_id, reason, "error")
    return run_id
