"""The workflow as a flow: a parameters card on top, then the step cards joined
by connectors, each with a "+" to add a step there.

A QListWidget whose items carry a `Card` and a delegate that paints it. The
view never changes the workflow: dragging a card emits `step_moved`, a "+"
emits `insert_requested`, and the editor turns them into undoable edits; the
cards are then set again from what was saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.ui.widgets.flow_style import PARAMETERS_COLOUR, action_pixmap, family_colour

PARAMETERS, STEP, END = "parameters", "step", "end"
CARD_ROLE = Qt.ItemDataRole.UserRole + 1
CONNECTOR = 30  # height of the connector above a step card
PLUS = 11  # radius of the "+" on a connector
CARD = 58  # height of a card without its badge line
BADGES = 24  # the badge line ("only when …", last run)
MARGIN = 10
STATUS_COLOURS = {
    "succeeded": "#15803d",
    "failed": "#b91c1c",
    "interrupted": "#b45309",
    "terminated": "#475569",
    "skipped": "#64748b",
    "running": "#1d4ed8",
}


@dataclass(frozen=True)
class Card:
    """What one card shows."""

    kind: str
    index: int  # the step's position (0-based); for END, the number of steps
    title: str
    summary: str
    family: str = ""
    icon: str = ""
    condition: str = ""  # "only when …" in words
    status: str = ""  # the last run's status of this step
    status_text: str = ""  # "succeeded · 0.3 s"
    problem: bool = False
    note: str = ""  # e.g. the triggers that start the workflow
    error: str = ""  # why the step failed in its last (test) run, under the badges
    condition_tip: str = ""  # the "only when" condition as written (the badge's tooltip)

    @property
    def has_badges(self) -> bool:
        return bool(self.condition or self.status_text or self.note)


def card_rect(kind: str, rect: QRect) -> QRect:
    """The card's frame inside its item (below the connector)."""
    top = 0 if kind == PARAMETERS else CONNECTOR
    return rect.adjusted(MARGIN, top + 2, -MARGIN, -4)


