"""The command line of PRODUCT §5, in-process: outputs, exit codes, one-line errors."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES, Mailbox
from tests.support.snapshot import dump

BIRTHDAY = str(EXAMPLES / "birthday.yaml")
RUN_FIELDS = {
    "id",
    "workflow",
    "status",
    "scheduled_for",
    "started_at",
    "finished_at",
    "params",
    "run_as",
    "error",
    "attempt",
    "parent_id",
}


@pytest.fixture
def example_users(cli: Any) -> dict[str, str]:
    assert cli("import", BIRTHDAY).code == 0
    users = cli("things", "User", "--json").json()
    return {u["name"]: u["id"] for u in users}


def test_import_prints_a_summary(cli: Any) -> None:
    result = cli("import", BIRTHDAY)
    assert result.code == 0
    assert result.out.strip() == "imported 2 workflows, 1 data type, 2 things, 1 trigger"


def test_things_json_has_ids_and_fields(cli: Any, example_users: dict[str, str]) -> None:
    users = cli("things", "User", "--json").json()
    ada = next(u for u in users if u["name"] == "Ada")
    assert ada == {
        "id": example_users["Ada"],
        "email": "ada@example.com",
        "name": "Ada",
        "birthday": "1990-12-10T09:00:00+00:00",
    }


def test_thing_add_set_delete(cli: Any, example_users: dict[str, str]) -> None:
    added = cli(
        "thing",
        "add",
        "User",
        "-f",
        "name=Bob",
        "-f",
        "email=bob@example.com",
        "-f",
        'tags=["a", "b"]',
        "-f",
        "birthday=2000-01-02T03:04:05+01:00",
    )
    assert added.code == 0
    bob = added.out.strip()
    assert cli("thing", "set", bob, "-f", "name=Robert").code == 0
    users = {u["id"]: u for u in cli("things", "User", "--json").json()}
    assert users[bob]["name"] == "Robert" and users[bob]["tags"] == ["a", "b"]
    assert users[bob]["birthday"] == "2000-01-02T03:04:05+01:00"
    assert cli("thing", "delete", bob).code == 0
    assert bob not in {u["id"] for u in cli("things", "User", "--json").json()}


def test_schedule_prints_the_id_and_runs_lists_it(cli: Any, example_users: dict[str, str]) -> None:
    result = cli(
        "schedule",
        "send_birthday_email",
        "-p",
        f"user={example_users['Ada']}",
        "-p",
        "birthday=2030-12-10T09:00:00+00:00",
        "--at",
        "2030-12-10T09:00:00Z",
    )
    assert result.code == 0
    run_id = result.out.strip()
    [run] = cli("runs", "--upcoming", "--json").json()
    assert set(run) >= RUN_FIELDS
    assert run["id"] == run_id and run["status"] == "scheduled"
    assert run["scheduled_for"] == "2030-12-10T09:00:00+00:00"
    assert run["params"] == {"user": example_users["Ada"], "birthday": "2030-12-10T09:00:00+00:00"}
    assert run["started_at"] is None and run["parent_id"] is None and run["attempt"] == 1
    assert cli("runs", "--history", "--json").json() == []
    assert run_id in cli("runs").out


def test_schedule_with_a_delay_and_local_time(cli: Any, example_users: dict[str, str]) -> None:
    before = datetime.now().astimezone()
    cli("schedule", "send_birthday_email", "-p", f"user={example_users['Ada']}", "--at", "+2h")
    cli(
        "schedule",
        "send_birthday_email",
        "-p",
        f"user={example_users['Ada']}",
        "--at",
        "2031-05-06T07:08:00",
    )
    runs = cli("runs", "--upcoming", "--json").json()
    first = datetime.fromisoformat(runs[0]["scheduled_for"])
    assert timedelta(hours=1, minutes=59) < first - before < timedelta(hours=2, minutes=1)
    local = datetime.fromisoformat(runs[1]["scheduled_for"]).astimezone()
    assert (local.year, local.month, local.day, local.hour, local.minute) == (2031, 5, 6, 7, 8)


def test_cancel_by_id_all_and_overdue(cli: Any, example_users: dict[str, str]) -> None:
    user = f"user={example_users['Ada']}"
    ids = [
        cli("schedule", "send_birthday_email", "-p", user, "--at", when).out.strip()
        for when in ("+1d", "+2d", "2001-01-01T00:00:00Z", "+3d")
    ]
    assert cli("cancel", ids[0], ids[1]).out.strip() == "cancelled 2 runs"
    assert cli("cancel", "--overdue").out.strip() == "cancelled 1 run"
    assert [r["id"] for r in cli("runs", "--upcoming", "--json").json()] == [ids[3]]
    assert cli("cancel", "--all").out.strip() == "cancelled 1 run"
    assert cli("runs", "--upcoming", "--json").json() == []
    statuses = {r["id"]: r["status"] for r in cli("runs", "--json").json()}
    assert set(statuses.values()) == {"cancelled"}
    again = cli("cancel", ids[0])
    assert again.code == 2 and "is cancelled; only scheduled runs can be cancelled" in again.err


def test_run_json_has_steps_and_returned(cli: Any, smtp_server: Mailbox) -> None:
    cli("import", str(EXAMPLES / "trial_reminder.yaml"))
    result = cli(
        "run",
        "start_trial",
        "-p",
        "email=c@example.com",
        "-p",
        "name=Cy",
        "-p",
        "days=14",
        "--json",
    )
    assert result.code == 0
    run = result.json()
    assert RUN_FIELDS | {"steps", "returned"} <= set(run)
    assert run["status"] == "succeeded"
    assert [s["status"] for s in run["steps"]] == ["succeeded"] * 4
    assert run["returned"]["reminder_run"] == run["steps"][1]["result"]
    upcoming = cli("runs", "--upcoming", "--json").json()
    assert {r["parent_id"] for r in upcoming} == {run["id"]}
    assert {r["workflow"] for r in upcoming} == {"trial_reminder", "end_trial"}


def test_failed_run_exits_1(cli: Any, example_users: dict[str, str], smtp_server: Mailbox) -> None:
    cli("settings", "set", "smtp.host", "127.0.0.1")
    cli("settings", "set", "smtp.port", "9")
    result = cli("run", "send_birthday_email", "-p", f"user={example_users['Ada']}")
    assert result.code == 1
    assert result.out.startswith("run ") and "failed: step 1 (send_email)" in result.out


def test_settings_get_and_set(cli: Any) -> None:
    assert cli("settings", "get", "smtp.port").out.strip() == "25"
    assert cli("settings", "set", "smtp.port", "2525").code == 0
    assert cli("settings", "get", "smtp.port").out.strip() == "2525"
    assert "smtp.security = none" in cli("settings", "get").out


def test_secret_set_reads_stdin_into_the_keychain(cli: Any, test_keyring: Path) -> None:
    import keyring

    result = cli("secret", "set", "smtp.password", stdin="pa55word\n")
    assert result.code == 0
    assert keyring.get_password("cueflow", "smtp.password") == "pa55word"


BAD_INPUT = [
    (["import", "missing.yaml"], "missing.yaml: no such file"),
    (["run", "no_such_workflow"], "unknown workflow 'no_such_workflow'"),
    (
        ["schedule", "send_birthday_email", "-p", "user=nobody"],
        "parameter 'user' (User): no User with ID 'nobody'",
    ),
    (["schedule", "send_birthday_email", "-p", "user"], "parameter 'user' is not KEY=VALUE"),
    (["schedule", "send_birthday_email", "-p", "x=1"], "send_birthday_email has no parameter 'x'"),
    (["schedule", "send_birthday_email"], "parameter 'user' (User) is required"),
    (
        ["schedule", "send_birthday_email", "-p", "user=@ADA", "-p", "birthday=tuesday"],
        "parameter 'birthday' (date): 'tuesday' is not a date",
    ),
    (["schedule", "send_birthday_email", "-p", "user=@ADA", "--at", "+5x"], "is not a delay"),
    (["schedule", "send_birthday_email", "-p", "user=@ADA", "--at", "soon"], "is not a time"),
    (["cancel", "nonexistent"], "no run with ID 'nonexistent'"),
    (["cancel"], "give the IDs of the runs to cancel"),
    (["runs", "--status", "done"], "unknown status 'done'"),
    (["runs", "--workflow", "nope"], "unknown workflow 'nope'"),
    (["things", "Nope"], "unknown data type 'Nope'"),
    (["thing", "add", "User", "-f", "age=3"], "User has no field 'age'"),
    (["thing", "set", "nonexistent", "-f", "name=x"], "no thing with ID 'nonexistent'"),
    (["thing", "delete", "nonexistent"], "no thing with ID 'nonexistent'"),
    (["settings", "set", "smtp.port", "abc"], "setting smtp.port: 'abc' is not a whole number"),
    (["settings", "get", "nope"], "unknown setting 'nope'"),
    (["frobnicate"], "invalid choice"),
    (["runs", "--upcoming", "--history"], "not allowed with argument"),
    # Bytes that are not UTF-8 reach Python as surrogates; they are never stored.
    (["thing", "add", "User", "-f", "name=\udcff\udcfe"], "-f/--field: name=\\xff\\xfe is not"),
    (["thing", "set", "@ADA", "-f", "name=a\udc80"], "is not valid UTF-8"),
    (["schedule", "send_birthday_email", "-p", "user=@ADA\udcff"], "-p/--param: user="),
    (["run", "send_birthday_email\udcff", "-p", "user=@ADA"], "WORKFLOW: "),
    (["settings", "set", "smtp.host", "h\udcffst"], "VALUE: h\\xffst is not valid UTF-8"),
    # A list nested 60,000 deep (json.loads' recursion) is refused, not a crash.
    (["thing", "add", "User", "-f", "tags=" + "[" * 60000 + "]" * 60000], "nested too deeply"),
    # Times that do not exist in UTC, and delays past the year 9999.
    (
        ["schedule", "send_birthday_email", "-p", "user=@ADA", "--at", "0001-01-01T00:00+01:00"],
        "out of range",
    ),
    (
        ["schedule", "send_birthday_email", "-p", "user=@ADA", "--at", "9999-12-31T23:59:59-01:00"],
        "out of range",
    ),
    (
        [
            "schedule",
            "send_birthday_email",
            "-p",
            "user=@ADA",
            "-p",
            "birthday=0001-01-01T00:00+01:00",
        ],
        "parameter 'birthday' (date): '0001-01-01T00:00+01:00' is out of range",
    ),
    (["thing", "add", "User", "-f", "birthday=9999-12-31T23:59-05:00"], "out of range"),
    (["schedule", "send_birthday_email", "-p", "user=@ADA", "--at", "+99999999999d"], "too far"),
    (
        ["schedule", "send_birthday_email", "-p", "user=@ADA", "--at", "+" + "9" * 400 + "s"],
        "too far",
    ),
    # --interval: finite, 0 to a year; and the last run must fall before the year 10000.
    (
        ["schedule", "send_birthday_email", "--each", "user=@ADA", "--interval", "nan"],
        "out of range",
    ),
    (
        ["schedule", "send_birthday_email", "--each", "user=@ADA", "--interval", "inf"],
        "out of range",
    ),
    (
        ["schedule", "send_birthday_email", "--each", "user=@ADA", "--interval", "1e300"],
        "out of range",
    ),
    (
        ["schedule", "send_birthday_email", "--each", "user=@ADA", "--interval", "-1"],
        "out of range",
    ),
    (["schedule", "send_birthday_email", "--each", "user=@ADA", "--interval", "x"], "not a number"),
    (
        [
            "schedule",
            "send_birthday_email",
            "--each",
            "user=@ADA,@ADA",
            "--interval",
            "86400",
            "--at",
            "9999-12-31T00:00Z",
        ],
        "is more than 100 years ahead",
    ),
    (["runs", "--limit", "9" * 30], "--limit: 999"),
    (["runs", "--limit", "-1"], "out of range"),
    (["secret", "set", ""], "secret name '': expected a name"),
    (["secret", "set", "a\nb"], "secret name 'a\\nb'"),
    (["runs", "--limit", "\x85"], "--limit: '\\x85' is not a whole number"),  # NEL: a line break
    (["settings", "set", "smtp.host", "mail\nexample.com"], "smtp.host: 'mail\\nexample.com'"),
    (["settings", "set", "smtp.host", "a b"], "smtp.host: 'a b' is not a host name"),
    (["settings", "set", "smtp.host", ""], "smtp.host: '' is not a host name"),
    (["settings", "set", "smtp.from", "a\x00b"], "smtp.from: 'a\\x00b' has a control character"),
    (["settings", "set", "smtp.username", "u\rDATA"], "smtp.username: 'u\\rDATA' has a control"),
    (["settings", "set", "smtp.from", "x" * 2000], "smtp.from: at most 1,000 characters"),
    (["runs", "--status", ""], "unknown status ''"),
    (["runs", "--workflow", ""], "unknown workflow ''"),
    (
        ["schedule", "send_birthday_email", "-p", "user=@ADA", "--timezone", "UTC"],
        "--timezone goes with --every",
    ),
    (
        [
            *["schedule", "send_birthday_email", "-p", "user=@ADA"],
            *["--every", "1 week", "--timezone", ""],
        ],
        "unknown time zone ''",
    ),
]


@pytest.mark.parametrize(
    ("args", "message"), BAD_INPUT, ids=lambda v: " ".join(v)[:40] if isinstance(v, list) else None
)
def test_bad_input_exits_2_with_one_line_and_changes_nothing(
    cli: Any, example_users: dict[str, str], data_dir: Path, args: list[str], message: str
) -> None:
    args = [a.replace("@ADA", example_users["Ada"]) for a in args]
    before = dump(data_dir)
    result = cli(*args)
    assert result.code == 2
    assert result.err.count("\n") == 1, result.err
    assert message in result.err
    assert "Traceback" not in result.err + result.out
    assert dump(data_dir) == before


def test_bad_workflow_file_lists_problems_and_changes_nothing(
    cli: Any, data_dir: Path, tmp_path: Path
) -> None:
    cli("import", BIRTHDAY)
    before = dump(data_dir)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "workflows:\n  w:\n    steps:\n      - action: fly\n      - action: log\n"
        "        with: {message: '{{ nope }}'}\n"
    )
    result = cli("import", str(bad))
    assert result.code == 2
    assert result.err.splitlines() == [
        "workflows.w.steps[1].action: unknown action 'fly' (known: cancel_scheduled, "
        "create_thing, delete_thing, http_request, log, modify_thing, notify, return_data, "
        "run_workflow, schedule_workflow, schedule_workflow_on_list, send_email, terminate)",
        "workflows.w.steps[2].with.message: unknown name 'nope'",
    ]
    malformed = tmp_path / "malformed.yaml"
    malformed.write_text("workflows: [unclosed\n")
    result = cli("import", str(malformed))
    assert result.code == 2 and result.err.count("\n") == 1 and "line 2" in result.err
    assert dump(data_dir) == before


def test_secret_refused_without_a_usable_keychain(cli: Any) -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    result = cli("secret", "set", "smtp.password", stdin="x\n")
    assert result.code == 2
    assert "no usable OS keychain" in result.err


def test_no_screen_gives_a_clear_error_instead_of_a_qt_abort(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    result = cli()
    assert result.code == 2
    assert result.err.startswith("cueflow: no screen to open the window on")
    assert "cueflow runner" in result.err


@pytest.mark.parametrize("items", [[], [{"a": 1}], [{"a": [1, {"b": "ß"}]}, {"c": None}, 3]])
def test_json_arrays_print_as_they_come_exactly_as_a_whole_list(
    items: list[object], capsys: pytest.CaptureFixture[str]
) -> None:
    from app import console

    console.print_json(items)
    whole = capsys.readouterr().out
    console.print_json_array(iter(items))
    assert capsys.readouterr().out == whole


def test_non_utf8_bytes_from_the_os_are_refused_and_never_stored(
    cli: Any, example_users: dict[str, str], data_dir: Path
) -> None:
    """A real process gets raw bytes in argv (not UTF-8): refused, nothing stored."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    before = dump(data_dir)
    for args in (
        [b"thing", b"add", b"User", b"-f", b"name=\xff\xfeAda"],
        [
            b"schedule",
            b"send_birthday_email",
            b"-p",
            b"user=" + example_users["Ada"].encode() + b"\xc3",
        ],
    ):
        done = subprocess.run(
            [sys.executable.encode(), b"-m", b"app", b"--data-dir", bytes(data_dir), *args],
            capture_output=True,
            cwd=ROOT,
            timeout=60,
        )
        err = done.stderr.decode("utf-8", "replace")
        assert done.returncode == 2, err
        assert err.count("\n") == 1 and "not valid UTF-8" in err, err
        assert "Traceback" not in err
    assert dump(data_dir) == before


