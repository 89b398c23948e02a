"""Captured runs (the workflow editor's Test run): emails and web calls are previewed
in the step results, never performed, even after a crash and a resume; the runs
they start inline are captured too, and they schedule nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from app.engine.runner import Runner
from app.engine.service import Service
from app.errors import BadInput
from app.storage import ledger
from app.storage import models as m
from app.storage.db import Database
from app.workflow_file import import_text
from tests.conftest import Mailbox, StartClock, WebServer
from tests.support.waiting import wait_until

pytestmark = pytest.mark.both_databases

FLOWS = """
cueflow: 1
data_types:
  Note: {fields: {text: text}}
workflows:
  mail:
    parameters: {who: {type: text}}
    retries: {attempts: 1, backoff: 0.1}
    steps:
      - action: create_thing
        with: {type: Note, fields: {text: "for {{ who }}"}}
      - action: send_email
        with:
          to: '"Doe, Jane" <{{ who }}>'
          cc: boss@example.com
          bcc: [audit@example.com]
          reply_to: help@example.com
          subject: "Hello {{ step1.text }}"
          body: "Dear {{ who }},\\nwelcome."
  call:
    steps:
      - action: http_request
        with:
          method: POST
          url: "{{ url }}/echo"
          query: {page: 2}
          headers: {Authorization: "Bearer abc123", X-Trace: seen}
          json: {n: 1}
    parameters: {url: {type: text}}
  parent:
    parameters: {who: {type: text}}
    steps:
      - action: run_workflow
        with: {workflow: mail, params: {who: "{{ who }}"}}
  planner:
    steps:
      - action: schedule_workflow
        with: {workflow: mail, params: {who: x@example.com}, at: "{{ now | add_days(1) }}"}
      - action: schedule_workflow_on_list
        with: {workflow: mail, list: [a@example.com, b@example.com], item_param: who}
