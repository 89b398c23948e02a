"""Secrets live only in the keychain: after runs that used them, no file holds them.

The SMTP password and an API token read with `{{ secret('api_token') }}` are
used by a real runner process; then every file of the data folder (database,
WAL, log), the exports and the command line's output are searched for them.
"""

from __future__ import annotations

import json
import secrets as random_secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail

from app.storage import secrets
from tests.conftest import Mailbox, WebServer, cueflow_run
from tests.support.processes import RunnerProcess
from tests.support.reliability import TERMINAL, query
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.timeout(90)]

SMTP_PASSWORD = "secret-pw"  # what the test SMTP server accepts for "user"

FLOWS = """
cueflow: 1
workflows:
  use_secrets:
    parameters: {url: {type: text}}
    steps:
      - action: send_email
        with: {to: ops@example.com, subject: "report", body: "all good"}
      - action: http_request
        with:
          method: POST
          url: "{{ url }}/echo"
          headers: {Authorization: "Bearer {{ secret('api_token') }}"}
          json: {note: "sent with a token"}
      - action: log
        with: {message: "a careless log line: {{ secret('api_token') }}"}
      - action: return_data
        with: {values: {token: "{{ secret('api_token') }}"}}
  leak_in_error:
    parameters: {url: {type: text}}
    steps:
      - action: http_request
        with:
          url: "{{ url }}/refused?key={{ secret('api_token') }}"
          headers: {X-Api-Key: "{{ secret('api_token') }}"}
"""


def _files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield path


def _leaks(blobs: dict[str, bytes], values: list[str]) -> list[str]:
    found = []
    for name, blob in blobs.items():
        for value in values:
            for form in {value.encode(), json.dumps(value).strip('"').encode()}:
                if form in blob:
                    found.append(f"{value!r} in {name}")
    return found


def test_no_secret_reaches_the_database_exports_logs_or_output(
    data_dir: Path,
    tmp_path: Path,
    smtp_server: Mailbox,
    http_server: WebServer,
    runner: RunnerProcess,
    cli: Any,
) -> None:
    # The runner is a real process; the commands run in this process (`cli`: the same
    # main(), output and exit code, without ~1 s of start-up each).
    token = "tok_" + random_secrets.token_hex(16)
    flows = tmp_path / "flows.yaml"
    flows.write_text(FLOWS)
    assert cli("import", str(flows)).code == 0
    for key, value in (
        ("smtp.host", smtp_server.host),
        ("smtp.port", str(smtp_server.port)),
        ("smtp.username", "user"),
        ("smtp.from", "cueflow@example.com"),
    ):
        assert cli("settings", "set", key, value).code == 0
    for name, value in (("smtp.password", SMTP_PASSWORD), ("api_token", token)):
        stored = cli("secret", "set", name, stdin=value + "\n")
        assert stored.code == 0, stored.err
        assert value not in stored.out + stored.err

    runner.start()
    used = cli("schedule", "use_secrets", "-p", f"url={http_server.url}")
    leaky = cli("schedule", "leak_in_error", "-p", f"url={http_server.url}")
    ids = [used.out.strip(), leaky.out.strip()]

    def finished() -> bool:
        rows = query(data_dir, "SELECT status FROM runs")
        return len(rows) == 2 and all(r["status"] in TERMINAL for r in rows)

    wait_until(finished, timeout=30, every=0.1)
    direct = cli("run", "use_secrets", "-p", f"url={http_server.url}", "--json")
    runner.stop()

    # The secrets were really used …
    status = {r["id"]: r for r in query(data_dir, "SELECT id, status, error FROM runs")}
    assert status[ids[0]]["status"] == "succeeded", status[ids[0]]
    assert status[ids[1]]["status"] == "failed", status[ids[1]]
    assert "answered 500" in status[ids[1]]["error"]
    assert direct.code == 0, direct.err
    assert smtp_server.logins[-1] == ("user", SMTP_PASSWORD)
    assert len(smtp_server.messages) == 2
    sent = [r for r in http_server.requests if r["path"] == "/echo"]
    assert [r["headers"]["Authorization"] for r in sent] == [f"Bearer {token}"] * 2
    # … and masked where Cueflow shows what happened.
    assert "••••" in status[ids[1]]["error"], status[ids[1]]["error"]
    log = [r["message"] for r in query(data_dir, "SELECT message FROM log_lines")]
    assert "a careless log line: ••••" in log, log

    # Now search everything Cueflow wrote or printed.
    export = cli("export", "--things")
    exported_file = tmp_path / "export.yaml"
    assert cli("export", "-o", str(exported_file)).code == 0
    outputs = {
        "export --things": export.out + export.err,
        "runs --json": cli("runs", "--json").out,
        "runs": cli("runs").out,
        "settings get": cli("settings", "get").out,
        "run --json": direct.out + direct.err,
    }
    blobs = {str(p.relative_to(data_dir)): p.read_bytes() for p in _files(data_dir)}
    blobs["export file"] = exported_file.read_bytes()
    blobs.update({name: text.encode() for name, text in outputs.items()})
    assert "cueflow.db" in blobs
    leaks = _leaks(blobs, [token, SMTP_PASSWORD])
    assert leaks == [], leaks


def test_without_a_usable_keychain_secret_set_refuses_and_stores_nothing(
    data_dir: Path, test_keyring: Path, monkeypatch: pytest.MonkeyPatch, cli: object
) -> None:
    value = "pw_" + random_secrets.token_hex(12)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    done = cueflow_run(data_dir, "secret", "set", "smtp.password", stdin=value + "\n")
    assert done.code == 2, (done.code, done.out, done.err)
    assert done.err.startswith("cueflow: ") and done.err.count("\n") == 1, done.err
    assert "keychain" in done.err
    assert "Traceback" not in done.err

    # In this process too (the window's settings area uses the same service).
    keyring.set_keyring(fail.Keyring())
    assert not secrets.is_usable()
    result = cli("secret", "set", "api_token", stdin=value + "\n")  # type: ignore[operator]
    assert result.code == 2
    with pytest.raises(Exception):  # noqa: B017 - any refusal; never a silent store
        secrets.set_secret("api_token", value)

    assert not test_keyring.exists() or value not in test_keyring.read_text()
    leaks = _leaks({str(p): p.read_bytes() for p in _files(data_dir)}, [value])
    assert leaks == []
    assert not [p for p in _files(data_dir) if "secret" in p.name.lower()]
