"""One date-time control for every place a date and time is entered.

`DateTimeEdit` is a calendar popup over a typed field in the user's locale,
holding whole minutes (the format shows no seconds, so none are hidden), with
the time zone shown beside it. Tab walks the field's sections (day, month,
year, hour, minute) and only leaves the control after the last one, so a
half-typed time is never left behind. `value()` / `setValue()` take aware
datetimes; the editor of the Things table uses the same control through
`DateTimeDelegate`.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QDateTime,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTime,
    QTimeZone,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.core.types import local_zone, utcnow
from app.engine.presenting import offset_text, zone_key, zone_words

__all__ = ["DateTimeDelegate", "DateTimeEdit", "locale_format", "to_minute", "zone_words"]

Index = QModelIndex | QPersistentModelIndex


def to_minute(value: datetime) -> datetime:
    """`value` without seconds, as a control that shows HH:mm holds it."""
    return value.replace(second=0, microsecond=0)


def locale_format(locale: QLocale | None = None) -> str:
    """The locale's short date and time, with a four-digit year and no seconds."""
    locale = locale or QLocale()
    if locale.language() == QLocale.Language.C:  # no locale set: ISO order
        return "yyyy-MM-dd HH:mm"
    day = locale.dateFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in day:
        day = day.replace("yy", "yyyy")
    clock = locale.timeFormat(QLocale.FormatType.ShortFormat)
    for seconds in (":ss", ".ss", ":s", ".s"):
        clock = clock.replace(seconds, "")
    return f"{day} {clock}"


class _SectionEdit(QDateTimeEdit):
    """The typed field: Tab and Shift+Tab move between its sections first.

    Typing reads like typing a whole date: with everything selected the first
    section takes the first digit, and a separator typed right after a
    section filled up (Qt has moved on already) is not a second move.
    """

    def keyPressEvent(self, event: QKeyEvent) -> None:
        typed = event.text()
        line = self.lineEdit()
        shown = line.text()
        if typed and line.hasSelectedText() and line.selectedText() == shown and shown:
            self.setSelectedSection(self.sectionAt(0))
        elif typed and not typed.isalnum():  # a separator (space included)
            start = line.selectionStart() if line.hasSelectedText() else line.cursorPosition()
            if 0 < start <= len(shown) and shown[start - 1] == typed:
                event.accept()
                return
        super().keyPressEvent(event)

    def at_edge(self, forward: bool) -> bool:
        index = self.currentSectionIndex()
        return index >= self.sectionCount() - 1 if forward else index <= 0

    def focusNextPrevChild(self, forward: bool) -> bool:
        if not self.at_edge(forward):
            step = 1 if forward else -1
            self.setSelectedSection(self.sectionAt(self.currentSectionIndex() + step))
            return True
        return super().focusNextPrevChild(forward)


