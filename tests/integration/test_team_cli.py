"""Team mode from the command line, real processes on a real PostgreSQL server:
--database-url for every command, a second `cueflow runner` joining, `cueflow
runners`, sign-off on SIGTERM, and `cueflow db copy` (PRODUCT §7)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from tests.conftest import ROOT, Result, cueflow_run, postgres_or_skip
from tests.support.postgres import PostgresServer
from tests.support.waiting import wait_until

FLOWS = """
cueflow: 1
data_types:
  Note: {fields: {text: text}}
workflows:
  note:
    parameters: {text: {type: text}}
    steps:
      - action: create_thing
        with: {type: Note, fields: {text: "{{ text }}"}}
"""


@pytest.fixture
def server(request: pytest.FixtureRequest) -> PostgresServer:
    return postgres_or_skip(request)


@pytest.fixture
def url(server: PostgresServer) -> Iterator[str]:
    made = server.create(migrated=False)  # empty: the first command creates the schema
    yield made.render_as_string(hide_password=False)
    server.drop(made)


def team(cli: Any, url: str, *args: str) -> Result:
    """`cueflow --database-url URL …` in this process (`cli`: the same main(), output and
    exit code): the runners are the processes these tests are about."""
    return cast(Result, cli("--database-url", url, *args))


def start_runner(data_dir: Path, url: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "--database-url", url, "runner"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("Cueflow runner for postgresql://"):
        proc.kill()
        raise AssertionError(f"runner did not start: {line!r} {proc.communicate()[1]}")
    assert ":" not in line.split("@")[0].removeprefix("Cueflow runner for postgresql://")
    return proc


def runners(cli: Any, url: str) -> list[dict[str, object]]:
    result = team(cli, url, "runners", "--json")
    assert result.code == 0, result.err
    rows: list[dict[str, object]] = json.loads(result.out)
    return rows


def test_two_runners_share_one_database_and_sign_off_on_sigterm(
    data_dir: Path, url: str, tmp_path: Path, cli: Any
) -> None:
    flows = tmp_path / "flows.yaml"
    flows.write_text(FLOWS, encoding="utf-8")
    assert team(cli, url, "import", str(flows)).code == 0
    assert runners(cli, url) == []
    first = start_runner(data_dir, url)
    second = start_runner(data_dir, url)  # the same folder: joins, does not exit
    try:
        wait_until(lambda: len(runners(cli, url)) == 2, timeout=20)
        assert sorted(int(str(r["pid"])) for r in runners(cli, url)) == sorted(
            [first.pid, second.pid]
        )
        ids = [team(cli, url, "schedule", "note", "-p", f"text=n{i}").out.strip() for i in range(6)]
        assert all(ids)

        def done() -> bool:
            rows = json.loads(team(cli, url, "runs", "--json").out)
            return sum(r["status"] == "succeeded" for r in rows) == 6

        wait_until(done, timeout=30)
        notes = team(cli, url, "things", "Note", "--json")
        assert len(json.loads(notes.out)) == 6
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=15) == 0
        assert [int(str(r["pid"])) for r in runners(cli, url)] == [second.pid]
        text = team(cli, url, "runners")
        assert f"process {second.pid}" in text.out and (
            "run in flight" in text.out or "runs in flight" in text.out
        )
        assert "schedulers: 1 running" in team(cli, url, "runs").err  # status: stderr
    finally:
        for proc in (first, second):
            if proc.poll() is None:
                proc.kill()
            proc.communicate(timeout=10)


def test_an_unreachable_database_url_is_one_line_and_exit_2(data_dir: Path) -> None:
    result = cueflow_run(
        data_dir, "--database-url", "postgresql://cueflow:secret@127.0.0.1:1/none", "runs"
    )
    assert result.code == 2
    assert "secret" not in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "127.0.0.1" in result.err


def test_db_copy_moves_a_folder_with_history_and_refuses_a_non_empty_target(
    data_dir: Path, url: str, server: PostgresServer, tmp_path: Path, cli: Any
) -> None:
    flows = tmp_path / "flows.yaml"
    flows.write_text(FLOWS, encoding="utf-8")
    assert cli("import", str(flows)).code == 0
    assert cli("run", "note", "-p", "text=past").code == 0
    assert cli("schedule", "note", "-p", "text=later", "--at", "+1h").code == 0
    before = json.loads(cli("runs", "--json").out)
    copied = cueflow_run(data_dir, "db", "copy", "--to", url)
    assert copied.code == 0, copied.err
    assert "every table's row count matches" in copied.out
    assert "secret" not in copied.out
    after = json.loads(team(cli, url, "runs", "--json").out)
    assert after == before
    assert [n["text"] for n in json.loads(team(cli, url, "things", "Note", "--json").out)] == [
        "past"
    ]
    # IDs go on after the copied rows: a new thing does not collide.
    assert team(cli, url, "thing", "add", "Note", "-f", "text=new").code == 0
    again = cli("db", "copy", "--to", url)
    assert again.code == 2 and "is not empty" in again.err
    assert len(json.loads(team(cli, url, "runs", "--json").out)) == len(before)
    wrong = cueflow_run(data_dir, "db", "copy", "--to", "sqlite:///elsewhere.db")
    assert wrong.code == 2 and "postgresql://" in wrong.err


def test_runners_on_a_data_folder_lists_its_one_scheduler(runner: Any, cli: Any) -> None:
    """On SQLite: the folder's scheduler from its heartbeat file (no schedulers rows)."""
    none = cli("runners", "--json")
    assert none.code == 0 and json.loads(none.out) == []
    assert "no scheduler running" in cli("runners").out
    runner.start()
    wait_until(lambda: len(json.loads(cli("runners", "--json").out)) == 1)
    [row] = json.loads(cli("runners", "--json").out)
    assert row["pid"] == runner.pid and row["runs_in_flight"] == 0


