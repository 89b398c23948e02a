"""The desktop faces of one Cueflow process: the tray icon and the window.

The clock runs in this process whether or not the window is open. With a
system tray, closing the window only hides it (said once, then remembered in
window.ini); Quit in the tray or File ▸ Quit ends the process. Without a tray,
closing the window quits, after asking when runs are still scheduled.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QSystemTrayIcon

from app.engine import run_queries as queries
from app.ui.shell.bridge import EventBridge
from app.ui.shell.context import AppContext
from app.ui.shell.main_window import MainWindow
from app.ui.shell.prefs import window_prefs
from app.ui.shell.single_instance import SHOW, TRAY
from app.ui.shell.tray import CueflowTray, presenter_words
from app.ui.shell.tray_presenter import TrayPresenter

log = logging.getLogger(__name__)
CLOSE_HINT_KEY = "tray/close_hint_shown"
TRAY_WAIT_SECONDS = 30  # at login the tray host may start after Cueflow


class DesktopApp(QObject):
    """Decides what is shown and when the process ends; `finished` means quit now."""

    finished = Signal()
    window_shown = Signal()

    def __init__(
        self,
        context: AppContext,
        *,
        tray_available: bool | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.prefs = window_prefs(context.data_dir)
        self.bridge = EventBridge(context.events, self)
        self.window: MainWindow | None = None
        self.tray: CueflowTray | None = None
        self.quitting = False
        self._done = False
        self._tray_wait_left = 0
        self._tray_wait_timer = QTimer(self)
        self._tray_wait_timer.setInterval(1000)
        self._tray_wait_timer.timeout.connect(self.on_tray_wait_timeout)
        if tray_available is None:
            tray_available = QSystemTrayIcon.isSystemTrayAvailable()
        if tray_available:
            self._create_tray()

    def _create_tray(self) -> None:
        tray = CueflowTray(self.context, self.bridge, self)
        tray.open_requested.connect(self.show_window)
        tray.run_requested.connect(self.show_run)
        tray.form_requested.connect(self.open_run_form)
        tray.quit_requested.connect(self.quit)
        self.tray = tray

    # --- starting --------------------------------------------------------------------

    def start(self, *, tray_only: bool = False, tray_wait: int = TRAY_WAIT_SECONDS) -> None:
        """Show the tray icon and, unless `tray_only`, the window."""
        if self.tray is not None:
            self.tray.show()
        if not tray_only:
            self.show_window()
            assert self.window is not None
            QTimer.singleShot(0, self.window.offer_examples)
        elif self.tray is None:
            # Started at login before the tray host? Wait a little, then show the window.
            log.info("no system tray yet; waiting up to %s s for one", tray_wait)
            self._tray_wait_left = tray_wait
            self._tray_wait_timer.start()
            if tray_wait <= 0:
                self.on_tray_wait_timeout()
        self.announce_recovered()

    @Slot()
    def on_tray_wait_timeout(self) -> None:
        if QSystemTrayIcon.isSystemTrayAvailable():
            self._tray_wait_timer.stop()
            self._create_tray()
            assert self.tray is not None
            self.tray.show()
            self.announce_recovered()
            return
        self._tray_wait_left -= 1
        if self._tray_wait_left <= 0:
            self._tray_wait_timer.stop()
            log.info("no system tray: showing the window instead")
            self.show_window()
            self.announce_recovered()

    def announce_recovered(self) -> None:
        """Tell once what happened to runs while Cueflow was closed."""
        clock = self.context.clock
        recovered = clock.recovered if clock is not None else {}
        if not recovered or not any(recovered.values()):
            return
        if self.tray is not None:
            self.tray.announce_recovered(recovered)
            clock.recovered = {}  # type: ignore[union-attr]
        elif self.window is not None:
            text = TrayPresenter(presenter_words).recovered_message(recovered)
            if text:
                self.window.statusBar().showMessage(text, 15000)
            clock.recovered = {}  # type: ignore[union-attr]

    # --- the window --------------------------------------------------------------------

    def ensure_window(self) -> MainWindow:
        """The window is made on first use: `cueflow --tray` may never need it."""
        if self.window is None:
            window = MainWindow(self.context, bridge=self.bridge)
            window.installEventFilter(self)
            # File ▸ Quit ends the process, not only the window (which may just hide).
            window.quit_action.triggered.disconnect()
            window.quit_action.triggered.connect(self.quit)
            self.window = window
        return self.window

    @Slot()
    def show_window(self) -> MainWindow:
        window = self.ensure_window()
        if window.isMinimized():
            window.showNormal()
        window.show()
        window.raise_()
        window.activateWindow()
        if self.tray is not None:
            self.tray.seen()
        self.window_shown.emit()
        return window

    @Slot(str)
    def show_run(self, run_id: str) -> None:
        self.show_window().show_run(run_id)

    @Slot(str)
    def open_run_form(self, workflow: str) -> None:
        window = self.show_window()
        window.scheduler_area.open_run_dialog(workflow, run_now=True)

    @Slot(str)
    def on_instance_message(self, message: str) -> None:
        """Another `cueflow` started for this folder and handed over its wish."""
        if message == SHOW or self.tray is None:
            self.show_window()
        elif message == TRAY:
            self.tray.show_message(
                self.tr("Cueflow is already running"), self.tr("Its icon is here, in the tray.")
            )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close and not self.quitting:
            return self._on_window_close(event)
        return super().eventFilter(watched, event)

    def _on_window_close(self, event: QEvent) -> bool:
        """True: the close is handled here (hidden or refused); False: let it close."""
        assert self.window is not None
        if self.tray is not None and self.tray.icon.isVisible():
            self.window.save_prefs()
            self.window.hide()
            event.ignore()
            self._hint_keeps_running()
            return True
        if not self.confirm_quit():
            event.ignore()
            return True
        self.quitting = True
        QTimer.singleShot(0, self.quit)
        return False

    def _hint_keeps_running(self) -> None:
        assert self.tray is not None
        if self.prefs.value(CLOSE_HINT_KEY, False, type=bool):
            return
        title, message = self.tray.presenter.keeps_running_message()
        self.tray.show_message(title, message)
        self.prefs.setValue(CLOSE_HINT_KEY, True)
        self.prefs.sync()

    def upcoming_count(self) -> int:
        return queries.count_scheduled(self.context.db)

    def confirm_quit(self) -> bool:
        """Without a tray, closing ends the scheduler too: ask when runs are waiting."""
        count = self.upcoming_count()
        if count == 0:
            return True
        answer = QMessageBox.question(
            self.window,
            self.tr("Quit Cueflow?"),
            (
                self.tr(
                    "1 scheduled run will not run while Cueflow is closed. When it starts "
                    "again, its workflow's missed-run policy applies (run late or skip).\n\n"
                    "Quit anyway?"
                )
                if count == 1
                else self.tr(
                    "{n} scheduled runs will not run while Cueflow is closed. When it starts "
                    "again, each workflow's missed-run policy applies (run late or skip).\n\n"
                    "Quit anyway?"
                )
            ).format(n=f"{count:,}"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # --- quitting ------------------------------------------------------------------------

    @Slot()
    def quit(self) -> None:
        """Close the window (saving its preferences), hide the tray, then `finished`.

        The caller stops the clock after the event loop ends: running runs get
        a bounded time to finish and are marked interrupted otherwise.
        """
        if self._done:
            return
        self._done = True
        self.quitting = True
        self._tray_wait_timer.stop()
        if self.window is not None:
            self.window.close()
        if self.tray is not None:
            self.tray.dispose()
        self.bridge.close()
        log.info("quitting")
        self.finished.emit()