"""


def _steps(db: Database, run_id: str) -> list[m.StepResult]:
    with db.read() as session:
        rows = ledger.step_results(session, run_id)
        session.expunge_all()
        return list(rows)


def _log(db: Database, run_id: str) -> list[str]:
    with db.read() as session:
        return [line.message for line in ledger.log_lines(session, run_id)]


def _run(db: Database, run_id: str) -> m.Run:
    with db.read() as session:
        run = ledger.get_run(session, run_id)
        session.expunge(run)
        return run


def test_a_captured_email_is_previewed_and_not_sent(db: Database, smtp_server: Mailbox) -> None:
    smtp_server.configure(db)
    import_text(db, FLOWS)
    run_id = Service(db).schedule("mail", {"who": "jane@example.com"}, captured=True)
    assert Runner(db).execute(run_id) == ledger.SUCCEEDED
    steps = _steps(db, run_id)
    assert [s.status for s in steps] == ["succeeded", "succeeded"]
    assert steps[1].result == {
        "captured": True,
        "from": "cueflow@example.com",
        "to": '"Doe, Jane" <jane@example.com>',
        "cc": "boss@example.com",
        "reply_to": "help@example.com",
        "bcc": "audit@example.com",
        "subject": "Hello for jane@example.com",
        "body": "Dear jane@example.com,\nwelcome.",
        "html": False,
    }
    assert (
        "Email to jane@example.com, boss@example.com, audit@example.com captured (not sent): "
        "Hello for jane@example.com"
    ) in _log(db, run_id)
    assert _run(db, run_id).captured
    with db.read() as session:  # data steps stay real, as in n8n
        assert session.scalar(select(func.count()).select_from(m.Thing)) == 1
    # The same run for real does send: the server was there all along.
    real = Service(db).schedule("mail", {"who": "jane@example.com"})
    assert Runner(db).execute(real) == ledger.SUCCEEDED
    [message] = smtp_server.wait_for(1)
    assert message["subject"] == "Hello for jane@example.com"
    assert not _run(db, real).captured


def test_a_captured_email_makes_the_checks_of_a_real_send(
    db: Database, smtp_server: Mailbox
) -> None:
    smtp_server.configure(db)
    import_text(db, FLOWS)
    run_id = Service(db).schedule("mail", {"who": "not an address"}, captured=True)
    assert Runner(db).execute(run_id) == ledger.SCHEDULED  # retried, as a real one would be
    step = _steps(db, run_id)[1]
    assert step.status == "failed"
    assert "is not an email address" in (step.error or "")
    assert smtp_server.messages == []


def test_a_captured_web_call_sends_no_request(db: Database, http_server: WebServer) -> None:
    import_text(db, FLOWS)
    run_id = Service(db).schedule("call", {"url": http_server.url}, captured=True)
    assert Runner(db).execute(run_id) == ledger.SUCCEEDED
    [step] = _steps(db, run_id)
    assert step.result == {
        "captured": True,
        "method": "POST",
        "url": f"{http_server.url}/echo?page=2",
        "headers": {"Authorization": "Bearer ••••••", "X-Trace": "seen"},
        "json": {"n": 1},
    }
    assert f"POST {http_server.url}/echo captured (not sent)" in _log(db, run_id)
    assert http_server.requests == []
    real = Service(db).schedule("call", {"url": http_server.url})
    assert Runner(db).execute(real) == ledger.SUCCEEDED
    assert [r["path"] for r in http_server.requests] == ["/echo?page=2"]


def test_a_captured_run_resumed_after_a_crash_still_sends_nothing(
    db: Database, smtp_server: Mailbox, running_clock: StartClock
) -> None:
    smtp_server.configure(db)
    import_text(db, FLOWS)
    run_id = Service(db).schedule("mail", {"who": "jane@example.com"}, captured=True)
    assert Runner(db).execute(run_id) == ledger.SUCCEEDED
    # What a kill -9 after the email step's checkpoint leaves behind.
    with db.write() as session:
        session.execute(
            update(m.Run).where(m.Run.id == run_id).values(status="running", finished_at=None)
        )
        session.execute(
            update(m.StepResult)
            .where(m.StepResult.run_id == run_id, m.StepResult.position == 2)
            .values(status="running", result=None)
        )
    clock = running_clock(workers=1)
    assert clock.recovered["interrupted"] == [run_id]
    wait_until(lambda: _run(db, run_id).status == ledger.SUCCEEDED)
    clock.stop(timeout=2)
    steps = [(s.attempt, s.position, s.status) for s in _steps(db, run_id)]
    assert steps == [(1, 1, "succeeded"), (1, 2, "running"), (2, 2, "succeeded")]
    assert _steps(db, run_id)[-1].result["captured"] is True
    assert smtp_server.messages == []
    # Resumed by hand after a failure: still captured.
    with db.write() as session:
        session.execute(update(m.Run).where(m.Run.id == run_id).values(status="failed"))
    Service(db).resume(run_id)
    assert Runner(db).execute(run_id) == ledger.SUCCEEDED
    assert smtp_server.messages == []


def test_the_child_of_a_captured_run_is_captured(db: Database, smtp_server: Mailbox) -> None:
    smtp_server.configure(db)
    import_text(db, FLOWS)
    run_id = Service(db).schedule("parent", {"who": "jane@example.com"}, captured=True)
    assert Runner(db).execute(run_id) == ledger.SUCCEEDED
    with db.read() as session:
        child = session.scalars(select(m.Run).where(m.Run.parent_id == run_id)).one()
        assert child.captured and child.status == ledger.SUCCEEDED
        child_id = child.id
    assert _steps(db, child_id)[1].result["captured"] is True
    assert smtp_server.messages == []


def test_a_captured_run_schedules_nothing_and_says_what_it_would(db: Database) -> None:
    import_text(db, FLOWS)
    run_id = Service(db).schedule("planner", {}, captured=True)
    assert Runner(db).execute(run_id) == ledger.SUCCEEDED
    one, on_list = _steps(db, run_id)
    assert one.result["captured"] is True
    assert one.result["workflow"] == "mail"
    assert one.result["params"] == {"who": "x@example.com"}
    assert one.result["at"] is not None
    assert on_list.result == {
        "captured": True,
        "workflow": "mail",
        "runs": 2,
        "at": None,
        "interval": 0.0,
    }
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(m.Run)) == 1  # itself only
    log = _log(db, run_id)
    assert "schedule mail captured (a test run schedules nothing)" in log


def test_a_captured_schedule_checks_the_parameters(db: Database) -> None:
    import_text(db, FLOWS.replace('add_days(1) }}"', 'add_years(900) }}"'))
    run_id = Service(db).schedule("planner", {}, captured=True)
    assert Runner(db).execute(run_id) == ledger.FAILED
    error = _run(db, run_id).error or ""
    assert error.startswith("step 1 (schedule_workflow): the time ")


def test_a_test_run_cannot_repeat(db: Database) -> None:
    from app.core.recurrence import Recurrence

    import_text(db, FLOWS)
    with pytest.raises(BadInput, match="a test run runs once"):
        Service(db).schedule(
            "mail", {"who": "a@example.com"}, every=Recurrence.parse("1 day"), captured=True
        )
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(m.Schedule)) == 0


@pytest.mark.parametrize("captured", [True, False])
def test_a_json_body_that_cannot_be_sent_fails_in_words_either_way(
    db: Database, http_server: WebServer, captured: bool
) -> None:
    import_text(db, FLOWS.replace("json: {n: 1}", 'json: {n: "{{ 1e308 * 10 }}"}'))
    run_id = Service(db).schedule("call", {"url": http_server.url}, captured=captured)
    assert Runner(db).execute(run_id) == ledger.FAILED
    error = _run(db, run_id).error or ""
    assert error.startswith("step 1 (http_request): the JSON body cannot be sent: Out of range")
    assert http_server.requests == []
