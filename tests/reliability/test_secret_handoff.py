"""A secret a run has read is never handed on to where it would be stored.

A child run's parameters live in the ledger (a scheduled one must survive a
restart), and the child never read the secret itself, so nothing would mask
it in the child's own step records; a thing's fields are data, exported by
`export --things`. A step that would write a secret there fails, naming the
step and the reason, and the secret is in no file of the data folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.runner import Runner
from app.storage import ledger, secrets
from app.storage.db import Database
from app.workflow_file import import_text
from tests.reliability.test_secret_encodings import leaks, stored

SECRET = "k3y-Zq81-handoff-5501"

FILE = """
cueflow: 1
data_types:
  Note:
    fields: {text: text}
workflows:
  child:
    parameters: {token: {type: text}}
    steps:
      - action: log
        with: {message: "calling with {{ token }}"}
  leak:
    steps:
      - action: STEP
"""

STEPS = {
    "run_workflow": "{workflow: child, params: {token: \"{{ secret('api.key') }}\"}}",
    "schedule_workflow": "{workflow: child, params: {token: \"x{{ secret('api.key') }}\"}}",
    "schedule_workflow_on_list": (
        "{workflow: child, list: \"{{ [secret('api.key')] }}\", item_param: token}"
    ),
    "create_thing": "{type: Note, fields: {text: \"{{ secret('api.key') | urlencode }}\"}}",
}


@pytest.mark.parametrize("action", sorted(STEPS))
def test_a_secret_is_not_handed_on_to_the_ledger_or_a_thing(
    action: str, db: Database, data_dir: Path
) -> None:
    secrets.set_secret("api.key", SECRET)
    import_text(db, FILE.replace("STEP", f"{action}\n        with: {STEPS[action]}"))
    run_id = Runner(db).run_now("leak", {})
    with db.read() as session:
        row = ledger.get_run(session, run_id)
        status, error = row.status, row.error
    assert status == ledger.FAILED
    assert error is not None and "\n" not in error
    assert f"step 1 ({action})" in error and "secret" in error
    assert leaks(stored(data_dir, db), SECRET) == []
