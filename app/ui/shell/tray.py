"""The system tray icon: Cueflow's face while the window is closed.

The icon shows the state (idle, running, paused, last run failed), the
tooltip the next run, the menu the next runs and the workflows to run; tray
messages tell about failed runs, runs missed while Cueflow was closed and the
`notify` action. The texts and decisions live in `tray_presenter` (no Qt).
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app.core.types import local_zone, utcnow
from app.engine import run_queries as queries
from app.engine.editor_queries import workflow_titles
from app.engine.presenting import run_error_words
from app.ui.shell.bridge import EventBridge
from app.ui.shell.context import AppContext
from app.ui.shell.icons import state_icon
from app.ui.shell.tray_presenter import (
    UPCOMING_IN_MENU,
    RunnableWorkflow,
    TrayPresenter,
    TrayStatus,
    UpcomingRun,
)
from app.ui.widgets import formatting

log = logging.getLogger(__name__)
REFRESH_DELAY_MS = 200
TOOLTIP_INTERVAL_MS = 30_000
MESSAGE_MS = 8000


def upcoming_runs(
    context: AppContext, limit: int = UPCOMING_IN_MENU, titles: dict[str, str] | None = None
) -> list[UpcomingRun]:
    """The next runs, each with its workflow's title (what people read in the menu)."""
    rows, _ = queries.upcoming_page(context.db, queries.RunFilter(), 0, limit)
    if titles is None:
        titles = workflow_titles(context.db) if rows else {}
    return [
        UpcomingRun(row.id, titles.get(row.workflow, row.workflow), row.scheduled_for)
        for row in rows
    ]


def runnable_workflows(context: AppContext) -> list[RunnableWorkflow]:
    workflows = queries.list_workflows(context.db)
    return [
        RunnableWorkflow(wf.name, wf.title, any(not p.optional for p in wf.parameters))
        for wf in sorted(workflows, key=lambda wf: wf.name)
    ]


def presenter_words(text: str) -> str:
    """The presenter's words, translated in its own context (it is Qt-free)."""
    return QCoreApplication.translate("TrayPresenter", text)


