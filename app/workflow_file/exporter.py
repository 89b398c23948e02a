"""The exporter of the workflow file: the database as a document the importer reads back."""

from __future__ import annotations

from typing import Any

import yaml

from app.core.definitions import ApiExposure, WorkflowDef
from app.storage import catalog, ledger
from app.storage.db import Database
from app.workflow_file.reader import FORMAT_VERSION


def export_document(db: Database, *, things: bool = False) -> dict[str, Any]:
    doc: dict[str, Any] = {"cueflow": FORMAT_VERSION}
    with db.read() as session:
        types = catalog.data_types(session)
        if types:
            doc["data_types"] = {
                d.name: _drop_empty(
                    {
                        "fields": {f.name: str(f.type) for f in d.fields},
                        "privacy": catalog.privacy_to_json(d.privacy),
                    }
                )
                for d in types.values()
            }
        if things:
            out: dict[str, list[dict[str, Any]]] = {}
            for name in types:
                rows = catalog.list_things(session, name)
                if rows:
                    out[name] = [{"id": t.id, **dict(t.raw)} for t in rows]
            if out:
                doc["things"] = out
        workflows = catalog.list_workflows(session)
        if workflows:
            doc["workflows"] = {wf.name: _workflow_doc(wf) for wf in workflows}
        if things:
            upcoming = [
                _drop_empty(
                    {
                        "id": run.id,
                        "workflow": run.workflow,
                        "scheduled_for": run.scheduled_for.isoformat(),
                        "params": run.params,
                        "run_as": run.run_as,
                        "ignore_privacy": run.ignore_privacy,
                    }
                )
                for run in session.scalars(ledger.runs_query(upcoming=True))
                if run.schedule_id is None
            ]
            if upcoming:
                doc["runs"] = upcoming
        triggers = catalog.list_triggers(session)
        if triggers:
            doc["triggers"] = {
                t.name: _drop_empty(
                    {
                        "data_type": t.data_type,
                        "on": list(t.on),
                        "only_when": t.only_when,
                        "workflow": t.workflow,
                        "params": t.params,
                    }
                )
                for t in triggers
            }
    return doc


def _workflow_doc(wf: WorkflowDef) -> dict[str, Any]:
    body: dict[str, Any] = {
        "label": wf.label,
        "colour": wf.colour,
        "description": wf.description,
        "ignore_privacy_rules": wf.ignore_privacy_rules,
        "only_when": wf.only_when,
        "timeout": wf.timeout,
        "on_missed": wf.on_missed,
        "grace": wf.grace,
    }
    if wf.retries.attempts:
        body["retries"] = {"attempts": wf.retries.attempts, "backoff": wf.retries.backoff}
    body["parameters"] = {
        p.key: _drop_empty({"type": p.type.base, "list": p.type.is_list, "optional": p.optional})
        for p in wf.parameters
    }
    body["steps"] = [
        _drop_empty({"action": s.action, "only_when": s.only_when, "with": s.inputs})
        for s in wf.steps
    ]
    if wf.api != ApiExposure():
        body["api"] = wf.api.to_json()
    return _drop_empty(body, keep=("ignore_privacy_rules", "steps"))


def _drop_empty(body: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        k: v
        for k, v in body.items()
        if k in keep or not (v is None or v is False or v == "" or v == {} or v == [])
    }


def export_text(db: Database, *, things: bool = False) -> str:
    return yaml.safe_dump(
        export_document(db, things=things), sort_keys=False, allow_unicode=True, width=100
    )
