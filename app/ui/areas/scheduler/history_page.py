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

from app.engine import run_queries
from app.engine.run_queries import Database
from app.ui.areas.scheduler.history_chart import HistoryChart
from app.ui.areas.scheduler.run_details import RunDetails
from app.ui.areas.scheduler.tables import ColumnFitter, HintLine, table_look
from app.ui.models.runs import HistoryRunsModel, origin_words, status_words

STATUSES = (
    run_queries.SUCCEEDED,
    run_queries.FAILED,
    run_queries.TERMINATED,
    run_queries.INTERRUPTED,
    run_queries.MISSED,
    run_queries.RUNNING,
)

H = HistoryRunsModel
HISTORY_WIDTHS = {
    H.COL_ID: 140,
    H.COL_WORKFLOW: 165,
    H.COL_SCHEDULED: 150,
    H.COL_STARTED: 140,
    H.COL_DURATION: 80,
    H.COL_STATUS: 120,
    H.COL_ATTEMPT: 70,
    H.COL_ORIGIN: 130,
}
# Who started a run is kept longer than the attempt and the duration when the window
# is narrow: at 900 px the table shows workflow, started, status, started by and error.
HISTORY_PRIORITIES = {
    H.COL_WORKFLOW: 0,
    H.COL_STATUS: 0,
    H.COL_STARTED: 1,
    H.COL_ORIGIN: 2,
    H.COL_ATTEMPT: 3,
    H.COL_DURATION: 4,
    H.COL_SCHEDULED: 5,
    H.COL_ID: 6,
}
# The texts the Started by column shows besides a token's label: its width fits them.
ORIGIN_SAMPLES = ("cli", "window", "schedule", "trigger", "workflow")
CELL_PADDING = 18  # a cell's margins and the grid line, around its text


def fitted_widths(view: QTableView) -> dict[int, int]:
    """HISTORY_WIDTHS with the columns whose texts are known measured in the view's
    font: Started by fits "Repeat schedule" (or "Kommandozeile"), Status its words."""
    metrics = view.fontMetrics()
    widths = dict(HISTORY_WIDTHS)
    origins = [origin_words(origin) for origin in ORIGIN_SAMPLES]
    origins.append(origin_words("window", captured=True))
    header = view.model().headerData(H.COL_ORIGIN, Qt.Orientation.Horizontal)
    widths[H.COL_ORIGIN] = (
        max(metrics.horizontalAdvance(text) for text in [*origins, str(header)]) + CELL_PADDING
    )
    statuses = [status_words(status) for status in STATUSES]
    icon = view.iconSize().width() if view.iconSize().width() > 0 else 16
    widths[H.COL_STATUS] = (
        max(metrics.horizontalAdvance(view.model().tr(text)) for text in statuses)
        + icon
        + CELL_PADDING
    )
    return widths


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
            fitted_widths(self.view),
            HISTORY_PRIORITIES,
            H.COL_ERROR,
            off=frozenset({H.COL_ID}),  # the header's context menu shows it
        )
        self.details = RunDetails(db, self.splitter, title_of=model.title)
        # At 900×600 the chart gives way first: the selected run's steps need the room.
        self.chart.setMinimumHeight(96)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([120, 220, 360])
        layout.addWidget(self.splitter, 1)
        self.setFocusProxy(self.filter)
