"""Logs of the command line: the platform's log folder, rotation, -v / --debug, the
runner's log on stderr for journald, internal errors with their traceback."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app import commands, logfile, paths
from tests.conftest import ROOT, cueflow_run

pytestmark = pytest.mark.timeout(90)


def _home(tmp_path: Path) -> dict[str, str]:
    """An environment whose platform folders are under tmp_path and no data folder is set."""
    env = {k: v for k, v in os.environ.items() if k not in ("CUEFLOW_DATA_DIR", "CUEFLOW_LOG_DIR")}
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "share"),
        XDG_STATE_HOME=str(tmp_path / "state"),
    )
    return env


def _runner(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "runner", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("Cueflow runner for"), (line, process.stderr)
    return process


def _stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    return process.returncode, err


@pytest.mark.skipif(sys.platform != "linux", reason="XDG folders")
def test_the_default_folder_logs_in_the_platform_log_folder_and_rotates(tmp_path: Path) -> None:
    env = _home(tmp_path)
    folder = tmp_path / "state" / "Cueflow" / "log"
    folder.mkdir(parents=True)
    old = "an old line from an earlier runner\n"
    (folder / "cueflow.log").write_text(old * (logfile.MAX_BYTES // len(old) + 1))

    code, err = _stop(_runner(env))
    assert code == 0
    current = (folder / "cueflow.log").read_text()
    assert "scheduler started" in current and "scheduler stopped" in current
    assert (folder / "cueflow.log.1").read_text().startswith(old)  # rotated past its size
    data = tmp_path / "share" / "Cueflow"
    assert (data / "cueflow.db").exists() and not (data / "cueflow.log").exists()
    assert "scheduler started" not in err  # a pipe nobody promised to read: not on stderr


def test_log_folder_follows_the_data_folder_and_the_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.delenv("CUEFLOW_LOG_DIR", raising=False)
    chosen = tmp_path / "chosen"
    assert logfile.log_path(chosen) == chosen / "cueflow.log"
    if sys.platform == "linux":
        assert logfile.log_folder(paths.default_data_dir()) == tmp_path / "state/Cueflow/log"
    monkeypatch.setenv("CUEFLOW_LOG_DIR", str(tmp_path / "logs"))
    assert logfile.log_path(chosen) == tmp_path / "logs" / "cueflow.log"


def test_a_foreground_runner_under_journald_logs_to_stderr(tmp_path: Path, data_dir: Path) -> None:
    # As systemd does: JOURNAL_STREAM names the device and inode of the stderr it gave.
    journal = tmp_path / "journal.txt"
    with journal.open("w") as stderr:
        info = os.fstat(stderr.fileno())
        stream = f"{info.st_dev}:{info.st_ino}"
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "runner", "--data-dir", str(data_dir)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            cwd=ROOT,
            env={**os.environ, "JOURNAL_STREAM": stream},
        )
        assert process.stdout is not None
        assert process.stdout.readline().startswith("Cueflow runner for")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        process.stdout.close()
    err = journal.read_text()
    assert "INFO app.scheduling.clock: scheduler started" in err
    assert "scheduler stopped" in err
    assert "apscheduler" not in err.lower()
    # The variable inherited by a process whose stderr is another stream: not the journal.
    inherited = {**os.environ, "JOURNAL_STREAM": stream}
    code, err = _stop(_runner(inherited, "--data-dir", str(data_dir)))
    assert code == 0 and "scheduler started" not in err
    verbose = _runner({**os.environ}, "-v", "--data-dir", str(data_dir))
    code, err = _stop(verbose)
    assert code == 0 and "scheduler started" in err


@pytest.mark.parametrize(
    "args",
    [
        ["workflows"],
        ["runs", "--history"],
        ["schedules"],
        ["settings", "get", "smtp.port"],
        ["export"],
        ["cancel", "--overdue"],
        ["things", "Nothing"],
    ],
)
def test_verbose_and_debug_on_every_command(data_dir: Path, args: list[str], cli: Any) -> None:
    """In this process (main() gives stderr and the log level back after each command,
    checked below); the foreground runner above shows -v in a real process."""
    quiet = cli(*args)
    verbose = cli(*args, "-v")
    debug = cli("--debug", *args)
    assert quiet.code == verbose.code == debug.code
    assert "INFO app: data folder" not in quiet.err
    assert f"INFO app: data folder {data_dir}; log {data_dir / 'cueflow.log'}" in verbose.err
    assert "INFO app: data folder" in debug.err
    assert quiet.out == verbose.out == debug.out
    assert not [h for h in logging.getLogger().handlers if h.get_name() == "cueflow-stderr"]


def test_an_internal_error_is_one_line_and_its_traceback_goes_to_the_log(
    cli: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(args: Any) -> int:
        raise RuntimeError("the disk said no")

    monkeypatch.setattr(commands, "cmd_workflows", broken)
    result = cli("workflows")
    assert result.code == 70
    log = data_dir / "cueflow.log"
    assert result.err == (
        f"cueflow: internal error: RuntimeError: the disk said no (details in {log})\n"
    )
    text = log.read_text()
    assert "ERROR app: internal error in 'cueflow workflows'" in text
    assert "Traceback (most recent call last)" in text and "the disk said no" in text
    assert "Traceback" not in result.err
    level_before = logging.getLogger().level
    debug = cli("workflows", "--debug")
    assert debug.code == 70
    assert "Traceback (most recent call last)" in debug.err and "the disk said no" in debug.err
    assert debug.err.endswith(f"(details in {log})\n")
    assert not [h for h in logging.getLogger().handlers if h.get_name() == "cueflow-stderr"]
    assert logging.getLogger().level == level_before
    logfile.stop(data_dir)


def test_bad_input_leaves_no_traceback_and_no_log(data_dir: Path) -> None:
    result = cueflow_run(data_dir, "runs", "show", "nope")
    assert result.code == 2 and result.err.count("\n") == 1
    assert not (data_dir / "cueflow.log").exists()
