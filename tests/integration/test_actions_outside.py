"""send_email against a real SMTP server and http_request against a real HTTP server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keyring
import pytest

from app.engine import presenting
from app.engine.runner import Runner
from app.storage import ledger, secrets
from app.storage.db import Database
from app.workflow_file import export_text, import_text
from tests.conftest import Mailbox, WebServer

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = pytest.mark.both_databases

MAIL = """
cueflow: 1
workflows:
  mail:
    parameters: {to: {type: list of text}, name: {type: text}}
    steps:
      - action: send_email
        with:
          to: "{{ to }}"
          cc: boss@example.com
          bcc: [audit@example.com]
          reply_to: help@example.com
          subject: "Hello {{ name }}"
          body: "<b>Hi {{ name }}</b>"
          html: true
"""

WEB = """
cueflow: 1
workflows:
  call:
    parameters: {base: {type: text}, path: {type: text}}
    steps:
      - action: http_request
        with:
          method: POST
          url: "{{ base }}{{ path }}"
          headers: {X-Token: abc}
          query: {q: "search words", flag: true}
          json: {name: Ada, n: "{{ 40 + 2 }}"}
          timeout: 0.5
      - action: return_data
        with: {values: {status: "{{ step1.status }}", got: "{{ step1.json.got }}"}}
"""


def _run(db: Database, run_id: str) -> dict[str, Any]:
    with db.read() as session:
        run = ledger.get_run(session, run_id)
        out = presenting.run_to_json(run)
        out["steps"] = presenting.steps_to_json(ledger.step_results(session, run_id))
    return out


def test_send_email_delivers_to_all_recipients(db: Database, smtp_server: Mailbox) -> None:
    smtp_server.configure(db)
    import_text(db, MAIL)
    run = _run(
        db,
        Runner(db).run_now("mail", {"to": ["ada@example.com", "bob@example.com"], "name": "Ada"}),
    )
    assert run["status"] == "succeeded", run["error"]
    [message] = smtp_server.wait_for(1)
    assert message["subject"] == "Hello Ada"
    assert sorted(message["to"]) == sorted(
        ["ada@example.com", "bob@example.com", "boss@example.com", "audit@example.com"]
    )
    assert message["from"] == "cueflow@example.com"
    assert run["steps"][0]["result"] == message["message_id"]


def test_password_comes_from_keychain_and_is_never_stored(
    db: Database, smtp_server: Mailbox, data_dir: Path
) -> None:
    smtp_server.configure(db, username="user")
    secrets.set_secret("smtp.password", "secret-pw")
    import_text(db, MAIL)
    run = _run(db, Runner(db).run_now("mail", {"to": ["a@example.com"], "name": "A"}))
    assert run["status"] == "succeeded", run["error"]
    assert smtp_server.logins == [("user", "secret-pw")]
    assert keyring.get_password("cueflow", "smtp.password") == "secret-pw"
    db.dispose()
    for path in data_dir.iterdir():
        assert b"secret-pw" not in path.read_bytes(), path
    assert "secret-pw" not in export_text(db, things=True)


def test_wrong_password_fails_the_run_clearly(db: Database, smtp_server: Mailbox) -> None:
    smtp_server.configure(db, username="user")
    secrets.set_secret("smtp.password", "wrong")
    import_text(db, MAIL)
    run = _run(db, Runner(db).run_now("mail", {"to": ["a@example.com"], "name": "A"}))
    assert run["status"] == "failed"
    assert "refused the login" in run["error"]
    assert smtp_server.messages == []


def test_smtp_server_down_fails_the_run_clearly(db: Database, smtp_server: Mailbox) -> None:
    smtp_server.configure(db)
    with db.write() as session:
        from app.storage import settings

        settings.set_value(session, "smtp.port", "9")
    import_text(db, MAIL)
    run = _run(db, Runner(db).run_now("mail", {"to": ["a@example.com"], "name": "A"}))
    assert run["status"] == "failed"
    assert "cannot reach SMTP server 127.0.0.1:9" in run["error"]
    assert "Errno" not in run["error"]  # the reason in words, not the OS error number


def test_http_request_sends_and_reads_json(db: Database, http_server: WebServer) -> None:
    import_text(db, WEB)
    run = _run(db, Runner(db).run_now("call", {"base": http_server.url, "path": "/echo"}))
    assert run["status"] == "succeeded", run["error"]
    assert run["returned"] == {"status": 201, "got": {"name": "Ada", "n": 42}}
    [request] = http_server.requests
    assert request["method"] == "POST"
    assert request["headers"]["X-Token"] == "abc"
    assert request["path"] == "/echo?q=search+words&flag=true"
    assert run["steps"][0]["result"]["json"]["query"] == "q=search+words&flag=true"


def test_http_error_status_fails(db: Database, http_server: WebServer) -> None:
    import_text(db, WEB)
    run = _run(db, Runner(db).run_now("call", {"base": http_server.url, "path": "/missing"}))
    assert run["status"] == "failed"
    assert run["error"].endswith("answered 500 Internal Server Error")


def test_http_timeout_fails(db: Database, http_server: WebServer) -> None:
    import_text(db, WEB)
    run = _run(db, Runner(db).run_now("call", {"base": http_server.url, "path": "/slow"}))
    assert run["status"] == "failed"
    assert "no answer within 0.5 s" in run["error"]


def test_http_invalid_json_fails(db: Database, http_server: WebServer) -> None:
    import_text(db, WEB)
    run = _run(db, Runner(db).run_now("call", {"base": http_server.url, "path": "/broken-json"}))
    assert run["status"] == "failed"
    assert "sent invalid JSON" in run["error"]
