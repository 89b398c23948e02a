"""The Upcoming tab: a filter bar, the table of scheduled runs with a Cancel
button per row (its column always in view), and the Undo bar of a cancel."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent, QRect, QSize, Qt, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.types import local_zone
from app.ui.areas.scheduler.tables import (
    CancelButtonDelegate,
    ColumnFitter,
    HintLine,
    table_look,
)
from app.ui.models.runs import UpcomingRunsModel
from app.ui.widgets.datetime_edit import DateTimeEdit
from app.ui.widgets.palette_colours import warning_colour
from app.ui.widgets.undo_bar import UndoBar

M = UpcomingRunsModel
UPCOMING_WIDTHS = {
    M.COL_ID: 140,
    M.COL_WORKFLOW: 170,
    M.COL_SCHEDULED: 210,
    M.COL_ATTEMPT: 64,
    M.COL_ERROR: 160,
    M.COL_RUN_AS: 100,
    M.COL_CREATED: 140,
    M.COL_ORIGIN: 130,
    M.COL_CANCEL: 84,
}
# 0: always shown; higher numbers are hidden first when the window is narrow
UPCOMING_PRIORITIES = {
    M.COL_WORKFLOW: 0,
    M.COL_SCHEDULED: 0,
    M.COL_CANCEL: 0,
    M.COL_ERROR: 2,
    M.COL_ATTEMPT: 3,
    M.COL_ID: 4,
    M.COL_RUN_AS: 5,
    M.COL_ORIGIN: 6,  # who started it (the API, a trigger …) outlasts when it was made
    M.COL_CREATED: 7,
}


TWO_ROWS_BELOW = 1000  # narrower than this, the buttons sit under the filter


class UpcomingPage(QWidget):
    """The filter bar and the Upcoming table (the area wires the buttons)."""

    def __init__(self, model: UpcomingRunsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = self.page_layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.filter = QLineEdit(self)
        self.filter.setObjectName("upcomingFilter")
        self.filter.setPlaceholderText(self.tr("Filter by workflow, ID or parameter"))
        self.filter.setAccessibleName(self.tr("Filter upcoming runs"))
        self.filter.setClearButtonEnabled(True)
        bar.addWidget(self.filter, 2)
        self.since_check = QCheckBox(self.tr("From"), self)
        self.since_check.setAccessibleName(self.tr("Only runs from a date"))
        self.since = DateTimeEdit(parent=self)
        self.since.setObjectName("upcomingSince")
        self.since.zone_label.setVisible(False)  # the table's times are local too
        self.since.setEnabled(False)
        self.since_check.toggled.connect(self.since.setEnabled)
        bar.addWidget(self.since_check)
        bar.addWidget(self.since)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("upcomingCount")
        bar.addWidget(self.count_label, 1)
        self.schedule_button = QPushButton(self.tr("Schedule…"), self)
        self.schedule_button.setObjectName("scheduleButton")
        bar.addWidget(self.schedule_button)
        self.cancel_selected_button = QPushButton(self.tr("Cancel selected"), self)
        self.cancel_selected_button.setObjectName("cancelSelectedButton")
        bar.addWidget(self.cancel_selected_button)
        self.cancel_all_button = QPushButton(self.tr("Cancel all…"), self)
        self.cancel_all_button.setObjectName("cancelAllButton")
        bar.addWidget(self.cancel_all_button)
        self.pause_button = QPushButton(self.tr("Pause all runs"), self)
        self.pause_button.setObjectName("pauseButton")
        self.pause_button.setCheckable(True)
        bar.addWidget(self.pause_button)
        layout.addLayout(bar)
        # Narrow: the buttons go to a row of their own, so the filter keeps its width.
        self.bar, self.button_row = bar, QHBoxLayout()
        self.button_row.addStretch(1)
        layout.addLayout(self.button_row)
        self.buttons = (
            self.schedule_button,
            self.cancel_selected_button,
            self.cancel_all_button,
            self.pause_button,
        )
        self.fit_minimum_width()
        self.paused_banner = QLabel(
            self.tr(
                "Paused: no run starts until you resume. Runs that come due meanwhile stay "
                "scheduled and then follow their workflow's missed-run policy."
            ),
            self,
        )
        self.paused_banner.setObjectName("pausedBanner")
        self.paused_banner.setWordWrap(True)
        self.paused_banner.setStyleSheet(
            "background: #fef3c7; color: #78350f; padding: 6px; border-radius: 4px;"
        )
        self.paused_banner.setVisible(False)
        layout.addWidget(self.paused_banner)
        self.empty = HintLine(
            self.tr(
                "Nothing is scheduled. Click Schedule… to run a workflow later, or use "
                "Run now in the Workflows area."
            ),
            self,
        )
        self.empty.setObjectName("upcomingEmpty")
        layout.addWidget(self.empty)

        self.view = QTableView(self)
        self.view.setObjectName("upcomingView")
        self.view.setAccessibleName(self.tr("Upcoming runs"))
        self.view.setModel(model)
        table_look(self.view)
        self.cancel_delegate = CancelButtonDelegate(self.view)
        self.view.setItemDelegateForColumn(M.COL_CANCEL, self.cancel_delegate)
        self.fitter = ColumnFitter(
            self.view,
            UPCOMING_WIDTHS,
            UPCOMING_PRIORITIES,
            M.COL_PARAMS,
            off=frozenset({M.COL_ID}),  # the header's context menu shows it
        )
        header = self.view.horizontalHeader()
        header.moveSection(header.visualIndex(M.COL_CANCEL), header.count() - 1)  # pinned
        header.sectionResized.connect(self.on_section_resized)
        layout.addWidget(self.view, 1)
        # The model fills the items of the rows on screen: tell it which rows those are.
        self.model = model
        scroll_bar = self.view.verticalScrollBar()
        scroll_bar.valueChanged.connect(self.on_rows_moved)
        scroll_bar.rangeChanged.connect(self.on_rows_moved)
        self.fitter.viewport_resized.connect(self.on_rows_moved)
        self.update_cancel_look()
        self.undo_bar = UndoBar(self)
        layout.addWidget(self.undo_bar)
        self.setFocusProxy(self.filter)
        self.paused_banner.setStyleSheet(
            f"color: {warning_colour(self.palette()).name()}; padding: 6px; "
            "border: 1px solid palette(mid); border-radius: 4px;"
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.place_buttons(event.size().width() < max(TWO_ROWS_BELOW, self.one_row_width()))

    def fit_minimum_width(self) -> None:
        """The page's narrowest is the two rows' (the filter's row, the buttons' row),
        also while the buttons sit beside the filter: so a window with longer words
        (German) still shrinks to 900 px, the buttons moving under the filter."""
        filter_row, buttons_row = self._row_widths()
        margins = self.page_layout.contentsMargins()
        self.setMinimumWidth(max(filter_row, buttons_row) + margins.left() + margins.right())

    def one_row_width(self) -> int:
        """How wide the page must be for the buttons to sit beside the filter."""
        filter_row, buttons_row = self._row_widths()
        margins = self.page_layout.contentsMargins()
        room_to_type = 150  # the filter keeps some width of its own
        return filter_row + buttons_row + room_to_type + margins.left() + margins.right()

    def _row_widths(self) -> tuple[int, int]:
        spacing = max(self.bar.spacing(), 0)
        beside = (self.filter, self.since_check, self.since, self.count_label)
        filter_row = sum(w.minimumSizeHint().width() for w in beside) + spacing * len(beside)
        buttons_row = sum(b.sizeHint().width() for b in self.buttons)
        return filter_row, buttons_row + spacing * len(self.buttons)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self.update_cancel_look()

    @Slot()
    def on_rows_moved(self) -> None:
        """Scrolled, resized or rows came or went: the model fills the rows now on screen."""
        height = self.view.viewport().height()
        first = max(0, self.view.rowAt(0))
        last = self.view.rowAt(height - 1)
        if last < 0:  # the rows end above the bottom: as many as would fit (rows may come)
            last = first + height // max(1, self.view.verticalHeader().defaultSectionSize())
        self.model.show_rows(first, last)

    @Slot(int, int, int)
    def on_section_resized(self, column: int, old: int, new: int) -> None:
        if column == M.COL_CANCEL:
            self.update_cancel_look()

    def update_cancel_look(self) -> None:
        """Draw the Cancel button for the model's cells (in this style, palette and width)."""
        width = self.view.columnWidth(M.COL_CANCEL)
        if width <= 8:  # not laid out yet: the width the table gives it
            width = UPCOMING_WIDTHS[M.COL_CANCEL]
        grid = 1 if self.view.showGrid() else 0  # a cell is its section less the grid line
        cell = QSize(width - grid, self.view.verticalHeader().defaultSectionSize() - grid)
        self.model.set_cancel_look(
            self.cancel_delegate.button_look(self, cell, self.tr("Cancel"))  # page: palette first
        )

    def place_buttons(self, two_rows: bool) -> None:
        target = self.button_row if two_rows else self.bar
        if target.indexOf(self.pause_button) >= 0:
            return
        source = self.bar if two_rows else self.button_row
        for button in self.buttons:
            source.removeWidget(button)
            target.addWidget(button)

    def since_value(self) -> datetime | None:
        """The From time, or None when the box is off."""
        if not self.since_check.isChecked():
            return None
        return self.since.value().astimezone(local_zone())

    def show_empty(self, empty: bool) -> None:
        self.empty.show_hint(empty)

    def cancel_rect(self, row: int) -> QRect:
        """The painted Cancel button of a row, in viewport coordinates."""
        index = self.view.model().index(row, M.COL_CANCEL)
        return self.cancel_delegate.button_rect(self.view.visualRect(index))

    def scroll_to_row(self, row: int) -> None:
        index = self.view.model().index(row, M.COL_WORKFLOW)
        self.view.scrollTo(index, QTableView.ScrollHint.PositionAtCenter)
        self.view.selectRow(row)
        self.view.setCurrentIndex(index)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
