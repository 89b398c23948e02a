"""Counts in words a person reads: "1 workflow", "3 workflows" — never "workflow(s)"."""

from __future__ import annotations


def counted(n: int, noun: str, many: str | None = None) -> str:
    """`n` and the noun in the form that fits (`many`: an irregular plural)."""
    return f"{n} {noun}" if n == 1 else f"{n} {many or noun + 's'}"
