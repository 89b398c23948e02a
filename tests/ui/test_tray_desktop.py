"""The tray on a real X11 desktop: Xvfb + openbox + trayer (a system tray host).

`cueflow --tray` runs as a real process on the xcb platform; the checks are
what a user sees: the icon embedded in the tray, a run scheduled from the
command line succeeding against a real SMTP server, a second `cueflow`
showing the existing window, and recovery after kill -9.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Mailbox, cueflow_process, cueflow_run
from tests.support.waiting import eventually

TOOLS = ("Xvfb", "openbox", "trayer", "xdotool", "xwininfo")
MISSING = [tool for tool in TOOLS if shutil.which(tool) is None]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not sys.platform.startswith("linux"), reason="the real-desktop tray test needs X11 (Linux)"
    ),
    pytest.mark.skipif(
        bool(MISSING),
        reason="the real-desktop tray test needs "
        f"{', '.join(MISSING)} (apt-get install xvfb openbox trayer xdotool "
        "x11-utils)",
    ),
]

PING = """
cueflow: 1
workflows:
  ping:
    steps:
      - action: send_email
        with: {to: "ada@example.com", subject: "Ping from the tray", body: "pong"}
"""


def wait_for(predicate: Callable[[], Any], timeout: float = 20.0, step: float = 0.1) -> Any:
    return eventually(predicate, timeout=timeout, every=step)


class Desktop:
    def __init__(self, display: str) -> None:
        self.display = display
        self.env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
        self.env["DISPLAY"] = display

    def run(self, *argv: str) -> str:
        done = subprocess.run(
            list(argv), env=self.env, capture_output=True, text=True, timeout=20, check=False
        )
        return done.stdout

    def embedded_in_tray(self) -> bool:
        """A window of class Cueflow inside one of trayer's windows: the icon is docked."""
        for window in self.run("xdotool", "search", "--class", "trayer").split():
            if re.search(r'"Cueflow"\)', self.run("xwininfo", "-tree", "-id", window)):
                return True
        return False

    def visible_windows(self, name: str) -> list[str]:
        return self.run("xdotool", "search", "--onlyvisible", "--name", name).split()


@pytest.fixture
def desktop() -> Iterator[Desktop]:
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    number = b""
    with os.fdopen(read, "rb") as pipe:
        number = pipe.readline().strip()
    helpers: list[subprocess.Popen[bytes]] = [xvfb]
    try:
        if not number:
            pytest.skip("Xvfb did not start")
        screen = Desktop(f":{number.decode()}")
        helpers.append(
            subprocess.Popen(
                ["openbox"], env=screen.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        )
        for _attempt in range(3):  # trayer sometimes loses a race with openbox's start
            trayer, started = _start_trayer(screen)
            helpers.append(trayer)
            if started:
                break
        else:
            pytest.fail(
                "trayer did not start: " + (trayer.stderr.read().decode() if trayer.stderr else "")
            )
        yield screen
    finally:
        for process in reversed(helpers):
            process.terminate()
        for process in reversed(helpers):
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _start_trayer(screen: Desktop) -> tuple[subprocess.Popen[bytes], bool]:
    trayer = subprocess.Popen(
        [
            "trayer",
            "--edge",
            "top",
            "--align",
            "right",
            "--widthtype",
            "pixel",
            "--width",
            "160",
            "--height",
            "28",
        ],
        env=screen.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wait_for(
        lambda: (
            trayer.poll() is not None
            or screen.run("xdotool", "search", "--class", "trayer").strip()
        ),
        timeout=20,
    )
    return trayer, trayer.poll() is None


def _log(data_dir: Path) -> str:
    path = data_dir / "cueflow.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_tray_runs_workflows_hands_over_and_recovers(
    desktop: Desktop, data_dir: Path, db: Any, smtp_server: Mailbox, tmp_path: Path, cli: Any
) -> None:
    # The tray, the second `cueflow` and the `schedule` are real processes; the import
    # and the status polling run in this process (`cli`), ~1 s of start-up less each.
    smtp_server.configure(db)
    workflow = tmp_path / "ping.yaml"
    workflow.write_text(PING, encoding="utf-8")
    assert cli("import", str(workflow)).code == 0

    tray = cueflow_process(data_dir, "--tray", env=desktop.env)
    processes = [tray]
    try:
        # 1. The icon is embedded in the tray host; no window is shown.
        assert wait_for(lambda: "tray icon shown" in _log(data_dir)), tray.stderr
        assert wait_for(desktop.embedded_in_tray), "the tray icon was not docked in trayer"
        assert desktop.visible_windows("^Cueflow$") == []

        # 2. A run scheduled from the command line fires in the tray process.
        scheduled = cueflow_run(data_dir, "schedule", "ping", "--at", "+2s")
        assert scheduled.code == 0, scheduled.err
        run_id = scheduled.out.strip()
        messages = smtp_server.wait_for(1, timeout=20)
        assert [m["subject"] for m in messages] == ["Ping from the tray"]

        def status() -> str:
            runs = cli("runs", "--history", "--json").json()
            return next((r["status"] for r in runs if r["id"] == run_id), "")

        assert wait_for(lambda: status() == "succeeded", timeout=10)

        # 3. `cueflow` again: the existing process shows its window; the new one exits 0.
        second = cueflow_process(data_dir, env=desktop.env)
        processes.append(second)
        assert second.wait(20) == 0
        assert wait_for(lambda: desktop.visible_windows("^Cueflow$"), timeout=15), (
            "the running Cueflow did not show its window"
        )
        assert tray.poll() is None

        # 4. kill -9, then a new `cueflow --tray` recovers the lock and the socket.
        tray.kill()
        tray.wait(10)
        assert wait_for(lambda: not desktop.embedded_in_tray(), timeout=10)
        again = cueflow_process(data_dir, "--tray", env=desktop.env)
        processes.append(again)
        assert wait_for(lambda: _log(data_dir).count("tray icon shown") == 2), again.stderr
        assert wait_for(desktop.embedded_in_tray), "the new tray icon was not docked"
        assert "removing the stale local socket" in _log(data_dir)
        again.terminate()
        assert again.wait(15) == 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
