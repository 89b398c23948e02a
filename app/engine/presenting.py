"""How runs, schedules and things are shown to a person: the `--json` objects of
the command line and the window's details, and readable labels of things.

Above storage (which only reads and writes) and below every front end, so the
command line, the window and the workflow API show the same thing the same way.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy.orm import Session

from app.storage import models as m
from app.storage import views


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def run_to_json(run: Any) -> dict[str, Any]:
    """The `runs --json` object of PRODUCT §5 (of a Run or a row of its columns)."""
    return {
        "id": run.id,
        "workflow": run.workflow,
        "status": run.status,
        "scheduled_for": _iso(run.scheduled_for),
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        "created_at": _iso(run.created_at),
        "params": run.params,
        "run_as": run.run_as,
        "ignore_privacy": run.ignore_privacy,
        "error": run.error,
        "attempt": run.attempt,
        "parent_id": run.parent_id,
        "origin": run.origin,
        "workflow_version": run.workflow_version,
        "returned": run.returned,
        "trigger": run.trigger,
        "schedule_id": run.schedule_id,
    }


def steps_to_json(rows: Sequence[m.StepResult]) -> list[dict[str, Any]]:
    return [
        {
            "step": row.position,
            "action": row.action,
            "attempt": row.attempt,
            "status": row.status,
            "inputs": row.inputs,
            "result": row.result,
            "error": row.error,
            "duration_ms": round(row.duration_ms, 3),
        }
        for row in rows
    ]


def schedule_to_json(row: m.Schedule) -> dict[str, Any]:
    """The `schedules --json` object."""
    return {
        "id": row.id,
        "workflow": row.workflow,
        "every": row.every,
        "timezone": row.timezone,
        "start": row.start.isoformat(),
        "status": row.status,
        "params": row.params,
        "run_as": row.run_as,
    }


def thing_label(data: dict[str, Any], thing_id: str, *, brief: bool = False) -> str:
    """`Ada <ada@example.com>`-like label from the first text-looking fields
    (`brief`: just `Ada`, for table cells)."""
    name = next((str(data[k]) for k in ("name", "title", "label") if data.get(k)), "")
    email = str(data.get("email") or "")
    if name and email and not brief:
        return f"{name} <{email}>"
    if name or email:
        return name or email
    first = next((str(v) for v in data.values() if isinstance(v, str) and v), "")
    return first or thing_id


def thing_labels(session: Session, thing_ids: Iterable[str]) -> dict[str, str]:
    """Short labels (a name, else an email …) of the things with these IDs that exist."""
    return {
        thing_id: thing_label(data, thing_id, brief=True)
        for thing_id, data in views.thing_data(session, thing_ids).items()
    }


def thing_choices(
    session: Session, type_name: str | None = None, limit: int = 1000
) -> list[tuple[str, str, str]]:
    """(id, type name, a readable label) of things, for pickers."""
    return [
        (thing_id, name, thing_label(data, thing_id))
        for thing_id, name, data in views.thing_choice_rows(session, type_name, limit)
    ]


RUN_COLUMNS = ("id", "status", "scheduled_for", "workflow", "params", "error", "origin")
"""The columns of `runs` as CSV (`runs --csv`, the window's History export), in order."""


def write_runs_csv(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Runs (`run_to_json` objects) as CSV: a header line, then one line each;
    times in ISO 8601, parameters as JSON. Returns the number of runs written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RUN_COLUMNS)
    written = 0
    for row in rows:
        values = dict(row, params=json.dumps(row["params"], ensure_ascii=False))
        writer.writerow(["" if values[c] is None else values[c] for c in RUN_COLUMNS])
        written += 1
    return written
