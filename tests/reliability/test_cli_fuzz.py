"""Generated command lines: every command and option of `cueflow --help`, hostile values.

Whatever the arguments (wrong types, huge and non-finite numbers, bytes that
are not UTF-8, control characters, deep JSON, empty strings, dates out of
range), `cueflow` answers with exit status 0, 1 or 2, never a traceback, and
an error is one line on stderr (an import lists one problem per line). The
CLI's `main` runs in this process, each example on a fresh copy of one
database made once for the module. Not generated: the window (no command,
`--tray`), `runner` (runs until a signal) and `--self-test`.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import socket
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cli import main
from app.core.types import utcnow
from app.engine.service import Service
from app.storage import settings as stored_settings
from app.storage.db import init_db
from app.workflow_file import import_text
from tests.conftest import EXAMPLES

FLOWS = """
cueflow: 1
workflows:
  every_type:
    parameters:
      text: {type: text, optional: true}
      number: {type: number, optional: true}
      flag: {type: yes/no, optional: true}
      when: {type: date, optional: true}
      user: {type: User, optional: true}
      words: {type: list of text, optional: true}
      users: {type: list of User, optional: true}
    retries: {attempts: 1, backoff: 1}
    steps:
      - action: log
        with: {message: "{{ text }} {{ number }} {{ flag }} {{ when }} {{ words }}"}
      - action: return_data
        with: {values: {n: "{{ number }}"}}
  failing:
    steps:
      - action: http_request
        with: {url: "http://127.0.0.1:9/nothing", timeout: 1}
"""


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One database for the module: the birthday example, a workflow of every type, runs."""
    root = tmp_path_factory.mktemp("cli-fuzz")
    folder = root / "template"
    folder.mkdir()
    db = init_db(f"sqlite:///{folder / 'cueflow.db'}")
    try:
        import_text(db, (EXAMPLES / "birthday.yaml").read_text(encoding="utf-8"))
        import_text(db, FLOWS)
        with db.write() as session:
            stored_settings.set_value(session, "smtp.host", "127.0.0.1")
            stored_settings.set_value(session, "smtp.port", str(_closed_port()))
            stored_settings.set_value(session, "smtp.timeout", "1")
        service = Service(db)
        with db.read() as session:
            from app.storage import catalog

            users = [t.id for t in catalog.list_things(session, "User")]
        upcoming = service.schedule(
            "every_type", {"text": "later"}, at=utcnow() + timedelta(days=1)
        )
        due = service.schedule("every_type", {"text": "due"}, at=utcnow() - timedelta(hours=1))
    finally:
        db.dispose()
    with sqlite3.connect(folder / "cueflow.db") as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    files = root / "files"
    files.mkdir()
    (files / "garbage.yaml").write_bytes(b"\xff\xfe\x00workflows: [\n\x1b")
    (files / "duplicate.yaml").write_text("workflows:\n  w: {steps: []}\n  w: {steps: []}\n")
    (files / "deep.json").write_text("[" * 60000 + "]" * 60000)
    (files / "a file").write_text("not a folder")
    return {
        "root": root,
        "db": folder / "cueflow.db",
        "users": users,
        "runs": [upcoming, due],
        "files": files,
    }


DEEP = "[" * 60000 + "]" * 60000
HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "1.5",
        "nan",
        "inf",
        "-inf",
        "1e300",
        "9" * 30,
        "9" * 5000,
        "now",
        "+90s",
        "+5m",
        "+99999999999d",
        "+" + "9" * 400 + "s",
        "+1e300s",
        "-5m",
        "0001-01-01T00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "9999-12-31T23:59:59+00:00",
        "2030-02-30T10:00",
        "2030-01-01T10:00Z",
        "\udcff",
        "a\udc80b",
        "\x00",
        "a\nb",
        "\r",
        "\t",
        "\x1b[31mred",
        "\u2028",
        "ü",
        "🙂",
        "null",
        "true",
        "yes",
        "[]",
        "[1, 2]",
        '["x", "y"]',
        "[" * 60000,
        DEEP,
        '{"a":' * 3000 + "1" + "}" * 3000,
        "x" * 100_000,
        "=",
        "a=b",
        "1 minutes",
        "9999999 years",
        "99999999999999999999999 seconds",
        "cron:0 0 31 2 *",
        "cron:* * * * *",
        "cron:",
        "Europe/Paris",
        "Nowhere/Else",
        "User",
        "send_birthday_email",
        "every_type",
        "failing",
        "smtp.port",
        "smtp.host",
        "runner.max_concurrent_runs",
        "scheduled",
        "failed",
    ]
) | st.text(max_size=12)
KEYS = st.sampled_from(
    [
        "text",
        "number",
        "flag",
        "when",
        "user",
        "words",
        "users",
        "birthday",
        "name",
        "email",
        "tags",
        "nope",
        "",
        "a b",
        "\udcff",
        "x\ny",
    ]
)
WORKFLOWS = st.sampled_from(["every_type", "send_birthday_email", "failing", "nope"]) | HOSTILE
TYPES = st.sampled_from(["User", "Nope", "user"]) | HOSTILE


def _pairs(option: str, draw: Any, ids: list[str]) -> list[str]:
    out: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        value = draw(HOSTILE | st.sampled_from(ids) | st.just(f'["{ids[0]}"]'))
        out += [option, f"{draw(KEYS)}={value}" if draw(st.booleans()) else value]
    return out


def _maybe(draw: Any, *args: str) -> list[str]:
    return list(args) if draw(st.booleans()) else []


