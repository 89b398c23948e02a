"""The command line's newer commands and forms (PRODUCT §5 "More commands"):
`workflows`, `runs show`, `runs --csv`, `schedule --each-file`, `--at HH:MM`,
global options after the command, and output that composes (data on stdout,
status on stderr, headers and colour only for a terminal)."""

from __future__ import annotations

import csv
import io
import os
import pty
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.core.types import local_zone
from tests.conftest import EXAMPLES, ROOT, Result, cueflow_run

FLOWS = """
cueflow: 1
data_types:
  Member:
    fields: {name: text}
things:
  Member:
    - {id: m1, name: Ada}
    - {id: m2, name: Bo}
workflows:
  greet:
    label: Greet someone
    parameters:
      member: {type: Member}
      count: {type: number, optional: true}
    steps:
      - action: log
        with: {message: "hello {{ member.name }}"}
  divide:
    parameters:
      n: {type: number}
    steps:
      - action: log
        with: {message: "before"}
      - action: log
        with: {message: "{{ 1 // n }}"}
  hooked:
    api: {expose: true, method: GET}
    steps:
      - action: log
        with: {message: "called"}
"""


@pytest.fixture
def flows(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "flows.yaml"
    path.write_text(FLOWS)
    result = cli("import", str(path))
    assert result.code == 0, result.err


def _upcoming(cli: Any) -> list[dict[str, Any]]:
    result = cli("runs", "--upcoming", "--json")
    assert result.code == 0, result.err
    return list(result.json())


# --- workflows ------------------------------------------------------------------------------


def test_workflows_lists_parameters_steps_and_api_exposure(cli: Any, flows: None) -> None:
    listed = {wf["name"]: wf for wf in cli("workflows", "--json").json()}
    assert set(listed) == {"greet", "divide", "hooked"}
    assert listed["greet"]["label"] == "Greet someone"
    assert listed["greet"]["parameters"] == [
        {"key": "member", "type": "Member", "optional": False},
        {"key": "count", "type": "number", "optional": True},
    ]
    assert listed["divide"]["steps"] == 2
    assert listed["greet"]["api"]["expose"] is False and listed["greet"]["api"]["endpoint"] is None
    assert listed["hooked"]["api"]["endpoint"] == "GET http://127.0.0.1:8931/api/1.1/wf/hooked"

    text = cli("workflows")
    assert text.code == 0
    lines = {line.split()[0]: line for line in text.out.splitlines()}
    assert "member: Member" in lines["greet"] and "count: number?" in lines["greet"]
    assert "not exposed" in lines["greet"]
    assert "GET http://127.0.0.1:8931/api/1.1/wf/hooked" in lines["hooked"]
    assert "2 steps" in lines["divide"]
    assert cli("settings", "set", "api.listen", "0.0.0.0:9000").code == 0
    moved = {wf["name"]: wf for wf in cli("workflows", "--json").json()}
    assert moved["hooked"]["api"]["endpoint"] == "GET http://0.0.0.0:9000/api/1.1/wf/hooked"


def test_workflows_on_an_empty_folder_prints_no_data(cli: Any) -> None:
    result = cli("workflows")
    assert result.code == 0 and result.out == "" and "no workflows" in result.err
    assert cli("workflows", "--json").json() == []


# --- runs show ------------------------------------------------------------------------------


def test_runs_show_has_every_attempt_its_steps_and_the_log(cli: Any, flows: None) -> None:
    failed = cli("run", "divide", "-p", "n=0", "--json")
    assert failed.code == 1
    run_id = failed.json()["id"]
    assert cli("runs", "--resume", run_id).code == 0
    # the resumed attempt is scheduled: run it as the scheduler would
    from app.engine.runner import Runner
    from app.storage.db import open_folder

    db = open_folder(Path(os.environ["CUEFLOW_DATA_DIR"]))
    try:
        Runner(db).execute(run_id)
    finally:
        db.dispose()

    shown = cli("runs", "show", run_id, "--json")
    assert shown.code == 0, shown.err
    run = shown.json()
    assert run["id"] == run_id and run["status"] == "failed" and run["origin"] == "cli"
    assert [a["attempt"] for a in run["attempts"]] == [1, 2]
    first = run["attempts"][0]["steps"]
    assert [(s["step"], s["action"], s["status"]) for s in first] == [
        (1, "log", "succeeded"),
        (2, "log", "failed"),
    ]
    assert "division" in first[1]["error"] or "zero" in first[1]["error"]
    assert first[0]["inputs"] == {"message": "before"}
    assert all(isinstance(s["duration_ms"], float) for s in first)
    messages = [line["message"] for line in run["log"]]
    assert "before" in messages and any("resumed" in m for m in messages)
    assert {line["level"] for line in run["log"]} <= {"info", "error", "warning"}

    text = cli("runs", "show", run_id)
    assert text.code == 0
    out = text.out
    assert out.startswith(f"run {run_id}  divide  failed")
    assert "attempt 1" in out and "attempt 2" in out
    assert "step 2 log: failed" in out and "inputs" in out and " ms)" in out
    assert "\nlog\n" in out and "before" in out
    assert "\033[" not in out  # not a terminal: no colour


def test_runs_show_of_an_unknown_id_is_one_line_exit_2(data_dir: Path) -> None:
    result = cueflow_run(data_dir, "runs", "show", "no-such-run")
    assert result.code == 2
    assert result.err.strip() == "cueflow: no run with ID 'no-such-run'"
    assert result.out == ""


# --- runs --csv -----------------------------------------------------------------------------


def test_runs_csv_has_a_header_and_the_table_columns(cli: Any, flows: None) -> None:
    ids = cli("schedule", "greet", "--each", "member=m1,m2", "-p", "count=1", "--at", "+1h")
    assert ids.code == 0, ids.err
    result = cli("runs", "--csv")
    assert result.code == 0
    rows = list(csv.reader(io.StringIO(result.out)))
    assert rows[0] == ["id", "status", "scheduled_for", "workflow", "params", "error", "origin"]
    assert [r[0] for r in rows[1:]] == ids.out.split()
    assert all(r[1] == "scheduled" and r[3] == "greet" and r[5] == "" for r in rows[1:])
    assert {r[6] for r in rows[1:]} == {"cli"}
    params = {r[4] for r in rows[1:]}
    assert params == {'{"count": 1, "member": "m1"}', '{"count": 1, "member": "m2"}'}
    assert datetime.fromisoformat(rows[1][2]).tzinfo is not None
    assert cli("runs", "--csv", "--json").code == 2  # one format at a time


# --- schedule --each-file ---------------------------------------------------------------------


def test_each_file_schedules_one_run_per_non_empty_line(
    cli: Any, flows: None, tmp_path: Path
) -> None:
    members = tmp_path / "members.txt"
    members.write_text("m1\n\n  m2  \r\nm1\n")
    result = cli("schedule", "greet", "--each-file", f"member={members}", "--interval", "60")
    assert result.code == 0, result.err
    ids = result.out.split()
    runs = {r["id"]: r for r in _upcoming(cli)}
    assert [runs[i]["params"]["member"] for i in ids] == ["m1", "m2", "m1"]
    times = [datetime.fromisoformat(runs[i]["scheduled_for"]) for i in ids]
    assert times[1] - times[0] == timedelta(seconds=60)


@pytest.mark.skipif(sys.platform == "win32", reason="file names are text on Windows")
def test_each_file_of_a_file_whose_name_is_not_utf8(data_dir: Path, cli: Any, flows: None) -> None:
    folder = os.fsencode(data_dir.parent)
    name = folder + b"/list-\xff.txt"
    with open(name, "wb") as handle:
        handle.write(b"m1\nm2\n")
    done = subprocess.run(
        [sys.executable, "-m", "app", "schedule", "greet", "--each-file", b"member=" + name],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.split()) == 2
    bad_key = subprocess.run(
        [sys.executable, "-m", "app", "schedule", "greet", "--each-file", b"m\xffx=" + name],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )
    assert bad_key.returncode == 2
    assert bad_key.stderr == b"cueflow: --each-file: parameter 'm\\xffx' is not valid UTF-8 text\n"


def test_each_file_reads_standard_input(cli: Any, flows: None) -> None:
    result = cli("schedule", "greet", "--each-file", "member=-", stdin="m2\nm1\n")
    assert result.code == 0, result.err
    assert sorted(r["params"]["member"] for r in _upcoming(cli)) == ["m1", "m2"]


def test_each_file_of_100000_lines_from_a_real_pipe(data_dir: Path, cli: Any, flows: None) -> None:
    lines = "".join(("m1\n", "m2\n")[i % 2] for i in range(100_000))
    result = cueflow_run(data_dir, "schedule", "greet", "--each-file", "member=-", stdin=lines)
    assert result.code == 0, result.err
    assert len(result.out.split()) == 100_000 and result.err == ""
    count = cueflow_run(data_dir, "runs", "--upcoming", "--csv")
    assert len(count.out.splitlines()) == 100_001


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"m1\nnope\n", "line 2: parameter 'member' (Member): no Member with ID 'nope'"),
        (b"m1\n\n\xff\xfe\n", "line 3: not valid UTF-8 text"),
        (b"m1\nm\x002\n", "line 2: 'm\\x002' has a control character"),
        (b"\x7fELF\x02\x01\x01\x00\x00", "line 1: '\\x7fELF\\x02\\x01\\x01\\x00\\x00' has a"),
        (b"\n\n  \n", "no lines, nothing to schedule"),
    ],
)
def test_a_bad_each_file_is_named_by_line_and_schedules_nothing(
    cli: Any, flows: None, tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "list.txt"
    path.write_bytes(content)
    result = cli("schedule", "greet", "--each-file", f"member={path}")
    assert result.code == 2
    assert result.err.count("\n") == 1 and reason in result.err, result.err
    assert _upcoming(cli) == []


def test_a_missing_or_unreadable_each_file_is_one_line(
    cli: Any, flows: None, tmp_path: Path
) -> None:
    missing = cli("schedule", "greet", "--each-file", f"member={tmp_path / 'none.txt'}")
    assert missing.code == 2 and "cannot read it (No such file or directory)" in missing.err
    folder = cli("schedule", "greet", "--each-file", f"member={tmp_path}")
    assert folder.code == 2 and "cannot read it" in folder.err
    if os.geteuid() != 0:  # root reads any file
        locked = tmp_path / "locked.txt"
        locked.write_text("m1\n")
        locked.chmod(0)
        denied = cli("schedule", "greet", "--each-file", f"member={locked}")
        assert denied.code == 2 and "Permission denied" in denied.err
    for bad in ("member", "=x", f"nosuch={tmp_path / 'x'}"):
        result = cli("schedule", "greet", "--each-file", bad)
        assert result.code == 2 and result.err.count("\n") == 1, (bad, result.err)
    assert cli("schedule", "greet", "--each", "member=m1", "--each-file", "member=-").code == 2
    assert _upcoming(cli) == []


# --- --at HH:MM and tomorrow HH:MM ---------------------------------------------------------


def test_at_a_time_of_day_is_the_next_such_local_time(cli: Any, flows: None) -> None:
    before = datetime.now(local_zone())
    today = cli("schedule", "greet", "-p", "member=m1", "--at", "23:59")
    tomorrow = cli("schedule", "greet", "-p", "member=m1", "--at", "tomorrow 07:30")
    assert today.code == 0 and tomorrow.code == 0, today.err + tomorrow.err
    runs = {r["id"]: datetime.fromisoformat(r["scheduled_for"]) for r in _upcoming(cli)}
    at = runs[today.out.strip()].astimezone(local_zone())
    assert (at.hour, at.minute) == (23, 59)
    assert timedelta(0) < at - before <= timedelta(days=1)
    morning = runs[tomorrow.out.strip()].astimezone(local_zone())
    assert (morning.hour, morning.minute) == (7, 30)
    assert morning.date() == before.date() + timedelta(days=1)


@pytest.mark.parametrize(
    ("when", "reason"),
    [
        ("25:00", "'25:00' is not a time of day (HH:MM from 00:00 to 23:59)"),
        ("12:60", "is not a time of day"),
        ("tomorrow 7", "'tomorrow 7' is not a time (use 'tomorrow HH:MM'"),
        ("tomorrow", "use 'tomorrow HH:MM'"),
        ("9:00:00:00", "is not a time"),
    ],
)
def test_a_bad_time_of_day_is_refused(cli: Any, flows: None, when: str, reason: str) -> None:
    result = cli("schedule", "greet", "-p", "member=m1", "--at", when)
    assert result.code == 2 and reason in result.err and result.err.count("\n") == 1
    assert _upcoming(cli) == []


# --- global options before or after the command ----------------------------------------------


def test_global_options_go_before_or_after_the_command(
    tmp_path: Path,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Argument parsing: main() in this process, as `python -m app` calls it."""
    from app.cli import main

    other = tmp_path / "other"
    monkeypatch.delenv("CUEFLOW_DATA_DIR")

    def cueflow(*args: str) -> Result:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    birthday = str(EXAMPLES / "birthday.yaml")
    assert cueflow("import", birthday, "--data-dir", str(other)).code == 0
    after = cueflow("things", "User", "--json", "--data-dir", str(other), "-v")
    before = cueflow("--data-dir", str(other), "-v", "things", "User", "--json")
    assert after.code == before.code == 0, after.err
    assert after.out == before.out and '"Ada"' in after.out
    assert "INFO app: data folder" in after.err and "INFO app: data folder" in before.err
    nested = cueflow("thing", "add", "User", "-f", "name=Cy", "--data-dir", str(other))
    assert nested.code == 0, nested.err
    assert (other / "cueflow.db").exists() and not (data_dir / "cueflow.db").exists()
    debug = cueflow("runs", "--debug", "--data-dir", str(other))
    assert debug.code == 0


# --- output that composes -------------------------------------------------------------------


def test_runs_piped_to_wc_counts_exactly_the_runs(data_dir: Path, cli: Any, flows: None) -> None:
    assert cli("schedule", "greet", "--each", "member=m1,m2,m1", "--at", "+1h").code == 0
    pipe = subprocess.run(
        f"{sys.executable} -m app runs --data-dir {data_dir} | wc -l",
        shell=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert pipe.stdout.strip() == "3"
    assert "scheduler: not running" in pipe.stderr  # the status went to stderr
    empty = cueflow_run(data_dir, "runs", "--history")
    assert empty.out == "" and "no runs" in empty.err


def _on_a_terminal(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """What `cueflow ARGS` writes to a real pseudo-terminal (stdout and stderr)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "NO_COLOR"},
            "TERM": "xterm",
            **(env or {}),
        },
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other side closed (Linux: EIO)
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=60) == 0
    return b"".join(chunks).decode()


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_terminal_gets_a_header_and_colour_unless_no_color(
    data_dir: Path, cli: Any, flows: None
) -> None:
    assert cli("schedule", "greet", "-p", "member=m1", "--at", "+1h").code == 0
    coloured = _on_a_terminal(data_dir, "runs")
    assert "STATUS" in coloured and "SCHEDULED FOR" in coloured
    assert "\033[" in coloured
    plain = _on_a_terminal(data_dir, "runs", env={"NO_COLOR": "1"})
    assert "STATUS" in plain and "\033[" not in plain
    piped = cueflow_run(data_dir, "runs")
    assert "STATUS" not in piped.out and "\033[" not in piped.out + piped.err


