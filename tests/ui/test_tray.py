"""The tray icon and the window's close/quit policy (offscreen: no real tray here).

The tray object works without a tray host (its menu, tooltip, icon and
messages are plain state); `test_tray_desktop.py` checks the real embedding.
"""

from __future__ import annotations

import sys
import threading
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QMessageBox

from app.core.types import utcnow
from app.engine.events import Notification, RunChanged, SchedulerState
from app.storage import ledger
from app.ui.shell.bridge import EventBridge
from app.ui.shell.context import AppContext
from app.ui.shell.desktop import CLOSE_HINT_KEY, DesktopApp
from app.ui.shell.icons import ICON_SIZES, app_icon, state_icon
from app.ui.shell.main_window import AREA_SCHEDULER
from app.ui.shell.tray import CueflowTray
from app.workflow_file import import_text

# Showing a QSystemTrayIcon where there is no tray host makes Qt warn once. (A
# function's own marker: the closest qt_log_ignore wins over conftest's.)
no_tray_host = pytest.mark.qt_log_ignore(
    r"systemTrayWindowChanged", r"This plugin does not support"
)

PING = """
cueflow: 1
workflows:
  ping:
    label: Ping
    steps:
      - action: notify
        with: {title: "Hello", message: "from {{ run.workflow }}"}
  mail_nobody:
    steps:
      - action: send_email
        with: {to: "nobody@example.com", subject: "x", body: "y"}
"""


@pytest.fixture
def pinged(greeting: AppContext) -> AppContext:
    import_text(greeting.db, PING)
    return greeting


@pytest.fixture
def tray(qtbot: Any, pinged: AppContext) -> Any:
    bridge = EventBridge(pinged.events)
    icon = CueflowTray(pinged, bridge)
    yield icon
    icon.dispose()
    bridge.close()


def _scheduled(context: AppContext) -> list[Any]:
    with context.db.read() as session:
        return list(session.scalars(ledger.runs_query(upcoming=True)))


def test_menu_lists_the_next_five_runs_and_the_workflows(
    pinged: AppContext, tray: CueflowTray
) -> None:
    start = utcnow() + timedelta(hours=2, minutes=10, seconds=30)
    for hour in range(7):
        pinged.service.schedule("ping", {}, at=start + timedelta(hours=hour))
    tray.menu.aboutToShow.emit()
    shown = [a for a in tray.upcoming_actions if a.isVisible()]
    assert len(shown) == 5
    assert shown[0].text().startswith("Ping — in 2 h 10 min (")
    assert shown[4].text().startswith("Ping — in 6 h 10 min (")
    assert tray.upcoming_header.text() == "Upcoming runs"
    assert [a.text() for a in tray.run_menu.actions()] == ["Greet a user…", "mail_nobody", "Ping"]
    texts = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
    assert texts[0] == "Open Cueflow"
    assert texts[-3:] == ["Run workflow", "Pause scheduler", "Quit Cueflow"]
    assert tray.tooltip() == "Cueflow — idle\nNext: Ping in 2 h 10 min"


def test_empty_menu_and_tooltip(qtbot: Any, context: AppContext) -> None:
    tray = CueflowTray(context, EventBridge(context.events))
    tray.menu.aboutToShow.emit()
    assert not any(a.isVisible() for a in tray.upcoming_actions)
    assert tray.upcoming_header.text() == "Nothing scheduled"
    assert [a.text() for a in tray.run_menu.actions()] == ["No workflows yet"]
    assert tray.tooltip() == "Cueflow — idle\nNothing scheduled"
    tray.dispose()


def test_run_workflow_runs_now_or_opens_the_form(
    qtbot: Any, pinged: AppContext, tray: CueflowTray
) -> None:
    tray.menu.aboutToShow.emit()
    by_name = {a.data(): a for a in tray.run_menu.actions()}
    by_name["ping"].trigger()
    runs = _scheduled(pinged)
    assert [r.workflow for r in runs] == ["ping"]
    assert runs[0].scheduled_for <= utcnow()
    with qtbot.waitSignal(tray.form_requested) as blocker:
        by_name["greet"].trigger()  # `user` is required: the form, not a run
    assert blocker.args == ["greet"]
    assert len(_scheduled(pinged)) == 1


def test_pause_entry_pauses_and_resumes_the_scheduler(
    pinged: AppContext, tray: CueflowTray
) -> None:
    tray.pause_action.trigger()
    assert pinged.service.is_paused()
    assert tray.pause_action.text() == "Resume scheduler"
    assert tray.state == "paused"
    tray.pause_action.trigger()
    assert not pinged.service.is_paused()
    assert tray.pause_action.text() == "Pause scheduler"
    assert tray.state == "idle"


