"""Storage tests: each module of app/storage against a real SQLite database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from app.core.types import utcnow
from app.storage import ledger
from app.storage.db import Database

FLOWS = """
cueflow: 1
data_types:
  Person:
    fields: {name: text, age: number}
workflows:
  note:
    parameters: {text: {type: text}}
    steps: [{action: log, with: {message: "{{ text }}"}}]
  other:
    steps: [{action: log, with: {message: hi}}]
"""


@pytest.fixture
def flows(imported: Callable[..., Database]) -> Database:
    """The test's database with a data type and two workflows imported."""
    return imported(FLOWS)


def new_run(workflow: str = "note", at: datetime | None = None, **fields: object) -> ledger.NewRun:
    """A run to insert, due `at` (default: in an hour)."""
    return ledger.NewRun(
        workflow=workflow,
        workflow_version=1,
        params={"text": "x"} if workflow == "note" else {},
        scheduled_for=at or utcnow() + timedelta(hours=1),
        **fields,  # type: ignore[arg-type]
    )