def test_a_secret_that_is_not_utf8_is_refused(data_dir: Path, test_keyring: Path) -> None:
    import subprocess
    import sys

    import keyring

    from tests.conftest import ROOT

    for strict in (False, True):
        env = {
            **__import__("os").environ,
            **({"PYTHONIOENCODING": "utf-8:strict"} if strict else {}),
        }
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "app",
                "--data-dir",
                str(data_dir),
                "secret",
                "set",
                "smtp.password",
            ],
            input=b"pa\xff55\n",
            capture_output=True,
            cwd=ROOT,
            env=env,
            timeout=60,
        )
        err = done.stderr.decode()
        assert done.returncode == 2 and err.count("\n") == 1, err
        assert "not valid UTF-8: nothing stored" in err
    assert keyring.get_password("cueflow", "smtp.password") is None


@pytest.mark.parametrize("name", ["cueflow.db", "cueflow.db-wal", "cueflow.db.bak-0002", "link"])
def test_export_never_writes_over_the_database(
    cli: Any, example_users: dict[str, str], data_dir: Path, tmp_path: Path, name: str
) -> None:
    """`export -o` naming the database (or its WAL, a backup, a link to it): refused."""
    target = data_dir / name
    if name == "link":
        target = tmp_path / "backup.yaml"
        target.symlink_to(data_dir / "cueflow.db")
    before = dump(data_dir)
    result = cli("export", "-o", str(target))
    assert result.code == 2, result.err
    assert result.err.count("\n") == 1 and "Cueflow's own file" in result.err, result.err
    assert dump(data_dir) == before
    assert cli("runs").code == 0


@pytest.mark.parametrize("name", ["", " "])
def test_an_empty_data_dir_option_is_refused_not_the_default_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    from app.cli import main

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("CUEFLOW_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)  # (" " was a folder of that name made here)
    assert main(["--data-dir", name, "runs"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--data-dir: an empty folder name" in err, err
    assert list(tmp_path.iterdir()) == []
