"""The Scheduler area: upcoming runs with Cancel buttons, a timeline of what
comes next, the run history, and Pause / Resume of all runs."""

from __future__ import annotations

import json
from datetime import datetime

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.types import local_zone
from app.engine import run_queries as queries
from app.engine.run_queries import RunFilter
from app.errors import CueflowError
from app.ui.areas.scheduler.tables import CancelButtonDelegate, table_look
from app.ui.areas.scheduler.timeline import SPAN_DAY, SPAN_WEEK, TimelineWidget
from app.ui.dialogs.run_dialog import RunDialog
from app.ui.models.roles import ID_ROLE, ROW_ROLE
from app.ui.models.runs import HistoryRunsModel, UpcomingRunsModel, status_icon
from app.ui.shell.bridge import EventBridge
from app.ui.shell.context import AppContext
from app.ui.widgets import formatting

RELOAD_DELAY_MS = 150
CANCEL_CHUNK = 500
TAB_UPCOMING, TAB_HISTORY, TAB_TIMELINE = range(3)


class SchedulerArea(QWidget):
    """Upcoming and History tables over the ledger, refreshed by scheduler events."""

    status_message = Signal(str)
    paused_changed = Signal(bool)

    def __init__(
        self, context: AppContext, bridge: EventBridge, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.upcoming_model = UpcomingRunsModel(context.db, parent=self)
        self.history_model = HistoryRunsModel(context.db, parent=self)
        self._selected_upcoming: list[str] = []  # kept across a reload
        self._current_history: str | None = None
        self.upcoming_model.loaded.connect(self.on_upcoming_loaded)
        self.history_model.loaded.connect(self.on_history_loaded)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.on_reload_timer_timeout)
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(30_000)
        self._clock_timer.timeout.connect(self.on_clock_timer_timeout)
        self._clock_timer.start()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("schedulerTabs")
        self.tabs.addTab(self._build_upcoming(), self.tr("Upcoming"))
        self.tabs.addTab(self._build_history(), self.tr("History"))
        self.tabs.addTab(self._build_timeline(), self.tr("Timeline"))
        self.tabs.currentChanged.connect(self.on_tabs_current_changed)
        layout.addWidget(self.tabs)
        bridge.ledger_changed.connect(self.on_ledger_changed)
        bridge.things_changed.connect(self.on_ledger_changed)  # Upcoming shows things by name
        bridge.scheduler_state_changed.connect(self.on_scheduler_state_changed)
        self._update_count()
        self.paused = False
        self.show_paused(self.context.service.is_paused())

    # --- building -------------------------------------------------------------

    def _build_upcoming(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.upcoming_filter = QLineEdit(page)
        self.upcoming_filter.setObjectName("upcomingFilter")
        self.upcoming_filter.setPlaceholderText(self.tr("Filter by workflow, ID or parameter"))
        self.upcoming_filter.setClearButtonEnabled(True)
        self.upcoming_filter.textChanged.connect(self.on_upcoming_filter_changed)
        bar.addWidget(self.upcoming_filter, 2)
        self.since_check = QCheckBox(self.tr("From"), page)
        self.since_date = QDateEdit(QDate.currentDate(), page)
        self.since_date.setCalendarPopup(True)
        self.since_date.setDisplayFormat("yyyy-MM-dd")
        self.since_date.setEnabled(False)
        self.since_check.toggled.connect(self.since_date.setEnabled)
        self.since_check.toggled.connect(self.on_upcoming_filter_changed)
        self.since_date.dateChanged.connect(self.on_upcoming_filter_changed)
        bar.addWidget(self.since_check)
        bar.addWidget(self.since_date)
        self.count_label = QLabel(page)
        self.count_label.setObjectName("upcomingCount")
        bar.addWidget(self.count_label, 1)
        self.schedule_button = QPushButton(self.tr("Schedule…"), page)
        self.schedule_button.setObjectName("scheduleButton")
        self.schedule_button.clicked.connect(self.on_schedule_clicked)
        bar.addWidget(self.schedule_button)
        self.cancel_selected_button = QPushButton(self.tr("Cancel selected"), page)
        self.cancel_selected_button.setObjectName("cancelSelectedButton")
        self.cancel_selected_button.clicked.connect(self.on_cancel_selected_clicked)
        bar.addWidget(self.cancel_selected_button)
        self.cancel_all_button = QPushButton(self.tr("Cancel all…"), page)
        self.cancel_all_button.setObjectName("cancelAllButton")
        self.cancel_all_button.clicked.connect(self.on_cancel_all_clicked)
        bar.addWidget(self.cancel_all_button)
        self.pause_button = QPushButton(self.tr("Pause all runs"), page)
        self.pause_button.setObjectName("pauseButton")
        self.pause_button.setCheckable(True)
        self.pause_button.clicked.connect(self.on_pause_clicked)
        bar.addWidget(self.pause_button)
        layout.addLayout(bar)
        self.paused_banner = QLabel(
            self.tr(
                "Paused: no run starts until you resume. Runs that come due meanwhile stay "
                "scheduled and then follow their workflow's missed-run policy."
            ),
            page,
        )
        self.paused_banner.setObjectName("pausedBanner")
        self.paused_banner.setWordWrap(True)
        self.paused_banner.setStyleSheet(
            "background: #fef3c7; color: #78350f; padding: 6px; border-radius: 4px;"
        )
        self.paused_banner.setVisible(False)
        layout.addWidget(self.paused_banner)

        self.upcoming_view = QTableView(page)
        self.upcoming_view.setObjectName("upcomingView")
        self.upcoming_view.setModel(self.upcoming_model)
        table_look(self.upcoming_view)
        self.cancel_delegate = CancelButtonDelegate(self.upcoming_view)
        self.cancel_delegate.cancel_clicked.connect(self.on_row_cancel_clicked)
        self.upcoming_view.setItemDelegateForColumn(
            UpcomingRunsModel.COL_CANCEL, self.cancel_delegate
        )
        header = self.upcoming_view.horizontalHeader()
        header.setSectionResizeMode(UpcomingRunsModel.COL_PARAMS, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (UpcomingRunsModel.COL_ID, 150),
            (UpcomingRunsModel.COL_WORKFLOW, 190),
            (UpcomingRunsModel.COL_SCHEDULED, 230),
            (UpcomingRunsModel.COL_RUN_AS, 110),
            (UpcomingRunsModel.COL_CREATED, 140),
            (UpcomingRunsModel.COL_CANCEL, 90),
        ):
            self.upcoming_view.setColumnWidth(column, width)
        layout.addWidget(self.upcoming_view)
        return page

    def _build_timeline(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.span_group = QButtonGroup(page)
        self.span_day_button = QPushButton(self.tr("Next 24 hours"), page)
        self.span_day_button.setObjectName("timelineDayButton")
        self.span_week_button = QPushButton(self.tr("Next 7 days"), page)
        self.span_week_button.setObjectName("timelineWeekButton")
        for number, button in enumerate((self.span_day_button, self.span_week_button)):
            button.setCheckable(True)
            self.span_group.addButton(button, number)
            bar.addWidget(button)
        self.span_day_button.setChecked(True)
        self.span_group.idToggled.connect(self.on_span_toggled)
        self.timeline_summary = QLabel(page)
        self.timeline_summary.setObjectName("timelineSummary")
        bar.addWidget(self.timeline_summary, 1)
        layout.addLayout(bar)
        self.timeline = TimelineWidget(self.context.db, page)
        scroll = QScrollArea(page)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.timeline)
        layout.addWidget(scroll, 1)
        return page

    def _build_history(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.history_filter = QLineEdit(page)
        self.history_filter.setObjectName("historyFilter")
        self.history_filter.setPlaceholderText(self.tr("Filter by workflow, ID or parameter"))
        self.history_filter.setClearButtonEnabled(True)
        self.history_filter.textChanged.connect(self.on_history_filter_changed)
        bar.addWidget(self.history_filter, 1)
        self.run_again_button = QPushButton(self.tr("Run again"), page)
        self.run_again_button.setObjectName("runAgainButton")
        self.run_again_button.setEnabled(False)
        self.run_again_button.clicked.connect(self.on_run_again_clicked)
        bar.addWidget(self.run_again_button)
        self.resume_button = QPushButton(self.tr("Resume"), page)
        self.resume_button.setObjectName("resumeButton")
        self.resume_button.setToolTip(
            self.tr("Run an interrupted or failed run again from the step where it stopped")
        )
        self.resume_button.setEnabled(False)
        self.resume_button.clicked.connect(self.on_resume_clicked)
        bar.addWidget(self.resume_button)
        layout.addLayout(bar)

        splitter = QSplitter(Qt.Orientation.Vertical, page)
        self.history_view = QTableView(splitter)
        self.history_view.setObjectName("historyView")
        self.history_view.setModel(self.history_model)
        table_look(self.history_view)
        self.history_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history_view.horizontalHeader().setSectionResizeMode(
            HistoryRunsModel.COL_ERROR, QHeaderView.ResizeMode.Stretch
        )
        for column, width in (
            (HistoryRunsModel.COL_ID, 150),
            (HistoryRunsModel.COL_WORKFLOW, 190),
            (HistoryRunsModel.COL_SCHEDULED, 150),
            (HistoryRunsModel.COL_STARTED, 150),
            (HistoryRunsModel.COL_DURATION, 80),
            (HistoryRunsModel.COL_STATUS, 110),
            (HistoryRunsModel.COL_ATTEMPT, 70),
        ):
            self.history_view.setColumnWidth(column, width)
        self.history_view.selectionModel().currentRowChanged.connect(
            self.on_history_current_changed
        )

        trace = QWidget(splitter)
        trace_layout = QVBoxLayout(trace)
        trace_layout.setContentsMargins(0, 0, 0, 0)
        self.trace_title = QLabel(self.tr("Select a run to see its steps."), trace)
        self.trace_title.setObjectName("traceTitle")
        self.trace_title.setWordWrap(True)
        self.trace_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        trace_layout.addWidget(self.trace_title)
        self.trace_table = QTableWidget(0, 7, trace)
        self.trace_table.setObjectName("traceTable")
        self.trace_table.setHorizontalHeaderLabels(
            [
                self.tr("Step"),
                self.tr("Action"),
                self.tr("Status"),
                self.tr("Inputs"),
                self.tr("Result"),
                self.tr("Error"),
                self.tr("Duration"),
            ]
        )
        self.trace_table.verticalHeader().setVisible(False)
        self.trace_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.trace_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.trace_table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        trace_layout.addWidget(self.trace_table, 2)
        self.trace_log = QPlainTextEdit(trace)
        self.trace_log.setObjectName("traceLog")
        self.trace_log.setReadOnly(True)
        self.trace_log.setPlaceholderText(self.tr("Log lines of the run"))
        self.trace_log.setMaximumHeight(90)
        trace_layout.addWidget(self.trace_log)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter)
        return page

    # --- refreshing -------------------------------------------------------------

    @Slot()
    def on_ledger_changed(self) -> None:
        if not self._reload_timer.isActive():
            self._reload_timer.start()

    @Slot()
    def on_reload_timer_timeout(self) -> None:
        self.reload_in_background()

    @Slot()
    def on_clock_timer_timeout(self) -> None:
        self.upcoming_view.viewport().update()
        if self.tabs.currentIndex() == TAB_TIMELINE:
            self.reload_timeline()

    @Slot(int)
    def on_tabs_current_changed(self, index: int) -> None:
        if index == TAB_TIMELINE:
            self.reload_timeline()

    @Slot(int, bool)
    def on_span_toggled(self, button_id: int, checked: bool) -> None:
        if checked:
            self.timeline.span = SPAN_WEEK if button_id == 1 else SPAN_DAY
            self.reload_timeline()

    def reload_timeline(self) -> None:
        self.timeline.reload()
        counts = self.timeline.lane_counts()
        total = sum(counts.values())
        text = self.tr("{n} run(s) of {w} workflow(s)").format(n=f"{total:,}", w=len(counts))
        if self.timeline.truncated:
            text += self.tr(" (showing the first {n:,})").format(n=total)
        self.timeline_summary.setText(text)

    def reload(self) -> None:
        """Read both tables again, keeping the selection where the runs remain."""
        self._remember_selection()
        self.upcoming_model.reload()
        self.history_model.reload()
        self.on_upcoming_loaded()
        self.on_history_loaded()
        if self.tabs.currentIndex() == TAB_TIMELINE:
            self.reload_timeline()

    def reload_in_background(self) -> None:
        """reload() for the ledger's changes: the tables' queries run on a worker
        thread (over a million runs a COUNT takes tens of milliseconds) and the
        rows are put in when they arrive (on_upcoming_loaded, on_history_loaded)."""
        self._remember_selection()
        pool = QThreadPool.globalInstance()
        self.upcoming_model.reload_in_background(pool)
        self.history_model.reload_in_background(pool)
        if self.tabs.currentIndex() == TAB_TIMELINE:
            self.reload_timeline()

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

    @Slot()
    def on_upcoming_filter_changed(self) -> None:
        since = None
        if self.since_check.isChecked():
            day = self.since_date.date()
            since = datetime(day.year(), day.month(), day.day(), tzinfo=local_zone())
        self.upcoming_model.set_filter(RunFilter(self.upcoming_filter.text(), since))
        self._update_count()

    @Slot(str)
    def on_history_filter_changed(self, text: str) -> None:
        self.history_model.set_filter(RunFilter(text))
        self._show_trace(None)

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
        """Cancel runs by ID, a chunk per transaction (any number of rows)."""
        if not run_ids:
            return 0
        cancelled: list[str] = []
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
        self.status_message.emit(self.tr("Cancelled {n} run(s)").format(n=len(cancelled)))
        return len(cancelled)

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
            self.status_message.emit(self.tr("Cancelled {n} run(s)").format(n=len(cancelled)))

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
        names = sorted(queries.workflow_names(self.context.db))
        if not names:
            self.status_message.emit(self.tr("There is no workflow to schedule yet."))
            return
        name, ok = QInputDialog.getItem(
            self, self.tr("Schedule"), self.tr("Workflow"), names, 0, False
        )
        if ok:
            self.open_run_dialog(name)

    def open_run_dialog(self, name: str, run_now: bool = False) -> RunDialog:
        workflow = queries.workflow(self.context.db, name)
        dialog = RunDialog(self.context, workflow, run_now=run_now, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.scheduled.connect(self.on_ledger_changed)
        dialog.open()
        return dialog

    # --- history ------------------------------------------------------------------

    @Slot(QModelIndex, QModelIndex)
    def on_history_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._show_trace(current.data(ID_ROLE) if current.isValid() else None)

    def _show_trace(self, run_id: str | None) -> None:
        self.trace_table.setRowCount(0)
        self.trace_log.clear()
        self.run_again_button.setEnabled(run_id is not None)
        self.resume_button.setEnabled(False)
        if run_id is None:
            self.trace_title.setText(self.tr("Select a run to see its steps."))
            return
        trace = queries.run_trace(self.context.db, run_id)
        if trace is None:
            return
        run, steps, lines = trace.run, trace.steps, trace.lines
        self.resume_button.setEnabled(trace.resumable)
        error = f" — {run.error}" if run.error and run.status != queries.CANCELLED else ""
        self.trace_title.setText(
            self.tr(
                "<b>{workflow}</b> · run {id} · <b>{status}</b>, attempt {attempt}{error}"
            ).format(
                workflow=run.workflow,
                id=run.id,
                status=run.status,
                attempt=run.attempt,
                error=error,
            )
        )
        self.trace_table.setRowCount(len(steps))
        for row, step in enumerate(steps):
            cells = [
                str(step["step"]),
                step["action"],
                step["status"],
                formatting.short(step["inputs"], 200),
                formatting.short(step["result"], 200),
                step["error"] or "",
                f"{step['duration_ms']:.0f} ms",
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(
                    json.dumps(step, indent=1, default=str) if column in (3, 4) else text
                )
                if column == 2:
                    item.setIcon(status_icon(step["status"]))
                self.trace_table.setItem(row, column, item)
        self.trace_log.setPlainText(
            "\n".join(
                f"{formatting.local_time(at)}  {level:<7} {message}" for at, level, message in lines
            )
        )

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
        self.status_message.emit(self.tr("Resuming run {id}").format(id=run_id))

    @Slot()
    def on_run_again_clicked(self) -> None:
        run = self.history_view.currentIndex().data(ROW_ROLE)
        if run is None:
            return
        try:
            run_id = self.context.service.schedule(run.workflow, run.params, run_as=run.run_as)
        except CueflowError as exc:
            self.status_message.emit(str(exc))
            return
        self.status_message.emit(self.tr("Started run {id}").format(id=run_id))
