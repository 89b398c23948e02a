"""Step checkpoints: after a crash a run resumes at the step where it stopped."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from sqlalchemy import update

from app.engine import presenting
from app.engine.runner import Runner
from app.engine.service import Service
from app.storage import ledger
from app.storage import models as m
from app.storage.db import Database
from app.workflow_file import import_text
from tests.conftest import Mailbox, StartClock
from tests.support.waiting import wait_until

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = pytest.mark.both_databases
# The command line opens the data folder until --database-url is wired (issue 16, item 2).

FLOW = """
cueflow: 1
workflows:
  two_mails:
    retries: {attempts: 1, backoff: 1}
    steps:
      - action: create_thing
        with: {type: Note, fields: {text: made once}}
      - action: send_email
        with: {to: a@example.com, subject: first, body: "{{ step1.text }}"}
      - action: send_email
        with: {to: b@example.com, subject: second, body: "{{ step1.id }}"}
data_types:
  Note: {fields: {text: text}}
"""


def _crash_during_step_3(db: Database, run_id: str) -> None:
    """What a kill -9 in the middle of step 3 leaves behind."""
    with db.write() as session:
        run = ledger.get_run(session, run_id)
        steps = ledger.step_results(session, run_id)
        assert [s.status for s in steps] == ["succeeded", "succeeded", "succeeded"]
        session.execute(
            update(m.Run).where(m.Run.id == run_id).values(status="running", finished_at=None)
        )
        steps[2].status = "running"
        assert run.attempt == 1


def _log(db: Database, run_id: str) -> list[str]:
    with db.read() as session:
        return [line.message for line in ledger.log_lines(session, run_id)]


def test_an_interrupted_run_resumes_without_repeating_finished_steps(
    db: Database, smtp_server: Mailbox, running_clock: StartClock
) -> None:
    smtp_server.configure(db)
    import_text(db, FLOW)
    run_id = Runner(db).run_now("two_mails", {})
    assert len(smtp_server.wait_for(2)) == 2
    _crash_during_step_3(db, run_id)

    clock = running_clock(workers=1)
    assert clock.recovered["interrupted"] == [run_id]
    wait_until(lambda: _status(db, run_id) == "succeeded")
    clock.stop(timeout=2)
    subjects = [message["subject"] for message in smtp_server.wait_for(3)]
    assert subjects == ["first", "second", "second"]  # step 3 was in doubt: sent again, and said so
    log = _log(db, run_id)
    assert "resuming as attempt 2" in log
    assert "attempt 2 resumes at step 3: steps 1–2 succeeded before and are not run again" in log
    assert (
        "step 3 (send_email) was in progress when Cueflow stopped; it may have completed; "
        "running it again"
    ) in log
    with db.read() as session:
        steps = [(s.attempt, s.position, s.status) for s in ledger.step_results(session, run_id)]
        notes = session.query(m.Thing).count()
    assert steps == [
        (1, 1, "succeeded"),
        (1, 2, "succeeded"),
        (1, 3, "running"),
        (2, 3, "succeeded"),
    ]
    assert notes == 1  # the data step was not repeated either


def test_without_retries_an_interrupted_run_waits_for_resume(
    db: Database, cli: Any, smtp_server: Mailbox, running_clock: StartClock
) -> None:
    smtp_server.configure(db)
    import_text(db, FLOW.replace("retries: {attempts: 1, backoff: 1}", "retries: {attempts: 0}"))
    run_id = Runner(db).run_now("two_mails", {})
    _crash_during_step_3(db, run_id)
    running_clock(workers=1).stop(timeout=1)
    assert _status(db, run_id) == "interrupted"
    resumed = cli("runs", "--resume", run_id)
    assert resumed.code == 0 and resumed.out.strip() == run_id
    assert Runner(db).execute(run_id) == "succeeded"
    assert [m["subject"] for m in smtp_server.wait_for(3)] == ["first", "second", "second"]
    again = cli("runs", "--resume", run_id)
    assert again.code == 2 and "only interrupted or failed runs can be resumed" in again.err


def test_secrets_are_masked_in_what_is_recorded(db: Database) -> None:
    from app.storage import secrets

    secrets.set_secret("api_token", "tok-123-secret")
    import_text(
        db,
        """
cueflow: 1
workflows:
  uses_secret:
    steps:
      - action: log
        with: {message: "token is {{ secret('api_token') }}"}
      - action: return_data
        with: {values: {echo: "{{ secret('api_token') }}!"}}
""",
    )
    run_id = Runner(db).run_now("uses_secret", {})
    with db.read() as session:
        run = ledger.get_run(session, run_id)
        steps = presenting.steps_to_json(ledger.step_results(session, run_id))
    assert run.status == "succeeded"
    assert run.returned == {"echo": "••••!"}
    assert steps[0]["inputs"] == {"message": "token is ••••"}
    assert "token is ••••" in _log(db, run_id)
    secrets.keyring.delete_password("cueflow", "api_token")
    missing = Runner(db).run_now("uses_secret", {})
    with db.read() as session:
        error = ledger.get_run(session, missing).error
        assert f"no secret 'api_token' in the OS keychain on host {socket.gethostname()}" in error


def _status(db: Database, run_id: str) -> str:
    with db.read() as session:
        return ledger.get_run(session, run_id).status


def test_service_resume_rejects_unknown_ids(db: Database) -> None:
    import pytest

    from app.errors import NotFound

    with pytest.raises(NotFound):
        Service(db).resume("nope")
