"""Who asked for a run (PRODUCT §5, `origin` in run objects).

A front end names itself when it builds its service (the command line
`cli`, the window `window`, an API call `api:LABEL`); runs a schedule
makes are `schedule`, runs a step makes are `workflow`, runs a trigger
starts are `trigger`.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.recurrence import Recurrence
from app.core.types import utcnow
from app.engine.presenting import run_to_json
from app.engine.runner import Runner
from app.engine.service import Service
from app.storage import models as m
from app.storage.db import Database
from tests.conftest import StartClock
from tests.support.waiting import wait_until

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = pytest.mark.both_databases

FILE = """
cueflow: 1
data_types:
  Note:
    fields: {text: text}
workflows:
  noop:
    steps:
      - action: log
        with: {message: hi}
  parent:
    steps:
      - action: schedule_workflow
        with: {workflow: noop}
      - action: schedule_workflow_on_list
        with: {workflow: note_it, list: "{{ ['a', 'b'] }}", item_param: word}
  note_it:
    parameters: {word: {type: text}}
    steps:
      - action: create_thing
        with: {type: Note, fields: {text: "{{ word }}"}}
triggers:
  on_note:
    data_type: Note
    on: [created]
    workflow: noop
"""


def _origins(db: Database) -> dict[str, list[str]]:
    with db.read() as session:
        rows = session.scalars(select(m.Run))
        found: dict[str, list[str]] = {}
        for row in rows:
            found.setdefault(run_to_json(row)["origin"], []).append(row.workflow)
    return {origin: sorted(names) for origin, names in found.items()}


def test_each_way_of_starting_a_run_names_its_origin(
    db: Database, imported: object, running_clock: StartClock
) -> None:
    running_clock(FILE)
    Service(db).schedule("noop", {}, at=utcnow() + timedelta(hours=1))
    Service(db, origin="window").schedule("noop", {}, at=utcnow() + timedelta(hours=2))
    Service(db, origin="api:shop").schedule_on_list(
        "note_it", ["x"], "word", {}, at=utcnow() + timedelta(hours=3)
    )
    Service(db).schedule(
        "noop", {}, at=utcnow() + timedelta(hours=4), every=Recurrence.parse("1 day")
    )
    Runner(db).run_now("parent", {})
    # parent's two note_it runs each create a Note, whose trigger starts noop.
    wait_until(lambda: len(_origins(db).get("trigger", [])) == 2, timeout=10)
    origins = _origins(db)
    assert origins["window"] == ["noop"]
    assert origins["api:shop"] == ["note_it"]
    assert origins["schedule"] == ["noop"]
    assert origins["workflow"] == ["noop", "note_it", "note_it"]
    assert origins["trigger"] == ["noop", "noop"]
    assert origins["cli"] == ["noop", "parent"]
