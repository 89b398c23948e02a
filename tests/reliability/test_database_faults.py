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
from typing import Any

import pytest

from app.core.types import utcnow
from app.engine.events import EventBus
from app.engine.service import Service
from app.errors import DatabaseProblem
from app.scheduling.clock import Clock
from app.storage import ledger
from app.storage.db import Database, init_db
from app.workflow_file import import_text
from tests.support.reliability import TERMINAL, integrity
from tests.support.waiting import wait_until

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
        time.sleep(3)  # time is the point: a lock held this long is waited for, not an error
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
    """`cueflow schedule` on a full disk: one line naming the file, status 2, nothing written."""
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
    _one_clear_line(done, str(data_dir / "cueflow.db"), "disk is full")
    filler.unlink()
    assert integrity(data_dir / "cueflow.db") == "ok"
    with sqlite3.connect(data_dir / "cueflow.db") as connection:
        assert connection.execute("SELECT count(*) FROM runs").fetchone()[0] == 0


# --- a data folder or database file Cueflow cannot use ----------------------------------------


def _one_clear_line(done: Any, *words: str) -> str:
    """Exit status 2, one line on stderr with every word in it, never a traceback."""
    assert done.code == 2, (done.code, done.err)
    assert "Traceback" not in done.err and done.err.count("\n") == 1, done.err
    for word in words:
        assert word in done.err, (word, done.err)
    return str(done.err)


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A data folder with a database in it, on a file system mounted read-only.

    (The tests run as root, for whom chmod stops nothing; a read-only mount
    stops everyone.) Skipped where mounting is not permitted.
    """
    from tests.conftest import cueflow_run

    mount_point = tmp_path / "ro"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or 'not permitted'})")
    try:
        data_dir = mount_point / "data"
        flows = mount_point / "flows.yaml"
        flows.write_text(FLOWS)
        assert cueflow_run(data_dir, "import", str(flows)).code == 0
        remount = subprocess.run(
            ["mount", "-o", "remount,ro", str(mount_point)], capture_output=True, text=True
        )
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only ({remount.stderr.strip()})")
        yield data_dir
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.mark.parametrize(
    "args", [["runs"], ["runner"], ["schedule", "note", "-p", "text=x"], ["export"]]
)
def test_a_read_only_data_folder_is_named_with_the_cause(
    read_only_folder: Path, args: list[str]
) -> None:
    from tests.conftest import cueflow_run

    before = (read_only_folder / "cueflow.db").read_bytes()
    done = cueflow_run(read_only_folder, *args)
    _one_clear_line(done, str(read_only_folder), "Read-only file system", "--data-dir")
    assert (read_only_folder / "cueflow.db").read_bytes() == before
    new = cueflow_run(read_only_folder / "new", "runs")
    _one_clear_line(new, str(read_only_folder / "new"), "cannot create it", "Read-only")


def test_a_data_folder_that_is_a_file_is_named(tmp_path: Path) -> None:
    from tests.conftest import cueflow_run

    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    _one_clear_line(cueflow_run(a_file, "runs"), str(a_file), "a file of that name")
    _one_clear_line(cueflow_run(a_file / "data", "runs"), str(a_file / "data"), "Not a directory")
    assert a_file.read_text() == "mine"


def _damage(data_dir: Path, how: str) -> bytes:
    path = data_dir / "cueflow.db"
    if how == "garbage":
        path.write_bytes(os.urandom(64 * 1024))
    else:  # truncated: the header and the schema survive, the pages of the runs do not
        with sqlite3.connect(path) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        size = path.stat().st_size
        with open(path, "r+b") as handle:
            handle.truncate(size // 3)
    return path.read_bytes()


def _fill_ledger(data_dir: Path) -> None:
    db = init_db(f"sqlite:///{data_dir / 'cueflow.db'}")
    try:
        import_text(db, FLOWS)
        texts = [f"run {index} " + "x" * 200 for index in range(300)]  # one write, not 300
        Service(db).schedule_on_list("note", texts, "text", {}, at=utcnow() + timedelta(days=1))
    finally:
        db.dispose()


@pytest.mark.parametrize("how", ["garbage", "truncated"])
def test_a_damaged_database_is_named_refused_and_the_way_out_offered(
    data_dir: Path, how: str
) -> None:
    from tests.conftest import cueflow_run

    _fill_ledger(data_dir)
    (data_dir / "cueflow.db.bak-0002").write_bytes(b"an older copy")
    damaged = _damage(data_dir, how)
    path = data_dir / "cueflow.db"
    runner = cueflow_run(data_dir, "runner")  # refuses at once: never a scheduler on it
    err = _one_clear_line(runner, str(path), "is damaged", "sqlite3", ".recover")
    assert str(data_dir / "cueflow.db.bak-0002") in err
    assert not runner.out.startswith("Cueflow runner for"), runner.out
    for args in (["runs"], ["schedule", "note", "-p", "text=x"]):
        _one_clear_line(cueflow_run(data_dir, *args), str(path), "is damaged", ".recover")
    assert path.read_bytes() == damaged


def test_a_full_disk_when_the_database_is_created_names_the_file(small_disk: Path) -> None:
    from tests.conftest import cueflow_run

    data_dir = small_disk / "data"
    data_dir.mkdir()
    filler = _fill(small_disk, leave=0)
    done = cueflow_run(data_dir, "runs")
    _one_clear_line(done, str(data_dir / "cueflow.db"), "disk is full")
    filler.unlink()
    assert cueflow_run(data_dir, "runs").code == 0


@pytest.mark.parametrize("name", ["a?mode=ro", "100%25 sure", "x#y", "q?x=1%20#frag"])
def test_a_data_folder_with_url_characters_keeps_its_database_inside(
    tmp_path: Path, name: str
) -> None:
    from tests.conftest import cueflow_run

    data_dir = tmp_path / name
    flows = tmp_path / "flows.yaml"
    flows.write_text(FLOWS)
    assert cueflow_run(data_dir, "import", str(flows)).code == 0
    done = cueflow_run(data_dir, "schedule", "note", "-p", "text=x", "--at", "+1d")
    assert done.code == 0, done.err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["flows.yaml", name])
    with sqlite3.connect(data_dir / "cueflow.db") as connection:
        ids = [row[0] for row in connection.execute("SELECT id FROM runs")]
    connection.close()
    assert ids == [done.out.strip()]


def test_a_read_only_database_file_is_named_with_the_way_out(data_dir: Path) -> None:
    """The file itself cannot be written (immutable: root included); the folder can."""
    from tests.conftest import cueflow_run

    _fill_ledger(data_dir)
    path = data_dir / "cueflow.db"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    for leftover in ("cueflow.db-wal", "cueflow.db-shm"):
        (data_dir / leftover).unlink(missing_ok=True)
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not supported here ({done.stderr.strip()})")
    try:
        before = path.read_bytes()
        for args in (["schedule", "note", "-p", "text=x"], ["settings", "set", "smtp.port", "26"]):
            _one_clear_line(cueflow_run(data_dir, *args), str(path), "read-only", "chattr -i")
        assert path.read_bytes() == before
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=False)


def test_no_database_url_is_built_by_pasting_a_path() -> None:
    """`f"sqlite:///{path}"` breaks on ?, % and #: app/ builds URLs with URL.create only."""
    import re

    from tests.conftest import ROOT

    pasted = re.compile(r"""f["']sqlite:///\{""")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "app").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pasted.search(line)
    ]
    assert not found, found