def test_state_icon_follows_runs_pause_and_failures(
    qtbot: Any, pinged: AppContext, tray: CueflowTray
) -> None:
    keys = {"idle": tray.icon.icon().cacheKey()}
    for event, state in [
        (RunChanged("r1", "ping", "running"), "running"),
        (RunChanged("r1", "ping", "failed", "SMTP refused\nmore"), "failed"),
        (SchedulerState("paused"), "paused"),
        (SchedulerState("running"), "failed"),
        (RunChanged("r2", "ping", "running"), "running"),
        (RunChanged("r2", "ping", "succeeded"), "idle"),
    ]:
        with qtbot.waitSignal(tray.state_changed) as blocker:
            pinged.events.emit(event)
        assert blocker.args == [state]
        keys.setdefault(state, tray.icon.icon().cacheKey())
        assert tray.icon.icon().cacheKey() != 0
    assert len(set(keys.values())) == 4
    assert tray.last_message == ("ping failed", "SMTP refused")


def test_notify_events_become_tray_messages(
    qtbot: Any, pinged: AppContext, tray: CueflowTray
) -> None:
    pinged.events.emit(Notification("Backup", "done", "r9"))  # the `notify` action's event
    qtbot.waitUntil(lambda: tray.last_message == ("Backup", "done"))


def test_real_runs_notify_and_fail_through_the_clock(
    qtbot: Any, pinged: AppContext, tray: CueflowTray
) -> None:
    """The `notify` action and a failing run, executed by the in-process clock."""
    pinged.start_clock()
    pinged.service.schedule("ping", {})
    qtbot.waitUntil(lambda: tray.last_message == ("Hello", "from ping"), timeout=10_000)
    run_id = pinged.service.schedule("mail_nobody", {})  # no SMTP server configured
    qtbot.waitUntil(lambda: tray.state == "failed", timeout=10_000)
    assert tray.last_message is not None
    title, reason = tray.last_message
    assert title == "mail_nobody failed"  # its title (it has no label of its own)
    assert run_id not in reason and "send_email" not in reason  # the window's words, no IDs
    assert reason.startswith("Step 1 · Send email: ")


def test_icons_load_through_the_resources(qtbot: Any) -> None:
    icon = app_icon()
    assert sorted(s.width() for s in icon.availableSizes()) == list(ICON_SIZES)
    images = {
        state: state_icon(state).pixmap(32, 32).toImage()
        for state in ("idle", "running", "paused", "failed")
    }
    assert len({bytes(image.constBits()) for image in images.values()}) == 4


# --- the desktop application: window, tray, close and quit ------------------------------


@pytest.fixture
def desktop(qtbot: Any, pinged: AppContext) -> Any:
    app = DesktopApp(pinged, tray_available=True)
    yield app
    app.quit()


@no_tray_host
def test_tray_only_start_then_show_then_close_keeps_running(
    qtbot: Any, pinged: AppContext, desktop: DesktopApp
) -> None:
    desktop.start(tray_only=True)
    assert desktop.window is None
    desktop.on_instance_message("show")  # a second `cueflow` for this folder
    window = desktop.window
    assert window is not None and window.isVisible()
    qtbot.addWidget(window)
    finished: list[bool] = []
    desktop.finished.connect(lambda: finished.append(True))
    window.close()
    assert not window.isVisible() and not finished
    assert desktop.tray is not None
    assert desktop.tray.last_message == desktop.tray.presenter.keeps_running_message()
    assert desktop.prefs.value(CLOSE_HINT_KEY, False, type=bool)
    desktop.tray.last_message = None
    desktop.show_window()
    window.close()  # said once: not again
    assert desktop.tray.last_message is None and not finished
    desktop.show_window()
    window.quit_action.trigger()  # File ▸ Quit ends the process
    assert finished == [True]
    assert not window.isVisible()


@no_tray_host
def test_upcoming_entry_opens_its_row(qtbot: Any, pinged: AppContext, desktop: DesktopApp) -> None:
    ids = [pinged.service.schedule("ping", {}, at=utcnow() + timedelta(hours=h)) for h in (1, 2, 3)]
    desktop.start(tray_only=True)
    assert desktop.tray is not None
    desktop.tray.menu.aboutToShow.emit()
    desktop.tray.upcoming_actions[1].trigger()
    window = desktop.window
    assert window is not None and window.isVisible()
    qtbot.addWidget(window)
    assert window.current_area() == AREA_SCHEDULER
    assert window.scheduler_area.selected_upcoming_ids() == [ids[1]]


@no_tray_host
def test_tray_quit_entry_finishes(qtbot: Any, desktop: DesktopApp) -> None:
    desktop.start(tray_only=True)
    assert desktop.tray is not None
    with qtbot.waitSignal(desktop.finished):
        desktop.tray.quit_action.trigger()


