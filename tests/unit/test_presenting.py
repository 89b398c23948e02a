"""app/engine/presenting.py (no Qt, real SQLite): how runs, schedules and things are shown.

The `--json` objects are PRODUCT §5's contract; labels are what the window's
pickers and tables show for a thing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from app.core.recurrence import Recurrence
from app.core.types import utcnow
from app.engine import presenting
from app.engine.service import Service
from app.storage import ledger
from app.storage import models as m
from app.storage.db import Database
from tests.integration.test_cli import RUN_FIELDS  # PRODUCT §5's keys, named once

FLOWS = """
cueflow: 1
data_types:
  User: {fields: {email: text, name: text}}
  Note: {fields: {body: text, count: number}}
things:
  User:
    - {id: ada, email: ada@example.com, name: Ada}
    - {id: mail_only, email: grace@example.com}
  Note:
    - {id: n1, body: "first note", count: 1}
    - {id: n2, count: 2}
workflows:
  greet:
    parameters: {who: {type: User}}
    steps: [{action: log, with: {message: "hi {{ who.name }}"}}]
"""


@pytest.fixture
def db(imported: Callable[..., Database]) -> Database:
    return imported(FLOWS)


def test_a_run_as_json_has_the_contracts_keys_and_offsets(db: Database) -> None:
    at = utcnow() + timedelta(hours=3)
    run_id = Service(db).schedule("greet", {"who": "ada"}, at=at, run_as="ada")
    with db.read() as session:
        shown = presenting.run_to_json(ledger.get_run(session, run_id))
    assert set(shown) >= RUN_FIELDS
    assert shown["id"] == run_id and shown["status"] == "scheduled"
    assert shown["params"] == {"who": "ada"} and shown["run_as"] == "ada"
    assert shown["started_at"] is None and shown["finished_at"] is None
    assert shown["parent_id"] is None and shown["attempt"] == 1
    scheduled = datetime.fromisoformat(shown["scheduled_for"])
    assert scheduled.utcoffset() is not None  # ISO 8601 with an offset
    assert abs(scheduled - at) < timedelta(seconds=1)
    json.dumps(shown)  # JSON-ready as it is


def test_a_schedule_as_json(db: Database) -> None:
    schedule_id = Service(db).schedule(
        "greet", {"who": "ada"}, every=Recurrence.parse("2 hours"), timezone="Europe/Paris"
    )
    with db.read() as session:
        shown = presenting.schedule_to_json(session.get(m.Schedule, schedule_id))
    assert shown["id"] == schedule_id and shown["workflow"] == "greet"
    assert shown["timezone"] == "Europe/Paris" and shown["status"] == "active"
    assert "2 hours" in shown["every"]
    assert datetime.fromisoformat(shown["start"]).utcoffset() is not None
    json.dumps(shown)


@pytest.mark.parametrize(
    ("data", "brief", "label"),
    [
        ({"name": "Ada", "email": "ada@example.com"}, False, "Ada <ada@example.com>"),
        ({"name": "Ada", "email": "ada@example.com"}, True, "Ada"),
        ({"email": "grace@example.com"}, False, "grace@example.com"),
        ({"title": "Report"}, False, "Report"),
        ({"count": 3, "body": "text after a number"}, False, "text after a number"),
        ({}, False, "the-id"),
        ({"count": 3, "flag": True, "tags": ["a"]}, False, "the-id"),
        ({"name": "", "email": None}, False, "the-id"),
        ({"name": 42}, False, "42"),
    ],
)
def test_thing_label(data: dict[str, object], brief: bool, label: str) -> None:
    assert presenting.thing_label(data, "the-id", brief=brief) == label


def test_thing_labels_leave_out_ids_that_do_not_exist(db: Database) -> None:
    with db.read() as session:
        labels = presenting.thing_labels(session, ["ada", "mail_only", "gone", "\x00", "x" * 5000])
    assert labels == {"ada": "Ada", "mail_only": "grace@example.com"}


def test_thing_choices_by_type_for_every_type_and_limited(db: Database) -> None:
    with db.read() as session:
        users = presenting.thing_choices(session, "User")
        every = presenting.thing_choices(session)
        one = presenting.thing_choices(session, None, limit=1)
        unknown = presenting.thing_choices(session, "NoSuchType")
    assert users == [
        ("ada", "User", "Ada <ada@example.com>"),
        ("mail_only", "User", "grace@example.com"),
    ]
    assert {(thing_id, kind) for thing_id, kind, _ in every} == {
        ("ada", "User"),
        ("mail_only", "User"),
        ("n1", "Note"),
        ("n2", "Note"),
    }
    assert ("n2", "Note", "n2") in every  # nothing readable: its ID
    assert len(one) == 1 and unknown == []


def test_steps_as_json(db: Database) -> None:
    from app.engine.runner import Runner

    run_id = Runner(db).run_now("greet", {"who": "ada"})
    with db.read() as session:
        steps = presenting.steps_to_json(ledger.step_results(session, run_id))
    (step,) = steps
    assert step["step"] == 1 and step["action"] == "log" and step["status"] == "succeeded"
    assert step["inputs"] == {"message": "hi Ada"} and step["error"] is None
    assert isinstance(step["duration_ms"], float) and step["duration_ms"] >= 0
    json.dumps(steps)
