"""Cueflow: design and run backend workflows on the desktop."""

__version__ = "0.1.0"
