"""Table models over the run ledger: upcoming runs and the history.

The models are windowed: the row count comes from one indexed COUNT and rows
are read a page at a time when they are shown, so a ledger of 100,000 runs is
never loaded whole.

Two ways of handing the cells to the view share that loading (`RunPages`):
the History is a `QAbstractTableModel` whose `data()` is Python, called for
every painted cell; Upcoming, shown while runs come and go by the thousand, is
a `QStandardItemModel` whose items for the rows on screen are filled from Python
when rows arrive or scroll into view, so its repaints call no Python at all
(each Python call inside a paint waits for the GIL behind the run threads).
"""

from __future__ import annotations

import contextlib
import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    Qt,
    QThreadPool,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QStandardItem, QStandardItemModel

from app.core.types import utcnow
from app.engine import run_queries as queries
from app.engine.editor_queries import workflow_titles
from app.engine.run_queries import Database, RunFilter, RunRow, RunsWindow
from app.ui.models.roles import ID_ROLE, ROW_ROLE, Index
from app.ui.widgets import formatting

log = logging.getLogger(__name__)
Titles = dict[str, str]  # workflow name → its label


STATUS_COLOURS = {
    queries.SCHEDULED: "#3b82f6",
    queries.RUNNING: "#f59e0b",
    queries.SUCCEEDED: "#16a34a",
    queries.FAILED: "#dc2626",
    queries.TERMINATED: "#6b7280",
    queries.CANCELLED: "#9ca3af",
    queries.MISSED: "#a855f7",
    queries.INTERRUPTED: "#ea580c",
}
STATUS_WORDS = {
    queries.SCHEDULED: str(QT_TRANSLATE_NOOP("RunStatus", "Scheduled")),
    queries.RUNNING: str(QT_TRANSLATE_NOOP("RunStatus", "Running")),
    queries.SUCCEEDED: str(QT_TRANSLATE_NOOP("RunStatus", "Succeeded")),
    queries.FAILED: str(QT_TRANSLATE_NOOP("RunStatus", "Failed")),
    queries.TERMINATED: str(QT_TRANSLATE_NOOP("RunStatus", "Stopped by a step")),
    queries.CANCELLED: str(QT_TRANSLATE_NOOP("RunStatus", "Cancelled")),
    queries.MISSED: str(QT_TRANSLATE_NOOP("RunStatus", "Missed")),
    queries.INTERRUPTED: str(QT_TRANSLATE_NOOP("RunStatus", "Interrupted")),
    "skipped": str(QT_TRANSLATE_NOOP("RunStatus", "Skipped")),  # a step whose only_when was false
}
_ICONS: dict[str, QIcon] = {}
_ROLES_SERVED = frozenset(
    int(role)
    for role in (
        ROW_ROLE,
        ID_ROLE,
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.AccessibleTextRole,
    )
)


def status_words(status: str) -> str:
    """A status as a person reads it ('Succeeded', not 'succeeded'), translated."""
    words = STATUS_WORDS.get(status)
    if words is None:
        return status.capitalize()
    return QCoreApplication.translate("RunStatus", words)


def status_icon(status: str) -> QIcon:
    """A filled dot in the status colour (made once, on first use)."""
    if status not in _ICONS:
        pixmap = QPixmap(12, 12)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor(STATUS_COLOURS.get(status, "#6b7280")))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(1, 1, 10, 10)
        painter.end()
        _ICONS[status] = QIcon(pixmap)
    return _ICONS[status]


if TYPE_CHECKING:  # the mixin is only ever mixed into a Qt model (its signals need one)
    _MixinBase = QObject
else:
    _MixinBase = object


