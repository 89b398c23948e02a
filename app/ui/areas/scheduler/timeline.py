"""A timeline of upcoming runs: one lane per workflow, coloured by workflow.

It reads only the runs due inside the window of time shown (the next 24
hours or 7 days) with one windowed query, and paints them itself: runs that
fall on the same pixel column share one mark, so thousands of runs cost no
more to paint than the width of the widget.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QHelpEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from app.core.types import local_zone, utcnow
from app.engine import run_queries as queries
from app.engine.run_queries import Database, TimelineRun

SPAN_DAY = timedelta(hours=24)
SPAN_WEEK = timedelta(days=7)
LANE_HEIGHT = 30
HEADER_HEIGHT = 34
LABEL_WIDTH = 170
RIGHT_MARGIN = 16
MARK_WIDTH = 3
MAX_RUNS = 50_000  # more than this in the window: the marks are already solid


class TimelineWidget(QWidget):
    """Paints upcoming runs between now and now + span, a lane per workflow."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.db = db
        self.span = SPAN_DAY
        self.start = utcnow()
        self.runs: list[TimelineRun] = []
        self.colours: dict[str, str] = {}
        self.lanes: list[str] = []
        self.truncated = False
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)

    # --- data ---------------------------------------------------------------------

    def set_span(self, span: timedelta) -> None:
        self.span = span
        self.reload()

    def reload(self, now: datetime | None = None) -> None:
        """Read the runs due in the window again (one query) and repaint."""
        self.start = now or utcnow()
        read = queries.timeline(self.db, self.start, self.start + self.span, MAX_RUNS + 1)
        self.runs, self.colours = read.runs, read.colours
        self.truncated = len(self.runs) > MAX_RUNS
        del self.runs[MAX_RUNS:]
        self.lanes = sorted({run.workflow for run in self.runs})
        self.updateGeometry()
        self.update()

    def lane_counts(self) -> dict[str, int]:
        """Runs per lane in the window (for the summary line and tests)."""
        return dict(Counter(run.workflow for run in self.runs))

    # --- geometry -----------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(800, HEADER_HEIGHT + max(1, len(self.lanes)) * LANE_HEIGHT + 8)

    def minimumSizeHint(self) -> QSize:
        return QSize(400, self.sizeHint().height())

    def _plot(self) -> QRect:
        return QRect(
            LABEL_WIDTH,
            HEADER_HEIGHT,
            max(10, self.width() - LABEL_WIDTH - RIGHT_MARGIN),
            max(LANE_HEIGHT, len(self.lanes) * LANE_HEIGHT),
        )

    def x_of(self, moment: datetime) -> int:
        plot = self._plot()
        fraction = (moment - self.start) / self.span
        return plot.left() + round(min(max(fraction, 0.0), 1.0) * (plot.width() - 1))

    def time_at(self, x: int) -> datetime:
        plot = self._plot()
        fraction = (x - plot.left()) / max(1, plot.width() - 1)
        return self.start + self.span * min(max(fraction, 0.0), 1.0)

    def _ticks(self) -> list[datetime]:
        """Round local times along the axis: every 2 h for a day, every day for a week."""
        zone = local_zone()
        local = self.start.astimezone(zone)
        if self.span <= SPAN_DAY:
            step = timedelta(hours=2)
            first = local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
            if first.hour % 2:
                first += timedelta(hours=1)
        else:
            step = timedelta(days=1)
            first = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        ticks = []
        moment = first
        while moment < local + self.span:
            ticks.append(moment)
            moment = moment + step
        return ticks

    # --- painting -----------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        palette = self.palette()
        plot = self._plot()
        text_colour = palette.color(QPalette.ColorRole.Text)
        grid = QColor(text_colour)
        grid.setAlpha(40)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1))

        # the axis: local times, with the date where a day starts
        painter.setFont(small)
        for tick in self._ticks():
            x = self.x_of(tick)
            painter.setPen(QPen(grid))
            painter.drawLine(x, plot.top() - 4, x, plot.bottom())
            if x - plot.left() < 48:
                continue  # leave room for "now"
            painter.setPen(text_colour)
            label = (
                tick.strftime("%a %d %b")
                if tick.hour == 0 and self.span > SPAN_DAY
                else tick.strftime("%H:%M" if tick.hour or self.span <= SPAN_DAY else "%a %d")
            )
            if tick.hour == 0 and self.span <= SPAN_DAY:
                label = tick.strftime("%a %H:%M")
            painter.drawText(
                QRect(x - 50, 4, 100, HEADER_HEIGHT - 10),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                label,
            )

        if not self.lanes:
            painter.setPen(text_colour)
            painter.setFont(self.font())
            painter.drawText(
                plot, Qt.AlignmentFlag.AlignCenter, self.tr("Nothing is scheduled in this time.")
            )
        marks: dict[str, Counter[int]] = defaultdict(Counter)
        for run in self.runs:
            marks[run.workflow][self.x_of(run.scheduled_for)] += 1
        painter.setFont(self.font())
        metrics = painter.fontMetrics()
        for number, lane in enumerate(self.lanes):
            top = plot.top() + number * LANE_HEIGHT
            if number % 2:
                shade = QColor(text_colour)
                shade.setAlpha(12)
                painter.fillRect(QRect(0, top, self.width(), LANE_HEIGHT), shade)
            colour = QColor(self.colours.get(lane, "#9ca3af"))
            painter.fillRect(QRect(8, top + LANE_HEIGHT // 2 - 5, 10, 10), colour)
            painter.setPen(text_colour)
            name = metrics.elidedText(lane, Qt.TextElideMode.ElideRight, LABEL_WIDTH - 34)
            painter.drawText(
                QRect(24, top, LABEL_WIDTH - 30, LANE_HEIGHT),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                name,
            )
            busiest = max(marks[lane].values(), default=1)
            for x, count in marks[lane].items():
                shade = QColor(colour)
                # a column holding many runs is drawn taller than a lone run
                height = (
                    10 + round((LANE_HEIGHT - 16) * (count / busiest))
                    if busiest > 1
                    else LANE_HEIGHT - 10
                )
                painter.fillRect(
                    QRect(
                        x - MARK_WIDTH // 2, top + (LANE_HEIGHT - height) // 2, MARK_WIDTH, height
                    ),
                    shade,
                )
        painter.setPen(QPen(QColor("#dc2626"), 2))
        painter.drawLine(plot.left(), plot.top() - 6, plot.left(), plot.bottom())
        painter.setFont(small)
        painter.drawText(
            QRect(plot.left() - 28, 4, 56, HEADER_HEIGHT - 10),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
            self.tr("now"),
        )
        painter.end()

    # --- tooltips -----------------------------------------------------------------

    def lane_at(self, y: int) -> str | None:
        number = (y - HEADER_HEIGHT) // LANE_HEIGHT
        return self.lanes[number] if y >= HEADER_HEIGHT and number < len(self.lanes) else None

    def event(self, event: QEvent) -> bool:
        """Hovering a lane tells how many runs fall near that time."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def tooltip_at(self, pos: QPoint) -> str:
        lane = self.lane_at(pos.y())
        if lane is None or pos.x() < LABEL_WIDTH:
            return ""
        near = [
            run
            for run in self.runs
            if run.workflow == lane and abs(self.x_of(run.scheduled_for) - pos.x()) <= MARK_WIDTH
        ]
        if not near:
            return lane
        first = near[0].scheduled_for.astimezone(local_zone())
        return self.tr("{workflow}: {n} run(s) from {time}\nfirst: {id}").format(
            workflow=lane, n=len(near), time=first.strftime("%a %H:%M:%S"), id=near[0].id
        )
