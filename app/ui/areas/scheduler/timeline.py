"""A timeline of upcoming runs: one lane per workflow, coloured by workflow.

It reads only the runs due inside the window of time shown (the next 24
hours or 7 days) with one windowed query, and paints them itself: runs that
fall within a few pixels of each other are one mark with their count, so
thousands of runs cost no more to paint than the width of the widget. The
future occurrences of recurring schedules are hollow marks. Clicking a mark
emits `run_activated` with its first run (the area selects its row).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from app.core.types import local_zone, utcnow
from app.engine import run_queries as queries
from app.engine import schedule_queries
from app.engine.run_queries import Database, TimelineRun
from app.ui.widgets import formatting

SPAN_DAY = timedelta(hours=24)
SPAN_WEEK = timedelta(days=7)
LANE_HEIGHT = 30
HEADER_HEIGHT = 34
LABEL_WIDTH = 170
RIGHT_MARGIN = 16
MARK_WIDTH = 3
GROUP_PX = 10  # runs closer than this on screen are one mark with a count
MAX_RUNS = 50_000  # more than this in the window: the marks are already solid


class TimelineWidget(QWidget):
    """Paints upcoming runs between now and now + span, a lane per workflow."""

    run_activated = Signal(str)  # a mark was clicked: the first run it stands for

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.db = db
        self.span = SPAN_DAY
        self.start = utcnow()
        self.runs: list[TimelineRun] = []
        self.colours: dict[str, str] = {}
        self.titles: dict[str, str] = {}  # workflow name → its label (what a lane shows)
        self.lanes: list[str] = []
        self.occurrences: list[schedule_queries.Occurrence] = []
        self.truncated = False
        self.setMouseTracking(True)
        self.setAccessibleName(self.tr("Timeline of upcoming runs"))
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
        self.runs, self.colours, self.titles = read.runs, read.colours, read.titles
        self.truncated = len(self.runs) > MAX_RUNS
        del self.runs[MAX_RUNS:]
        made = {(run.workflow, run.scheduled_for) for run in self.runs}
        self.occurrences = [
            item
            for item in schedule_queries.occurrences(self.db, self.start, self.start + self.span)
            if (item.workflow, item.at) not in made  # the next one is a run already
        ]
        self.lanes = sorted(
            {run.workflow for run in self.runs} | {o.workflow for o in self.occurrences}
        )
        self.setAccessibleDescription(
            self.tr("{n} runs in {w} workflows").format(n=len(self.runs), w=len(self.lanes))
        )
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
            if self.width() - x < 40:
                continue  # a label cut at the right edge: the line alone
            label = (
                f"{formatting.day_name(tick)} {tick.day} {formatting.month_name(tick)}"
                if tick.hour == 0 and self.span > SPAN_DAY  # "Thu 3 Dec", as elsewhere
                else tick.strftime("%H:%M")
                if tick.hour or self.span <= SPAN_DAY
                else formatting.day_name(tick)
            )
            if tick.hour == 0 and self.span <= SPAN_DAY:
                label = formatting.day_and_time(tick)
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
        groups = self.groups()
        planned: dict[str, set[int]] = defaultdict(set)
        for item in self.occurrences:
            planned[item.workflow].add(self.x_of(item.at) // GROUP_PX)
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
            title = self.titles.get(lane, lane)
            name = metrics.elidedText(title, Qt.TextElideMode.ElideRight, LABEL_WIDTH - 34)
            painter.drawText(
                QRect(24, top, LABEL_WIDTH - 30, LANE_HEIGHT),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                name,
            )
            # a schedule's future occurrences: hollow marks
            painter.setPen(QPen(colour, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for bucket in planned.get(lane, ()):
                x = bucket * GROUP_PX + GROUP_PX // 2
                painter.drawRect(QRect(x - 3, top + 8, 6, LANE_HEIGHT - 16))
            for runs in groups.get(lane, {}).values():
                x = self.x_of(runs[0].scheduled_for)
                if len(runs) == 1:
                    painter.fillRect(
                        QRect(x - MARK_WIDTH // 2, top + 5, MARK_WIDTH, LANE_HEIGHT - 10), colour
                    )
                    continue
                label = f"{len(runs):,}" if len(runs) < 10_000 else "9k+"
                width = max(GROUP_PX, metrics.horizontalAdvance(label) + 8)
                pill = QRect(x - 2, top + 5, width, LANE_HEIGHT - 10)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colour)
                painter.drawRoundedRect(pill, 4, 4)
                painter.setPen(QColor("#ffffff") if colour.lightnessF() < 0.6 else QColor("#111"))
                painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)
        painter.setPen(QPen(QColor("#dc2626"), 2))
        painter.drawLine(plot.left(), plot.top() - 6, plot.left(), plot.bottom())
        painter.setFont(small)
        painter.drawText(
            QRect(plot.left() - 28, 4, 56, HEADER_HEIGHT - 10),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
            self.tr("now"),
        )
        painter.end()

    def groups(self) -> dict[str, dict[int, list[TimelineRun]]]:
        """Per lane, the runs falling in each GROUP_PX-wide column (soonest first)."""
        grouped: dict[str, dict[int, list[TimelineRun]]] = defaultdict(dict)
        for run in self.runs:
            bucket = self.x_of(run.scheduled_for) // GROUP_PX
            grouped[run.workflow].setdefault(bucket, []).append(run)
        return grouped

    def runs_at(self, pos: QPoint) -> list[TimelineRun]:
        """The runs of the mark under `pos` (empty when there is none)."""
        lane = self.lane_at(pos.y())
        if lane is None or pos.x() < LABEL_WIDTH:
            return []
        lane_groups = self.groups().get(lane, {})
        for bucket in (pos.x() // GROUP_PX, (pos.x() - GROUP_PX // 2) // GROUP_PX):
            if bucket in lane_groups:
                return lane_groups[bucket]
        return []

    def mark_position(self, run_id: str) -> QPoint | None:
        """Where a run's mark is painted (for tests and keyboard users)."""
        for run in self.runs:
            if run.id == run_id:
                lane = self.lanes.index(run.workflow)
                return QPoint(self.x_of(run.scheduled_for), HEADER_HEIGHT + lane * LANE_HEIGHT + 15)
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        runs = self.runs_at(event.position().toPoint())
        if runs and event.button() == Qt.MouseButton.LeftButton:
            self.run_activated.emit(runs[0].id)
            event.accept()
            return
        super().mousePressEvent(event)

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
        near = self.runs_at(pos)
        title = self.titles.get(lane, lane)
        if not near:
            return title
        first = near[0].scheduled_for.astimezone(local_zone())
        if len(near) == 1:
            return self.tr("{workflow} at {time}\nrun {id} · click to show it").format(
                workflow=title, time=formatting.day_and_time(first), id=near[0].id
            )
        last = near[-1].scheduled_for.astimezone(local_zone())
        return self.tr("{workflow}: {n} runs from {start} to {end}\nclick to show them").format(
            workflow=title,
            n=f"{len(near):,}",
            start=formatting.day_and_time(first),
            end=last.strftime("%H:%M"),
        )
