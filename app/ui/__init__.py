"""The desktop window: the only package that imports PySide6."""

from app.ui import pyside_fix as _pyside_fix  # noqa: F401  (before any window: see the module)