@no_tray_host
def test_missed_runs_found_at_start_are_announced(qtbot: Any, pinged: AppContext) -> None:
    pinged.clock = SimpleNamespace(  # type: ignore[assignment]
        recovered={"late": ["a", "b"], "missed": ["c"], "interrupted": []}
    )
    app = DesktopApp(pinged, tray_available=True)
    app.start(tray_only=True)
    assert app.tray is not None and app.tray.last_message == (
        "Runs missed while closed",
        "3 runs were missed while Cueflow was closed — 2 ran late, 1 skipped",
    )
    pinged.clock = None
    app.quit()


# --- no tray: closing the window quits, after asking ------------------------------------


@pytest.fixture
def windowed(qtbot: Any, pinged: AppContext) -> Any:
    app = DesktopApp(pinged, tray_available=False)
    app.start()
    assert app.window is not None
    qtbot.addWidget(app.window)
    yield app
    app.quit()


def _ask(monkeypatch: pytest.MonkeyPatch, answer: QMessageBox.StandardButton) -> list[str]:
    asked: list[str] = []

    def question(parent: Any, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_without_tray_closing_asks_when_runs_are_upcoming(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, pinged: AppContext, windowed: DesktopApp
) -> None:
    assert windowed.tray is None
    pinged.service.schedule("ping", {}, at=utcnow() + timedelta(hours=1))
    window = windowed.window
    assert window is not None
    finished: list[bool] = []
    windowed.finished.connect(lambda: finished.append(True))
    asked = _ask(monkeypatch, QMessageBox.StandardButton.No)
    window.close()
    assert len(asked) == 1 and asked[0].startswith("1 scheduled run will not run")
    assert window.isVisible() and not finished
    pinged.service.schedule("ping", {}, at=utcnow() + timedelta(hours=2))
    window.close()  # two runs: the plural, never "run(s)"
    assert asked[1].startswith("2 scheduled runs will not run") and "(s)" not in asked[1]
    _ask(monkeypatch, QMessageBox.StandardButton.Yes)
    window.close()
    qtbot.waitUntil(lambda: finished == [True])
    assert not window.isVisible()


def test_without_tray_and_nothing_scheduled_closing_quits_at_once(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, windowed: DesktopApp
) -> None:
    asked = _ask(monkeypatch, QMessageBox.StandardButton.No)
    window = windowed.window
    assert window is not None
    with qtbot.waitSignal(windowed.finished):
        window.close()
    assert asked == [] and not window.isVisible()


# --- Settings ▸ Start at login ---------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG autostart is Linux's")
def test_start_at_login_switch_writes_and_removes_the_xdg_entry(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, context: AppContext
) -> None:
    from app.ui.areas.settings import SettingsArea

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    area = SettingsArea(context)
    qtbot.addWidget(area)
    entry = tmp_path / "config" / "autostart" / "cueflow.desktop"
    assert not area.autostart_check.isChecked()
    area.autostart_check.setChecked(True)
    text = entry.read_text(encoding="utf-8")
    assert "--tray" in text and f"--data-dir {context.data_dir}" in text
    area.reload()
    assert area.autostart_check.isChecked()
    area.autostart_check.setChecked(False)
    assert not entry.exists()


def test_a_change_in_the_ledger_is_read_off_the_gui_thread(
    qtbot: Any, pinged: AppContext, tray: CueflowTray, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui.shell import tray as tray_module

    readers: list[threading.Thread] = []
    original = tray_module.upcoming_runs

    def reading(
        context: AppContext, limit: int = tray_module.UPCOMING_IN_MENU, titles: Any = None
    ) -> Any:
        readers.append(threading.current_thread())
        return original(context, limit, titles)

    monkeypatch.setattr(tray_module, "upcoming_runs", reading)
    run_id = pinged.service.schedule("ping", {}, at=utcnow() + timedelta(hours=3, minutes=1))
    qtbot.waitUntil(lambda: [run.run_id for run in tray.upcoming] == [run_id], timeout=5_000)
    assert readers and threading.main_thread() not in readers
    assert tray.tooltip() == "Cueflow — idle\nNext: Ping in 3 h"


def test_a_background_read_older_than_the_last_refresh_is_dropped(
    qtbot: Any, pinged: AppContext, tray: CueflowTray, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui.shell import tray as tray_module

    original = tray_module.upcoming_runs

    def reading(
        context: AppContext, limit: int = tray_module.UPCOMING_IN_MENU, titles: Any = None
    ) -> Any:
        on_worker = threading.current_thread() is not threading.main_thread()
        return [] if on_worker else original(context, limit, titles)  # the worker's is "old"

    run_id = pinged.service.schedule("ping", {}, at=utcnow() + timedelta(hours=3))
    monkeypatch.setattr(tray_module, "upcoming_runs", reading)
    tray.refresh_in_background()
    tray.refresh()  # newer: what the menu reads when it opens
    assert QThreadPool.globalInstance().waitForDone(5_000)
    qtbot.wait(50)  # the late result arrives (and is dropped)
    assert [run.run_id for run in tray.upcoming] == [run_id]
