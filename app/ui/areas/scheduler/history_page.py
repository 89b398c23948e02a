"""The History tab: a filter, Run again / Resume, the table of finished and
running runs, the chart of runs per day, and the selected run's details."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.engine.run_queries import Database
from app.ui.areas.scheduler.history_chart import HistoryChart
from app.ui.areas.scheduler.run_details import RunDetails
from app.ui.areas.scheduler.tables import ColumnFitter, HintLine, table_look
from app.ui.models.runs import HistoryRunsModel

H = HistoryRunsModel
HISTORY_WIDTHS = {
    H.COL_ID: 140,
    H.COL_WORKFLOW: 170,
    H.COL_SCHEDULED: 150,
    H.COL_STARTED: 150,
    H.COL_DURATION: 80,
    H.COL_STATUS: 130,
    H.COL_ATTEMPT: 70,
    H.COL_ORIGIN: 130,
}
HISTORY_PRIORITIES = {
    H.COL_WORKFLOW: 0,
    H.COL_STATUS: 0,
    H.COL_STARTED: 1,
    H.COL_ATTEMPT: 2,
    H.COL_DURATION: 3,
    H.COL_ID: 4,
    H.COL_SCHEDULED: 5,
    H.COL_ORIGIN: 6,
}


class HistoryPage(QWidget):
    """The History tab's widgets (the area wires them)."""

    def __init__(self, db: Database, model: HistoryRunsModel, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.filter = QLineEdit(self)
        self.filter.setObjectName("historyFilter")
        self.filter.setPlaceholderText(self.tr("Filter by workflow, ID or parameter"))
        self.filter.setAccessibleName(self.tr("Filter the history"))
        self.filter.setClearButtonEnabled(True)
        bar.addWidget(self.filter, 1)
        self.run_again_button = QPushButton(self.tr("Run again"), self)
        self.run_again_button.setObjectName("runAgainButton")
        self.run_again_button.setEnabled(False)
        bar.addWidget(self.run_again_button)
        self.resume_button = QPushButton(self.tr("Resume"), self)
        self.resume_button.setObjectName("resumeButton")
        self.resume_button.setToolTip(
            self.tr("Run an interrupted or failed run again from the step where it stopped")
        )
        self.resume_button.setEnabled(False)
        bar.addWidget(self.resume_button)
        layout.addLayout(bar)
        self.empty = HintLine(
            self.tr("No run has finished yet. Runs appear here once they start."), self
        )
        self.empty.setObjectName("historyEmpty")
        layout.addWidget(self.empty)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.chart = HistoryChart(self.splitter)
        self.view = QTableView(self.splitter)
        self.view.setObjectName("historyView")
        self.view.setAccessibleName(self.tr("Run history"))
        self.view.setModel(model)
        table_look(self.view)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.fitter = ColumnFitter(
            self.view,
            HISTORY_WIDTHS,
            HISTORY_PRIORITIES,
            H.COL_ERROR,
            off=frozenset({H.COL_ID}),  # the header's context menu shows it
        )
        self.details = RunDetails(db, self.splitter, title_of=model.title)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([160, 300, 240])
        layout.addWidget(self.splitter, 1)
        self.setFocusProxy(self.filter)