# --- importing many things -------------------------------------------------------------------


def test_importing_100000_things_keeps_every_check(
    data_dir: Path, tmp_path: Path, cli: Any
) -> None:
    from benchmarks.things_import import things_file

    path = tmp_path / "things.json"
    path.write_text(things_file(100_000))
    result = cueflow_run(data_dir, "import", str(path))
    assert result.code == 0, result.err
    assert result.out.strip() == "imported 0 workflows, 1 data type, 100000 things, 0 triggers"
    assert result.err == ""  # no terminal: no progress bar
    listed = cli("things", "User", "--json").json()  # (in this process: no start-up)
    assert len(listed) == 100_000 and len({t["id"] for t in listed}) == 100_000
    assert {"email": "user7@example.com", "name": "User 7", "age": 7} in [
        {k: v for k, v in t.items() if k != "id"} for t in listed[:20]
    ]
    # one bad value among 100,000: named by its place, nothing written
    text = things_file(1_000).replace('"User 500", "age": 50', '"User 500", "age": "old"')
    bad = tmp_path / "bad.json"
    bad.write_text(text.replace('"User"', '"Member"'))
    refused = cli("import", str(bad))
    assert refused.code == 2 and "things.Member[501].age" in refused.err, refused.err
    assert "Member" not in cli("export").out


