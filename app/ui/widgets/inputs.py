"""Typed input widgets for parameter values: one per value type.

Each editor offers `value()` (a native or JSON-safe value, None when left
empty) and a `changed` signal, so forms treat them alike.
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime, time, tzinfo
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QLocale, QSignalBlocker, Qt, QTime, Signal, Slot
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from app.core.types import ValueType, local_zone, utcnow
from app.engine.data import DataService
from app.engine.presenting import key_words, zone_key
from app.ui.models.things import IDS_WHEN_REPEATED, ThingChoicesModel
from app.ui.widgets.datetime_edit import (
    DateTimeEdit,
    locale_format,
    to_minute,
    zone_words,
)

NO_THING = ""


class ValueEditor(QWidget):
    """Base of the typed editors."""

    changed = Signal()

    def value(self) -> Any:
        raise NotImplementedError

    def text(self) -> str:
        """The value as a person reads it (for list items)."""
        value = self.value()
        return "" if value is None else str(value)

    def clear(self) -> None:
        """Back to empty after a list took the value."""


class TextEditor(ValueEditor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = QLineEdit(self)
        _single(self, self.line)
        self.line.textChanged.connect(self.changed)

    def value(self) -> Any:
        return self.line.text()

    def clear(self) -> None:
        self.line.clear()


class NumberEditor(ValueEditor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spin = QDoubleSpinBox(self)
        self.spin.setRange(-1e12, 1e12)
        self.spin.setDecimals(2)
        _single(self, self.spin)
        self.spin.valueChanged.connect(self.changed)

    def value(self) -> Any:
        return self.spin.value()

    def text(self) -> str:
        return f"{self.spin.value():g}"


class YesNoEditor(ValueEditor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox(self.tr("yes"), self)
        _single(self, self.check)
        self.check.toggled.connect(self.changed)

    def value(self) -> Any:
        return self.check.isChecked()

    def text(self) -> str:
        return "yes" if self.check.isChecked() else "no"


class DateEditor(ValueEditor):
    """A date and time (the shared DateTimeEdit); an optional one is `OptionalDateEditor`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.picker = DateTimeEdit(to_minute(utcnow()), parent=self)
        layout.addWidget(self.picker, 1)
        self.edit = self.picker.edit  # the typed field (tests and focus)
        self.zone = self.picker.zone_label
        self.setFocusProxy(self.picker)
        self.picker.value_changed.connect(self.changed)

    def set_value(self, value: datetime) -> None:
        self.picker.setValue(value)

    def value(self) -> Any:
        """The time as shown: minutes, never seconds the control does not show."""
        return self.picker.value()

    def text(self) -> str:
        value = self.value()
        return value.isoformat() if value else ""


