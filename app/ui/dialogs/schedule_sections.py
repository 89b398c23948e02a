"""Parts of the Schedule form: Repeat (a recurring schedule) and For each (a list).

Repeat shows, as the rule is edited, a plain-language summary and the next
ten times with their UTC offsets; a time whose offset differs from the first
one (a DST change) is flagged. For each picks the parameter that takes each
item, the items (things matching a search, a selection, or typed values) and
the interval between runs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QSignalBlocker,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.definitions import ParameterDef, WorkflowDef
from app.core.recurrence import Recurrence, dst_shifted, zone, zone_name
from app.core.types import local_zone
from app.engine import presenting
from app.engine import run_queries as queries
from app.engine.run_queries import Database
from app.errors import BadInput, CueflowError
from app.ui.models.roles import ID_ROLE
from app.ui.models.things import ThingChoicesModel
from app.ui.widgets import formatting
from app.ui.widgets.palette_colours import error_style

SHIFTED_COLOUR = "#b45309"
REPEAT_NONE, REPEAT_EVERY, REPEAT_CRON = range(3)
REPEAT_UNITS = ("minutes", "hours", "days", "weeks", "months", "years")
PREVIEW_COUNT = 10
SHIFTED_ROLE = Qt.ItemDataRole.UserRole  # True on preview lines whose UTC offset changed
SOURCE_SEARCH, SOURCE_SELECTION = range(2)
SELECTION_LIMIT = 2000  # things offered for picking one by one; a search takes any number


def offset_text(moment: datetime) -> str:
    """`UTC+02:00` for a time's offset."""
    offset = moment.strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"


def _city(words: str) -> str:
    """ "berlin" for "Berlin, UTC+01:00": a city typed alone names its zone."""
    return words.split(",", 1)[0].casefold()


