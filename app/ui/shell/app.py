"""Starting the desktop program: one instance per folder, the database, the clock.

Order matters: first the instance lock (a second `cueflow` hands over to the
first and exits 0), then the scheduler's FolderLock (held by `cueflow runner`
too: then the window says so and exits 2), then the database and the clock.
"""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app import logfile
from app.core.words import counted
from app.engine.data_folder import database_target, open_intact
from app.errors import AlreadyRunning, DatabaseProblem
from app.scheduling.lock import FolderLock
from app.ui.shell import collector
from app.ui.shell.context import AppContext
from app.ui.shell.icons import app_icon
from app.ui.shell.single_instance import SHOW, TRAY, SingleInstance
from app.ui.shell.translation import install_translators

EXIT_OK = 0
EXIT_ALREADY_RUNNING = 2
CLOCK_STOP_SECONDS = 5
# The runs execute on worker threads of this process, and every slot, model call and
# painted cell on the GUI thread must take the GIL back from them: at Python's default
# of 5 ms a busy worker kept the window waiting up to 5 ms at each of those calls (the
# GUI heartbeat benchmark). 1 ms bounds each wait; the runs lose little (measured there).
GUI_SWITCH_INTERVAL = 0.001

log = logging.getLogger(__name__)


def application() -> QApplication:
    sys.setswitchinterval(GUI_SWITCH_INTERVAL)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        # argv[0] names the X11 window class ("cueflow", as in cueflow.desktop's
        # StartupWMClass) even when started as `python -m app`.
        app = QApplication(["cueflow", *sys.argv[1:]])
    install_translators(app)
    collector.install(app)  # cyclic garbage freed on this thread only (Qt objects in it)
    app.setApplicationName("Cueflow")
    app.setOrganizationName("Cueflow")
    app.setDesktopFileName("cueflow")
    app.setWindowIcon(app_icon())
    # The tray (or DesktopApp.quit) decides when Cueflow ends, not the last window.
    app.setQuitOnLastWindowClosed(False)
    return app


def run_window(data_dir: Path, *, tray_only: bool = False, database_url: str | None = None) -> int:
    """`cueflow` (window and tray) or `cueflow --tray`; returns the exit status.

    With a database URL (or CUEFLOW_DATABASE_URL) its scheduler joins the others
    on that server; the folder lock is the SQLite rule."""
    target = database_target(data_dir, database_url)
    app = application()
    data_dir.mkdir(parents=True, exist_ok=True)
    logfile.start(data_dir)
    instance = SingleInstance(data_dir)
    if not instance.claim():
        if instance.send(TRAY if tray_only else SHOW):
            log.info("handed over to the running Cueflow (process %s)", instance.owner())
            return EXIT_OK
        print(
            f"cueflow: another Cueflow (process {instance.owner()}) has this data folder "
            "but does not answer",
            file=sys.stderr,
        )
        return EXIT_ALREADY_RUNNING
    try:
        lock = FolderLock(data_dir)
        try:
            lock.acquire()
        except AlreadyRunning:
            if not isinstance(target, Path):  # team mode: schedulers share the server
                return _run(app, instance, data_dir, tray_only, target)
            owner = lock.owner() or "unknown"
            print(
                f"cueflow: `cueflow runner` (process {owner}) already runs this data "
                "folder's scheduler; stop it first, or use the command line",
                file=sys.stderr,
            )
            return EXIT_ALREADY_RUNNING
        logfile.own(data_dir)  # this process holds the folder: it rotates cueflow.log
        try:
            return _run(app, instance, data_dir, tray_only, target)
        finally:
            logfile.stop(data_dir)
            lock.release()
    finally:
        instance.release()


def _run(
    app: QApplication,
    instance: SingleInstance,
    data_dir: Path,
    tray_only: bool,
    target: Path | str | None = None,
) -> int:
    from app.ui.shell.desktop import DesktopApp
    from app.ui.shell.workflow_api import WindowApi

    try:
        folder = open_intact(data_dir, target)  # the window's scheduler never runs on a damaged one
    except DatabaseProblem as problem:
        QMessageBox.critical(None, app.tr("Cueflow cannot open its data"), problem.reason)
        raise
    context = AppContext.of(folder)
    try:
        context.start_clock()
        context.api = WindowApi(context)  # the workflow API, when api.enabled is yes
        context.api.apply()
        desktop = DesktopApp(context)
        desktop.finished.connect(app.quit)
        instance.message_received.connect(desktop.on_instance_message)
        _quit_on_signals(desktop.quit)
        desktop.start(tray_only=tray_only)
        status = app.exec()
        return int(status)
    finally:
        if context.api is not None:
            context.api.stop()
        clock = context.clock
        if clock is not None:
            context.clock = None
            interrupted = clock.stop(timeout=CLOCK_STOP_SECONDS)
            if interrupted:
                log.warning("marked %s interrupted at quit", counted(len(interrupted), "run"))
        context.close()


def _quit_on_signals(quit_: object) -> None:
    """SIGTERM/SIGINT quit cleanly (the clock is stopped, runs are settled)."""

    def handler(*_: object) -> None:
        QTimer.singleShot(0, quit_)  # type: ignore[call-overload]

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, handler)
    # Python runs signal handlers only between bytecodes: wake it up now and then.
    waker = QTimer(QApplication.instance())
    waker.setInterval(250)
    waker.timeout.connect(lambda: None)
    waker.start()
