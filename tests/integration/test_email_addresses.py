"""send_email reads addresses as mail headers do, against a real SMTP server (aiosmtpd).

Display names with commas, quotes and other languages reach the right
envelope recipients and headers; bcc is in no header; line breaks in an
address are refused and in a subject flattened, so no header can be injected.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from app.engine import presenting
from app.engine.runner import Runner
from app.storage import ledger, settings
from app.storage.db import Database
from app.workflow_file import import_text
from tests.conftest import _free_port

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = pytest.mark.both_databases

pytestmark = pytest.mark.timeout(60)

MAIL = """
cueflow: 1
workflows:
  mail:
    parameters:
      to: {type: text, list: true}
      cc: {type: text, optional: true}
      bcc: {type: text, optional: true}
      reply_to: {type: text, optional: true}
      subject: {type: text}
    steps:
      - action: send_email
        with:
          to: "{{ to if to | length != 1 else to[0] }}"
          cc: "{{ cc }}"
          bcc: "{{ bcc }}"
          reply_to: "{{ reply_to }}"
          subject: "{{ subject }}"
          body: hello
"""


@dataclass
class Received:
    envelopes: list[tuple[str, list[str], email.message.EmailMessage]] = field(default_factory=list)


@pytest.fixture
def smtp(db: Database) -> Iterator[Received]:
    received = Received()

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            received.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), message))
            return "250 OK"

    port = _free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    with db.write() as session:
        settings.set_value(session, "smtp.host", "127.0.0.1")
        settings.set_value(session, "smtp.port", str(port))
        settings.set_value(session, "smtp.from", '"Cueflow, the robot" <robot@example.com>')
    import_text(db, MAIL)
    yield received
    controller.stop()


def _send(db: Database, **params: Any) -> dict[str, Any]:
    params.setdefault("subject", "hello")
    run_id = Runner(db).run_now("mail", params)
    with db.read() as session:
        return presenting.run_to_json(ledger.get_run(session, run_id))


def _header(message: email.message.EmailMessage, name: str) -> list[tuple[str, str]]:
    header = message[name]
    if header is None:
        return []
    return [(a.display_name, a.addr_spec) for a in header.addresses]


def test_display_names_with_commas_quotes_and_any_language(db: Database, smtp: Received) -> None:
    run = _send(
        db,
        to=['"Doe, Jane" <jane@example.com>', "Zoë Ångström <zoe@example.org>, bob@example.com"],
        cc='"O\'Brien, \\"Bob\\"" <obrien@example.com>, ',
        bcc='"Audit, Team" <audit@example.com>, jane@example.com',
        reply_to='"Help desk, level 1" <help@example.com>',
        subject="Grüße, Jane",
    )
    assert run["status"] == "succeeded", run["error"]
    [(sender, recipients, message)] = smtp.envelopes
    assert sender == "robot@example.com"
    assert recipients == [
        "jane@example.com",
        "zoe@example.org",
        "bob@example.com",
        "obrien@example.com",
        "audit@example.com",
    ]
    assert _header(message, "To") == [
        ("Doe, Jane", "jane@example.com"),
        ("Zoë Ångström", "zoe@example.org"),
        ("", "bob@example.com"),
    ]
    assert _header(message, "Cc") == [('O\'Brien, "Bob"', "obrien@example.com")]
    assert _header(message, "Reply-To") == [("Help desk, level 1", "help@example.com")]
    assert _header(message, "From") == [("Cueflow, the robot", "robot@example.com")]
    assert message["Bcc"] is None and b"audit@" not in message.as_bytes()
    assert message["Subject"] == "Grüße, Jane"
    assert message["Message-ID"].endswith("@example.com>")


@pytest.mark.parametrize(
    ("to", "reason"),
    [
        ("jane@example.com\r\nBcc: evil@example.net", "line break"),
        ('"Jane\nBcc: evil@example.net" <jane@example.com>', "line break"),
        ("not an address", "is not an email address"),
        ("Doe, Jane <jane@example.com>", "in quotes"),  # the comma needs quotes
        ("alice@example.com <evil@example.net>", "is not an email address"),
        ("a@b@c", "is not an email address"),
        ("jane@", "is not an email address"),
        ("a@b.com;evil@example.net", "is not an email address"),
    ],
)
def test_invalid_or_injecting_addresses_are_refused(
    db: Database, smtp: Received, to: str, reason: str
) -> None:
    run = _send(db, to=[to])
    assert run["status"] == "failed"
    assert run["error"].startswith("step 1 (send_email): 'to': "), run["error"]
    assert reason in run["error"], run["error"]
    assert "\n" not in run["error"] and "\r" not in run["error"]
    assert smtp.envelopes == []


def test_a_line_break_in_the_subject_cannot_add_a_header(db: Database, smtp: Received) -> None:
    run = _send(db, to=["jane@example.com"], subject="Hi\r\nBcc: evil@example.net\nX-Evil: 1")
    assert run["status"] == "succeeded", run["error"]
    [(_, recipients, message)] = smtp.envelopes
    assert recipients == ["jane@example.com"]
    assert message["Subject"] == "Hi Bcc: evil@example.net X-Evil: 1"
    assert message["Bcc"] is None and message["X-Evil"] is None


def test_a_bad_sender_setting_is_named(db: Database, smtp: Received) -> None:
    with db.write() as session:
        settings.set_value(session, "smtp.from", "robot at example.com")
    run = _send(db, to=["jane@example.com"])
    assert run["status"] == "failed"
    assert "the setting smtp.from ('robot at example.com') is not one email address" in run["error"]
    assert smtp.envelopes == []
