"""Help ▸ Getting started: the tutorial as a checklist docked beside the work.

Each step says what to do in words, has a *Show me* button that opens the
right area, and ticks itself when the folder's data shows it done (read off
the GUI thread every REREAD_MS while it is shown). It does not block the
window, and covers it only when the person asks for its words in a window too
narrow to have them beside the areas: a person follows it while working.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QEvent,
    QObject,
    QRunnable,
    QSettings,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.engine import run_queries
from app.ui.shell.context import AppContext

REREAD_MS = 1500
# A narrower main window gets the one-line checklist: the words at the right edge take
# FULL_WIDTH + 16 px, and the areas keep at least 900 px (and the window its width).
COMPACT_BELOW = 1240
FULL_WIDTH = 300
OVER_HEIGHT = 420  # the words over a narrow window: at most this high, scrolled
WORDS_KEY = "guide/words"  # "more" or "fewer": the person's choice, in their preferences
# (key of run_queries.tutorial_progress, title, what to do, the area to open)
STEPS = (
    (
        "data_type",
        "Make a data type",
        "In Data, click New data type, call it User, and add the fields email and birthday "
        "(type each name, then Return).",
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


class GettingStarted(QDockWidget):
    """The tutorial's five steps, ticked as they are done.

    A panel docked at the main window's right edge, the way IDEs keep a
    walkthrough or a checklist (VS Code's walkthroughs, JetBrains' Learn tool
    window): it takes its own strip beside the work instead of floating over
    the tables, can be undocked or closed, and folds to a one-line strip
    along the bottom — each step's mark and title, the words in its tooltip —
    by *Fewer words*, or by itself when the window is narrower than
    COMPACT_BELOW (a 900-px window keeps its 900 px for the areas). *More
    words* in a narrow window shows the words in a panel floating over the
    window's bottom-right corner, inside it, wrapped and scrolled: the window is
    never resized. The choice is the
    person's, kept in their preferences (`prefs`), not the data folder's.
    """

    progress_read = Signal(object)
    area_wanted = Signal(int)

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        prefs: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.prefs = prefs
        self.setObjectName("gettingStarted")
        self.setWindowTitle(self.tr("Getting started"))
        self.setAllowedAreas(
            Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        # Two faces, one shown (a hidden one takes no room, unlike a stacked page).
        holder = QWidget(self)
        faces = QVBoxLayout(holder)
        faces.setContentsMargins(0, 0, 0, 0)
        # The words scroll in a short window rather than making the window taller.
        self.full = QScrollArea(holder)
        self.full.setWidgetResizable(True)
        self.full.setFrameShape(QScrollArea.Shape.NoFrame)
        self.full.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.full_body = self._build_full()
        self.full.setWidget(self.full_body)
        self.full.setFixedWidth(FULL_WIDTH + 16)
        self.strip = self._build_strip()
        faces.addWidget(self.full)
        faces.addWidget(self.strip)
        self.setWidget(holder)
        chosen = str(prefs.value(WORDS_KEY, "")) if prefs is not None else ""
        # The person's choice beats the width: True for fewer words, False for more.
        self._compact_chosen: bool | None = {"fewer": True, "more": False}.get(chosen)
        self._at_right = True
        self._set_compact(False)
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.on_fit_timer_timeout)
        if isinstance(parent, QMainWindow):
            parent.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self)
            parent.installEventFilter(self)
            self._fit_width(parent.width())
        self.done_steps: dict[str, bool] = {}
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.progress_read.connect(self.on_progress_read)
        self.timer = QTimer(self)
        self.timer.setInterval(REREAD_MS)
        self.timer.timeout.connect(self.refresh)

    def _build_full(self) -> QWidget:
        """The steps in words, each with Show me: the panel at the right edge."""
        body = QWidget(self)
        body.setFixedWidth(FULL_WIDTH)
        layout = QVBoxLayout(body)
        self.intro = QLabel(
            self.tr(
                "Five steps to a workflow that emails someone on their birthday. "
                "Each step ticks itself once it is done."
            ),
            body,
        )
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        grid = QGridLayout()
        self.marks: dict[str, QLabel] = {}
        for row, (key, title, text, area) in enumerate(STEPS):
            mark = QLabel(str(row + 1), body)
            mark.setObjectName(f"mark_{key}")
            mark.setMinimumWidth(18)
            mark.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
            self.marks[key] = mark
            words = QLabel(f"<b>{self.tr(title)}</b><br>{self.tr(text)}", body)
            words.setWordWrap(True)
            show = QPushButton(self.tr("Show me"), body)
            show.setObjectName(f"show_{key}")
            show.setAccessibleName(self.tr("Show me: {step}").format(step=self.tr(title)))
            show.clicked.connect(lambda _=False, a=area: self.area_wanted.emit(a))
            grid.addWidget(mark, row, 0)
            grid.addWidget(words, row, 1)
            grid.addWidget(show, row, 2, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(8)
        layout.addLayout(grid)
        self.summary = QLabel(body)
        self.summary.setObjectName("gettingStartedSummary")
        layout.addWidget(self.summary)
        self.fewer_words = QPushButton(self.tr("Fewer words"), body)
        self.fewer_words.setObjectName("gettingStartedCompact")
        self.fewer_words.setToolTip(self.tr("Fold to one line at the bottom of the window"))
        self.fewer_words.clicked.connect(lambda: self.on_compact_chosen(True))
        layout.addWidget(self.fewer_words, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        return body

    def _build_strip(self) -> QWidget:
        """One line along the bottom: each step's mark and title (a click shows its
        area; its words in the tooltip), and More words."""
        strip = QWidget(self)
        row = QHBoxLayout(strip)
        row.setContentsMargins(6, 0, 6, 0)
        self.strip_steps: dict[str, QPushButton] = {}
        row.addWidget(QLabel(f"<b>{self.tr('Getting started:')}</b>", strip))
        for number, (key, title, text, area) in enumerate(STEPS, start=1):
            step = QPushButton(f"{number} {self.tr(title)}", strip)
            step.setObjectName(f"strip_{key}")
            step.setFlat(True)
            step.setToolTip(self.tr(text))
            step.setAccessibleName(self.tr("Show me: {step}").format(step=self.tr(title)))
            step.clicked.connect(lambda _=False, a=area: self.area_wanted.emit(a))
            self.strip_steps[key] = step
            row.addWidget(step)
        row.addStretch(1)
        self.more_words = QPushButton(self.tr("More words"), strip)
        self.more_words.setObjectName("gettingStartedFull")
        self.more_words.clicked.connect(lambda: self.on_compact_chosen(False))
        row.addWidget(self.more_words)
        close = QToolButton(strip)
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Close Getting started (Help ▸ Getting started opens it again)"))
        close.setObjectName("gettingStartedClose")
        close.setAccessibleName(self.tr("Close Getting started"))
        close.clicked.connect(self.close)
        row.addWidget(close)
        return strip

    @property
    def compact(self) -> bool:
        return not self.strip.isHidden()

    def _set_compact(self, compact: bool, at_right: bool = True) -> None:
        """The strip docks at the bottom (the whole width, one line high); the words
        at the right edge, or — a narrow window has no room for them beside or under
        the areas — in a panel over the window's bottom-right corner, inside it. The
        panel moves before its face changes: a wide strip at the right edge, even
        for a moment, would widen the window."""
        parent = self.parent()
        window = parent if isinstance(parent, QMainWindow) else None
        over = not compact and not at_right  # floats over a narrow window
        wanted = (
            Qt.DockWidgetArea.RightDockWidgetArea
            if at_right and not compact
            else Qt.DockWidgetArea.BottomDockWidgetArea
        )
        # Docked at the right, the panel goes to the bottom before it becomes the wide
        # strip; floating, it becomes the strip first (the words docked would make the
        # window taller).
        if window and compact and not self.isFloating() and window.dockWidgetArea(self) != wanted:
            window.addDockWidget(wanted, self)
        self._at_right = not over
        if over:  # off the window's layout first: docked, the words would make it taller
            self.setFloating(True)
        self.full.setHidden(compact)
        self.strip.setHidden(not compact)
        # One line high: the strip has its own close button instead of a title bar.
        self.setTitleBarWidget(QWidget(self) if compact else None)  # type: ignore[arg-type]  # None: the standard title bar again
        if over:
            self._place_over_window()
        elif window and (self.isFloating() or window.dockWidgetArea(self) != wanted):
            self.setFloating(False)
            window.addDockWidget(wanted, self)

    def _place_over_window(self) -> None:
        """The floating words inside the window's bottom-right corner, the window's
        own size unchanged (they wrap at the panel's width and scroll)."""
        window = self.parentWidget()
        if not isinstance(window, QMainWindow) or not self.isFloating():
            return
        area = window.centralWidget() or window
        inside = area.rect()
        width = min(FULL_WIDTH + 40, inside.width())
        height = min(OVER_HEIGHT, inside.height())
        corner = area.mapToGlobal(inside.bottomRight())
        self.setGeometry(corner.x() - width + 1, corner.y() - height + 1, width, height)

    def _fit_width(self, window_width: int) -> None:
        """Words at the right when the window has room for them and the areas, else
        the strip — or the words over the window when the person asked for them."""
        room = window_width >= COMPACT_BELOW
        compact = not room if self._compact_chosen is None else self._compact_chosen
        if compact != self.compact or (not compact and room != self._at_right):
            self._set_compact(compact, at_right=room)
        elif not compact and not room:
            self._place_over_window()  # the window moved or changed size: follow it

    @Slot()
    def on_fit_timer_timeout(self) -> None:
        window = self.parentWidget()
        if window is not None:
            self._fit_width(window.width())

    def on_compact_chosen(self, compact: bool) -> None:
        """Fewer / More words: the person's choice, kept whatever the width (and in
        their preferences, for the next start and every data folder)."""
        self._compact_chosen = compact
        if self.prefs is not None:
            self.prefs.setValue(WORDS_KEY, "fewer" if compact else "more")
        window = self.parentWidget()
        self._set_compact(compact, at_right=window is None or window.width() >= COMPACT_BELOW)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The main window resized: fold to the compact checklist when it is narrow."""
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            self._fit_timer.start()  # not while the window lays itself out
        return super().eventFilter(watched, event)

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
            title = self.tr(STEPS[number - 1][1])
            self.strip_steps[key].setText(f"✔ {title}" if done else f"{number} {title}")
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
