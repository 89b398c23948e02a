"""Dialogs sized to their content: a form in a scroll area is shown whole when
the screen (and the window it opens over) has room, and scrolls only when it
has not: the buttons under it stay in sight."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QBoxLayout, QDialog, QWidget

SCREEN_MARGIN = QSize(40, 60)  # left for the window frame and the desktop's panels
SCROLL_BAR_ROOM = 24
TITLE_BAR = 32  # the dialog's own frame, above its contents


def available_room(dialog: QDialog) -> QSize:
    screen = dialog.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry().size() if screen else QSize(1400, 900)


def room_for(dialog: QDialog) -> QSize:
    """The screen's room, no more than the window the dialog opens over: a dialog
    over a 900×600 window is no taller than that window (its buttons in sight)."""
    room = available_room(dialog)
    parent = dialog.parentWidget()
    if parent is not None:
        frame = parent.window().frameGeometry().size()
        room = room.boundedTo(frame + SCREEN_MARGIN - QSize(0, TITLE_BAR))
    return room


def fit_to_content(
    dialog: QDialog,
    outer: QBoxLayout,
    body: QWidget,
    below: Iterable[QWidget],
    room: QSize | None = None,
) -> QSize:
    """Resize `dialog` so that `body` (the scrolled form) and the widgets `below`
    it show whole, within `room` (`room_for(dialog)` by default)."""
    room = room or room_for(dialog)
    margins = outer.contentsMargins()
    spacing = max(0, outer.spacing())
    form = body.sizeHint().expandedTo(body.minimumSizeHint())
    width = form.width() + margins.left() + margins.right() + SCROLL_BAR_ROOM
    width = max(dialog.minimumWidth(), min(width, room.width() - SCREEN_MARGIN.width()))
    # Wrapped words take fewer lines at the width the dialog gets than at the form's
    # own (narrower) hint: measured there, the form has no empty space under it.
    inner = width - margins.left() - margins.right()  # no scroll bar when it all fits
    form_height = body.heightForWidth(inner) if body.hasHeightForWidth() else -1
    if form_height <= 0:
        form_height = form.height()
    shown = [widget for widget in below if not widget.isHidden()]
    under = sum(_height_at(widget, inner) for widget in shown)
    height = form_height + under + margins.top() + margins.bottom() + spacing * len(shown) + 4
    size = QSize(width, min(height, room.height() - SCREEN_MARGIN.height()))
    dialog.resize(size)
    return size


def _height_at(widget: QWidget, width: int) -> int:
    """The height `widget` takes at `width` (its words wrapped there)."""
    wanted = widget.heightForWidth(width) if widget.hasHeightForWidth() else -1
    return wanted if wanted > 0 else widget.sizeHint().height()
