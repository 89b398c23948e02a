"""Secrets echoed back by servers in other encodings never reach what Cueflow stores.

A real SMTP server (aiosmtpd) refuses the login with a 535 whose text quotes
the client's AUTH line (base64 of `\\0user\\0password`, or of the password for
AUTH LOGIN); a real HTTP server echoes the URL, the headers and the body it
got. Then the database file, its WAL, the export and the run's records are
searched for every form of the secrets: plain, percent-encoded (quote,
quote_plus, lower-case hex), JSON-escaped, base64 alone and inside the AUTH
PLAIN and HTTP Basic blobs.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import logging
import secrets as random_secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from app.engine import presenting
from app.engine.masking import MASK, Masker
from app.engine.runner import Runner
from app.storage import ledger, secrets, settings
from app.storage.db import Database
from app.workflow_file import export_text, import_text
from tests.conftest import _free_port

pytestmark = pytest.mark.timeout(60)

USER = "mailer"


def encoded_forms(secret: str, user: str = USER) -> dict[str, str]:
    raw = secret.encode()
    return {
        "plain": secret,
        "quote": quote(secret),
        "quote safe=''": quote(secret, safe=""),
        "quote_plus": quote_plus(secret),
        "quote lower hex": quote(secret, safe="").lower(),
        "json": json.dumps(secret)[1:-1],
        "json twice": json.dumps(json.dumps(secret))[3:-3],
        "base64": base64.b64encode(raw).decode(),
        "base64 urlsafe": base64.urlsafe_b64encode(raw).decode(),
        "AUTH PLAIN blob": base64.b64encode(b"\0" + user.encode() + b"\0" + raw).decode(),
        "Basic credential": base64.b64encode(user.encode() + b":" + raw).decode(),
    }


def leaks(blobs: dict[str, bytes], secret: str) -> list[str]:
    found = []
    for where, blob in blobs.items():
        for name, form in encoded_forms(secret).items():
            if form.encode() in blob:
                found.append(f"{name} form in {where}")
    return found


def stored(data_dir: Path, db: Database) -> dict[str, bytes]:
    """Every file of the data folder (the WAL while it is there) and the export."""
    blobs = {p.name: p.read_bytes() for p in sorted(data_dir.iterdir()) if p.is_file()}
    assert "cueflow.db-wal" in blobs or "cueflow.db" in blobs
    blobs["export --things"] = export_text(db, things=True).encode()
    return blobs


def run_record(db: Database, run_id: str) -> dict[str, Any]:
    with db.read() as session:
        run = presenting.run_to_json(ledger.get_run(session, run_id))
        run["steps"] = presenting.steps_to_json(ledger.step_results(session, run_id))
        run["log"] = [line.message for line in ledger.log_lines(session, run_id)]
    return run


# --- an SMTP server that echoes the AUTH line in its 535 --------------------------------


@pytest.fixture
def echoing_smtp(request: pytest.FixtureRequest) -> Iterator[tuple[str, int, list[str]]]:
    """Advertises one mechanism (the test's parameter); refuses every login with 535
    quoting what the client sent, as a careless server does."""
    mechanism = request.param
    port = _free_port()
    seen: list[str] = []

    def authenticate(
        server: Any, session: Any, envelope: Any, mechanism_used: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login, password = auth_data.login, auth_data.password
        seen.append(password.decode())
        if mechanism_used == "PLAIN":
            echoed = base64.b64encode(b"\0" + login + b"\0" + password).decode()
        else:
            echoed = base64.b64encode(password).decode()
        return AuthResult(
            success=False, handled=False, message=f"535 5.7.8 bad credentials: AUTH {echoed}"
        )

    controller = Controller(
        object(),
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticate,
        auth_require_tls=False,
        auth_exclude_mechanism=[m for m in ("LOGIN", "PLAIN") if m != mechanism],
    )
    controller.start()
    yield "127.0.0.1", port, seen
    controller.stop()


MAIL = """
cueflow: 1
workflows:
  mail:
    steps:
      - action: send_email
        with: {to: ada@example.com, subject: report, body: all good}
"""


@pytest.mark.parametrize("echoing_smtp", ["PLAIN", "LOGIN"], indirect=True)
def test_smtp_reply_echoing_the_auth_line_is_masked(
    db: Database, data_dir: Path, echoing_smtp: tuple[str, int, list[str]]
) -> None:
    host, port, seen = echoing_smtp
    password = 'pw"q/ +&=%' + random_secrets.token_hex(8)
    with db.write() as session:
        for key, value in (
            ("smtp.host", host),
            ("smtp.port", str(port)),
            ("smtp.username", USER),
            ("smtp.from", "cueflow@example.com"),
        ):
            settings.set_value(session, key, value)
    secrets.set_secret("smtp.password", password)
    import_text(db, MAIL)

    run = run_record(db, Runner(db).run_now("mail", {}))

    assert seen and seen[-1] == password  # the server really got it …
    assert run["status"] == "failed"
    assert "refused the login: 535" in run["error"] and MASK in run["error"], run["error"]
    assert MASK in run["steps"][0]["error"]
    blobs = stored(data_dir, db)  # … and nothing Cueflow keeps holds it in any form
    blobs["run record"] = json.dumps(run).encode()
    assert leaks(blobs, password) == []


# --- an HTTP server that echoes the request ---------------------------------------------


@pytest.fixture
def echoing_http() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Answers every request with what it got: the raw path (percent-encoded) in
    a header and in a JSON body with the headers and the body; /deny answers 401."""
    got: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            got.append({"path": self.path, "headers": dict(self.headers), "body": body})
            answer = json.dumps(
                {"path": self.path, "headers": dict(self.headers), "body": body}
            ).encode()
            self.send_response(401 if self.path.startswith("/deny") else 200)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Echo-Path", self.path)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(answer)

        do_GET = do_POST = _handle

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", got
    server.shutdown()
    server.server_close()


WEB = """
cueflow: 1
workflows:
  call:
    parameters: {base: {type: text}}
    steps:
      - action: http_request
        with:
          method: POST
          url: "{{ base }}/echo/{{ secret('api.key') | urlencode }}"
          headers:
            Authorization: "Bearer {{ secret('api.key') }}"
          query: {key: "{{ secret('api.key') }}"}
          json: {key: "{{ secret('api.key') }}", nested: ["{{ secret('api.key') }}"]}
      - action: log
        with: {message: "the server said {{ step1.text }} {{ step1.headers }}"}
      - action: http_request
        with:
          url: "{{ base }}/deny?key={{ secret('api.key') | urlencode }}"
"""


def test_http_server_echoing_url_headers_and_body_is_masked(
    db: Database, data_dir: Path, echoing_http: tuple[str, list[dict[str, Any]]]
) -> None:
    base, got = echoing_http
    key = 'k3y/"q" +&=%' + random_secrets.token_hex(8)
    secrets.set_secret("api.key", key)
    import_text(db, WEB)

    run = run_record(db, Runner(db).run_now("call", {"base": base}))

    assert len(got) == 2, run
    assert got[0]["headers"]["Authorization"] == f"Bearer {key}"
    assert got[0]["path"] == f"/echo/{quote(key)}?key={quote_plus(key)}"
    assert got[1]["path"] == f"/deny?key={quote(key)}"  # the URL's own query is kept
    assert run["status"] == "failed"
    assert "answered 401" in run["error"] and MASK in run["error"], run["error"]
    assert MASK in run["steps"][0]["result"]["text"]
    assert any(MASK in line for line in run["log"]), run["log"]
    blobs = stored(data_dir, db)
    blobs["run record"] = json.dumps(run).encode()
    assert leaks(blobs, key) == []


def test_masker_hides_every_encoded_form_and_nothing_else() -> None:
    secret = 'p@ss w"rd/é+&x' + random_secrets.token_hex(4)
    masker = Masker([secret])
    for name, form in encoded_forms(secret).items():
        masked = masker.mask(f"before {form} after")
        assert form not in masked, name
        assert masked.startswith("before ") and masked.endswith(" after"), (name, masked)
    assert masker.mask({"a": ["x", "unrelated text"], "b": 5}) == {
        "a": ["x", "unrelated text"],
        "b": 5,
    }
    assert masker.contains(quote_plus(secret)) and not masker.contains("nothing")


def test_an_actions_unexpected_error_is_logged_with_its_secrets_masked(
    db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from app.actions import registry

    key = "k/" + random_secrets.token_hex(8)
    secrets.set_secret("api.key", key)
    spec = registry.get("http_request")
    assert spec is not None

    def broken(ctx: Any, inputs: dict[str, Any]) -> Any:
        raise RuntimeError(f"a bug that quotes its input: {inputs['headers']}")

    monkeypatch.setitem(
        registry._REGISTRY, "http_request", dataclasses.replace(spec, perform=broken)
    )
    import_text(db, WEB)
    with caplog.at_level(logging.ERROR, logger="app.engine.runner"):
        run = run_record(db, Runner(db).run_now("call", {"base": "http://127.0.0.1:9"}))
    assert run["status"] == "failed" and "internal error: RuntimeError" in run["error"]
    assert "a bug that quotes its input" in caplog.text and "Traceback" in caplog.text
    assert leaks({"log": caplog.text.encode(), "run": json.dumps(run).encode()}, key) == []
