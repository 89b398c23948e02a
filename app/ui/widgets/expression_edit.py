"""Text inputs that hold expressions: completion of names in scope, a commit signal."""

from __future__ import annotations

import re

from PySide6.QtCore import QRectF, QStringListModel, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFocusEvent, QKeyEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QLineEdit,
    QPlainTextEdit,
    QStyle,
    QStyleOptionFrame,
    QWidget,
)

from app.core import expressions
from app.engine.dynamic_data import chip_segments

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*$")


def scope_words(names: list[str], thing_fields: dict[str, list[str]]) -> list[str]:
    """What completion offers: names, `param.field` of things, filters."""
    words = list(names)
    for name, fields in thing_fields.items():
        words += [f"{name}.{field}" for field in ["id", *fields]]
    words += sorted(expressions.BASE_NAMES)
    words += [f"{name}(1)" if name.startswith("add_") else name for name in expressions.FILTERS]
    return list(dict.fromkeys(words))


class ExpressionLineEdit(QLineEdit):
    """A line that completes the name being typed (inside `{{ … }}` for templates).

    `left` tells that focus went elsewhere (not to a popup of its own), changed
    or not: Qt's editingFinished stays quiet when nothing was typed."""

    left = Signal()
    CHIP_COLOUR = QColor(124, 58, 237, 48)

    def chips_shown(self) -> bool:
        """Whether the line draws its data as chips: when it holds `{{ … }}` and is not
        being edited (the raw text comes back as soon as it has the focus)."""
        return not self.condition and not self.hasFocus() and "{{" in self.text()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.chips_shown():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        option = QStyleOptionFrame()
        self.initStyleOption(option)
        style = self.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelLineEdit, option, painter, self)
        area = style.subElementRect(QStyle.SubElement.SE_LineEditContents, option, self)
        area = area.adjusted(3, 0, -3, 0)
        metrics = self.fontMetrics()
        x = float(area.left())
        ellipsis = metrics.horizontalAdvance("…")
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_colour = self.palette().color(QPalette.ColorRole.Text)
        for is_chip, piece in chip_segments(self.text()):
            pad = 5 if is_chip else 0
            width = float(metrics.horizontalAdvance(piece) + 2 * pad)
            room = area.right() - x
            if room <= ellipsis:
                break
            if width > room:  # the rest does not fit: cut with …
                piece = metrics.elidedText(piece, Qt.TextElideMode.ElideRight, int(room - 2 * pad))
                width = room
            if is_chip:
                chip = QRectF(x, area.top() + 2, width, area.height() - 4)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(self.CHIP_COLOUR)
                painter.drawRoundedRect(chip, 6, 6)
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(x + pad, area.top(), width - pad, area.height()),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                piece,
            )
            x += width + (2 if is_chip else 0)
        painter.end()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.left.emit()

    def __init__(self, condition: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.condition = condition
        self.completer_model = QStringListModel(self)
        self.name_completer = QCompleter(self.completer_model, self)
        self.name_completer.setWidget(self)
        self.name_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.name_completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.name_completer.activated.connect(self.on_name_completer_activated)
        self.textEdited.connect(self.on_text_edited)

    def set_words(self, words: list[str]) -> None:
        self.completer_model.setStringList(words)

    def _prefix(self) -> str:
        before = self.text()[: self.cursorPosition()]
        if not self.condition and before.rfind("{{") <= before.rfind("}}"):
            return ""
        match = _WORD.search(before)
        return match.group(0) if match else ""

    def _popup(self) -> QAbstractItemView:
        popup = self.name_completer.popup()
        assert popup is not None  # a QCompleter always makes its popup
        return popup

    @Slot(str)
    def on_text_edited(self, text: str) -> None:
        prefix = self._prefix()
        if not prefix:
            self._popup().hide()
            return
        self.name_completer.setCompletionPrefix(prefix)
        if self.name_completer.completionCount() == 0:
            self._popup().hide()
            return
        rect = self.cursorRect()
        rect.setWidth(260)
        self.name_completer.complete(rect)

    @Slot(str)
    def on_name_completer_activated(self, word: str) -> None:
        """Put in the chosen name; inside an unclosed `{{` the token is closed too."""
        prefix = self._prefix()
        position = self.cursorPosition()
        text = self.text()
        start = position - len(prefix)
        before, after = text[:start], text[position:]
        closing = ""
        if not self.condition and before.rfind("{{") > before.rfind("}}"):
            opened = after.find("{{")
            closed = after.find("}}")
            if closed < 0 or (0 <= opened < closed):
                closing = " }}"
        self.setText(before + word + closing + after)
        self.setCursorPosition(start + len(word) + len(closing))
        self.editingFinished.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Keys that choose from the open popup belong to the completer."""
        if self._popup().isVisible() and event.key() in (
            Qt.Key.Key_Enter,
            Qt.Key.Key_Return,
            Qt.Key.Key_Tab,
            Qt.Key.Key_Escape,
        ):
            event.ignore()
            return
        super().keyPressEvent(event)


class LongTextEdit(QPlainTextEdit):
    """Multi-line text that reports `editing_finished` when focus leaves it."""

    editing_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFixedHeight(72)

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:
        self.setPlainText(text)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.editing_finished.emit()
