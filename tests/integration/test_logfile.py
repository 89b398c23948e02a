"""cueflow.log: written by the folder's scheduler process, rotated, without library chatter."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from app import logfile
from tests.support.processes import RunnerProcess

pytestmark = pytest.mark.timeout(60)


def test_runner_rotates_a_full_log_and_keeps_apscheduler_quiet(
    data_dir: Path, runner: RunnerProcess
) -> None:
    old = "an old line from an earlier runner\n"
    (data_dir / "cueflow.log").write_text(old * (logfile.MAX_BYTES // len(old) + 1))
    for number in (1, 2, 3):  # full backups already there: the oldest goes
        (data_dir / f"cueflow.log.{number}").write_text(f"backup {number}\n")

    runner.start()
    assert runner.stop() == 0

    current = (data_dir / "cueflow.log").read_text()
    assert "scheduler started" in current and "scheduler stopped" in current, current
    assert "old line" not in current
    assert (data_dir / "cueflow.log.1").read_text().startswith(old)
    assert (data_dir / "cueflow.log.2").read_text() == "backup 1\n"
    assert (data_dir / "cueflow.log.3").read_text() == "backup 2\n"
    assert not (data_dir / "cueflow.log.4").exists()
    assert "apscheduler" not in current  # "Scheduler started", "Added job" … stay out


def test_log_stays_within_its_files_and_size(tmp_path: Path) -> None:
    logfile.own(tmp_path, max_bytes=2_000)
    try:
        for number in range(1_000):
            logging.getLogger("app.test").info("line %04d of a busy scheduler", number)
            logging.getLogger("apscheduler.scheduler").info("Added job %d", number)
            logging.getLogger("httpx").info("HTTP Request: GET http://x/?key=secret")
    finally:
        logfile.stop(tmp_path)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["cueflow.log", "cueflow.log.1", "cueflow.log.2", "cueflow.log.3"]
    assert all((tmp_path / name).stat().st_size <= 2_000 for name in files)
    text = "".join((tmp_path / name).read_text() for name in files)
    assert "line 0999" in (tmp_path / "cueflow.log").read_text()
    assert "Added job" not in text and "key=secret" not in text


def test_a_process_that_does_not_own_the_folder_never_rotates(tmp_path: Path) -> None:
    path = tmp_path / "cueflow.log"
    path.write_text("x" * (logfile.MAX_BYTES + 10) + "\n")
    logfile.start(tmp_path)  # e.g. a window that hands over to the running one
    try:
        logging.getLogger("app.test").info("handed over")
    finally:
        logfile.stop(tmp_path)
    assert not (tmp_path / "cueflow.log.1").exists()
    assert path.read_text().endswith("handed over\n")