class RepeatSection(QGroupBox):
    """Does not repeat / every N units / a cron expression, in a time zone."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Repeat"), parent)
        self.setObjectName("repeatSection")
        self.start: datetime | None = None
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.kind = QComboBox(self)
        self.kind.setObjectName("repeatKind")
        for text in (self.tr("Does not repeat"), self.tr("Every"), self.tr("Cron expression")):
            self.kind.addItem(text)
        row.addWidget(self.kind)
        self.rule_stack = QStackedWidget(self)
        self.rule_stack.addWidget(QWidget(self.rule_stack))
        every = QWidget(self.rule_stack)
        every_layout = QHBoxLayout(every)
        every_layout.setContentsMargins(0, 0, 0, 0)
        self.amount = QSpinBox(every)
        self.amount.setObjectName("repeatAmount")
        self.amount.setRange(1, 100000)
        self.unit = QComboBox(every)
        self.unit.setObjectName("repeatUnit")
        for unit in REPEAT_UNITS:
            self.unit.addItem(self.tr(unit), unit)
        self.unit.setCurrentIndex(REPEAT_UNITS.index("days"))
        every_layout.addWidget(self.amount)
        every_layout.addWidget(self.unit)
        every_layout.addStretch(1)
        self.rule_stack.addWidget(every)
        self.cron = QLineEdit(self.rule_stack)
        self.cron.setObjectName("repeatCron")
        self.cron.setPlaceholderText(self.tr("MIN HOUR DOM MON DOW, e.g. 0 9 * * 1-5"))
        self.cron.setText("0 9 * * 1-5")
        self.rule_stack.addWidget(self.cron)
        row.addWidget(self.rule_stack, 1)
        row.addWidget(QLabel(self.tr("in"), self))
        self.zone = QComboBox(self)
        self.zone.setObjectName("repeatZone")
        self.zone.setEditable(True)
        self.zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # "UTC", "Berlin, UTC+01:00" … shown; the zone's key ("Europe/Berlin") kept
        for words, key in presenting.zone_choices():
            self.zone.addItem(words, key)
            self.zone.setItemData(self.zone.count() - 1, key, Qt.ItemDataRole.ToolTipRole)
        completer = self.zone.completer()
        if completer is not None:  # "berl" finds "Berlin, UTC+01:00"; "+01" the zones at +1
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.set_zone(zone_name(local_zone()))
        self.zone.setMinimumContentsLength(16)
        row.addWidget(self.zone)
        layout.addLayout(row)
        self.summary = QLabel(self)
        self.summary.setObjectName("repeatSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.preview = QListWidget(self)
        self.preview.setObjectName("repeatPreview")
        self.preview.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preview.setFixedHeight(
            self.preview.fontMetrics().lineSpacing() * PREVIEW_COUNT
            + 2 * self.preview.frameWidth()
            + 6
        )
        layout.addWidget(self.preview)
        self.error = QLabel(self)
        self.error.setObjectName("repeatError")
        self.error.setStyleSheet(error_style(self.palette()))
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.kind.currentIndexChanged.connect(self.on_rule_changed)
        self.amount.valueChanged.connect(self.on_rule_changed)
        self.unit.currentIndexChanged.connect(self.on_rule_changed)
        self.cron.textChanged.connect(self.on_rule_changed)
        self.zone.currentTextChanged.connect(self.on_rule_changed)
        self.on_rule_changed()

    # --- values -------------------------------------------------------------------

    def set_start(self, start: datetime | None) -> None:
        """The first time the schedule may run (the form's When)."""
        self.start = start
        self.refresh()

    def set_rule(self, text: str, zone_text: str | None = None) -> None:
        """Show an EVERY text ('2 hours', 'cron:0 9 * * *'; '' for none)."""
        blockers = [
            QSignalBlocker(w) for w in (self.kind, self.amount, self.unit, self.cron, self.zone)
        ]
        if zone_text:
            self.set_zone(zone_text)
        if not text:
            self.kind.setCurrentIndex(REPEAT_NONE)
        else:
            rule = Recurrence.parse(text)
            if rule.cron:
                self.kind.setCurrentIndex(REPEAT_CRON)
                self.cron.setText(rule.cron)
            else:
                self.kind.setCurrentIndex(REPEAT_EVERY)
                self.amount.setValue(rule.amount)
                self.unit.setCurrentIndex(
                    max(0, REPEAT_UNITS.index(rule.unit) if rule.unit in REPEAT_UNITS else 0)
                )
        del blockers
        self.on_rule_changed()

    def repeats(self) -> bool:
        return self.kind.currentIndex() != REPEAT_NONE

    def recurrence(self) -> Recurrence | None:
        """The rule, None when it does not repeat; raises BadInput when invalid."""
        kind = self.kind.currentIndex()
        if kind == REPEAT_EVERY:
            return Recurrence.parse(f"{self.amount.value()} {self.unit.currentData()}")
        if kind == REPEAT_CRON:
            return Recurrence.parse(f"cron:{self.cron.text()}")
        return None

    def set_zone(self, key: str) -> None:
        """Show the time zone `key` ('Europe/Berlin') in words; a key not listed as is."""
        if key in presenting.UTC_KEYS:
            key = "UTC"
        index = self.zone.findData(key)
        if index >= 0:
            self.zone.setCurrentIndex(index)
        else:
            self.zone.setCurrentText(key)

    def timezone(self) -> tzinfo:
        """The chosen zone; raises BadInput in the form's words when none is called so."""
        name = self.timezone_name()
        try:
            return zone(name)
        except CueflowError:
            raise BadInput(
                self.tr(
                    "no time zone is called '{text}': type a city such as Berlin, "
                    "or pick one from the list"
                ).format(text=formatting.short(name, 60))
            ) from None

    def timezone_name(self) -> str:
        """The chosen zone's key: the listed zone whose words were picked or typed,
        else the text as typed (a key such as 'Europe/Berlin' works too)."""
        text = self.zone.currentText().strip()
        index = self.zone.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            return str(self.zone.itemData(index))
        typed = text.casefold()
        cities = (i for i in range(self.zone.count()) if _city(self.zone.itemText(i)) == typed)
        city = next(cities, -1)
        return str(self.zone.itemData(city)) if city >= 0 and text else text

    def problem(self) -> str:
        """Why the rule cannot be used ('' when it can)."""
        try:
            self.recurrence()
            self.timezone()
        except CueflowError as exc:
            return exc.reason
        return ""

    # --- showing ------------------------------------------------------------------

    @Slot()
    def on_rule_changed(self) -> None:
        kind = self.kind.currentIndex()
        self.rule_stack.setCurrentIndex(kind)
        self.zone.setEnabled(kind != REPEAT_NONE)
        self.refresh()
        self.changed.emit()

    def refresh(self) -> None:
        self.preview.clear()
        self.error.setText("")
        repeating = self.repeats()
        self.preview.setVisible(repeating)
        self.error.setVisible(repeating)  # "Runs once." needs no error line under it
        if not repeating:
            self.summary.setText(self.tr("Runs once."))
            return
        try:
            rule = self.recurrence()
            tz = self.timezone()
        except CueflowError as exc:
            self.summary.setText("")
            self.error.setText(exc.reason)
            return
        assert rule is not None
        start = self.start or datetime.now(tz)
        self.summary.setText(
            self.tr("Runs {description}.").format(
                description=presenting.rule_zone_words(rule.describe(start, tz), zone_name(tz))
            )
        )
        times = rule.preview(start, tz, PREVIEW_COUNT)
        shifted = dst_shifted(times)
        previous: datetime | None = None
        clock = "%H:%M:%S" if any(moment.second for moment in times) else "%H:%M"
        for moment, moved in zip(times, shifted, strict=True):
            day = f"{formatting.day_name(moment)} {moment.day} {formatting.month_name(moment)}"
            text = f"{day} {moment.year} {moment:{clock}}   {offset_text(moment)}"
            if previous is not None and moment.utcoffset() != previous.utcoffset():
                text += "   " + self.tr(
                    "⚠ clocks change (daylight saving time): {old} → {new}"
                ).format(old=offset_text(previous), new=offset_text(moment))
            previous = moment
            item = QListWidgetItem(text, self.preview)
            item.setData(SHIFTED_ROLE, moved)
            if moved:
                item.setForeground(QBrush(QColor(SHIFTED_COLOUR)))
        if not times:
            self.preview.addItem(self.tr("No upcoming times."))

    def preview_lines(self) -> list[tuple[str, bool]]:
        """The preview as shown: (text, flagged) per line."""
        return [
            (self.preview.item(i).text(), bool(self.preview.item(i).data(SHIFTED_ROLE)))
            for i in range(self.preview.count())
        ]


class ForEachSection(QGroupBox):
    """One run per item of a list, `interval` seconds apart (a checkable group).

    The things a search matches are counted on a worker thread (a search over
    100,000 things must not stall typing): `count()` is None until then."""

    changed = Signal()
    _counted = Signal(int, object)  # (search generation, count or the reason it failed)

    def __init__(self, db: Database, workflow: WorkflowDef, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("For each item in a list"), parent)
        self.setObjectName("forEachSection")
        self.db = db
        self.workflow = workflow
        self.setCheckable(True)
        self.setChecked(False)
        outer = QVBoxLayout(self)
        self.contents = QWidget(self)  # shown only when checked: the form stays short
        self.contents.setVisible(False)
        self.hint = QLabel(
            self.tr("Tick to schedule one run per thing or per value, a chosen time apart."),
            self,
        )
        self.hint.setObjectName("forEachHint")
        self.hint.setWordWrap(True)
        self.hint.setEnabled(True)
        outer.addWidget(self.hint)
        outer.addWidget(self.contents)
        form = QFormLayout(self.contents)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.param = QComboBox(self)
        self.param.setObjectName("forEachParam")
        for param in workflow.parameters:
            self.param.addItem(f"{param.key} — {param.type}", param.key)
        form.addRow(self.tr("Item goes into"), self.param)

        self.sources = QStackedWidget(self)
        things = QWidget(self.sources)
        things_layout = QVBoxLayout(things)
        things_layout.setContentsMargins(0, 0, 0, 0)
        self.source_group = QButtonGroup(self)
        self.source_search = QRadioButton(self.tr("Every thing matching"), things)
        self.source_selection = QRadioButton(self.tr("Only the things selected below"), things)
        self.source_group.addButton(self.source_search, SOURCE_SEARCH)
        self.source_group.addButton(self.source_selection, SOURCE_SELECTION)
        search_row = QHBoxLayout()
        search_row.addWidget(self.source_search)
        self.search = QLineEdit(things)
        self.search.setObjectName("forEachSearch")
        self.search.setPlaceholderText(self.tr("search (empty: all)"))
        self.search.setClearButtonEnabled(True)
        search_row.addWidget(self.search, 1)
        things_layout.addLayout(search_row)
        things_layout.addWidget(self.source_selection)
        # The things to pick from are read on a worker thread: "Loading…" until then.
        self.choices = ThingChoicesModel(
            lambda type_name: queries.thing_choices(db, type_name, SELECTION_LIMIT), parent=self
        )
        self.selection = QListView(things)
        self.selection.setObjectName("forEachSelection")
        self.selection.setModel(self.choices)
        self.selection.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.selection.setMaximumHeight(110)
        things_layout.addWidget(self.selection)
        self.choices_state = QLabel(self.tr("Loading…"), things)
        self.choices_state.setObjectName("forEachChoicesState")
        self.choices_state.setVisible(False)
        things_layout.addWidget(self.choices_state)
        self._kept_ids: list[str] = []  # selected when the same type's things are read again
        self._search_count: int | None = None  # the last search's count (None: counting)
        self._search_key: tuple[str, str] | None = None  # (type, text) it counted
        self._generation = 0
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(150)  # typing: count once it pauses
        self._count_timer.timeout.connect(self.on_count_timer_timeout)
        self._counted.connect(self.on_counted, Qt.ConnectionType.QueuedConnection)
        self.sources.addWidget(things)
        self.values = QPlainTextEdit(self.sources)
        self.values.setObjectName("forEachValues")
        self.values.setPlaceholderText(self.tr("One value per line"))
        self.values.setMaximumHeight(110)
        self.sources.addWidget(self.values)
        form.addRow(self.tr("Items"), self.sources)

        self.interval = QDoubleSpinBox(self)
        self.interval.setObjectName("forEachInterval")
        self.interval.setRange(0, 86400 * 7)
        self.interval.setDecimals(1)
        self.interval.setSuffix(self.tr(" s between runs"))
        form.addRow(self.tr("Interval"), self.interval)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("forEachCount")
        form.addRow("", self.count_label)

        self.source_search.setChecked(True)
        self.toggled.connect(self.contents.setVisible)
        self.toggled.connect(self.hint.setHidden)
        self.toggled.connect(self.on_changed)
        self.param.currentIndexChanged.connect(self.on_param_changed)
        self.source_group.idToggled.connect(self.on_source_toggled)
        self.search.textChanged.connect(self.on_changed)
        selection_model = self.selection.selectionModel()
        selection_model.selectionChanged.connect(self.on_changed)
        self.choices.modelAboutToBeReset.connect(self.on_choices_about_to_reset)
        self.choices.loaded.connect(self.on_choices_loaded)
        self.values.textChanged.connect(self.on_changed)
        self.interval.valueChanged.connect(self.on_changed)
        self.on_param_changed()

    # --- values -------------------------------------------------------------------

    def parameter(self) -> ParameterDef | None:
        return self.workflow.parameter(str(self.param.currentData() or ""))

    def item_type(self) -> str | None:
        """The data type of the items when they are things, else None."""
        param = self.parameter()
        if param is None:
            return None
        vtype = param.type.item if param.type.is_list else param.type
        return vtype.base if vtype.is_thing else None

    def items(self) -> list[Any]:
        """The items as chosen: thing IDs, or the typed values (as text)."""
        type_name = self.item_type()
        if type_name is None:
            return [line.strip() for line in self.values.toPlainText().splitlines() if line.strip()]
        if self.source_search.isChecked():
            return queries.thing_ids(self.db, type_name, self.search.text())
        return [index.data(ID_ROLE) for index in self._selected_rows()]

    def search_reader(self) -> Callable[[], list[str]] | None:
        """When the items are a search: what reads their IDs (on any thread)."""
        type_name = self.item_type()
        if type_name is None or not self.source_search.isChecked():
            return None
        db, text = self.db, self.search.text()
        return lambda: queries.thing_ids(db, type_name, text)

    def count(self) -> int | None:
        """How many items (for a search: its count read on a worker, None until then)."""
        type_name = self.item_type()
        if type_name is not None and self.source_search.isChecked():
            current = (type_name, self.search.text())
            return self._search_count if self._search_key == current else None
        if type_name is not None:
            return len(self._selected_rows())
        return len(self.items())

    def _selected_rows(self) -> list[QModelIndex]:
        return sorted(self.selection.selectionModel().selectedRows(), key=QModelIndex.row)

    # --- slots --------------------------------------------------------------------

    @Slot()
    def on_param_changed(self) -> None:
        type_name = self.item_type()
        self.sources.setCurrentIndex(0 if type_name is not None else 1)
        if type_name is not None:
            if type_name != self.choices.type_name:
                self.selection.clearSelection()  # another type's things: none of them stays
            self.choices_state.setText(self.tr("Loading…"))
            self.choices_state.setVisible(True)
            self.choices.set_type(type_name)
            self.source_search.setText(self.tr("Every {type} matching").format(type=type_name))
        self.on_source_toggled(self.source_group.checkedId(), True)

    @Slot()
    def on_choices_about_to_reset(self) -> None:
        self._kept_ids = [index.data(ID_ROLE) for index in self._selected_rows()]

    @Slot()
    def on_choices_loaded(self) -> None:
        """The things are in: select again those selected before, say if none or failed."""
        selection = QItemSelection()
        for thing_id in self._kept_ids:
            row = self.choices.row_of(thing_id)
            if row >= 0:
                index = self.choices.index(row, 0)
                selection.select(index, index)
        self._kept_ids = []
        if not selection.isEmpty():
            self.selection.selectionModel().select(
                selection, QItemSelectionModel.SelectionFlag.Select
            )
        if self.choices.error:
            self.choices_state.setText(
                self.tr("The things could not be read: {reason}").format(reason=self.choices.error)
            )
        elif self.choices.rowCount() == 0:
            self.choices_state.setText(self.tr("No things of this type yet."))
        self.choices_state.setVisible(bool(self.choices.error) or self.choices.rowCount() == 0)
        self.on_changed()

    @Slot(int, bool)
    def on_source_toggled(self, source: int, checked: bool) -> None:
        if checked:
            self.search.setEnabled(source == SOURCE_SEARCH)
            self.selection.setEnabled(source == SOURCE_SELECTION)
            self.on_changed()

    def _count_search(self) -> None:
        """Count the things the search matches, on a worker thread."""
        type_name = self.item_type()
        if type_name is None:
            return
        key = (type_name, self.search.text())
        self._generation += 1
        generation, counted, db = self._generation, self._counted, self.db

        def work() -> None:
            try:
                found: object = queries.count_things(db, *key)
            except CueflowError as exc:
                found = str(exc)
            except Exception as exc:  # the label says so; typing again tries again
                found = f"{type(exc).__name__}: {exc}"
            with contextlib.suppress(RuntimeError):  # the dialog was closed meanwhile
                counted.emit(generation, (key, found))

        QThreadPool.globalInstance().start(work)

    @Slot()
    def on_count_timer_timeout(self) -> None:
        self._count_search()

    @Slot(int, object)
    def on_counted(self, generation: int, outcome: Any) -> None:
        if generation != self._generation:  # an older search's answer
            return
        key, found = outcome
        if isinstance(found, str):
            self._search_key, self._search_count = None, None
            self.count_label.setText(
                self.tr("The things could not be counted: {reason}").format(reason=found)
            )
            return
        self._search_key, self._search_count = key, int(found)
        self.on_changed()

    @Slot()
    def on_changed(self) -> None:
        if self.isChecked():
            count = self.count()
            if count is None:  # a search being counted
                self.count_label.setText(self.tr("Counting…"))
                self._count_timer.start()
                self.changed.emit()
                return
            self.count_label.setText(
                (
                    self.tr("1 run will be scheduled")
                    if count == 1
                    else self.tr("{n} runs will be scheduled")
                ).format(n=f"{count:,}")
            )
        else:
            self.count_label.setText("")
        self.changed.emit()
