"""Faults of the database: another writer holding the lock, and a full disk.

A locked database only delays work (busy timeout 15 s); a full disk fails the
run that could not be written with a clear reason, the scheduler keeps going,
and the ledger stays intact.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from app.core.types import utcnow
from app.engine.events import EventBus
from app.engine.service import Service
from app.scheduling.clock import Clock
from app.storage import ledger
from app.storage.db import Database, init_db
from app.workflow_file import import_text
from tests.support.reliability import TERMINAL, integrity, wait_until

pytestmark = pytest.mark.timeout(90)

FLOWS = """
cueflow: 1
data_types:
  Blob:
    fields: {size: number, text: text}
workflows:
  note:
    parameters: {text: {type: text}}
    steps:
      - action: log
        with: {message: "{{ text }}"}
  store:
    parameters: {size: {type: number}}
    steps:
      - action: create_thing
        with: {type: Blob, fields: {size: "{{ size }}", text: "{{ 'x' * size }}"}}
      - action: log
        with: {message: "stored {{ size }} bytes"}
"""


def _row(db: Database, run_id: str) -> ledger.m.Run:
    with db.read() as session:
        return ledger.get_run(session, run_id)


def _finished(db: Database, run_id: str, timeout: float) -> ledger.m.Run:
    try:
        return wait_until(
            lambda: row if (row := _row(db, run_id)).status in TERMINAL else None, timeout
        )
    except AssertionError:
        row = _row(db, run_id)
        raise AssertionError(
            f"run {run_id} still {row.status} after {timeout} s (error: {row.error})"
        ) from None


@contextlib.contextmanager
def _clock(db: Database) -> Iterator[tuple[Clock, Service]]:
    events = EventBus()
    clock = Clock(db, events)
    clock.start()
    try:
        yield clock, Service(db, events)
    finally:
        clock.stop(timeout=5)


def test_a_run_waits_for_another_writer_and_then_completes(db: Database, data_dir: Path) -> None:
    import_text(db, FLOWS)
    with _clock(db) as (_, service):
        due = service.schedule(
            "note", {"text": "after the lock"}, at=utcnow() + timedelta(seconds=0.5)
        )
        blocker = sqlite3.connect(data_dir / "cueflow.db", isolation_level=None, timeout=30)
        blocker.execute("BEGIN IMMEDIATE")
        blocker.execute("INSERT INTO settings (key, value) VALUES ('test.lock', 'held')")
        locked_at = time.monotonic()

        # Meanwhile someone schedules another run: it waits for the lock, it does not fail.
        scheduled: list[str] = []
        errors: list[BaseException] = []

        def schedule_meanwhile() -> None:
            try:
                scheduled.append(service.schedule("note", {"text": "scheduled while locked"}))
            except BaseException as exc:
                errors.append(exc)

        worker = threading.Thread(target=schedule_meanwhile)
        worker.start()
        time.sleep(3)
        assert _row(db, due).status in ("scheduled", "running")  # it could not finish yet
        assert not scheduled and not errors
        blocker.execute("COMMIT")
        released_at = time.monotonic()
        blocker.close()
        worker.join(timeout=20)
        assert not errors, errors
        assert released_at - locked_at >= 3
        first = _finished(db, due, timeout=20)
        second = _finished(db, scheduled[0], timeout=20)
        assert first.status == "succeeded", (first.status, first.error)
        assert second.status == "succeeded", (second.status, second.error)
        later = service.schedule("note", {"text": "later"})
        assert _finished(db, later, timeout=10).status == "succeeded"
    assert integrity(data_dir / "cueflow.db") == "ok"


def test_the_command_line_waits_for_a_locked_database(db: Database, data_dir: Path) -> None:
    from tests.conftest import cueflow_run

    import_text(db, FLOWS)
    blocker = sqlite3.connect(
        data_dir / "cueflow.db", isolation_level=None, timeout=30, check_same_thread=False
    )
    blocker.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(3, lambda: (blocker.execute("COMMIT"), blocker.close()))
    timer.start()
    try:
        started = time.monotonic()
        done = cueflow_run(data_dir, "schedule", "note", "-p", "text=hi", "--at", "+1d")
        assert done.code == 0, done.err
        assert time.monotonic() - started >= 2.5
    finally:
        timer.join()
    assert _row(db, done.out.strip()).status == "scheduled"


# --- disk full ------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs; skipped where mounting is not permitted."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'not permitted'})")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _fill(folder: Path, leave: int) -> Path:
    """Fill the file system until only about `leave` bytes are free."""
    filler = folder / "filler"
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    with open(filler, "wb") as handle:
        try:
            handle.write(b"\0" * max(0, free - leave))
            handle.flush()
            os.fsync(handle.fileno())
        except OSError:
            pass
    return filler


def test_a_full_disk_fails_the_run_clearly_and_the_scheduler_survives(small_disk: Path) -> None:
    data_dir = small_disk / "data"
    data_dir.mkdir()
    db = init_db(f"sqlite:///{data_dir / 'cueflow.db'}")
    try:
        import_text(db, FLOWS)
        with _clock(db) as (clock, service):
            warm = service.schedule("store", {"size": 1000})
            assert _finished(db, warm, 10).status == "succeeded"
            filler = _fill(small_disk, leave=64 * 1024)
            big = service.schedule("store", {"size": 900_000})  # cannot fit
            # With the disk full not even the failure can be written (SQLite cannot
            # checkpoint its WAL into a file that cannot grow): the clock keeps the
            # run's failure and writes it as soon as there is room again.
            wait_until(
                lambda: big in clock._unsettled or _row(db, big).status == "failed", timeout=15
            )
            assert all(t.is_alive() for t in clock._threads), "a clock thread died"

            filler.unlink()  # space again: the scheduler goes on by itself
            row = _finished(db, big, timeout=15)
            assert row.status == "failed", (row.status, row.error)
            assert row.error and "\n" not in row.error
            assert any(word in row.error.lower() for word in ("disk", "full", "space")), row.error
            after = service.schedule("store", {"size": 1000})
            assert _finished(db, after, 20).status == "succeeded"
            assert _row(db, big).status == "failed"
    finally:
        db.dispose()
    assert integrity(data_dir / "cueflow.db") == "ok"
    with sqlite3.connect(data_dir / "cueflow.db") as connection:
        left = connection.execute(
            "SELECT count(*) FROM runs WHERE status IN ('running', 'scheduled')"
        ).fetchone()[0]
    assert left == 0


def test_a_full_disk_while_scheduling_is_a_clear_error(small_disk: Path) -> None:
    """`cueflow schedule` on a full disk: one line (status 2 or 70), nothing half-written."""
    from tests.conftest import cueflow_run

    data_dir = small_disk / "data"
    data_dir.mkdir()
    init_db(f"sqlite:///{data_dir / 'cueflow.db'}").dispose()
    flows = small_disk / "flows.yaml"
    flows.write_text(FLOWS)
    assert cueflow_run(data_dir, "import", str(flows)).code == 0
    each = ",".join(str(i) for i in range(20000))
    filler = _fill(small_disk, leave=16 * 1024)
    done = cueflow_run(data_dir, "schedule", "note", "--each", f"text={each}", "--at", "+1d")
    assert done.code != 0
    assert "Traceback" not in done.err and done.err.count("\n") == 1, done.err
    assert any(word in done.err.lower() for word in ("disk", "full", "space")), done.err
    filler.unlink()
    assert integrity(data_dir / "cueflow.db") == "ok"
    with sqlite3.connect(data_dir / "cueflow.db") as connection:
        assert connection.execute("SELECT count(*) FROM runs").fetchone()[0] == 0
