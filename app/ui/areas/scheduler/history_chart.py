"""The History chart, painted with QPainter: runs per day stacked by status, and
the median duration of each day as a line over them (QtCharts is not part of
PySide6-Essentials, and a bar chart of two weeks is little code)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.core.when import span
from app.engine import run_queries as queries
from app.engine.schedule_queries import DaySummary
from app.ui.models.runs import STATUS_COLOURS, status_words
from app.ui.widgets import formatting

STACK_ORDER = (
    queries.SUCCEEDED,
    queries.FAILED,
    queries.INTERRUPTED,
    queries.TERMINATED,
    queries.MISSED,
    queries.CANCELLED,
)
LEFT, RIGHT, TOP, BOTTOM = 44, 56, 28, 34
DURATION_COLOUR = "#0ea5e9"


def seconds_text(seconds: float) -> str:
    """`850 ms`, `4.2 s`, `3 min`: a duration, coarse."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    return span(seconds)


class HistoryChart(QWidget):
    """Bars of finished runs per local day by status; the median duration as a line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyChart")
        self.setAccessibleName(self.tr("Runs per day by status, and their durations"))
        self.days: list[DaySummary] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(150)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)

    def set_days(self, days: list[DaySummary]) -> None:
        self.days = days
        total = sum(day.total for day in days)
        self.setAccessibleDescription(
            self.tr("{n} runs finished in the last {d} days").format(n=total, d=len(days))
        )
        self.setToolTip(self.summary())
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(600, 180)

    def summary(self) -> str:
        """The chart in words (tooltip and accessible description)."""
        lines = []
        for day in self.days:
            if not day.total:
                continue
            parts = ", ".join(
                f"{day.counts[s]} {self.tr(status_words(s)).lower()}"
                for s in STACK_ORDER
                if day.counts.get(s)
            )
            median = day.median_seconds
            took = (
                self.tr(", median {t}").format(t=seconds_text(median)) if median is not None else ""
            )
            lines.append(
                f"{formatting.day_name(day.day)} {day.day.day} "
                f"{formatting.month_name(day.day)}: {parts}{took}"
            )
        return "\n".join(lines) or self.tr("No run has finished in these days.")

    def bar_rect(self, number: int) -> QRect:
        """Where day `number`'s bar may go (its full height)."""
        plot = self._plot()
        width = plot.width() / max(1, len(self.days))
        left = plot.left() + round(number * width + width * 0.15)
        return QRect(left, plot.top(), max(2, round(width * 0.7)), plot.height())

    def _plot(self) -> QRect:
        return QRect(
            LEFT,
            TOP,
            max(10, self.width() - LEFT - RIGHT),
            max(10, self.height() - TOP - BOTTOM),
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        grid = QColor(text)
        grid.setAlpha(40)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1))
        painter.setFont(small)
        plot = self._plot()
        painter.setPen(text)
        painter.drawText(
            QRect(LEFT, 4, plot.width(), TOP - 8),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            self.tr("Finished runs per day"),
        )
        self._legend(painter, plot)
        busiest = max((day.total for day in self.days), default=0)
        if not busiest:
            painter.drawText(
                plot,
                Qt.AlignmentFlag.AlignCenter,
                self.tr("No run has finished in the last {n} days.").format(n=len(self.days)),
            )
            painter.end()
            return
        # the count axis: 0 and the busiest day
        painter.setPen(QPen(grid))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.topLeft(), plot.topRight())
        painter.setPen(text)
        for value, y in ((0, plot.bottom()), (busiest, plot.top())):
            painter.drawText(
                QRect(0, y - 8, LEFT - 6, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{value:,}",
            )
        longest = max((day.median_seconds or 0.0 for day in self.days), default=0.0)
        points: list[QPointF] = []
        label_every = max(1, len(self.days) // max(1, plot.width() // 56))
        for number, day in enumerate(self.days):
            bar = self.bar_rect(number)
            bottom = plot.bottom()
            for status in STACK_ORDER:
                count = day.counts.get(status, 0)
                if not count:
                    continue
                height = max(1, round(plot.height() * count / busiest))
                painter.fillRect(
                    QRect(bar.left(), bottom - height + 1, bar.width(), height),
                    QColor(STATUS_COLOURS[status]),
                )
                bottom -= height
            if number % label_every == 0:
                painter.setPen(text)
                painter.drawText(
                    QRect(bar.center().x() - 30, plot.bottom() + 4, 60, BOTTOM - 6),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    f"{day.day.day} {formatting.month_name(day.day)}",  # 1 Dec beside 18 Nov
                )
            median = day.median_seconds
            if median is not None and longest > 0:
                top = plot.bottom() - plot.height() * (median / longest)
                points.append(QPointF(bar.center().x(), top))
        if points and longest > 0:
            pen = QPen(QColor(DURATION_COLOUR), 2)
            painter.setPen(pen)
            painter.drawPolyline(QPolygonF(points))
            painter.setBrush(QColor(DURATION_COLOUR))
            for point in points:
                painter.drawEllipse(point, 3, 3)
            painter.setPen(QColor(DURATION_COLOUR))
            painter.drawText(
                QRect(plot.right() + 4, plot.top() - 8, RIGHT - 4, 16),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                seconds_text(longest),
            )
        painter.end()

    def _legend(self, painter: QPainter, plot: QRect) -> None:
        metrics = painter.fontMetrics()
        x = plot.right()
        shown = set(STACK_ORDER[:3]) | {s for day in self.days for s in day.counts if day.counts[s]}
        entries = [(self.tr("median duration"), DURATION_COLOUR)] + [
            (self.tr(status_words(s)), STATUS_COLOURS[s])
            for s in reversed(STACK_ORDER)
            if s in shown  # every colour drawn has its entry (cancelled runs too)
        ]
        for label, colour in entries:
            width = metrics.horizontalAdvance(label)
            x -= width
            painter.setPen(self.palette().color(QPalette.ColorRole.Text))
            painter.drawText(QRect(x, 4, width, TOP - 8), Qt.AlignmentFlag.AlignVCenter, label)
            x -= 14
            painter.fillRect(QRect(x, TOP // 2 - 5, 10, 10), QColor(colour))
            x -= 12
            if x < LEFT + 160:
                break