@pytest.mark.parametrize(
    "args",
    [
        ["--database-url", "x" * 10_000, "runs"],
        ["--database-url", "postgresql://", "runners"],
        ["--database-url", "postgresql://u@127.0.0.1:1/db?sslmode=bogus", "runners"],
        ["db", "copy", "--to", "postgresql://u@127.0.0.1:1"],
        ["db", "copy", "--to", "mysql://u@h/db"],
        ["db", "copy"],
        ["runners", "--json", "extra"],
    ],
)
def test_hostile_database_arguments_are_one_line_and_exit_2(
    data_dir: Path, args: list[str]
) -> None:
    result = cueflow_run(data_dir, *args)
    assert result.code == 2, result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert "Traceback" not in result.err


def test_a_database_url_of_invalid_utf8_is_refused(data_dir: Path) -> None:
    where = [b"--data-dir", str(data_dir).encode()]
    done = subprocess.run(
        [
            sys.executable.encode(),
            b"-m",
            b"app",
            *where,
            b"--database-url",
            b"postgresql://u@h/\xff\xfe",
            b"runs",
        ],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_db_copy_tells_its_progress_bar_every_row_it_moves(
    data_dir: Path, url: str, tmp_path: Path, cli: Any
) -> None:
    from app.storage.copy import copy_database, source_rows
    from app.storage.db import open_database

    flows = tmp_path / "flows.yaml"
    flows.write_text(FLOWS, encoding="utf-8")
    assert cli("import", str(flows)).code == 0
    for n in range(3):
        assert cli("run", "note", "-p", f"text={n}").code == 0
    source, target = open_database(data_dir), open_database(url)
    try:
        told: list[int] = []
        counts = copy_database(source, target, told.append)
        assert sum(told) == sum(counts.values()) == source_rows(source)
        assert counts["things"] == 3 and all(chunk > 0 for chunk in told)
    finally:
        source.dispose()
        target.dispose()
