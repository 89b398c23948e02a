"""Pieces of the Scheduler area's tables: the painted Cancel button and the shared look."""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QMouseEvent, QPainter, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.ui.models.roles import ID_ROLE


class CancelButtonDelegate(QStyledItemDelegate):
    """Reports clicks on the Cancel button drawn in a cell.

    The button itself is a picture in the cell's decoration (`button_look`, set
    once on the model): Qt's own delegate paints it, so a repaint of the table
    runs no Python, and 100,000 rows need no widget each.
    """

    cancel_clicked = Signal(str)

    @staticmethod
    def button_look(widget: QWidget, cell: QSize, text: str) -> QPixmap:
        """A push button reading `text`, drawn by the widget's style to fill `button_rect`."""
        rect = CancelButtonDelegate.button_rect(QRect(QPoint(0, 0), cell))
        ratio = widget.devicePixelRatioF()
        look = QPixmap(rect.size() * ratio)
        look.setDevicePixelRatio(ratio)
        look.fill(Qt.GlobalColor.transparent)
        button = QStyleOptionButton()
        button.initFrom(widget)
        button.rect = QRect(QPoint(0, 0), rect.size())
        button.text = text
        button.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Raised
        painter = QPainter(look)
        widget.style().drawControl(QStyle.ControlElement.CE_PushButton, button, painter, widget)
        painter.end()
        return look

    def editorEvent(
        self,
        event: QEvent,
        model: object,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        """A release inside the painted button cancels that row's run."""
        if (
            event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and self.button_rect(option.rect).contains(event.position().toPoint())
        ):
            self.cancel_clicked.emit(str(index.data(ID_ROLE)))
            return True
        return event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick)

    @staticmethod
    def button_rect(cell: QRect) -> QRect:
        return cell.adjusted(4, 2, -4, -2)


class HintLine(QLabel):
    """A one-line hint that comes and goes in a line kept for it: showing it moves
    nothing. `show_hint(False)` empties the line instead of hiding it. A line too
    long for the window ends in "…" (the whole hint in its tooltip): it never makes
    the window wider than it is (German words are longer)."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.hint = text
        self._shown = False
        self.setToolTip(text)
        self.setFixedHeight(self.fontMetrics().height() + 4)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(1)  # not the whole text's width (QLabel's minimum)
        self.setText("")

    def show_hint(self, shown: bool) -> None:
        self._shown = shown
        self._show_text()

    def shown(self) -> bool:
        return self._shown

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._show_text()

    def _show_text(self) -> None:
        if not self._shown:
            self.setText("")
            return
        room = self.contentsRect().width()
        self.setText(
            self.fontMetrics().elidedText(self.hint, Qt.TextElideMode.ElideRight, room)
            if room > 0 and self.fontMetrics().horizontalAdvance(self.hint) > room
            else self.hint
        )


def table_look(view: QTableView) -> None:
    """The look the Upcoming and History tables share: whole rows, no row numbers."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(28)
    view.setWordWrap(False)
    view.horizontalHeader().setHighlightSections(False)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)


class ColumnFitter(QObject):
    """Keeps a table's columns inside its width: no horizontal scrolling, ever.

    Each column has a width and a priority; the `stretch` column takes what
    is left (at least `stretch_min`). When the view is too narrow the columns
    of lowest priority are hidden first, so the pinned ones (priority 0: the
    workflow, the time, the Cancel button) always stay in view.
    """

    viewport_resized = Signal()  # after the columns were fitted to the new size

    def __init__(
        self,
        view: QTableView,
        widths: dict[int, int],
        priorities: dict[int, int],
        stretch: int,
        stretch_min: int = 120,
        *,
        off: frozenset[int] = frozenset(),
    ) -> None:
        super().__init__(view)
        self.view = view
        self.widths = widths
        self.priorities = priorities
        self.stretch = stretch
        self.stretch_min = stretch_min
        # Columns the person turned off (at first `off`: the run ID), from the header's
        # context menu; they come last when turned on.
        self.off: set[int] = set(off)
        header = view.horizontalHeader()
        for column in sorted(off):
            header.moveSection(header.visualIndex(column), header.count() - 1)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self.on_header_menu_requested)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            view.setColumnWidth(column, width)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        view.viewport().installEventFilter(self)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
            self.viewport_resized.emit()
        return False

    def hidden_columns(self) -> list[int]:
        return [c for c in self.widths if self.view.isColumnHidden(c)]

    def header_menu(self) -> QMenu:
        """Show or hide the columns that may be hidden (the pinned ones stay)."""
        menu = QMenu(self.view)
        model = self.view.model()
        for column in sorted(self.widths, key=self.view.horizontalHeader().visualIndex):
            if self.priorities.get(column, 0) == 0:
                continue
            title = model.headerData(column, Qt.Orientation.Horizontal)
            action = menu.addAction(str(title))
            action.setCheckable(True)
            action.setChecked(column not in self.off)
            action.toggled.connect(lambda on, c=column: self.set_shown(c, on))
        return menu

    def on_header_menu_requested(self, where: QPoint) -> None:
        self.header_menu().popup(self.view.horizontalHeader().mapToGlobal(where))

    def set_shown(self, column: int, shown: bool) -> None:
        if shown:
            self.off.discard(column)
        else:
            self.off.add(column)
        self.fit()

    def fit(self) -> None:
        available = self.view.viewport().width()
        shown = {c: w for c, w in self.widths.items() if c not in self.off}
        # drop the least important columns until the rest fit beside the stretch column
        for column in sorted(shown, key=lambda c: -self.priorities.get(c, 0)):
            if sum(shown.values()) + self.stretch_min <= available:
                break
            if self.priorities.get(column, 0) > 0:
                del shown[column]
        for column in self.widths:
            self.view.setColumnHidden(column, column not in shown)
