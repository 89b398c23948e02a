"""The API's group commit of run starts (ApiAccess.start_many) on both databases:
each call in a savepoint of its own."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from app.engine.api_access import PUBLIC_CALLER, ApiAccess, Started, StartRequest
from app.storage import ledger
from app.storage import models as m
from app.storage.db import Database
from app.workflow_file import import_text

FLOWS = """
cueflow: 1
workflows:
  ping:
    api: {expose: true, auth: none, respond: at_once}
    parameters:
      note: {type: text}
    steps:
      - action: log
        with: {message: "{{ note }}"}
"""


def test_a_call_that_breaks_after_its_insert_is_undone_alone(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_text(db, FLOWS)
    access = ApiAccess(db)
    wf = access.exposed("ping")
    assert wf is not None
    real_insert = ledger.insert_runs

    def insert(session: Any, runs: Any) -> list[str]:
        ids = real_insert(session, runs)
        if runs[0].params["note"] == "boom":
            raise RuntimeError("broken after the insert")
        return ids

    monkeypatch.setattr(ledger, "insert_runs", insert)
    notes = ["a", "boom", "c", "boom", "e"]
    results = access.start_many(
        # (with api.max_pending given, as the server gives it: no ORM read in the call)
        [StartRequest(wf, {"note": n}, PUBLIC_CALLER, max_pending=100) for n in notes],
        announce=False,
    )
    assert [type(r) for r in results] == [Started, RuntimeError, Started, RuntimeError, Started]
    with db.read() as session:
        stored = session.scalars(select(m.Run.params)).all()
    assert sorted(p["note"] for p in stored) == ["a", "c", "e"]
