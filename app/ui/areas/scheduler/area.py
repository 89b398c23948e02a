"""The Scheduler area: Upcoming runs with Cancel buttons (undoable), recurring
Schedules, the History with its chart and each run's steps, the Timeline, and
Pause / Resume of all runs. The tabs' widgets live in their own modules; this
one wires them to the services and the ledger's events."""

from __future__ import annotations

import contextlib
import logging
import time

from PySide6.QtCore import QModelIndex, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.engine import run_queries as queries
from app.engine import schedule_queries
from app.engine.run_queries import RunFilter, RunRow
from app.engine.schedule_queries import SchedulerService
from app.errors import CueflowError
from app.ui.areas.scheduler.history_page import HistoryPage
from app.ui.areas.scheduler.schedules_page import SchedulesPage
from app.ui.areas.scheduler.timeline_page import TimelinePage
from app.ui.areas.scheduler.upcoming_page import UpcomingPage
from app.ui.dialogs.run_dialog import RunDialog
from app.ui.models.roles import ID_ROLE, ROW_ROLE
from app.ui.models.runs import HistoryRunsModel, UpcomingRunsModel
from app.ui.shell.bridge import EventBridge
from app.ui.shell.context import AppContext
from app.ui.widgets import formatting

log = logging.getLogger(__name__)
RELOAD_DELAY_MS = 150  # after a change: the tables are read again this much later
# While changes keep coming (a burst of runs), the tables are refreshed at most this
# often: each refresh repaints the shown table (~10-20 ms on the GUI thread).
BUSY_RELOAD_MS = 450
BUSY_SECONDS = 1.0  # a change this soon after the last refresh means a burst
CANCEL_CHUNK = 500
TAB_UPCOMING, TAB_HISTORY, TAB_SCHEDULES, TAB_TIMELINE = range(4)
HISTORY_DAYS = 14
FIND_ROW_PAGES = 50  # pages looked through for a run clicked on the timeline


