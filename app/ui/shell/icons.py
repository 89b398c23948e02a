"""Cueflow's icons: the application icon set and the tray's state variants.

The PNGs are read as bytes through `app.paths.resource_root()` (importlib
resources), so a wheel, an editable install and a frozen bundle all find them
and the working directory never matters.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from app.paths import resource_root
from app.ui.shell.tray_presenter import FAILED, IDLE, PAUSED, RUNNING

ICON_SIZES = (16, 32, 48, 64, 128, 256)
STATES = (IDLE, RUNNING, PAUSED, FAILED)
BADGE_COLOURS = {RUNNING: "#16a34a", PAUSED: "#d97706", FAILED: "#dc2626"}


def icon_bytes(size: int) -> bytes:
    return (resource_root() / "icons" / f"cueflow-{size}.png").read_bytes()


@cache
def base_pixmaps() -> tuple[QPixmap, ...]:
    pixmaps = []
    for size in ICON_SIZES:
        pixmap = QPixmap()
        if pixmap.loadFromData(icon_bytes(size), "PNG"):
            pixmaps.append(pixmap)
    return tuple(pixmaps)


def app_icon() -> QIcon:
    """The application icon at every size shipped in resources/icons."""
    icon = QIcon()
    for pixmap in base_pixmaps():
        icon.addPixmap(pixmap)
    return icon


def state_icon(state: str) -> QIcon:
    """The base icon with a small badge in the bottom-right corner for the state.

    idle: no badge; running: a green play mark; paused: amber bars; failed: a
    red exclamation mark. Drawn per size so the 16 px tray icon stays crisp.
    """
    if state not in BADGE_COLOURS:
        return app_icon()
    icon = QIcon()
    for base in base_pixmaps():
        icon.addPixmap(_with_badge(base, state))
    return icon


def _with_badge(base: QPixmap, state: str) -> QPixmap:
    pixmap = QPixmap(base)
    side = pixmap.width()
    diameter = max(7.0, side * 0.56)
    rect = QRectF(side - diameter, side - diameter, diameter, diameter)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    outline = max(1.0, side / 32)
    painter.setPen(QPen(QColor("#ffffff"), outline))
    painter.setBrush(QColor(BADGE_COLOURS[state]))
    painter.drawEllipse(rect.adjusted(outline / 2, outline / 2, -outline / 2, -outline / 2))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#ffffff"))
    c = rect.center()
    r = diameter / 2
    if state == RUNNING:
        path = QPainterPath(QPointF(c.x() - r * 0.28, c.y() - r * 0.42))
        path.lineTo(QPointF(c.x() + r * 0.45, c.y()))
        path.lineTo(QPointF(c.x() - r * 0.28, c.y() + r * 0.42))
        path.closeSubpath()
        painter.drawPath(path)
    elif state == PAUSED:
        width, height = r * 0.24, r * 0.84
        for dx in (-r * 0.2 - width / 2, r * 0.2 - width / 2):
            painter.drawRect(QRectF(c.x() + dx, c.y() - height / 2, width, height))
    elif state == FAILED:
        width = r * 0.26
        painter.drawRect(QRectF(c.x() - width / 2, c.y() - r * 0.55, width, r * 0.7))
        painter.drawEllipse(QPointF(c.x(), c.y() + r * 0.45), width * 0.6, width * 0.6)
    painter.end()
    return pixmap
