"""Dialogs sized to their content: a form in a scroll area is shown whole when
the screen has room, and scrolls only when it has not."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QBoxLayout, QDialog, QWidget

SCREEN_MARGIN = QSize(40, 60)  # left for the window frame and the desktop's panels
SCROLL_BAR_ROOM = 24


def available_room(dialog: QDialog) -> QSize:
    screen = dialog.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry().size() if screen else QSize(1400, 900)


def fit_to_content(
    dialog: QDialog,
    outer: QBoxLayout,
    body: QWidget,
    below: Iterable[QWidget],
    room: QSize | None = None,
) -> QSize:
    """Resize `dialog` so that `body` (the scrolled form) and the widgets `below`
    it show whole, within `room` (the screen's available size by default)."""
    room = room or available_room(dialog)
    margins = outer.contentsMargins()
    spacing = max(0, outer.spacing())
    form = body.sizeHint().expandedTo(body.minimumSizeHint())
    under = sum(widget.sizeHint().height() for widget in below if not widget.isHidden())
    width = form.width() + margins.left() + margins.right() + SCROLL_BAR_ROOM
    height = form.height() + under + margins.top() + margins.bottom() + 4 * spacing + 8
    size = QSize(
        max(dialog.minimumWidth(), min(width, room.width() - SCREEN_MARGIN.width())),
        min(height, room.height() - SCREEN_MARGIN.height()),
    )
    dialog.resize(size)
    return size