def plus_centre(rect: QRect) -> QPoint:
    return QPoint(rect.center().x(), rect.top() + CONNECTOR // 2)


class FlowDelegate(QStyledItemDelegate):
    """Paints a Card: connector with "+", frame, icon, title, summary, badges."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        card = index.data(CARD_ROLE)
        if not isinstance(card, Card):
            return QSize(200, CARD)
        if card.kind == END:
            return QSize(200, CONNECTOR + 40)
        extra = (self.summary_lines(card, option) - 1) * LINE
        extra += self.error_lines(card, option) * LINE
        height = CARD + extra + (BADGES if card.has_badges else 0) + 6
        return QSize(200, height + (0 if card.kind == PARAMETERS else CONNECTOR))

    def summary_lines(self, card: Card, option: QStyleOptionViewItem) -> int:
        view = self.parent()
        width = view.viewport().width() if isinstance(view, QListWidget) else 300
        text_width = width - 2 * MARGIN - 54 - 8
        metrics = QFontMetrics(option.font)
        return len(chip_lines(metrics, card.summary, max(text_width, 40)))

    def error_lines(self, card: Card, option: QStyleOptionViewItem) -> int:
        if not card.error:
            return 0
        view = self.parent()
        width = view.viewport().width() if isinstance(view, QListWidget) else 300
        lines = chip_lines(QFontMetrics(option.font), card.error, max(width - 2 * MARGIN - 62, 40))
        return min(len(lines), ERROR_LINES)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        card = index.data(CARD_ROLE)
        if not isinstance(card, Card):
            return
        rect: QRect = option.rect
        palette: QPalette = option.palette
        state = option.state
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if card.kind != PARAMETERS:
            self._connector(painter, rect, palette)
        if card.kind == END:
            self._end(painter, rect, palette)
        else:
            selected = bool(state & QStyle.StateFlag.State_Selected)
            self._card(painter, rect, palette, card, selected)
        painter.restore()

    def _connector(self, painter: QPainter, rect: QRect, palette: QPalette) -> None:
        centre = plus_centre(rect)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 2))
        painter.drawLine(centre.x(), rect.top(), centre.x(), rect.top() + CONNECTOR + 2)
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawEllipse(centre, PLUS, PLUS)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Text), 2))
        painter.drawLine(centre.x() - 5, centre.y(), centre.x() + 5, centre.y())
        painter.drawLine(centre.x(), centre.y() - 5, centre.x(), centre.y() + 5)

    def _end(self, painter: QPainter, rect: QRect, palette: QPalette) -> None:
        box = rect.adjusted(MARGIN, CONNECTOR + 4, -MARGIN, -6)
        pen = QPen(palette.color(QPalette.ColorRole.Mid), 1, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(box), 6, 6)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        text = QApplication.translate("FlowView", "Add a step here (or with a + above)")
        if QFontMetrics(painter.font()).horizontalAdvance(text) > box.width() - 16:
            text = QApplication.translate("FlowView", "Add a step here")
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _card(
        self, painter: QPainter, rect: QRect, palette: QPalette, card: Card, selected: bool
    ) -> None:
        frame = card_rect(card.kind, rect)
        colour = (
            QColor(PARAMETERS_COLOUR) if card.kind == PARAMETERS else family_colour(card.family)
        )
        border = (
            QColor("#dc2626")
            if card.problem
            else palette.color(QPalette.ColorRole.Highlight)
            if selected
            else palette.color(QPalette.ColorRole.Mid)
        )
        painter.setPen(QPen(border, 2 if selected or card.problem else 1))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(QRectF(frame), 8, 8)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(QRectF(frame.left(), frame.top(), 5, frame.height()), 2, 2)
        icon = action_pixmap(card.icon, colour, 30, painter.device().devicePixelRatioF())
        painter.drawPixmap(frame.left() + 14, frame.top() + 12, icon)
        text_left = frame.left() + 54
        width = frame.right() - text_left - 8
        font = QFont(painter.font())
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        title_rect = QRect(text_left, frame.top() + 8, width, 20)
        painter.drawText(
            title_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            QFontMetrics(bold).elidedText(card.title, Qt.TextElideMode.ElideRight, width),
        )
        painter.setFont(font)
        lines = len(chip_lines(QFontMetrics(font), card.summary, width))
        summary_rect = QRect(text_left, frame.top() + 30, width, LINE * lines)
        _chips(painter, summary_rect, card.summary, palette, colour)
        badges_top = frame.top() + CARD - 2 + (lines - 1) * LINE
        if card.has_badges:
            self._badges(painter, QRect(text_left, badges_top, width, 20), card)
        if card.error:
            top = badges_top + (BADGES if card.has_badges else 0)
            error_lines = chip_lines(QFontMetrics(font), card.error, width, ERROR_LINES)
            painter.setPen(QColor(STATUS_COLOURS["failed"]))
            for number, line in enumerate(error_lines):
                text = "".join(word for _, word, _ in line)
                painter.drawText(
                    QRect(text_left, top + number * LINE, width, LINE),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    text,
                )

    def _badges(self, painter: QPainter, rect: QRect, card: Card) -> None:
        x = rect.left()
        small = QFont(painter.font())
        small.setPointSizeF(max(small.pointSizeF() - 1, 7))
        painter.setFont(small)
        metrics = QFontMetrics(small)
        for text, colour in (
            (card.condition, QColor("#b45309")),
            (card.status_text, QColor(STATUS_COLOURS.get(card.status, "#475569"))),
            (card.note, QColor("#0f766e")),
        ):
            if not text or x >= rect.right():
                continue
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.right() - x - 12)
            pill = QRect(x, rect.top(), metrics.horizontalAdvance(shown) + 14, 18)
            fill = QColor(colour)
            fill.setAlpha(30)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(QRectF(pill), 9, 9)
            painter.setPen(colour)
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, shown)
            x = pill.right() + 8


LINE = 20  # height of a summary line
SUMMARY_LINES = 3  # a long summary wraps twice (readable in a narrow flow), then is elided
ERROR_LINES = 2  # a failed step's error sentence on its card, then elided


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Words (with their trailing space) and ‹chips›, in order."""
    out: list[tuple[str, bool]] = []
    rest = text.replace("\n", " ")
    while rest:
        start = rest.find("‹")
        end = rest.find("›", start + 1) if start >= 0 else -1
        plain = rest if start < 0 or end < 0 else rest[:start]
        out += [(word, False) for word in re.findall(r"\S+\s*|\s+", plain)]
        if start < 0 or end < 0:
            break
        out.append((rest[start + 1 : end], True))
        rest = rest[end + 1 :]
    return out


def chip_lines(
    metrics: QFontMetrics, text: str, width: int, max_lines: int = SUMMARY_LINES
) -> list[list[tuple[int, str, bool]]]:
    """Where each word and chip goes: lines of (x, text, is a chip), the last elided."""
    lines: list[list[tuple[int, str, bool]]] = [[]]
    x = 0
    for word, chip in _tokens(text):
        advance = metrics.horizontalAdvance(word) + (12 if chip else 0)
        if x + advance > width and lines[-1]:
            if len(lines) == max_lines:
                # A word may be cut; a chip is whole or left out ("user's na…" reads
                # as a different name): the card's tooltip gives the whole summary.
                room = width - x - (10 if chip else 0)
                shown = metrics.elidedText(word, Qt.TextElideMode.ElideRight, max(room, 0))
                if shown and shown != "…" and room > 0 and (not chip or shown == word):
                    lines[-1].append((x, shown, chip))
                    return lines
                dots = metrics.horizontalAdvance("…")
                while lines[-1] and x + dots > width:  # make room for "…"
                    x = lines[-1].pop()[0]
                lines[-1].append((x, "…", False))
                return lines
            lines.append([])
            x = 0
            word = word.lstrip() if not chip else word
            advance = metrics.horizontalAdvance(word) + (12 if chip else 0)
        if advance > width:  # one word longer than the line
            shown = metrics.elidedText(
                word, Qt.TextElideMode.ElideRight, width - (10 if chip else 0)
            )
            lines[-1].append((x, shown, chip))
            return lines
        lines[-1].append((x, word, chip))
        x += advance
    return lines


def _chips(painter: QPainter, rect: QRect, text: str, palette: QPalette, colour: QColor) -> None:
    """Text where each ‹…› part is drawn as a rounded chip, on up to two lines."""
    metrics = QFontMetrics(painter.font())
    fill = QColor(colour)
    fill.setAlpha(36)
    for number, line in enumerate(chip_lines(metrics, text, rect.width())):
        top = rect.top() + number * LINE
        for x, word, chip in line:
            left = rect.left() + x
            advance = metrics.horizontalAdvance(word)
            if chip:
                box = QRect(left, top + 1, advance + 10, LINE - 2)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(fill)
                painter.drawRoundedRect(QRectF(box), 5, 5)
                painter.setPen(palette.color(QPalette.ColorRole.Text))
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter, word)
            else:
                painter.setPen(palette.color(QPalette.ColorRole.Text))
                painter.drawText(
                    QRect(left, top, advance + 1, LINE),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    word,
                )


