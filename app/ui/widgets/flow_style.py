"""How the workflow editor draws actions: a colour and a title per action
family, and each action's icon (resources/icons/actions/<icon>.svg, white
strokes) on a rounded square of its family's colour.

The family and the icon name are declared on each ActionSpec; this module only
knows the five families.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QCoreApplication, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from app.actions.spec import (
    FAMILIES,
    FAMILY_DATA,
    FAMILY_EMAIL,
    FAMILY_OTHER,
    FAMILY_WEB,
    FAMILY_WORKFLOWS,
)
from app.paths import resource_root

FAMILY_COLOURS = {
    FAMILY_DATA: "#2563eb",
    FAMILY_EMAIL: "#db2777",
    FAMILY_WEB: "#0d9488",
    FAMILY_WORKFLOWS: "#7c3aed",
    FAMILY_OTHER: "#64748b",
}
PARAMETERS_COLOUR = "#ea580c"
_TITLES = {
    FAMILY_DATA: "Data",
    FAMILY_EMAIL: "Email",
    FAMILY_WEB: "Web",
    FAMILY_WORKFLOWS: "Workflows and scheduling",
    FAMILY_OTHER: "Other",
}

__all__ = ["FAMILIES", "FAMILY_COLOURS", "action_pixmap", "family_colour", "family_title"]


def family_title(family: str) -> str:
    return QCoreApplication.translate("ActionFamily", _TITLES.get(family, family))


def family_colour(family: str) -> QColor:
    return QColor(FAMILY_COLOURS.get(family, FAMILY_COLOURS[FAMILY_OTHER]))


@cache
def _svg(icon: str) -> bytes:
    path = resource_root() / "icons" / "actions" / f"{icon}.svg"
    try:
        return path.read_bytes()
    except OSError:
        return b""


def action_pixmap(icon: str, colour: QColor | str, size: int = 32, ratio: float = 1.0) -> QPixmap:
    """The icon drawn in white on a rounded square of `colour`."""
    pixmap = QPixmap(int(size * ratio), int(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.25, size * 0.25)
    data = _svg(icon)
    if data:
        renderer = QSvgRenderer(QByteArray(data))
        margin = size * 0.2
        renderer.render(painter, QRectF(margin, margin, size - 2 * margin, size - 2 * margin))
    painter.end()
    return pixmap


def action_icon(icon: str, family: str) -> QIcon:
    return QIcon(action_pixmap(icon, family_colour(family), 20))