class OptionalDateEditor(ValueEditor):
    """A date that may stay empty: empty until the person types a date or picks a
    day (no box to tick first). A day without a time means 09:00 in the machine's
    time zone; the calendar button opens on the typed day, else today.

    `value()` is None when empty, an aware datetime when the text reads as a date,
    and the text itself otherwise (the service then says what is wrong with it)."""

    DEFAULT_TIME = time(9, 0)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zone_info = local_zone()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.line = QLineEdit(self)
        self.line.setObjectName("optionalDateField")
        self.line.setClearButtonEnabled(True)
        self.display_format = locale_format(self.locale())
        example = date_example(self.display_format)
        self.line.setPlaceholderText(self.tr("empty, or e.g. {example}").format(example=example))
        self.line.setAccessibleName(self.tr("Date and time (may stay empty)"))
        layout.addWidget(self.line, 1)
        self.calendar_button = QToolButton(self)
        self.calendar_button.setObjectName("pickDayButton")
        self.calendar_button.setText(self.tr("Pick a day"))
        self.calendar_button.setAccessibleName(self.tr("Pick a day from a calendar"))
        self.calendar_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar_menu = QMenu(self.calendar_button)
        self.calendar = QCalendarWidget(self.calendar_menu)
        self.calendar.setGridVisible(True)
        self.calendar.setAccessibleName(self.tr("Calendar"))
        picked = QWidgetAction(self.calendar_menu)
        picked.setDefaultWidget(self.calendar)
        self.calendar_menu.addAction(picked)
        self.calendar_menu.aboutToShow.connect(self.on_calendar_about_to_show)
        self.calendar_button.setMenu(self.calendar_menu)
        self.calendar.clicked.connect(self.on_day_picked)
        self.calendar.activated.connect(self.on_day_picked)
        layout.addWidget(self.calendar_button)
        # The zone is said in the tooltip: a form of dates does not repeat it on each row.
        self.zone = QLabel(zone_key(self.zone_info), self)
        self.zone.setObjectName("timeZoneLabel")
        self.zone.setVisible(False)
        self.line.setToolTip(
            self.tr("A day (09:00) or a day and a time, in {zone}").format(
                zone=zone_words(self.zone_info)
            )
        )
        self.setFocusProxy(self.line)
        self.line.textChanged.connect(self.on_text_changed)

    def parsed(self) -> datetime | None:
        """The typed text as an aware datetime (None: empty or not a date)."""
        return parse_date_text(self.line.text(), self.zone_info, self.display_format, self.locale())

    def value(self) -> Any:
        text = self.line.text().strip()
        if not text:
            return None
        return self.parsed() or text

    def problem(self, name: str) -> str:
        """What is wrong with the typed text, in the words of the form ("" when
        it is empty or reads as a date)."""
        if not self.line.text().strip() or self.parsed() is not None:
            return ""
        return self.tr("{name}: type a date like {example}, or pick a day").format(
            name=label_words(name), example=date_example(self.display_format)
        )

    def set_value(self, value: datetime) -> None:
        moment = value if value.tzinfo else value.replace(tzinfo=self.zone_info)
        wall = to_minute(moment.astimezone(self.zone_info))
        stamp = QDateTime(QDate(wall.year, wall.month, wall.day), QTime(wall.hour, wall.minute))
        self.line.setText(stamp.toString(self.display_format))

    def text(self) -> str:
        value = self.parsed()
        return value.isoformat() if value else self.line.text().strip()

    def clear(self) -> None:
        self.line.clear()

    @Slot(str)
    def on_text_changed(self, text: str) -> None:
        bad = bool(text.strip()) and self.parsed() is None
        self.line.setToolTip(
            self.tr("Not a date yet: type it like {example}").format(
                example=self.line.placeholderText().split()[-1]
            )
            if bad
            else self.tr("A day (09:00) or a day and a time, in {zone}").format(
                zone=zone_words(self.zone_info)
            )
        )
        self.changed.emit()

    @Slot()
    def on_calendar_about_to_show(self) -> None:
        shown = self.parsed()
        day = QDate(shown.year, shown.month, shown.day) if shown else QDate.currentDate()
        self.calendar.setSelectedDate(day)

    @Slot(QDate)
    def on_day_picked(self, day: QDate) -> None:
        shown = self.parsed()
        clock = shown.time() if shown else self.DEFAULT_TIME
        self.set_value(
            datetime.combine(date(day.year(), day.month(), day.day()), clock, tzinfo=self.zone_info)
        )
        self.calendar_menu.close()
        self.line.setFocus()


def parse_date_text(
    text: str, zone: tzinfo, display_format: str, locale: QLocale | None = None
) -> datetime | None:
    """A typed date, with or without a time (09:00 when without), in `zone`.

    Reads ISO (`1990-05-14`, `1990-05-14 18:30`, `1990-05-14T18:30+02:00`), the
    format shown, and the locale's own short and long forms (`14/05/1990`,
    `14.05.1990`, `5/14/1990`, `14 May 1990` as the locale writes them); with no
    locale set, a slashed date is read when only one order makes a date. The
    command line and files keep to ISO: this is for the window's inputs only.
    Anything else is None."""
    text = " ".join(text.split())
    if not text or len(text) > 64:
        return None
    with contextlib.suppress(ValueError):
        moment = datetime.fromisoformat(text)
        if len(text) <= 10:  # a day alone
            moment = datetime.combine(moment.date(), OptionalDateEditor.DEFAULT_TIME)
        return to_minute(moment if moment.tzinfo else moment.replace(tzinfo=zone))
    locale = locale or QLocale()
    found = _read_local_date(text, locale, display_format)
    if found is None:
        return None
    day, clock = found
    hour, minute = clock if clock is not None else (9, 0)
    with contextlib.suppress(ValueError):
        return datetime(day.year(), day.month(), day.day(), hour, minute, tzinfo=zone)
    return None


