"""Services the command line and the window call: schedule, cancel, run now.

Parameters are checked against the workflow's types before anything is
written; an error names the parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.core.definitions import WorkflowDef
from app.core.types import ThingResolver, coerce, encode, parse_text, utcnow
from app.engine.events import EventBus, LedgerChanged
from app.errors import BadInput, NotFound
from app.storage import catalog, ledger
from app.storage.db import Database


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


def schedule_in(
    session: Session,
    workflow: str,
    params: Mapping[str, Any],
    *,
    at: datetime | None = None,
    run_as: str | None = None,
    ignore_privacy: bool = False,
    parent_id: str | None = None,
    from_text: bool = False,
) -> str:
    """Insert a scheduled run inside the caller's transaction; returns its ID."""
    wf = catalog.get_workflow(session, workflow)
    loader = catalog.SessionThingLoader(session)
    encoded = prepare_params(wf, params, loader.resolve, from_text=from_text)
    if run_as is not None and loader.load(run_as) is None:
        raise NotFound(f"no thing with ID '{run_as}' to run as")
    return ledger.insert_run(
        session,
        ledger.NewRun(
            workflow=wf.name,
            workflow_version=wf.version,
            params=encoded,
            scheduled_for=at or utcnow(),
            run_as=run_as,
            ignore_privacy=ignore_privacy,
            parent_id=parent_id,
        ),
    )


class Service:
    """The entry points of the command line and window over one database."""

    def __init__(self, db: Database, events: EventBus | None = None) -> None:
        self.db = db
        self.events = events or EventBus()

    def schedule(
        self,
        workflow: str,
        params: Mapping[str, Any],
        *,
        at: datetime | None = None,
        run_as: str | None = None,
        ignore_privacy: bool = False,
        from_text: bool = False,
    ) -> str:
        with self.db.write() as session:
            run_id = schedule_in(
                session,
                workflow,
                params,
                at=at,
                run_as=run_as,
                ignore_privacy=ignore_privacy,
                from_text=from_text,
            )
        self.events.emit(LedgerChanged())
        return run_id

    def cancel(self, run_ids: list[str]) -> list[str]:
        """Cancel these runs; unknown IDs are an error and nothing is cancelled."""
        with self.db.write() as session:
            for run_id in run_ids:
                ledger.get_run(session, run_id)
            cancelled = ledger.cancel(session, run_ids)
        self.events.emit(LedgerChanged())
        return cancelled

    def cancel_all(self, *, overdue: bool = False) -> list[str]:
        with self.db.write() as session:
            cancelled = ledger.cancel_where(session, overdue_before=utcnow() if overdue else None)
        self.events.emit(LedgerChanged())
        return cancelled