class SchedulerArea(QWidget):
    """Upcoming and History tables over the ledger, refreshed by scheduler events."""

    status_message = Signal(str)
    run_announced = Signal(str, str)  # words about a run a dialog scheduled, its ID
    _chart_read = Signal(object)  # the History chart's days, read on a worker thread
    paused_changed = Signal(bool)

    def __init__(
        self, context: AppContext, bridge: EventBridge, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.scheduler_service = SchedulerService(context.db, context.events)
        self.upcoming_model = UpcomingRunsModel(context.db, parent=self)
        self.history_model = HistoryRunsModel(context.db, parent=self)
        self._selected_upcoming: list[str] = []  # kept across a reload
        self._current_history: str | None = None
        self._cancelled_words: dict[str, str] = {}  # a cancelled run's words, for its Undo
        self.upcoming_model.loaded.connect(self.on_upcoming_loaded)
        self.history_model.loaded.connect(self.on_history_loaded)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.on_reload_timer_timeout)
        self._last_reload = -BUSY_SECONDS  # time.monotonic() of the last refresh
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(30_000)
        self._clock_timer.timeout.connect(self.on_clock_timer_timeout)
        self._clock_timer.start()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("schedulerTabs")
        self.upcoming_page = UpcomingPage(self.upcoming_model, self)
        self.history_page = HistoryPage(context.db, self.history_model, self)
        self.schedules_page = SchedulesPage(context.db, self.scheduler_service, self)
        self.tabs.addTab(self.upcoming_page, self.tr("Upcoming"))
        self.tabs.addTab(self.history_page, self.tr("History"))
        self.tabs.addTab(self.schedules_page, self.tr("Schedules"))
        self.timeline_page = TimelinePage(context.db, self)
        self.tabs.addTab(self.timeline_page, self.tr("Timeline"))
        self.timeline = self.timeline_page.timeline
        self.timeline_summary = self.timeline_page.summary
        self.span_day_button = self.timeline_page.span_day_button
        self.span_week_button = self.timeline_page.span_week_button
        self.timeline.run_activated.connect(self.on_timeline_run_activated)
        self.tabs.currentChanged.connect(self.on_tabs_current_changed)
        layout.addWidget(self.tabs)
        self._wire_upcoming()
        self._wire_history()
        self.schedules_page.status_message.connect(self.status_message)
        self._chart_read.connect(self.on_chart_read)
        bridge.ledger_changed.connect(self.on_ledger_changed)
        bridge.things_changed.connect(self.on_ledger_changed)  # Upcoming shows things by name
        bridge.scheduler_state_changed.connect(self.on_scheduler_state_changed)
        self._update_count()
        self.paused = False
        self.show_paused(self.context.service.is_paused())

    # --- building -------------------------------------------------------------

    def _wire_upcoming(self) -> None:
        page = self.upcoming_page
        # the names the window, the menus and the tests use
        self.upcoming_view = page.view
        self.upcoming_filter = page.filter
        self.since_check = page.since_check
        self.since_date = page.since
        self.count_label = page.count_label
        self.schedule_button = page.schedule_button
        self.cancel_selected_button = page.cancel_selected_button
        self.cancel_all_button = page.cancel_all_button
        self.pause_button = page.pause_button
        self.paused_banner = page.paused_banner
        self.cancel_delegate = page.cancel_delegate
        self.undo_bar = page.undo_bar
        page.filter.textChanged.connect(self.on_upcoming_filter_changed)
        page.since_check.toggled.connect(self.on_upcoming_filter_changed)
        page.since.value_changed.connect(self.on_upcoming_filter_changed)
        page.schedule_button.clicked.connect(self.on_schedule_clicked)
        page.cancel_selected_button.clicked.connect(self.on_cancel_selected_clicked)
        page.cancel_all_button.clicked.connect(self.on_cancel_all_clicked)
        page.pause_button.clicked.connect(self.on_pause_clicked)
        page.cancel_delegate.cancel_clicked.connect(self.on_row_cancel_clicked)
        page.undo_bar.undo_clicked.connect(self.on_undo_clicked)

    def _wire_history(self) -> None:
        page = self.history_page
        self.history_view = page.view
        self.history_filter = page.filter
        self.run_again_button = page.run_again_button
        self.resume_button = page.resume_button
        self.run_details = page.details
        self.trace_title = page.details.title
        self.trace_table = page.details.steps
        self.trace_log = page.details.log
        self.history_chart = page.chart
        page.filter.textChanged.connect(self.on_history_filter_changed)
        page.run_again_button.clicked.connect(self.on_run_again_clicked)
        page.resume_button.clicked.connect(self.on_resume_clicked)
        page.view.selectionModel().currentRowChanged.connect(self.on_history_current_changed)

    def showEvent(self, event: QShowEvent) -> None:
        self._place_undo_bar()
        super().showEvent(event)

    def _place_undo_bar(self) -> None:
        """The Undo of a cancel sits in the window's status bar when there is one."""
        window = self.window()
        if isinstance(window, QMainWindow) and self.undo_bar.parent() is not window.statusBar():
            window.statusBar().addPermanentWidget(self.undo_bar)
            self.undo_bar.setVisible(bool(self.undo_bar.run_ids))

    # --- refreshing -------------------------------------------------------------

    @Slot()
    def on_ledger_changed(self) -> None:
        """Refresh soon: once per interval, however many runs changed meanwhile (every
        run's status is on screen within about half a second of its change)."""
        if not self._reload_timer.isActive():
            busy = time.monotonic() - self._last_reload < BUSY_SECONDS
            self._reload_timer.start(BUSY_RELOAD_MS if busy else RELOAD_DELAY_MS)

    @Slot()
    def on_reload_timer_timeout(self) -> None:
        self._last_reload = time.monotonic()
        self.reload_in_background()

    @Slot()
    def on_clock_timer_timeout(self) -> None:
        self.upcoming_model.refresh_shown()  # "in 5 min" becomes "in 4 min"
        self._reload_current_tab()

    @Slot(int)
    def on_tabs_current_changed(self, index: int) -> None:
        self._reload_current_tab()

    def _reload_current_tab(self) -> None:
        index = self.tabs.currentIndex()
        if index == TAB_TIMELINE:
            self.reload_timeline()
        elif index == TAB_SCHEDULES:
            self.schedules_page.reload()
        elif index == TAB_HISTORY:
            self.reload_chart()

    def reload_timeline(self) -> None:
        self.timeline_page.reload()

    def reload_chart(self, *, wait: bool = False) -> None:
        """Read the chart's days on a worker thread (a busy ledger has many finished
        runs in two weeks); `wait` reads them here (tests, first show)."""
        db = self.context.db
        if wait:
            self.history_chart.set_days(schedule_queries.history_days(db, HISTORY_DAYS))
            return

        def read() -> None:
            try:
                days = schedule_queries.history_days(db, HISTORY_DAYS)
            except Exception:  # the next reload tries again
                log.exception("reading the history chart failed")
                return
            with contextlib.suppress(RuntimeError):  # the window closed meanwhile
                self._chart_read.emit(days)

        QThreadPool.globalInstance().start(read)

    @Slot(object)
    def on_chart_read(self, days: list[schedule_queries.DaySummary]) -> None:
        self.history_chart.set_days(days)

    def reload(self) -> None:
        """Read the tables again, keeping the selection where the runs remain."""
        self._remember_selection()
        self.upcoming_model.reload()
        self.history_model.reload()
        self.on_upcoming_loaded()
        self.on_history_loaded()
        self._reload_current_tab()

    def reload_in_background(self) -> None:
        """reload() for the ledger's changes: the tables' queries run on a worker
        thread (over a million runs a COUNT takes tens of milliseconds) and the
        rows are put in when they arrive (on_upcoming_loaded, on_history_loaded)."""
        self._remember_selection()
        pool = QThreadPool.globalInstance()
        self.upcoming_model.reload_in_background(pool)
        self.history_model.reload_in_background(pool)
        if self.tabs.currentIndex() in (TAB_TIMELINE, TAB_SCHEDULES):
            self._reload_current_tab()

    def _remember_selection(self) -> None:
        self._selected_upcoming = self.selected_upcoming_ids()
        self._current_history = self.history_view.currentIndex().data(ID_ROLE)

    @Slot()
    def on_upcoming_loaded(self) -> None:
        self._update_count()
        selection = self.upcoming_view.selectionModel()
        for run_id in self._selected_upcoming:
            row = self.upcoming_model.row_of(run_id)
            if row >= 0:
                selection.select(
                    self.upcoming_model.index(row, 0),
                    selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
                )

    @Slot()
    def on_history_loaded(self) -> None:
        self.history_page.empty.show_hint(
            self.history_model.rowCount() == 0 and not self.history_filter.text()
        )
        current = self._current_history
        if current:
            row = self.history_model.row_of(current)
            if row >= 0:
                self.history_view.setCurrentIndex(self.history_model.index(row, 0))
            else:
                self._show_trace(None)

    def _update_count(self) -> None:
        count = self.upcoming_model.rowCount()
        self.count_label.setText(self.tr("{n} upcoming").format(n=f"{count:,}"))
        filtered = bool(self.upcoming_filter.text()) or self.since_check.isChecked()
        self.upcoming_page.show_empty(count == 0 and not filtered)

    @Slot()
    def on_upcoming_filter_changed(self) -> None:
        since = self.upcoming_page.since_value()
        self.upcoming_model.set_filter(RunFilter(self.upcoming_filter.text(), since))
        self._update_count()

    @Slot(str)
    def on_history_filter_changed(self, text: str) -> None:
        self.history_model.set_filter(RunFilter(text))
        self._show_trace(None)

    # --- the timeline -------------------------------------------------------------

    @Slot(str)
    def on_timeline_run_activated(self, run_id: str) -> None:
        """Show a run clicked on the timeline as the selected row of Upcoming."""
        row = self.upcoming_model.row_of(run_id)
        if row < 0:
            found = schedule_queries.upcoming_row(
                self.context.db, self.upcoming_model.run_filter, run_id
            )
            if found is None:  # hidden by the filter: show all runs again
                self.upcoming_filter.clear()
                self.since_check.setChecked(False)
                found = schedule_queries.upcoming_row(self.context.db, RunFilter(), run_id)
            row = -1
            if found is not None:
                run = self.upcoming_model.row_at(found)
                if run is None or run.id != run_id:  # the table has not caught up yet
                    self.upcoming_model.reload()
                    run = self.upcoming_model.row_at(found)
                row = found if run is not None and run.id == run_id else -1
        if row < 0:
            self.status_message.emit(self.tr("Run {id} is no longer upcoming").format(id=run_id))
            return
        self.tabs.setCurrentIndex(TAB_UPCOMING)
        self.upcoming_page.scroll_to_row(row)

    # --- cancelling ---------------------------------------------------------------

    def selected_upcoming_ids(self) -> list[str]:
        """IDs of the selected rows, read range by range (no index object per row)."""
        ids: list[str] = []
        selection = self.upcoming_view.selectionModel().selection()
        for number in range(selection.count()):
            selection_range = selection.at(number)
            for row in range(selection_range.top(), selection_range.bottom() + 1):
                run = self.upcoming_model.row_at(row)
                if run is not None:
                    ids.append(run.id)
        return list(dict.fromkeys(ids))

    def cancel_runs(self, run_ids: list[str]) -> int:
        """Cancel runs by ID, a chunk per transaction; Undo is offered for a few seconds."""
        if not run_ids:
            return 0
        cancelled: list[str] = []
        first = self._loaded_run(run_ids[0]) if len(run_ids) == 1 else None
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            for start in range(0, len(run_ids), CANCEL_CHUNK):
                cancelled += self.context.service.cancel(run_ids[start : start + CANCEL_CHUNK])
        except CueflowError as exc:
            self.status_message.emit(str(exc))
        finally:
            QApplication.restoreOverrideCursor()
        self.upcoming_view.clearSelection()
        self.reload()
        if len(cancelled) == 1 and first is not None:
            what = self.tr("{title} ({when})").format(
                title=self.upcoming_model.title(first.workflow),
                when=formatting.when_words(first.scheduled_for),
            )
            self._cancelled_words = {cancelled[0]: what}  # for the Undo's message (one at a time)
            text = self.tr("Cancelled {what}").format(what=what)
        elif len(cancelled) == 1:
            text = self.tr("Cancelled run {id}").format(id=cancelled[0])
        else:
            text = self.tr("Cancelled {n} runs").format(n=f"{len(cancelled):,}")
        if cancelled:  # said once, beside its Undo
            self._place_undo_bar()
            self.undo_bar.offer(text, cancelled)
        else:
            self.status_message.emit(text)
        return len(cancelled)

    def _loaded_run(self, run_id: str) -> RunRow | None:
        """The Upcoming row of `run_id` when it is loaded (for its words), else None."""
        row = self.upcoming_model.row_of(run_id)
        return self.upcoming_model.row_at(row) if row >= 0 else None

    @Slot(list)
    def on_undo_clicked(self, run_ids: list[str]) -> None:
        """Schedule the cancelled runs again: same IDs, same times (the ledger allows it)."""
        try:
            restored = self.scheduler_service.restore(run_ids)
        except CueflowError as exc:
            self.status_message.emit(str(exc))
            return
        self.reload()
        self.status_message.emit(
            self.tr("Scheduled again: {n} runs").format(n=f"{len(restored):,}")
            if len(restored) != 1
            else self.tr("Scheduled again: {what}").format(
                what=self._cancelled_words.pop(restored[0], self.tr("1 run"))
            )
        )

    @Slot(str)
    def on_row_cancel_clicked(self, run_id: str) -> None:
        self.cancel_runs([run_id])

    @Slot()
    def on_cancel_selected_clicked(self) -> None:
        self.cancel_runs(self.selected_upcoming_ids())

    @Slot()
    def on_cancel_all_clicked(self) -> None:
        count = queries.count_scheduled(self.context.db)
        if count == 0:
            return
        question = self.tr("Cancel all {n} upcoming runs? This cannot be undone.").format(
            n=f"{count:,}"
        )
        if self.confirm(self.tr("Cancel all"), question):
            cancelled = self.context.service.cancel_all()
            self.reload()
            self.status_message.emit(self.tr("Cancelled {n} runs").format(n=len(cancelled)))

    # --- pausing --------------------------------------------------------------------

    def set_paused(self, paused: bool) -> None:
        """Pause or resume every run (the clock reads the setting on its next tick)."""
        self.context.service.set_paused(paused)
        self.show_paused(self.context.service.is_paused())
        self.status_message.emit(self.tr("All runs paused") if paused else self.tr("Runs resumed"))

    def show_paused(self, paused: bool) -> None:
        changed = paused != self.paused
        self.paused = paused
        self.pause_button.setChecked(paused)
        self.pause_button.setText(self.tr("Resume runs") if paused else self.tr("Pause all runs"))
        self.paused_banner.setVisible(paused)
        if changed:
            self.paused_changed.emit(paused)

    @Slot(bool)
    def on_pause_clicked(self, checked: bool) -> None:
        self.set_paused(checked)

    @Slot(str)
    def on_scheduler_state_changed(self, state: str) -> None:
        if state in ("paused", "running"):
            self.show_paused(state == "paused")

    def confirm(self, title: str, question: str) -> bool:
        """Ask yes or no (tests replace this)."""
        answer = QMessageBox.question(self, title, question)
        return answer == QMessageBox.StandardButton.Yes

    # --- scheduling -----------------------------------------------------------------

    @Slot()
    def on_schedule_clicked(self) -> None:
        workflows = queries.list_workflows(self.context.db)
        if not workflows:
            self.status_message.emit(
                self.tr("There is no workflow to schedule yet: make one in Workflows first.")
            )
            return
        # By their titles, as the Workflows list shows them; a title two share names its workflow.
        titles = [w.title for w in workflows]
        choices = {
            (w.title if titles.count(w.title) == 1 else f"{w.title} ({w.name})"): w.name
            for w in sorted(workflows, key=lambda w: (w.title.casefold(), w.name))
        }
        chosen, ok = QInputDialog.getItem(
            self, self.tr("Schedule"), self.tr("Workflow"), list(choices), 0, False
        )
        if ok and chosen in choices:
            self.open_run_dialog(choices[chosen])

    @Slot()
    def on_workflows_changed(self) -> None:
        """Labels may have changed: the tables read them on their next reload."""
        self.upcoming_model.forget_titles()
        self.history_model.forget_titles()

    def open_run_dialog(self, name: str, run_now: bool = False) -> RunDialog:
        workflow = queries.workflow(self.context.db, name)
        dialog = RunDialog(self.context, workflow, run_now=run_now, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.scheduled.connect(self.on_ledger_changed)
        dialog.announced.connect(self.run_announced)
        dialog.open()
        return dialog

    # --- history ------------------------------------------------------------------

    @Slot(QModelIndex, QModelIndex)
    def on_history_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._show_trace(current.data(ID_ROLE) if current.isValid() else None)

    def _show_trace(self, run_id: str | None) -> None:
        self.run_again_button.setEnabled(run_id is not None)
        self.resume_button.setEnabled(False)
        trace = self.run_details.show_run(run_id)
        if trace is not None:
            self.resume_button.setEnabled(trace.resumable)

    @Slot()
    def on_resume_clicked(self) -> None:
        run_id = self.history_view.currentIndex().data(ID_ROLE)
        if run_id is None:
            return
        try:
            self.context.service.resume(run_id)
        except CueflowError as exc:
            self.status_message.emit(str(exc))
            return
        self.resume_button.setEnabled(False)
        run = self.history_view.currentIndex().data(ROW_ROLE)
        title = self.history_model.title(run.workflow) if run is not None else run_id
        self.status_message.emit(
            self.tr("Resuming {title} from the step where it stopped").format(title=title)
        )

    @Slot()
    def on_run_again_clicked(self) -> None:
        run = self.history_view.currentIndex().data(ROW_ROLE)
        if run is None:
            return
        try:
            self.context.service.schedule(run.workflow, run.params, run_as=run.run_as)
        except CueflowError as exc:
            self.status_message.emit(str(exc))
            return
        self.status_message.emit(
            self.tr("Started {title} again").format(title=self.history_model.title(run.workflow))
        )