def label_words(key: str) -> str:
    """`birthday` → `Birthday`, `start_date` → `Start date`: a key as a form names it."""
    return key_words(key)


def date_example(display_format: str) -> str:
    """14 May 1990 as the form reads a day (`14/05/1990`, `1990-05-14` …)."""
    return QDate(1990, 5, 14).toString(display_format.split(" ")[0])


def _day_formats(locale: QLocale, display_format: str) -> list[str]:
    """The ways of writing a day that this locale reads, most likely first."""
    shown = display_format.split(" ")[0]
    forms = [shown]
    if locale.language() != QLocale.Language.C:
        for kind in (QLocale.FormatType.ShortFormat, QLocale.FormatType.LongFormat):
            written = locale.dateFormat(kind)
            forms.append(written.replace("yyyy", "yy").replace("yy", "yyyy"))  # never 19xx
        forms += ["d MMM yyyy", "d MMMM yyyy"]
    relaxed = [f.replace("dd", "d").replace("MM", "M") if "MMM" not in f else f for f in forms]
    forms += relaxed
    forms.append("d.M.yyyy")  # dotted days come first everywhere
    return list(dict.fromkeys(f for f in forms if f))


def _read_local_date(
    text: str, locale: QLocale, display_format: str
) -> tuple[QDate, tuple[int, int] | None] | None:
    """The day and (hour, minute) of a date written the local way, or None."""
    clocks = ["HH:mm", "H:mm"]
    if locale.language() != QLocale.Language.C:
        clocks.insert(0, locale.timeFormat(QLocale.FormatType.ShortFormat))
    clocks = list(dict.fromkeys(clocks))
    for day_format in _day_formats(locale, display_format):
        found = _read_day(text, locale, day_format, clocks)
        if found is not None:
            return found
    if locale.language() == QLocale.Language.C:  # no locale: only an order that fits
        readings = [_read_day(text, locale, f, clocks) for f in ("d/M/yyyy", "M/d/yyyy")]
        days = {(r[0].toJulianDay(), r[1]): r for r in readings if r is not None}
        if len(days) == 1:
            return next(iter(days.values()))
    return None


def _read_day(
    text: str, locale: QLocale, day_format: str, clocks: list[str]
) -> tuple[QDate, tuple[int, int] | None] | None:
    day = locale.toDate(text, day_format)
    if day.isValid():
        return day, None
    for clock in clocks:
        stamp = locale.toDateTime(text, f"{day_format} {clock}")
        if stamp.isValid():
            return stamp.date(), (stamp.time().hour(), stamp.time().minute())
    return None