class RunPages(_MixinBase):
    """The loading half of a runs table model (a mixin before the Qt model class).

    The row count is the indexed COUNT of matching runs; the rows themselves
    are loaded in pages of `page_size` by a windowed query when one of them is
    first shown, and at most `max_pages` pages are kept (least recently used
    pages are dropped). Scrolling to the end of 100,000 runs reads only the
    pages shown on the way.

    Subclasses say which runs (`_read`, `_page`, through the query functions
    of `app.engine.run_queries`), how columns read (`HEADERS`, `_display`) and
    how new rows reach the view (`set_rows`).
    """

    HEADERS: tuple[str, ...] = ()
    loaded = Signal()  # a background reload's rows are in
    _read_done = Signal(int, object)  # (reload generation, what it read), from a worker

    def __init__(
        self,
        db: Database,
        page_size: int = queries.PAGE_SIZE,
        max_pages: int = 25,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)  # the Qt model class after this mixin
        self.db = db
        self.page_size = page_size
        self.max_pages = max_pages
        self.fetched = 0  # rows read from the database so far (for tests and tuning)
        self._count = 0
        self._pinned_rows: list[RunRow] = []  # shown first, always loaded (running runs)
        self._pages: OrderedDict[int, list[RunRow]] = OrderedDict()
        self._filter = RunFilter()
        self._colours: dict[str, str] = {}
        self._titles: dict[str, str] = {}  # workflow name → its label (what people read)
        self._titles_stale = True
        self._generation = 0  # of reloads: a background read older than the last is dropped
        self._read_done.connect(self._on_read_done)
        self._prepare()
        self.reload()

    def _prepare(self) -> None:
        """Set up the Qt side before the first rows arrive (the Qt object exists now)."""

    # --- loading ------------------------------------------------------------

    @property
    def run_filter(self) -> RunFilter:
        return self._filter

    def set_filter(self, run_filter: RunFilter) -> None:
        self._filter = run_filter
        self.reload(colours=False)

    def reload(self, *, colours: bool = True) -> None:
        """Count again and forget the loaded pages (they load again when shown)."""
        self._generation += 1
        result = self._read(self._filter, colours)
        if self._titles_needed(result, set(self._titles), self._titles_stale):
            self._titles, self._titles_stale = workflow_titles(self.db), False
        self._apply(result)

    def forget_titles(self) -> None:
        """A workflow was saved, renamed or deleted: read the labels on the next reload."""
        self._titles_stale = True

    @staticmethod
    def _titles_needed(result: RunsWindow, known: set[str], stale: bool) -> bool:
        """Labels are read only when a workflow changed (not at every ledger change)."""
        return result.colours is not None and (stale or set(result.colours) != known)

    def reload_in_background(self, pool: QThreadPool, *, colours: bool = True) -> None:
        """reload(), its queries on a worker thread: over a ledger of a million runs
        the COUNT takes tens of milliseconds, which the window must not wait for.
        `loaded` is emitted once the rows are in (a newer reload drops this one)."""
        self._generation += 1
        generation, run_filter = self._generation, self._filter
        known, stale = set(self._titles), self._titles_stale

        def read() -> None:
            try:
                result = self._read(run_filter, colours)
                needed = self._titles_needed(result, known, stale)
                titles = workflow_titles(self.db) if needed else None
            except Exception:  # the next reload tries again; nothing to show meanwhile
                log.exception("reading the runs failed")
                return
            with contextlib.suppress(RuntimeError):  # the window closed meanwhile
                self._read_done.emit(generation, (result, titles))

        pool.start(read)

    @Slot(int, object)
    def _on_read_done(
        self, generation: int, read: tuple[RunsWindow, dict[str, str] | None]
    ) -> None:
        if generation == self._generation:
            result, titles = read
            if titles is not None:
                self._titles, self._titles_stale = titles, False
            self._apply(result)
            self.loaded.emit()

    def _read(self, run_filter: RunFilter, colours: bool) -> RunsWindow:
        """What a reload reads, in one session (on any thread: it reads no state that changes)."""
        raise NotImplementedError

    def _apply(self, result: RunsWindow) -> None:
        if result.colours is not None:  # (a new filter shows the same workflows' colours)
            self._colours = result.colours
        self.fetched += len(result.pinned) + len(result.first)
        self.set_rows(result.pinned, result.count, result.first)

    def set_rows(self, pinned: list[RunRow], count: int, first: list[RunRow] | None = None) -> None:
        raise NotImplementedError

    def _replace_rows(
        self, pinned: list[RunRow], count: int, first: list[RunRow] | None = None
    ) -> None:
        self._pinned_rows = pinned
        self._count = count
        self._pages.clear()
        if first:
            self._pages[0] = first

    def _page(self, where: RunFilter, offset: int, limit: int) -> list[RunRow]:
        raise NotImplementedError

    def loaded_rows(self) -> int:
        """Rows held in memory right now."""
        return len(self._pinned_rows) + sum(len(page) for page in self._pages.values())

    def _load_page(self, number: int) -> list[RunRow]:
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        page = self._page(self._filter, number * self.page_size, self.page_size)
        self.fetched += len(page)
        self._pages[number] = page
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        return page

    def row_at(self, row: int) -> RunRow | None:
        """The run shown in `row` (loading its page when needed)."""
        if row < len(self._pinned_rows):
            return self._pinned_rows[row]
        row -= len(self._pinned_rows)
        if not 0 <= row < self._count:
            return None
        page = self._load_page(row // self.page_size)
        offset = row % self.page_size
        return page[offset] if offset < len(page) else None

    def row_of(self, run_id: str) -> int:
        """The row of a run among the loaded rows, or -1."""
        for row, run in enumerate(self._pinned_rows):
            if run.id == run_id:
                return row
        for number, page in self._pages.items():
            for offset, run in enumerate(page):
                if run.id == run_id:
                    return len(self._pinned_rows) + number * self.page_size + offset
        return -1

    def rows(self) -> int:
        """How many rows the table has (loaded or not)."""
        return len(self._pinned_rows) + self._count

    # --- what the cells say -------------------------------------------------------

    def _accessible(self, run: RunRow, column: int) -> str | None:
        return self._display(run, column)

    def _display(self, run: RunRow, column: int) -> str | None:
        raise NotImplementedError

    def _tooltip(self, run: RunRow, column: int) -> str | None:
        return self._display(run, column)

    def _decoration(self, run: RunRow, column: int) -> Any:
        return None

    def title(self, workflow: str) -> str:
        """The workflow as people name it (its label), else its technical name."""
        return self._titles.get(workflow, workflow)

    def _colour(self, workflow: str) -> QColor:
        return QColor(self._colours.get(workflow, "#9ca3af"))


class PagedRunsModel(RunPages, QAbstractTableModel):
    """Runs read a page at a time, their cells computed by `data()` as the view asks."""

    def set_rows(self, pinned: list[RunRow], count: int, first: list[RunRow] | None = None) -> None:
        self.beginResetModel()
        self._replace_rows(pinned, count, first)
        self.endResetModel()

    # --- reading ------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._pinned_rows) + self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.HEADERS)
        ):
            return QCoreApplication.translate("RunsTable", self.HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # First the role: a painted cell asks for seven, five of which (font,
        # alignment, colours, check state) these models leave to the view.
        if role not in _ROLES_SERVED or not index.isValid():
            return None
        if not 0 <= index.column() < len(self.HEADERS):
            return None
        run = self.row_at(index.row())
        if run is None:
            return None
        if role == ROW_ROLE:
            return run
        if role == ID_ROLE:
            return run.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(run, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(run, index.column())
        if role == Qt.ItemDataRole.DecorationRole:
            return self._decoration(run, index.column())
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._accessible(run, index.column())
        return None


def origin_words(origin: str, captured: bool = False) -> str:
    """Who asked for a run, as the Scheduler says it (PRODUCT §5's `origin`)."""
    if captured:  # the editor's Test run with Preview only
        return QCoreApplication.translate("origin", "Test run (preview)")
    if origin.startswith("api:"):
        return QCoreApplication.translate("origin", "Workflow API ({token})").format(
            token=origin[4:]
        )
    words = {
        "cli": QCoreApplication.translate("origin", "Command line"),
        "window": QCoreApplication.translate("origin", "This window"),
        "schedule": QCoreApplication.translate("origin", "Repeat schedule"),
        "trigger": QCoreApplication.translate("origin", "Data trigger"),
        "workflow": QCoreApplication.translate("origin", "Another workflow"),
    }
    return words.get(origin, origin)


CellValues = tuple[str | None, str | None, Any, str | None]  # display, tooltip, decoration, a11y
SHOWN_MARGIN = 3  # rows filled past the last one on screen (a partly shown row, a row count grown)
MAX_FILLED_ROWS = 2_000  # rows holding items; beyond, those farthest from the screen are emptied
ITEM_FLAGS = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
_ITEM_ROLES = (  # the order of CellValues
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.AccessibleTextRole,
)


class UpcomingRunsModel(RunPages, QStandardItemModel):
    """Scheduled runs, soonest first: the rows on screen held by C++ items.

    Painting the table calls no Python: the view reads the cells from the
    items, which are filled from Python when rows arrive (`set_rows`) or come
    into view (`show_rows`, called by the page when it scrolls or grows), only
    for the rows on screen, and only the cells whose words changed. A row not
    yet shown has no items (`data()` is None there); `row_at()` reads any row.
    """

    (
        COL_ID,
        COL_WORKFLOW,
        COL_SCHEDULED,
        COL_ATTEMPT,
        COL_ERROR,
        COL_RUN_AS,
        COL_PARAMS,
        COL_CREATED,
        COL_ORIGIN,
        COL_CANCEL,
    ) = range(10)
    HEADERS = (
        str(QT_TRANSLATE_NOOP("RunsTable", "ID")),
        str(QT_TRANSLATE_NOOP("RunsTable", "Workflow")),
        str(QT_TRANSLATE_NOOP("RunsTable", "Scheduled for")),
        str(QT_TRANSLATE_NOOP("RunsTable", "Attempt")),
        str(QT_TRANSLATE_NOOP("RunsTable", "Last error")),
        str(QT_TRANSLATE_NOOP("RunsTable", "Run as")),
        str(QT_TRANSLATE_NOOP("RunsTable", "Parameters")),
        str(QT_TRANSLATE_NOOP("RunsTable", "Created")),
        str(QT_TRANSLATE_NOOP("RunsTable", "Started by")),
        "",  # the Cancel column
    )
    # the columns whose tooltip says more than the cell (the others repeat it)
    _OWN_TOOLTIPS = frozenset(
        {COL_WORKFLOW, COL_ATTEMPT, COL_ERROR, COL_RUN_AS, COL_PARAMS, COL_CANCEL}
    )

    def __init__(
        self,
        db: Database,
        page_size: int = queries.PAGE_SIZE,
        max_pages: int = 25,
        parent: Any = None,
    ) -> None:
        self._thing_params: dict[str, set[str]] = {}  # per workflow: keys holding things
        self._labels: dict[str, str] = {}  # thing ID -> readable label, for the shown pages
        self._shown = (0, 40)  # the rows on screen, first and last (the page says which)
        # row -> (the run and words it was filled for, what its items say)
        self._filled: dict[int, tuple[tuple[Any, ...], tuple[CellValues, ...]]] = {}
        self._words = 0  # bumped when the same run would read differently (labels, time …)
        self._words_from: tuple[Any, ...] = ()  # what the words were made from (labels …)
        self._cancel_look: QPixmap | None = None  # the painted Cancel button (see the page)
        super().__init__(db, page_size, max_pages, parent)

    def _prepare(self) -> None:
        self.setColumnCount(len(self.HEADERS))
        self.setHorizontalHeaderLabels(
            [QCoreApplication.translate("RunsTable", header) for header in self.HEADERS]
        )

    # --- the items of the rows on screen ---------------------------------------------

    def set_rows(self, pinned: list[RunRow], count: int, first: list[RunRow] | None = None) -> None:
        """New rows: a model reset, as before (the view drops its selection, which the
        area puts back by run ID); the items of the rows on screen are kept where their
        words stay the same, the others are dropped in C++."""
        self.beginResetModel()
        self._replace_rows(pinned, count, first)
        old, total = self.rowCount(), self.rows()
        first_kept, last_kept = (
            self._shown[0],
            min(self._shown[1] + SHOWN_MARGIN, old - 1, total - 1),
        )
        blocked = self.blockSignals(True)  # inside the reset: the view hears of the reset alone
        try:
            if last_kept < first_kept:
                self.setRowCount(0)
            else:
                if old > last_kept + 1:
                    self.removeRows(last_kept + 1, old - last_kept - 1)
                if first_kept > 0:
                    self.removeRows(0, first_kept)
                    self.insertRows(0, first_kept)
            self.setRowCount(total)
        finally:
            self.blockSignals(blocked)
        self._filled = {
            row: filled for row, filled in self._filled.items() if first_kept <= row <= last_kept
        }
        self.endResetModel()
        self._fill(*self._shown)

    def show_rows(self, first: int, last: int) -> None:
        """The rows `first`…`last` are on screen now: fill their items where needed."""
        self._shown = (max(0, first), max(first, last))
        self._fill(*self._shown)

    def refresh_shown(self) -> None:
        """Say the rows on screen again (their times read 'in 5 min' relative to now)."""
        self._words += 1
        self._fill(*self._shown)

    def set_cancel_look(self, look: QPixmap | None) -> None:
        """The Cancel button as a picture, drawn in each row's Cancel cell."""
        self._cancel_look = look
        self._words += 1
        self._fill(*self._shown)

    def _fill(self, first: int, last: int) -> None:
        last = min(last + SHOWN_MARGIN, self.rowCount() - 1)
        changed: list[int] = []
        blocked = self.blockSignals(True)  # one dataChanged for the whole range, below
        try:
            for row in range(first, last + 1):
                run = self.row_at(row)
                if run is None:
                    continue
                # the same run, unchanged, read with the same words: nothing to compute
                key = (run, run.error, run.scheduled_for, self._words)
                filled = self._filled.get(row)
                if filled is not None and filled[0] == key:
                    continue
                cells = self._cells(run)
                before = filled[1] if filled is not None else None
                if cells != before:
                    self._set_cells(row, run.id, cells, before)
                    changed.append(row)
                self._filled[row] = (key, cells)
        finally:
            self.blockSignals(blocked)
        if changed:
            self.dataChanged.emit(
                self.index(changed[0], 0), self.index(changed[-1], len(self.HEADERS) - 1)
            )
        if len(self._filled) > MAX_FILLED_ROWS:
            self._empty_far_rows()

    def _cells(self, run: RunRow) -> tuple[CellValues, ...]:
        cells = []
        for column in range(len(self.HEADERS)):
            display = self._display(run, column)
            cells.append(
                (
                    display,
                    self._tooltip(run, column) if column in self._OWN_TOOLTIPS else display,
                    self._decoration(run, column),
                    self._accessible(run, column) if column == self.COL_CANCEL else None,
                )
            )
        return tuple(cells)

    def _set_cells(
        self,
        row: int,
        run_id: str,
        cells: tuple[CellValues, ...],
        before: tuple[CellValues, ...] | None,
    ) -> None:
        """Put a row's words into its items, creating them on its first showing; only the
        roles whose value changed are set (each set is a call into Qt)."""
        other_run = before is None or before[self.COL_ID][0] != run_id  # the ID column says it
        for column, values in enumerate(cells):
            item = self.item(row, column)
            if item is None or before is None:
                item = QStandardItem()
                item.setFlags(ITEM_FLAGS)
                self.setItem(row, column, item)
                old: CellValues = (None, None, None, None)
                item.setData(run_id, ID_ROLE)
            else:
                old = before[column]
                if other_run:
                    item.setData(run_id, ID_ROLE)
            for role, value, was in zip(_ITEM_ROLES, values, old, strict=True):
                if value != was:
                    item.setData(value, role)

    def _empty_far_rows(self) -> None:
        """Drop the items of the rows farthest from the screen (they fill again when shown)."""
        first, last = self._shown
        far = sorted(self._filled, key=lambda row: -max(first - row, row - last))
        blocked = self.blockSignals(True)
        try:
            for row in far[: len(far) - MAX_FILLED_ROWS // 2]:
                del self._filled[row]
                for column in range(len(self.HEADERS)):
                    self.takeItem(row, column)
        finally:
            self.blockSignals(blocked)

    def _read(self, run_filter: RunFilter, colours: bool) -> RunsWindow:
        # The workflows may have changed too; labels are read afresh for the first page.
        return queries.upcoming_window(
            self.db, run_filter, self.page_size, colours=colours, thing_params=self._thing_params
        )

    def _apply(self, result: RunsWindow) -> None:
        thing_params, labels = result.thing_params or {}, dict(result.labels or {})
        colours = self._colours if result.colours is None else result.colours
        words_from = (self._titles, colours, thing_params, labels)
        if words_from != self._words_from:  # a label or colour changed: every row says it anew
            self._words += 1
            self._words_from = words_from
        self._thing_params, self._labels = thing_params, labels
        super()._apply(result)

    def _page(self, where: RunFilter, offset: int, limit: int) -> list[RunRow]:
        # Things are shown by name: one query for the page's things, not one per cell
        # (a first page's labels come with its reload, see _read).
        rows, labels = queries.upcoming_page(
            self.db,
            where,
            offset,
            limit,
            thing_params=self._thing_params if offset else None,
            known_labels=self._labels.keys(),
        )
        self._labels.update(labels)
        return rows

    def _thing(self, thing_id: str) -> str:
        return self._labels.get(thing_id, thing_id)

    def _params_shown(self, run: RunRow) -> dict[str, Any]:
        keys = self._thing_params.get(run.workflow, ())
        if not keys:
            return run.params
        shown = {}
        for key, value in run.params.items():
            if key in keys and isinstance(value, list):
                value = [self._thing(str(item)) for item in value]
            elif key in keys and isinstance(value, str):
                value = self._thing(value)
            shown[key] = value
        return shown

    def _display(self, run: RunRow, column: int) -> str | None:
        if column == self.COL_ID:
            return run.id
        if column == self.COL_WORKFLOW:
            return self.title(run.workflow)
        if column == self.COL_SCHEDULED:
            return (
                f"{formatting.local_time(run.scheduled_for)} · "
                f"{formatting.relative(run.scheduled_for)}"
            )
        if column == self.COL_ATTEMPT:
            return str(run.attempt) if run.attempt > 1 else ""
        if column == self.COL_ERROR:
            # a retry waits with the error of the attempt before it
            return formatting.short(run.error, 120) if run.attempt > 1 and run.error else ""
        if column == self.COL_RUN_AS:
            return self._thing(run.run_as) if run.run_as else ""
        if column == self.COL_PARAMS:
            return formatting.params_text(self._params_shown(run))
        if column == self.COL_ORIGIN:
            return origin_words(run.origin, run.captured)
        if column == self.COL_CREATED:
            return formatting.local_time(run.created_at)
        return None  # the Cancel cell: its button is a picture (set_cancel_look)

    def _tooltip(self, run: RunRow, column: int) -> str | None:
        if column == self.COL_PARAMS:  # each whole, a line each; things with their IDs
            return formatting.params_lines(self._params_shown(run), run.params) or None
        if column == self.COL_RUN_AS:
            return (
                self.tr("Acts for {who}").format(who=self._thing(run.run_as))
                if run.run_as
                else self.tr("Acts for nobody in particular (no current user)")
            )
        if column == self.COL_WORKFLOW:
            return self.tr("{title} ({name})").format(
                title=self.title(run.workflow), name=run.workflow
            )
        if column == self.COL_CANCEL:
            return self.tr("Cancel {title}, {when}").format(
                title=self.title(run.workflow), when=formatting.when_words(run.scheduled_for)
            )
        if column == self.COL_ATTEMPT and run.attempt > 1:
            return self.tr("Attempt {n}: the earlier attempt failed").format(n=run.attempt)
        if column == self.COL_ERROR:
            return run.error if run.attempt > 1 else None
        return self._display(run, column)

    def _accessible(self, run: RunRow, column: int) -> str | None:
        if column == self.COL_CANCEL:
            return self.tr("Cancel run {id}").format(id=run.id)
        return self._display(run, column)

    def _decoration(self, run: RunRow, column: int) -> Any:
        if column == self.COL_WORKFLOW:
            return self._colour(run.workflow)
        if column == self.COL_CANCEL:
            return self._cancel_look
        return None


class HistoryRunsModel(PagedRunsModel):
    """Running runs first, then finished runs, newest first."""

    (
        COL_ID,
        COL_WORKFLOW,
        COL_SCHEDULED,
        COL_STARTED,
        COL_DURATION,
        COL_STATUS,
        COL_ATTEMPT,
        COL_ERROR,
        COL_ORIGIN,
    ) = range(9)
    HEADERS = (
        str(QT_TRANSLATE_NOOP("RunsTable", "ID")),
        str(QT_TRANSLATE_NOOP("RunsTable", "Workflow")),
        str(QT_TRANSLATE_NOOP("RunsTable", "Scheduled for")),
        str(QT_TRANSLATE_NOOP("RunsTable", "Started")),
        str(QT_TRANSLATE_NOOP("RunsTable", "Duration")),
        str(QT_TRANSLATE_NOOP("RunsTable", "Status")),
        str(QT_TRANSLATE_NOOP("RunsTable", "Attempt")),
        str(QT_TRANSLATE_NOOP("RunsTable", "Error")),
        str(QT_TRANSLATE_NOOP("RunsTable", "Started by")),
    )

    def _read(self, run_filter: RunFilter, colours: bool) -> RunsWindow:
        return queries.history_window(self.db, run_filter, self.page_size, colours=colours)

    def _page(self, where: RunFilter, offset: int, limit: int) -> list[RunRow]:
        return queries.history_page(self.db, where, offset, limit)

    def _display(self, run: RunRow, column: int) -> str | None:
        if column == self.COL_ID:
            return run.id
        if column == self.COL_WORKFLOW:
            return self.title(run.workflow)
        if column == self.COL_SCHEDULED:
            return formatting.local_time(run.scheduled_for)
        if column == self.COL_STARTED:
            return formatting.local_time(run.started_at)
        if column == self.COL_DURATION:
            end = run.finished_at or (utcnow() if run.status == queries.RUNNING else None)
            return formatting.duration(run.started_at, end)
        if column == self.COL_STATUS:
            return status_words(run.status)
        if column == self.COL_ATTEMPT:  # only when it was tried again
            return str(run.attempt) if run.attempt > 1 else ""
        if column == self.COL_ERROR:
            return formatting.short(run.error, 120) if run.status != queries.CANCELLED else ""
        if column == self.COL_ORIGIN:
            return origin_words(run.origin, run.captured)
        return None

    def _tooltip(self, run: RunRow, column: int) -> str | None:
        if column == self.COL_ERROR:
            return run.error
        return self._display(run, column)

    def _decoration(self, run: RunRow, column: int) -> Any:
        if column == self.COL_WORKFLOW:
            return self._colour(run.workflow)
        if column == self.COL_STATUS:
            return status_icon(run.status)
        return None
