"""One Cueflow per data folder: the instance lock, the local socket, crash recovery."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from app.ui.shell.single_instance import LOCK_FILENAME, SingleInstance, server_name
from tests.conftest import cueflow_process, cueflow_run
from tests.support.waiting import eventually

unix_only = pytest.mark.skipif(sys.platform == "win32", reason="socket files are Unix's")


@pytest.fixture
def instance(qtbot: Any, tmp_path: Path) -> Any:
    first = SingleInstance(tmp_path / "data")
    yield first
    first.release()


def test_server_name_is_short_stable_and_per_folder(tmp_path: Path) -> None:
    name = server_name(tmp_path / "a")
    assert name == server_name(tmp_path / "a" / ".." / "a")
    assert name != server_name(tmp_path / "b")
    assert name.startswith("cueflow-") and len(name) == len("cueflow-") + 16


def test_second_claim_for_the_same_folder_fails_until_released(
    qtbot: Any, instance: SingleInstance, tmp_path: Path
) -> None:
    assert instance.claim()
    assert instance.server is not None and instance.server.isListening()
    second = SingleInstance(tmp_path / "data")
    assert not second.claim()
    assert second.owner() is not None
    instance.release()
    assert second.claim()
    second.release()


def test_a_lock_left_by_a_dead_process_is_taken_over(
    qtbot: Any, instance: SingleInstance, tmp_path: Path
) -> None:
    lock = tmp_path / "data" / LOCK_FILENAME
    lock.parent.mkdir()
    code = (
        "import os, sys; from PySide6.QtCore import QLockFile; "
        "l = QLockFile(sys.argv[1]); assert l.tryLock(0); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", code, str(lock)], check=True)
    assert lock.exists()  # the crash left it behind
    assert instance.claim()


@unix_only
def test_a_stale_socket_file_is_replaced(qtbot: Any, instance: SingleInstance) -> None:
    path = instance.socket_path()
    with socket.socket(socket.AF_UNIX) as stale:
        stale.bind(str(path))  # a socket file nobody listens on: what kill -9 leaves
    assert path.exists()
    assert instance.claim()
    assert instance.server is not None and instance.server.isListening()
    probe = QLocalSocket()
    probe.connectToServer(instance.name)
    assert probe.waitForConnected(1000)
    probe.abort()


@unix_only
def test_a_live_socket_is_never_removed(qtbot: Any, instance: SingleInstance) -> None:
    other = QLocalServer()
    assert other.listen(instance.name)
    try:
        assert instance.claim()  # the lock is ours, but the socket answers: leave it
        assert instance.server is None
        assert other.isListening() and instance.socket_path().exists()
        assert instance.answers()
    finally:
        other.close()


def _wait_for(predicate: Any, timeout: float = 20.0) -> bool:
    return bool(eventually(predicate, timeout=timeout, every=0.1))


def _log(data_dir: Path) -> str:
    path = data_dir / "cueflow.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.mark.slow
def test_processes_hand_over_and_recover_after_kill_9(qapp: Any, data_dir: Path) -> None:
    """Offscreen (no tray): a second `cueflow` hands over and exits 0; kill -9 recovers."""
    probe = SingleInstance(data_dir)
    first = cueflow_process(data_dir, "--tray")
    try:
        assert _wait_for(probe.answers), first.stderr
        second = cueflow_run(data_dir)
        assert (second.code, second.err) == (0, "")
        assert _wait_for(lambda: "another Cueflow asked: show" in _log(data_dir))
        assert cueflow_run(data_dir, "--tray").code == 0
        first.kill()  # kill -9: the lock file and the socket stay behind
        first.wait(10)
        assert (data_dir / LOCK_FILENAME).exists()
        third = cueflow_process(data_dir, "--tray")
        try:
            assert _wait_for(lambda: _log(data_dir).count("scheduler started") == 2)
            assert _wait_for(probe.answers)
            if sys.platform != "win32":
                assert "removing the stale local socket" in _log(data_dir)
            third.terminate()  # SIGTERM quits cleanly: clock stopped, exit 0
            assert third.wait(15) == 0
            assert _log(data_dir).rstrip().endswith("(0 runs marked interrupted)")
        finally:
            if third.poll() is None:
                third.kill()
                third.wait()
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    probe.release()


@pytest.mark.slow
def test_window_exits_2_when_a_runner_owns_the_folder(data_dir: Path) -> None:
    runner = cueflow_process(data_dir, "runner")
    try:
        assert _wait_for(
            lambda: (
                (data_dir / "scheduler.lock").exists()
                and (data_dir / "scheduler.lock").read_text().strip() != ""
            )
        )
        result = cueflow_run(data_dir)
        assert result.code == 2
        assert result.err.count("\n") == 1 and "`cueflow runner`" in result.err
    finally:
        runner.terminate()
        runner.wait(15)