class ThingPicker(ValueEditor):
    """A searchable list of things by their labels (an ID typed is taken too).

    The choices are read on a worker thread (ThingChoicesModel): the picker
    says "Loading…" until they are in. A thing selected or typed meanwhile
    stays selected when they arrive, and `value()` gives it all along.
    """

    def __init__(
        self,
        data: DataService,
        type_name: str | None,
        none_text: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        _single(self, self.combo)
        # By its label; the ID only tells apart things that read the same.
        self.choices = ThingChoicesModel(data, none_text, self, ids=IDS_WHEN_REPEATED)
        self.combo.setModel(self.choices)
        self.combo.setCurrentIndex(-1)
        self._line().setPlaceholderText(self.tr("Loading…"))
        self._pending: str | None = None  # selected before the choices were in
        self._kept_text = ""  # typed before the choices were in
        self._restoring = False
        completer = self.combo.completer()
        assert completer is not None  # an editable combo box has one
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.combo.currentIndexChanged.connect(self.changed)
        self.combo.editTextChanged.connect(self.on_edit_text_changed)
        self.choices.modelAboutToBeReset.connect(self.on_choices_about_to_reset)
        self.choices.loaded.connect(self.on_choices_loaded)
        self.choices.set_type(type_name)

    @property
    def loading(self) -> bool:
        return self.choices.loading

    def _line(self) -> QLineEdit:
        line = self.combo.lineEdit()
        assert line is not None  # editable
        return line

    def value(self) -> Any:
        if self._pending is not None:
            return self._pending or None
        text = self.combo.currentText().strip()
        index = self.combo.findText(text)
        if index >= 0:
            data = self.combo.itemData(index)
            return data or None
        return text or None  # typed an ID

    def select(self, thing_id: str) -> None:
        """Select the thing with this ID (once the choices are in, if still loading)."""
        if self.loading:
            self._pending = thing_id
            self.changed.emit()
            return
        index = self.combo.findData(thing_id)
        if index >= 0:
            self.combo.setCurrentIndex(index)

    @Slot(str)
    def on_edit_text_changed(self, text: str) -> None:
        if not self._restoring:
            self._pending = None  # typed (or picked) after a select: that counts
        self.changed.emit()

    @Slot()
    def on_choices_about_to_reset(self) -> None:
        """The combo box resets its selection with the model: keep what was chosen."""
        self._kept_text = self.combo.currentText()
        self._restoring = True
        self.combo.blockSignals(True)

    @Slot()
    def on_choices_loaded(self) -> None:
        pending, kept = self._pending, self._kept_text.strip()
        try:
            if pending is not None:
                index = self.combo.findData(pending)
                if index >= 0:
                    self.combo.setCurrentIndex(index)
                else:  # not among the things read (past the limit): an ID typed
                    self.combo.setEditText(pending)
            elif kept:
                index = self.combo.findText(kept)
                if index >= 0:
                    self.combo.setCurrentIndex(index)
                else:
                    self.combo.setEditText(kept)
            else:
                self.combo.setCurrentIndex(0 if self.combo.count() else -1)
        finally:
            self._pending = None
            self._restoring = False
            self.combo.blockSignals(False)
        if self.choices.error:
            message = self.tr("The things could not be read: {reason}")
            self._line().setPlaceholderText(message.format(reason=self.choices.error))
        else:
            self._line().setPlaceholderText(
                self.tr("No things yet") if self.combo.count() == 0 else ""
            )
        self.combo.setToolTip(self.choices.error)
        self.changed.emit()


class ListEditor(ValueEditor):
    """A list: an editor for one item, Add, and the items with Remove."""

    def __init__(self, item_editor: ValueEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.item_editor = item_editor
        row.addWidget(item_editor, 1)
        self.add_button = QPushButton(self.tr("Add"), self)
        self.add_button.setObjectName("listAddButton")
        row.addWidget(self.add_button)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        self.items = QListWidget(self)
        self.items.setMaximumHeight(80)
        layout.addWidget(self.items)
        self.add_button.clicked.connect(self.on_add_clicked)
        self.remove_button.clicked.connect(self.on_remove_clicked)

    @Slot()
    def on_add_clicked(self) -> None:
        value = self.item_editor.value()
        if value is None or value == "":
            return
        item = QListWidgetItem(
            self.item_editor.text()
            if not isinstance(self.item_editor, ThingPicker)
            else self.item_editor.combo.currentText()
        )
        item.setData(
            Qt.ItemDataRole.UserRole, value.isoformat() if isinstance(value, datetime) else value
        )
        self.items.addItem(item)
        self.item_editor.clear()
        self.changed.emit()

    @Slot()
    def on_remove_clicked(self) -> None:
        for item in self.items.selectedItems():
            self.items.takeItem(self.items.row(item))
        self.changed.emit()

    def add_values(self, values: list[Any]) -> None:
        for value in values:
            item = QListWidgetItem(str(value))
            item.setData(Qt.ItemDataRole.UserRole, value)
            self.items.addItem(item)
        self.changed.emit()

    def value(self) -> Any:
        return [
            self.items.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.items.count())
        ]


def editor_for(
    vtype: ValueType, data: DataService, optional: bool = False, parent: QWidget | None = None
) -> ValueEditor:
    """The editor that fits a parameter's type."""
    if vtype.is_list:
        return ListEditor(editor_for(vtype.item, data, False), parent)
    if vtype.base == "number":
        return NumberEditor(parent)
    if vtype.base == "yes/no":
        return YesNoEditor(parent)
    if vtype.base == "date":
        return OptionalDateEditor(parent) if optional else DateEditor(parent)
    if vtype.is_thing:
        return ThingPicker(data, vtype.base, "(none)" if optional else None, parent)
    return TextEditor(parent)


def _single(parent: QWidget, child: QWidget) -> None:
    layout = QHBoxLayout(parent)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(child)


def set_blocked(widget: Any, setter: str, value: Any) -> None:
    """Set a widget's value without firing its change signals."""
    with QSignalBlocker(widget):
        getattr(widget, setter)(value)
