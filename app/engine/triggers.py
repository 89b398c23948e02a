"""Database triggers: a workflow started after a thing is created, modified or
deleted and a condition on `thing_before` / `thing_now` holds.

Called right after the change set commits, once per changed thing. A trigger
that cannot start (a condition or parameter that fails) leaves a failed run in
the ledger saying why, so nothing is silently lost.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from app.core import expressions
from app.core.things import ThingView
from app.core.types import utcnow
from app.errors import CueflowError
from app.storage import catalog, ledger

log = logging.getLogger(__name__)


def fire(
    session: Session,
    changes: list[catalog.Change],
    *,
    run_as: str | None,
    parent_id: str | None = None,
) -> list[str]:
    """Schedule the runs the changes call for; returns their IDs."""
    from app.engine.service import schedule_in

    if not changes or not catalog.has_triggers(session, {c.type_name for c in changes}):
        return []
    triggers = catalog.list_triggers(session)
    types = catalog.data_types(session)
    loader = catalog.SessionThingLoader(session)
    started: list[str] = []
    for change in changes:
        definition = types.get(change.type_name)
        if definition is None:
            continue
        before = (
            None
            if change.before is None
            else ThingView(definition, change.thing_id, change.before, loader)
        )
        after = (
            None
            if change.after is None
            else ThingView(definition, change.thing_id, change.after, loader)
        )
        names = {"thing_before": before, "thing_now": after}
        for trigger in triggers:
            if trigger.data_type != change.type_name or change.event not in trigger.on:
                continue
            try:
                if trigger.only_when and not expressions.test_condition(trigger.only_when, names):
                    continue
                params = expressions.evaluate(trigger.params, names)
                with session.begin_nested():
                    started.append(
                        schedule_in(
                            session,
                            trigger.workflow,
                            params,
                            run_as=run_as,
                            parent_id=parent_id,
                            trigger=trigger.name,
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
                        f"trigger {trigger.name}: {exc}",
                    )
                )
    return started


def _failed(
    session: Session,
    trigger: str,
    workflow: str,
    run_as: str | None,
    parent_id: str | None,
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
            status=ledger.FAILED,
            trigger=trigger,
        ),
    )
    row = ledger.get_run(session, run_id)
    row.finished_at = now
    row.error = reason
    ledger.add_log(session, run_id, reason, "error")
    return run_id