class FlowView(QListWidget):
    """The cards of one workflow; drag a step card to move it, click a "+" to add one."""

    step_moved = Signal(int, int)  # from, to (0-based step positions)
    insert_requested = Signal(int, QPoint)  # where the new step goes (0-based), global point
    remove_requested = Signal(int)  # the step's position (Delete on its card)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("flowView")
        self.setItemDelegate(FlowDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setDragEnabled(False)  # dragging is ours: a move is an edit, not a row move
        self.setUniformItemSizes(False)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)  # summaries re-wrap on resize
        self.setMouseTracking(True)
        self.setStyleSheet("QListWidget#flowView { border: none; background: palette(window); }")
        self.setMinimumWidth(220)
        self._press: tuple[int, QPoint] | None = None  # step position, where
        self.drop_at: int | None = None  # where a dragged step would go (0-based gap)

    # --- content --------------------------------------------------------------

    def set_cards(self, cards: list[Card]) -> None:
        """Show these cards, keeping the current row."""
        current = self.currentRow()
        self.blockSignals(True)
        try:
            if self.count() != len(cards):
                self.clear()
                for _ in cards:
                    self.addItem(QListWidgetItem())
            for row, card in enumerate(cards):
                item = self.item(row)
                item.setData(CARD_ROLE, card)
                item.setText(f"{card.title}: {card.summary}")
                summary = card.summary.replace("‹", "").replace("›", "")  # chips as words
                item.setToolTip("\n".join(t for t in (summary, card.condition_tip) if t))
                flags = Qt.ItemFlag.ItemIsEnabled
                if card.kind != END:
                    flags |= Qt.ItemFlag.ItemIsSelectable
                item.setFlags(flags)
            if 0 <= current < len(cards) - 1:
                self.setCurrentRow(current)
        finally:
            self.blockSignals(False)
        self.doItemsLayout()
        self.viewport().update()

    def card(self, row: int) -> Card | None:
        item = self.item(row)
        card = item.data(CARD_ROLE) if item is not None else None
        return card if isinstance(card, Card) else None

    def step_rows(self) -> list[int]:
        return [r for r in range(self.count()) if (c := self.card(r)) and c.kind == STEP]

    def row_of_step(self, position: int) -> int:
        return position + 1  # the parameters card comes first

    def plus_point(self, position: int) -> QPoint:
        """The centre of the "+" that adds a step at `position` (in viewport coordinates)."""
        return plus_centre(self.visualItemRect(self.item(self.row_of_step(position))))

    # --- mouse and keys ---------------------------------------------------------

    def _plus_at(self, pos: QPoint) -> int | None:
        row = self.indexAt(pos).row()
        card = self.card(row)
        if card is None or card.kind == PARAMETERS:
            return None
        rect = self.visualItemRect(self.item(row))
        if card.kind == END and pos.y() > rect.top() + CONNECTOR:
            return card.index
        centre = plus_centre(rect)
        if (pos - centre).manhattanLength() <= PLUS + 6:
            return card.index
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if event.button() == Qt.MouseButton.LeftButton:
            position = self._plus_at(pos)
            if position is not None:
                self.insert_requested.emit(position, self.viewport().mapToGlobal(pos))
                event.accept()
                return
            card = self.card(self.indexAt(pos).row())
            self._press = (card.index, pos) if card and card.kind == STEP else None
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if self._press is not None and (
            self.drop_at is not None
            or (pos - self._press[1]).manhattanLength() >= QApplication.startDragDistance()
        ):
            self.drop_at = self._gap_at(pos)
            self.viewport().update()
            event.accept()
            return
        self.viewport().setCursor(
            Qt.CursorShape.PointingHandCursor
            if self._plus_at(pos) is not None
            else Qt.CursorShape.ArrowCursor
        )
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        press, gap = self._press, self.drop_at
        self._press, self.drop_at = None, None
        if press is not None and gap is not None:
            self.viewport().update()
            source = press[0]
            target = gap if gap <= source else gap - 1
            if target != source:
                self.step_moved.emit(source, target)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def _gap_at(self, pos: QPoint) -> int:
        """The gap (0 = before the first step) nearest to `pos`."""
        gap = 0
        for row in self.step_rows():
            rect = card_rect(STEP, self.visualItemRect(self.item(row)))
            if pos.y() > rect.center().y():
                gap += 1
        return gap

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Alt+Up / Alt+Down move the selected step; + or Insert adds one after the
        selected card (the action menu opens under it); Delete removes a step."""
        card = self.card(self.currentRow())
        if card is not None and event.key() in (Qt.Key.Key_Plus, Qt.Key.Key_Insert):
            rect = self.visualItemRect(self.item(self.currentRow()))
            where = self.viewport().mapToGlobal(rect.bottomLeft())
            self.insert_requested.emit(card.index + 1 if card.kind == STEP else 0, where)
            event.accept()
            return
        if card is not None and card.kind == STEP and event.key() == Qt.Key.Key_Delete:
            self.remove_requested.emit(card.index)
            event.accept()
            return
        if (
            card is not None
            and card.kind == STEP
            and event.modifiers() & Qt.KeyboardModifier.AltModifier
            and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down)
        ):
            delta = -1 if event.key() == Qt.Key.Key_Up else 1
            if 0 <= card.index + delta < len(self.step_rows()):
                self.step_moved.emit(card.index, card.index + delta)
            event.accept()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.drop_at is None:
            return
        rows = self.step_rows()
        if not rows:
            return
        if self.drop_at < len(rows):
            y = self.visualItemRect(self.item(rows[self.drop_at])).top() + CONNECTOR // 2
        else:
            y = self.visualItemRect(self.item(rows[-1])).bottom()
        painter = QPainter(self.viewport())
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 3))
        painter.drawLine(MARGIN, y, self.viewport().width() - MARGIN, y)
        painter.end()

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.Leave:
            self.viewport().unsetCursor()
        return super().event(e)
