"""The Scheduler's list of recurring schedules: the rule in words, the next
times, and Pause / Resume and End per schedule (through SchedulerService)."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.engine import presenting, schedule_queries
from app.engine.editor_queries import workflow_titles
from app.engine.run_queries import Database
from app.engine.schedule_queries import ScheduleItem, SchedulerService
from app.errors import CueflowError
from app.ui.widgets import formatting

COL_WORKFLOW, COL_RULE, COL_NEXT, COL_STATUS, COL_ACTIONS = range(5)
NEXT_COUNT = 3


class SchedulesPage(QWidget):
    """Recurring schedules, newest first; each row can pause, resume or end its schedule."""

    status_message = Signal(str)

    def __init__(
        self, db: Database, service: SchedulerService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.service = service
        self.items: list[ScheduleItem] = []
        self.titles: dict[str, str] = {}  # workflow name → its label
        layout = QVBoxLayout(self)
        self.empty = QLabel(
            self.tr(
                "No recurring schedules yet. To make one, click Schedule… on the Upcoming "
                "tab (or Schedule in a workflow) and choose a Repeat rule."
            ),
            self,
        )
        self.empty.setObjectName("schedulesEmpty")
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)
        self.table = QTableWidget(0, 5, self)
        self.table.setObjectName("schedulesTable")
        self.table.setAccessibleName(self.tr("Recurring schedules"))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Workflow"),
                self.tr("Repeats"),
                self.tr("Next times"),
                self.tr("State"),
                "",
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_RULE, QHeaderView.ResizeMode.Stretch)
        # The next times keep one line each ("Tue 2 Mar 2027 09:00 · in 3 months").
        for column in (COL_WORKFLOW, COL_NEXT, COL_STATUS, COL_ACTIONS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)

    def reload(self) -> None:
        self.items = schedule_queries.list_schedules(self.db, NEXT_COUNT)
        self.titles = workflow_titles(self.db) if self.items else {}
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            state = {
                schedule_queries.ACTIVE: self.tr("Active"),
                schedule_queries.PAUSED: self.tr("Paused"),
                schedule_queries.ENDED: self.tr("Ended"),
            }.get(item.status, item.status)
            next_times = "\n".join(
                f"{formatting.local_time(moment)} · {formatting.relative(moment)}"
                for moment in item.next_times
            ) or (self.tr("paused") if item.status == schedule_queries.PAUSED else "—")
            words = presenting.rule_zone_words(item.words, item.timezone)  # "(UTC)"
            cells = [self.title(item.workflow), words, next_times, state]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
            self.table.setCellWidget(row, COL_ACTIONS, self._buttons(item))
        self.table.resizeRowsToContents()
        self.empty.setVisible(not self.items)
        self.table.setVisible(bool(self.items))

    def _buttons(self, item: ScheduleItem) -> QWidget:
        box = QWidget(self.table)
        row = QHBoxLayout(box)
        row.setContentsMargins(4, 2, 4, 2)
        if item.status in (schedule_queries.ACTIVE, schedule_queries.PAUSED):
            paused = item.status == schedule_queries.PAUSED
            toggle = QPushButton(self.tr("Resume") if paused else self.tr("Pause"), box)
            toggle.setObjectName(f"schedulePause_{item.id}")
            toggle.setAccessibleName(
                (
                    self.tr("Resume schedule {id}") if paused else self.tr("Pause schedule {id}")
                ).format(id=item.id)
            )
            toggle.clicked.connect(lambda: self.on_toggle_clicked(item.id, paused))
            row.addWidget(toggle)
            end = QPushButton(self.tr("End"), box)
            end.setObjectName(f"scheduleEnd_{item.id}")
            end.setAccessibleName(self.tr("End schedule {id}").format(id=item.id))
            end.setToolTip(self.tr("Stop this schedule for good (its next run is cancelled)"))
            end.clicked.connect(lambda: self.on_end_clicked(item.id))
            row.addWidget(end)
        return box

    def title(self, workflow: str) -> str:
        """A workflow as people name it (its label), else its name."""
        return self.titles.get(workflow, workflow)

    def _named(self, schedule_id: str) -> str:
        """ "the schedule of Send birthday email" (by its workflow, not its ID)."""
        item = next((i for i in self.items if i.id == schedule_id), None)
        return self.title(item.workflow) if item is not None else schedule_id

    def button(self, schedule_id: str, kind: str) -> QPushButton | None:
        """A row's button: kind 'Pause' (also Resume) or 'End' (for tests)."""
        rows = [number for number, item in enumerate(self.items) if item.id == schedule_id]
        box = self.table.cellWidget(rows[0], COL_ACTIONS) if rows else None
        return box.findChild(QPushButton, f"schedule{kind}_{schedule_id}") if box else None

    @Slot()
    def on_toggle_clicked(self, schedule_id: str, paused: bool) -> None:
        name = self._named(schedule_id)
        try:
            if paused:
                self.service.resume_schedule(schedule_id)
                self.status_message.emit(
                    self.tr("Resumed the repeat schedule of {workflow}").format(workflow=name)
                )
            else:
                self.service.pause_schedule(schedule_id)
                self.status_message.emit(
                    self.tr("Paused the repeat schedule of {workflow}").format(workflow=name)
                )
        except CueflowError as exc:
            self.status_message.emit(str(exc))
        self.reload()

    @Slot()
    def on_end_clicked(self, schedule_id: str) -> None:
        name = self._named(schedule_id)
        try:
            self.service.end_schedule(schedule_id)
            self.status_message.emit(
                self.tr("Ended the repeat schedule of {workflow}").format(workflow=name)
            )
        except CueflowError as exc:
            self.status_message.emit(str(exc))
        self.reload()
