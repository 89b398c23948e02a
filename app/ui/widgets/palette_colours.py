"""Colours that stay readable in a light and a dark palette (WCAG AA: 4.5:1).

The error red of a light theme (#b91c1c) is 2.2:1 on a dark window; on a
dark background the lighter red is used instead. `contrast_ratio` is the
WCAG 2 formula, so tests can check the promise.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

ERROR_ON_LIGHT = "#b91c1c"
ERROR_ON_DARK = "#fca5a5"
WARNING_ON_LIGHT = "#92400e"
WARNING_ON_DARK = "#fcd34d"


def _channel(value: float) -> float:
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def luminance(colour: QColor) -> float:
    """Relative luminance (WCAG 2)."""
    red, green, blue = (_channel(c) for c in (colour.redF(), colour.greenF(), colour.blueF()))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: QColor, second: QColor) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def is_dark(palette: QPalette) -> bool:
    return luminance(palette.color(QPalette.ColorRole.Window)) < 0.3


def _readable(palette: QPalette, light: str, dark: str) -> QColor:
    """The colour of the two that contrasts best with both Window and Base."""
    backgrounds = [palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.Base)]
    return max(
        (QColor(light), QColor(dark)),
        key=lambda colour: min(contrast_ratio(colour, bg) for bg in backgrounds),
    )


def error_colour(palette: QPalette) -> QColor:
    """The red of error messages, readable on this palette's backgrounds."""
    return _readable(palette, ERROR_ON_LIGHT, ERROR_ON_DARK)


def warning_colour(palette: QPalette) -> QColor:
    return _readable(palette, WARNING_ON_LIGHT, WARNING_ON_DARK)


def error_style(palette: QPalette) -> str:
    """A style sheet for an error label on this palette."""
    return f"color: {error_colour(palette).name()};"