@st.composite
def command_lines(draw: Any, ids: list[str], runs: list[str], files: Path) -> list[str]:
    """One argv for one command of `cueflow --help`, options in any order."""
    anything = HOSTILE | st.sampled_from(ids + runs)
    command = draw(
        st.sampled_from(
            [
                "import",
                "export",
                "run",
                "schedule",
                "cancel",
                "runs",
                "pause",
                "resume",
                "schedules",
                "things",
                "thing",
                "settings",
                "secret",
                "garbage",
                "help",
            ]
        )
    )
    paths = st.sampled_from(
        [str(files / n) for n in ("garbage.yaml", "duplicate.yaml", "deep.json", "missing.yaml")]
        + [str(files), str(EXAMPLES / "birthday.yaml"), "/dev/null", str(files / "\udcff.yaml")]
    )
    if command == "import":
        return ["import", draw(paths), *_maybe(draw, "--replace")]
    if command == "export":
        out = draw(
            st.sampled_from(
                [str(files / "out.yaml"), str(files), str(files / "no/x.yaml"), "/dev/full"]
            )
        )
        return ["export", *_maybe(draw, "-o", out), *_maybe(draw, "--things")]
    if command in ("run", "schedule"):
        argv = [command, draw(WORKFLOWS), *_pairs("-p", draw, ids)]
        argv += _maybe(draw, "--as", draw(anything)) + _maybe(draw, "--ignore-privacy")
        if command == "run":
            return argv + _maybe(draw, "--json")
        argv += _maybe(draw, "--at", draw(HOSTILE))
        argv += _maybe(draw, "--every", draw(HOSTILE))
        argv += _maybe(draw, "--timezone", draw(HOSTILE))
        each = draw(st.sampled_from(["", "--each", "--each-search"]))
        if each == "--each":
            argv += ["--each", f"{draw(KEYS)}={','.join(draw(st.lists(anything, max_size=3)))}"]
        elif each:
            argv += ["--each-search", draw(TYPES)]
        return argv + _maybe(draw, "--interval", draw(HOSTILE))
    if command == "cancel":
        argv = ["cancel", *draw(st.lists(anything, max_size=3))]
        return argv + draw(st.sampled_from([[], ["--all"], ["--overdue"], ["--all", "--overdue"]]))
    if command == "runs":
        argv = ["runs", *draw(st.sampled_from([[], ["--upcoming"], ["--history"]]))]
        argv += _maybe(draw, "--workflow", draw(WORKFLOWS))
        argv += _maybe(draw, "--status", draw(HOSTILE))
        argv += _maybe(draw, "--limit", draw(HOSTILE))
        argv += _maybe(draw, "--resume", draw(anything))
        return argv + _maybe(draw, "--json")
    if command in ("pause", "resume"):
        return [command]
    if command == "schedules":
        return ["schedules", *_maybe(draw, "--json")]
    if command == "things":
        return ["things", draw(TYPES), *_maybe(draw, "--json")]
    if command == "thing":
        sub = draw(st.sampled_from(["add", "set", "delete"]))
        target = draw(TYPES) if sub == "add" else draw(anything)
        fields = _pairs("-f", draw, ids) if sub != "delete" else []
        return ["thing", sub, target, *fields]
    if command == "settings":
        if draw(st.booleans()):
            return ["settings", "get", *_maybe(draw, draw(anything))]
        return ["settings", "set", draw(anything), draw(anything)]
    if command == "secret":
        return ["secret", "set", draw(anything)]
    if command == "help":
        return draw(st.sampled_from([["--help"], ["--version"], ["schedule", "--help"]]))
    return draw(st.lists(anything, min_size=1, max_size=5))


@contextlib.contextmanager
def _captured(stdin: str) -> Iterator[tuple[io.StringIO, io.StringIO]]:
    out, err, old_in = io.StringIO(), io.StringIO(), sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            yield out, err
    finally:
        sys.stdin = old_in


def _cueflow(folder: Path, argv: list[str], stdin: str) -> tuple[int, str, str]:
    with _captured(stdin) as (out, err):
        try:
            code = main(["--data-dir", str(folder), *argv])
        except SystemExit as exc:  # --help, --version
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


@settings(
    max_examples=int(os.environ.get("CUEFLOW_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_every_command_answers_0_1_or_2_with_one_line_and_no_traceback(
    template: dict[str, Any], tmp_path: Path, data: st.DataObject
) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))  # (tmp_path is shared by the examples)
    shutil.copyfile(template["db"], folder / "cueflow.db")
    argv = data.draw(command_lines(template["users"], template["runs"], template["files"]))
    if data.draw(st.integers(0, 20)) == 0:  # now and then a data folder that cannot be one
        folder = data.draw(
            st.sampled_from([template["files"] / "a file", Path("\x00"), tmp_path / "\udcff"])
        )
    stdin = data.draw(st.sampled_from(["pa55word\n", "", "\x00\n", "é\udcff\n"]))
    code, out, err = _cueflow(folder, argv, stdin)
    shown = [a if len(a) < 60 else a[:57] + "..." for a in argv]
    assert code in (0, 1, 2), (shown, code, err[-2000:])
    assert "Traceback" not in err + out, (shown, err[-2000:])
    lines = err.splitlines()
    if argv[0] == "import" and code == 2 and lines and not lines[0].startswith("cueflow:"):
        assert all(line.strip() for line in lines), (shown, err)  # one problem per line
    else:
        assert len(lines) <= 1 and err.count("\n") == len(lines), (shown, err)
    if code == 2:
        assert lines and lines[0].strip(), (shown, out[-500:])
    if code == 1:
        assert argv[0] == "run", (shown, err)  # only a run that failed exits 1
