"""The Timeline tab: the span buttons (next 24 hours / 7 days), a summary line
that says what the marks are, and the painted timeline in a scroll area."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.engine.run_queries import Database
from app.ui.areas.scheduler.timeline import SPAN_DAY, SPAN_WEEK, TimelineWidget


class TimelinePage(QWidget):
    """The Timeline tab's widgets; `reload()` reads the window of time again."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.span_group = QButtonGroup(self)
        self.span_day_button = QPushButton(self.tr("Next 24 hours"), self)
        self.span_day_button.setObjectName("timelineDayButton")
        self.span_week_button = QPushButton(self.tr("Next 7 days"), self)
        self.span_week_button.setObjectName("timelineWeekButton")
        for number, button in enumerate((self.span_day_button, self.span_week_button)):
            button.setCheckable(True)
            self.span_group.addButton(button, number)
            bar.addWidget(button)
        self.span_day_button.setChecked(True)
        self.span_group.idToggled.connect(self.on_span_toggled)
        self.summary = QLabel(self)
        self.summary.setObjectName("timelineSummary")
        self.summary.setWordWrap(True)
        bar.addWidget(self.summary, 1)
        layout.addLayout(bar)
        self.timeline = TimelineWidget(db, self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.timeline)
        layout.addWidget(scroll, 1)

    @Slot(int, bool)
    def on_span_toggled(self, button_id: int, checked: bool) -> None:
        if checked:
            self.timeline.span = SPAN_WEEK if button_id == 1 else SPAN_DAY
            self.reload()

    def reload(self) -> None:
        self.timeline.reload()
        total = sum(self.timeline.lane_counts().values())
        if not self.timeline.lanes:
            text = self.tr("Nothing is scheduled in this time. Click Schedule… on Upcoming.")
        else:
            runs = self.tr("1 run") if total == 1 else self.tr("{n} runs").format(n=f"{total:,}")
            lanes = len(self.timeline.lanes)
            workflows = (
                self.tr("1 workflow") if lanes == 1 else self.tr("{n} workflows").format(n=lanes)
            )
            text = self.tr("{runs} of {workflows} · click a mark to see its run").format(
                runs=runs, workflows=workflows
            )
        if self.timeline.truncated:
            text += self.tr(" (showing the first {n})").format(n=f"{total:,}")
        self.summary.setText(text)
