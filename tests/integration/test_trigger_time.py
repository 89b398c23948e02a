"""A trigger's only_when and params are judged inside the change's transaction
(its runs commit with the change): they get a short time there, so a runaway
condition cannot hold the write lock, and it leaves a failed run saying why."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import select

from app.core import expressions
from app.engine.service import Service
from app.storage import catalog
from app.storage import models as m
from app.storage.db import Database
from app.workflow_file import import_text

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = pytest.mark.both_databases

SLOW = "range(100000) | select('in', range(100000) | list) | list | length"

FILE = f"""
cueflow: 1
data_types:
  Note:
    fields: {{text: text}}
workflows:
  noted:
    parameters: {{text: {{type: text, optional: true}}}}
    steps:
      - action: log
        with: {{message: "noted {{{{ text }}}}"}}
triggers:
  slow_condition:
    data_type: Note
    on: [created]
    only_when: "{SLOW} > 0"
    workflow: noted
  slow_params:
    data_type: Note
    on: [created]
    workflow: noted
    params: {{text: "{{{{ {SLOW} }}}}"}}
  quick:
    data_type: Note
    on: [created]
    only_when: "thing_now.text != 'skip'"
    workflow: noted
    params: {{text: "{{{{ thing_now.text }}}}"}}
"""


def trigger_runs(db: Database) -> list[m.Run]:
    with db.read() as session:
        return list(session.scalars(select(m.Run).order_by(m.Run.created_at, m.Run.id)))


def test_a_runaway_trigger_condition_fails_its_run_quickly(db: Database) -> None:
    import_text(db, FILE)
    service = Service(db)
    note = service.create_thing("Note", {"text": "hello"})
    with db.read() as session:
        assert catalog.get_thing(session, note.id).text == "hello"  # the change stands
    got: dict[str | None, Any] = {r.trigger: r for r in trigger_runs(db)}
    assert set(got) == {"slow_condition", "slow_params", "quick"}
    for name in ("slow_condition", "slow_params"):
        assert got[name].status == "failed"
        assert got[name].error == (
            f"trigger {name}: condition took too long (a trigger's only_when and params get "
            "0.1 s, while the change is being saved)"
        )
    assert got["quick"].status == "scheduled"  # the others still start
    assert got["quick"].params == {"text": "hello"}


def test_a_runaway_trigger_is_judged_once_per_change_set(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many changes at once: the slow trigger's time is spent once, not per thing."""
    import_text(db, FILE.replace(f'only_when: "{SLOW} > 0"', 'only_when: "false"'))
    service = Service(db)
    calls = 0
    real = expressions.evaluate

    def counting(value: Any, names: Any, **kwargs: Any) -> Any:
        nonlocal calls
        if isinstance(value, dict) and SLOW in str(value):
            calls += 1
        return real(value, names, **kwargs)

    monkeypatch.setattr(expressions, "evaluate", counting)
    with service.changing() as session:
        for n in range(5):
            catalog.create_thing(session, "Note", {"text": f"n{n}"})
    assert calls == 1
    got = [r for r in trigger_runs(db) if r.trigger == "slow_params"]
    assert len(got) == 5
    assert {r.status for r in got} == {"failed"}
    assert len({r.error for r in got}) == 1
    assert [r.params["text"] for r in trigger_runs(db) if r.trigger == "quick"] == [
        f"n{n}" for n in range(5)
    ]


def test_a_reference_read_inside_the_change_is_never_stopped_half_way(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trigger's condition reads references through the change's own session:
    the short budget may end during such a read, which must finish first (the
    change's transaction is still to be committed)."""
    import_text(db, FILE)
    note = Service(db).create_thing("Note", {"text": "x"})
    real = catalog.load_row
    finished: list[str] = []

    def slow_read(session: Any, thing_id: str) -> Any:
        time.sleep(0.3)  # a read outlasting the 0.05 s deadline below
        finished.append(thing_id)
        return real(session, thing_id)

    def read_then_compute(loader: catalog.SessionThingLoader) -> None:
        loader.load(note.id)
        while True:  # stopped here, once the read is done
            pass

    monkeypatch.setattr(catalog, "load_row", slow_read)
    with db.write() as session:
        loader = catalog.SessionThingLoader(session)
        with pytest.raises(expressions.OutOfTime):
            expressions.within(0.05, lambda: read_then_compute(loader))
    assert finished == [note.id]