def test_import_draws_its_progress_on_a_terminal_stderr(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import console
    from benchmarks.things_import import things_file

    path = tmp_path / "things.json"
    path.write_text(things_file(25_000))
    monkeypatch.setattr(console.Progress, "AFTER", 0.0)
    piped = cli("import", str(path))
    assert piped.code == 0 and piped.err == ""  # stderr is not a terminal: no bar
    monkeypatch.setattr(console, "ansi_terminal", lambda stream: True)
    shown = cli("import", str(path))
    assert shown.code == 0, shown.err
    assert "importing things [" in shown.err and "25,000/25,000" in shown.err
    assert shown.err.endswith("\r\033[K")  # the bar's line is cleared at the end
    assert shown.out.startswith("imported 0 workflows, 1 data type, 25000 things")


def test_scheduling_on_a_long_list_shows_its_time_on_a_terminal_stderr(
    cli: Any, flows: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import console

    members = cli("things", "Member", "--json").json()
    path = tmp_path / "ids.txt"
    path.write_text("".join(f"{members[0]['id']}\n" for _ in range(5_000)))
    monkeypatch.setattr(console.Progress, "AFTER", 0.0)
    monkeypatch.setattr(console.Progress, "TICK", 0.001)
    piped = cli("schedule", "greet", "--each-file", f"member={path}", "--at", "+1h")
    assert piped.code == 0 and piped.err == ""  # not a terminal: no bar
    monkeypatch.setattr(console, "ansi_terminal", lambda stream: True)
    shown = cli("schedule", "greet", "--each-file", f"member={path}", "--at", "+1h")
    assert shown.code == 0, shown.err
    assert "scheduling 5,000 runs… " in shown.err and shown.err.endswith("\r\033[K")
    assert len(shown.out.splitlines()) == 5_000  # the run IDs, on stdout alone