def test_a_database_of_a_newer_schema_is_refused_untouched(data_dir: Path) -> None:
    """A schema revision this Cueflow does not know (a newer Cueflow wrote it): exit 2,
    one line naming the file and the way out, no backup made, the file unchanged."""
    from tests.conftest import cueflow_run

    _fill_ledger(data_dir)
    path = data_dir / "cueflow.db"
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0999'")
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    before = path.read_bytes()
    for args in (["runner"], ["runs"], ["schedule", "note", "-p", "text=x"]):
        _one_clear_line(cueflow_run(data_dir, *args), str(path), "'0999'", "newer Cueflow")
    assert path.read_bytes() == before
    assert not list(data_dir.glob("cueflow.db.bak-*"))


def test_the_window_refuses_a_damaged_database_and_says_why(
    data_dir: Path, qapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window runs a scheduler too: on a damaged ledger it says so (a message
    box, and one line from `cueflow`) and starts none."""
    from PySide6.QtWidgets import QMessageBox

    from app.ui.shell import app as window_app

    _fill_ledger(data_dir)
    damaged = _damage(data_dir, "truncated")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *args: shown.append(args[2]))
    with pytest.raises(DatabaseProblem) as caught:
        window_app.run_window(data_dir)
    path = data_dir / "cueflow.db"
    assert "is damaged" in caught.value.reason and str(path) in caught.value.reason
    assert shown == [caught.value.reason]
    assert path.read_bytes() == damaged