class CueflowTray(QObject):
    """Owns the QSystemTrayIcon and its menu; asks the application for windows."""

    open_requested = Signal()
    run_requested = Signal(str)  # a run ID: show its row in the Scheduler area
    form_requested = Signal(str)  # a workflow that needs input: open its run form
    quit_requested = Signal()
    state_changed = Signal(str)
    _upcoming_read = Signal(int, object)  # (read number, the next runs), from a worker

    def __init__(
        self, context: AppContext, bridge: EventBridge, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.presenter = TrayPresenter(presenter_words, formatting.day_and_time)
        self.status = TrayStatus(paused=context.service.is_paused())
        self._running: set[str] = set()
        self._message_run: str | None = None
        self.upcoming: list[UpcomingRun] = []
        self._titles: dict[str, str] = {}  # workflow name → title, from the latest read
        self.state = ""
        self.last_message: tuple[str, str] | None = None

        self.icon = QSystemTrayIcon(self)
        self.icon.setObjectName("trayIcon")
        self.menu = QMenu()
        self.menu.setObjectName("trayMenu")
        self._build_menu()
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self.on_icon_activated)
        self.icon.messageClicked.connect(self.on_message_clicked)

        bridge.run_status_changed.connect(self.on_run_status_changed)
        bridge.ledger_changed.connect(self.on_ledger_changed)
        bridge.scheduler_state_changed.connect(self.on_scheduler_state_changed)
        bridge.notified.connect(self.on_notified)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh_in_background)
        self._upcoming_read.connect(self.on_upcoming_read)
        self._reads = 0  # a background read older than the last read is dropped
        self._tooltip_timer = QTimer(self)
        self._tooltip_timer.setInterval(TOOLTIP_INTERVAL_MS)
        self._tooltip_timer.timeout.connect(self.refresh_in_background)
        self._tooltip_timer.start()
        self.refresh()

    # --- menu ------------------------------------------------------------------------

    def _action(self, name: str, text: str) -> QAction:
        action = QAction(text, self.menu)
        action.setObjectName(name)
        return action

    def _build_menu(self) -> None:
        self.open_action = self._action("trayOpen", self.tr("Open Cueflow"))
        self.open_action.triggered.connect(self.open_requested)
        font = self.open_action.font()
        font.setBold(True)
        self.open_action.setFont(font)
        self.menu.addAction(self.open_action)
        self.menu.addSeparator()
        self.upcoming_header = self._action("trayUpcomingHeader", self.tr("Upcoming runs"))
        self.upcoming_header.setEnabled(False)
        self.menu.addAction(self.upcoming_header)
        self.upcoming_actions: list[QAction] = []
        for number in range(UPCOMING_IN_MENU):
            action = self._action(f"trayUpcoming{number}", "")
            action.triggered.connect(lambda _=False, n=number: self.on_upcoming_triggered(n))
            self.menu.addAction(action)
            self.upcoming_actions.append(action)
        self.menu.addSeparator()
        self.run_menu = QMenu(self.tr("Run workflow"), self.menu)
        self.run_menu.setObjectName("trayRunMenu")
        self.menu.addMenu(self.run_menu)
        self.pause_action = self._action("trayPause", "")
        self.pause_action.triggered.connect(self.on_pause_triggered)
        self.menu.addAction(self.pause_action)
        self.menu.addSeparator()
        self.quit_action = self._action("trayQuit", self.tr("Quit Cueflow"))
        self.quit_action.triggered.connect(self.quit_requested)
        self.menu.addAction(self.quit_action)
        self.menu.aboutToShow.connect(self.on_menu_about_to_show)

    def _fill_run_menu(self) -> None:
        self.run_menu.clear()
        workflows = runnable_workflows(self.context)
        self._titles = {wf.name: wf.title for wf in workflows}
        if not workflows:
            empty = self.run_menu.addAction(self.tr("No workflows yet"))
            empty.setEnabled(False)
        for wf in workflows:
            text = f"{wf.title}…" if wf.needs_input else wf.title
            action = self.run_menu.addAction(text)
            action.setObjectName(f"trayRun_{wf.name}")
            action.setData(wf.name)
            action.setToolTip(
                self.tr("Opens the form: this workflow needs input")
                if wf.needs_input
                else self.tr("Runs now")
            )
            action.triggered.connect(
                lambda _=False, w=wf: self.on_run_workflow_triggered(w.name, w.needs_input)
            )

    # --- state -------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        """Re-read the next runs; update icon, tooltip and the menu's entries."""
        self._reads += 1
        self._show_upcoming(upcoming_runs(self.context))

    @Slot()
    def refresh_in_background(self) -> None:
        """refresh() for the ledger's changes and the tooltip's clock: the next runs are
        read on a worker thread (a burst of runs changes the ledger many times a second,
        and the window's thread must not wait for the database meanwhile)."""
        context = self.context
        self._reads += 1
        number = self._reads

        def read() -> None:
            try:
                titles = workflow_titles(context.db)
                upcoming = upcoming_runs(context, titles=titles)
            except Exception:  # the next change or tick reads again
                log.exception("reading the next runs for the tray failed")
                return
            with contextlib.suppress(RuntimeError):  # the tray is gone meanwhile
                self._upcoming_read.emit(number, (upcoming, titles))

        QThreadPool.globalInstance().start(read)

    @Slot(int, object)
    def on_upcoming_read(self, number: int, read: tuple[list[UpcomingRun], dict[str, str]]) -> None:
        upcoming, self._titles = read  # the titles also name a failed run's workflow
        if number == self._reads:
            self._show_upcoming(upcoming)

    def _show_upcoming(self, upcoming: list[UpcomingRun]) -> None:
        now = utcnow()
        self.upcoming = upcoming
        for action, run in zip(self.upcoming_actions, self.upcoming, strict=False):
            local = run.at.astimezone(local_zone())
            action.setText(self.presenter.upcoming_text(run, now, local))
            action.setData(run.run_id)
            action.setVisible(True)
        for action in self.upcoming_actions[len(self.upcoming) :]:
            action.setData(None)
            action.setVisible(False)
        self.upcoming_header.setText(
            self.tr("Upcoming runs") if self.upcoming else self.tr("Nothing scheduled")
        )
        self.pause_action.setText(self.presenter.pause_text(self.status.paused))
        self.icon.setToolTip(self.presenter.tooltip(self.status, self.upcoming, now))
        self._update_icon()

    def _update_icon(self) -> None:
        state = self.status.state
        if state != self.state:
            self.state = state
            self.icon.setIcon(state_icon(state))
            self.state_changed.emit(state)

    def tooltip(self) -> str:
        return self.icon.toolTip()

    def show(self) -> None:
        self.icon.show()
        log.info("tray icon shown")

    def hide(self) -> None:
        self.icon.hide()

    def dispose(self) -> None:
        """Hide the icon and free the menu (a QMenu without a parent widget)."""
        self._tooltip_timer.stop()
        self.icon.hide()
        self.icon.setContextMenu(None)  # type: ignore[arg-type]
        self.menu.deleteLater()

    def seen(self) -> None:
        """The user opened the window: a past failure no longer needs the red badge."""
        self.status.last_failed = False
        self.refresh()

    # --- messages ------------------------------------------------------------------------

    def show_message(
        self,
        title: str,
        message: str,
        run_id: str | None = None,
        icon: QSystemTrayIcon.MessageIcon = QSystemTrayIcon.MessageIcon.Information,
    ) -> None:
        """A desktop notification; clicking it opens the run (or the window)."""
        self._message_run = run_id
        self.last_message = (title, message)
        log.info("tray message: %s — %s", title, message)
        if self.icon.isVisible():
            self.icon.showMessage(title, message, icon, MESSAGE_MS)

    def announce_recovered(self, recovered: dict[str, list[str]]) -> None:
        text = self.presenter.recovered_message(recovered)
        if text:
            self.show_message(
                self.tr("Runs missed while closed"), text, icon=QSystemTrayIcon.MessageIcon.Warning
            )

    # --- slots ---------------------------------------------------------------------------

    @Slot(str, str, str, str)
    def on_run_status_changed(self, run_id: str, workflow: str, status: str, error: str) -> None:
        if status == "running":
            self._running.add(run_id)
        else:
            self._running.discard(run_id)
        self.status.running = len(self._running)
        self.status.run_changed(status)
        if status in ("failed", "interrupted"):
            title, message = self.presenter.failed_message(
                self._titles.get(workflow, workflow), run_error_words(error), status
            )
            self.show_message(title, message, run_id, QSystemTrayIcon.MessageIcon.Critical)
        self._update_icon()
        self.on_ledger_changed()

    @Slot()
    def on_ledger_changed(self) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    @Slot(str)
    def on_scheduler_state_changed(self, state: str) -> None:
        if state in ("paused", "running"):
            self.status.paused = state == "paused"
            self.refresh()

    @Slot(str, str)
    def on_notified(self, title: str, message: str) -> None:
        self.show_message(title, message)

    @Slot()
    def on_menu_about_to_show(self) -> None:
        self.status.paused = self.context.service.is_paused()
        self.refresh()
        self._fill_run_menu()

    def on_upcoming_triggered(self, number: int) -> None:
        run_id = self.upcoming_actions[number].data()
        if run_id:
            self.run_requested.emit(str(run_id))

    def on_run_workflow_triggered(self, name: str, needs_input: bool) -> None:
        if needs_input:
            self.form_requested.emit(name)
            return
        run_id = self.context.service.schedule(name, {})
        log.info("tray: started %s as run %s", name, run_id)

    @Slot()
    def on_pause_triggered(self) -> None:
        paused = not self.context.service.is_paused()
        self.context.service.set_paused(paused)
        self.status.paused = paused  # the clock confirms with a SchedulerState event
        self.refresh()

    @Slot(QSystemTrayIcon.ActivationReason)
    def on_icon_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_requested.emit()

    @Slot()
    def on_message_clicked(self) -> None:
        if self._message_run:
            self.run_requested.emit(self._message_run)
        else:
            self.open_requested.emit()

    def next_run_at(self) -> datetime | None:
        return self.upcoming[0].at if self.upcoming else None
