"""Help ▸ Getting started: the tutorial as a checklist beside the window.

Each step says what to do in words, has a *Show me* button that opens the
right area, and ticks itself when the folder's data shows it done (read off
the GUI thread every REREAD_MS while it is shown). It does not block the
window: a person follows it while working.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRunnable, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.engine import run_queries
from app.ui.shell.context import AppContext

REREAD_MS = 1500
# (key of run_queries.tutorial_progress, title, what to do, the area to open)
STEPS = (
    (
        "data_type",
        "Make a data type",
        "In Data, click New data type, call it User, and add the fields email and birthday.",
        2,
    ),
    ("thing", "Add a thing", "In Data, click Add thing and fill in a user, such as Ada.", 2),
    (
        "workflow",
        "Build a workflow",
        "In Workflows, click New and name it. Add the parameters user and birthday, then "
        "a Send email step: Insert data fills To with the user's email.",
        0,
    ),
    (
        "scheduled",
        "Schedule it",
        "Click Schedule…, pick the user and a day in the calendar, then Schedule.",
        0,
    ),
    (
        "cancelled",
        "Find it and cancel it",
        "In the Scheduler, the run waits in Upcoming: click its Cancel button.",
        1,
    ),
)


class _Read(QRunnable):
    def __init__(self, context: AppContext, done: Callable[[object], None]) -> None:
        super().__init__()
        self.context, self.done = context, done

    def run(self) -> None:
        self.done(run_queries.tutorial_progress(self.context.db))


class GettingStarted(QDialog):
    """The tutorial's five steps, ticked as they are done."""

    progress_read = Signal(object)
    area_wanted = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("gettingStarted")
        self.setWindowTitle(self.tr("Getting started"))
        self.setModal(False)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Five steps to a workflow that emails someone on their birthday. "
                "Each step ticks itself once it is done."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        grid = QGridLayout()
        self.marks: dict[str, QLabel] = {}
        for row, (key, title, text, area) in enumerate(STEPS):
            mark = QLabel(str(row + 1), self)
            mark.setObjectName(f"mark_{key}")
            mark.setMinimumWidth(24)
            self.marks[key] = mark
            words = QLabel(f"<b>{self.tr(title)}</b><br>{self.tr(text)}", self)
            words.setWordWrap(True)
            words.setMinimumWidth(320)
            show = QPushButton(self.tr("Show me"), self)
            show.setObjectName(f"show_{key}")
            show.setAccessibleName(self.tr("Show me: {step}").format(step=self.tr(title)))
            show.clicked.connect(lambda _=False, a=area: self.area_wanted.emit(a))
            grid.addWidget(mark, row, 0)
            grid.addWidget(words, row, 1)
            grid.addWidget(show, row, 2)
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(10)
        layout.addLayout(grid)
        self.summary = QLabel(self)
        self.summary.setObjectName("gettingStartedSummary")
        layout.addWidget(self.summary)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.done_steps: dict[str, bool] = {}
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.progress_read.connect(self.on_progress_read)
        self.timer = QTimer(self)
        self.timer.setInterval(REREAD_MS)
        self.timer.timeout.connect(self.refresh)

    @Slot()
    def refresh(self) -> None:
        """Read the folder's progress again (on a worker; shown when it arrives)."""
        self.pool.start(_Read(self.context, self.progress_read.emit))

    @Slot(object)
    def on_progress_read(self, progress: object) -> None:
        if not isinstance(progress, dict):
            return
        self.done_steps = {key: bool(progress.get(key)) for key, *_ in STEPS}
        for number, (key, *_) in enumerate(STEPS, start=1):
            done = self.done_steps[key]
            self.marks[key].setText("✔" if done else str(number))
            self.marks[key].setAccessibleName(
                self.tr("done") if done else self.tr("step {n}").format(n=number)
            )
        left = sum(not done for done in self.done_steps.values())
        self.summary.setText(
            self.tr("All done: your first workflow works.")
            if left == 0
            else self.tr("1 step to go.")
            if left == 1
            else self.tr("{n} steps to go.").format(n=left)
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()
        self.timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.timer.stop()