class DateTimeEdit(QWidget):
    """A date and time in a time zone (the machine's by default), whole minutes.

    Signals:
        value_changed(datetime): the shown time changed (an aware datetime).
    """

    value_changed = Signal(object)

    def __init__(
        self,
        value: datetime | None = None,
        zone: tzinfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._zone: tzinfo = zone or local_zone()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.edit = _SectionEdit(self)
        self.edit.setObjectName("dateTimeField")
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(locale_format(self.locale()))
        self.edit.setTimeZone(QTimeZone(zone_key(self._zone).encode()))
        self.edit.setAccessibleName(self.tr("Date and time"))
        self.edit.setToolTip(
            self.tr("Type the date and time, or pick a day from the calendar. Tab moves on.")
        )
        calendar = self.edit.calendarWidget()
        calendar.setGridVisible(True)
        calendar.setAccessibleName(self.tr("Calendar"))
        layout.addWidget(self.edit, 1)
        self.zone_label = QLabel(self)
        self.zone_label.setObjectName("timeZoneLabel")
        layout.addWidget(self.zone_label)
        self.setFocusProxy(self.edit)
        self.edit.dateTimeChanged.connect(self.on_edit_changed)
        self.setValue(value or to_minute(utcnow()))

    # --- value ----------------------------------------------------------------------

    def zone(self) -> tzinfo:
        return self._zone

    def setZone(self, zone: tzinfo) -> None:
        """Show the same moment in another time zone."""
        moment = self.value()
        self._zone = zone
        self.edit.setTimeZone(QTimeZone(zone_key(zone).encode()))
        self.setValue(moment)

    def value(self) -> datetime:
        """The shown time in the control's zone (seconds are always zero)."""
        stamp = self.edit.dateTime().toSecsSinceEpoch()
        return to_minute(datetime.fromtimestamp(stamp, self._zone))

    def setValue(self, value: datetime) -> None:
        """Show an aware datetime (a naive one is read as the control's zone)."""
        if value.tzinfo is None:
            value = value.replace(tzinfo=self._zone)
        wall = to_minute(value.astimezone(self._zone))
        stamp = QDateTime(
            QDate(wall.year, wall.month, wall.day),
            QTime(wall.hour, wall.minute),
            QTimeZone(zone_key(self._zone).encode()),
        )
        if not stamp.isValid():  # a wall time that does not exist (a DST gap)
            stamp = QDateTime.fromSecsSinceEpoch(int(wall.timestamp()), self.edit.timeZone())
        self.edit.setDateTime(stamp)
        self._show_zone()

    def text(self) -> str:
        return self.edit.text()

    # --- slots ------------------------------------------------------------------------

    @Slot(QDateTime)
    def on_edit_changed(self, _stamp: QDateTime) -> None:
        self._show_zone()
        self.value_changed.emit(self.value())

    def _show_zone(self) -> None:
        moment = datetime.fromtimestamp(self.edit.dateTime().toSecsSinceEpoch(), self._zone)
        text = zone_words(self._zone, moment)
        self.zone_label.setText(text)
        self.zone_label.setToolTip(f"{zone_key(self._zone)} ({offset_text(moment)})")
        self.zone_label.setAccessibleName(self.tr("Time zone {zone}").format(zone=text))


class DateTimeDelegate(QStyledItemDelegate):
    """Edits a table's date cells (an edit role holding a QDateTime) with DateTimeEdit.

    Other cells get the default editors. Tab inside the control moves between
    its sections; after the last one it commits and moves to the next cell.
    """

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(value, QDateTime):
            editor = DateTimeEdit(parent=parent)
            editor.setAutoFillBackground(True)
            editor.edit.installEventFilter(self)
            return editor
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, DateTimeEdit) and isinstance(value, QDateTime):
            editor.setValue(datetime.fromtimestamp(value.toSecsSinceEpoch(), editor.zone()))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, DateTimeEdit):
            stamp = int(editor.value().timestamp())
            model.setData(index, QDateTime.fromSecsSinceEpoch(stamp), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Tab on the inner field: the next section, or commit after the last one."""
        if (
            isinstance(watched, _SectionEdit)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
        ):
            forward = event.key() == Qt.Key.Key_Tab
            if not watched.at_edge(forward):
                watched.focusNextPrevChild(forward)
                return True
            editor = watched.parentWidget()
            watched.removeEventFilter(self)  # its focus-out that follows is not a second close
            self.commitData.emit(editor)
            hint = (
                QStyledItemDelegate.EndEditHint.EditNextItem
                if forward
                else QStyledItemDelegate.EndEditHint.EditPreviousItem
            )
            self.closeEditor.emit(editor, hint)
            return True
        if isinstance(watched, _SectionEdit):
            # Leaving the inner field is leaving the editor (Qt's handling, for the editor).
            outer = watched.parentWidget()
            if event.type() == QEvent.Type.FocusOut and outer is not None:
                return super().eventFilter(outer, event)
            return False
        return super().eventFilter(watched, event)


def as_datetime(value: Any, zone: tzinfo | None = None) -> datetime | None:
    """A QDateTime or datetime as an aware datetime (None for anything else)."""
    if isinstance(value, QDateTime):
        return datetime.fromtimestamp(value.toSecsSinceEpoch(), zone or local_zone())
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone or local_zone())
    return None
