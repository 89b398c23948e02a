"""The small family of errors a user can read.

Each carries the place (where in a file, workflow, step or input) and the
reason; `cli` prints them as one line, the window shows them inline.
"""

from __future__ import annotations

import re

_SURROGATES = re.compile("[\udc80-\udcff]")
_CONTROL = re.compile("[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]")  # C0, DEL, C1, line breaks


def undecodable(text: str) -> bool:
    """Whether `text` holds bytes that were not UTF-8 (Python's surrogate escapes)."""
    return _SURROGATES.search(text) is not None


def one_line(text: str) -> str:
    """`text` safe to print as one line: control characters and undecodable bytes escaped."""
    text = _SURROGATES.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", text)
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class CueflowError(Exception):
    """Base of every error meant for a person, never a traceback."""

    def __init__(self, reason: str, place: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.place = place

    def __str__(self) -> str:
        return f"{self.place}: {self.reason}" if self.place else self.reason


def describe(exc: BaseException) -> str:
    """One line for an unexpected error: a database error by the driver's words."""
    original = getattr(exc, "orig", None)  # SQLAlchemy wraps the DB driver's error
    if original is not None:
        text = f"database error: {original}"
        if any(word in text.lower() for word in ("full", "disk i/o")):
            text += " (is the disk full?)"
    else:
        text = f"internal error: {type(exc).__name__}: {exc}"
    return " ".join(text.split())


class BadInput(CueflowError):
    """Input from the user that cannot be accepted (exit status 2)."""


class NotFound(BadInput):
    """An unknown workflow, thing, run or data type."""


class InvalidWorkflowFile(BadInput):
    """A workflow file with one or more problems; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))

    def __str__(self) -> str:
        return "\n".join(self.problems)


class ExpressionError(CueflowError):
    """A template or condition that does not compile or fails to evaluate."""


class StepFailed(CueflowError):
    """An action failed; the run fails (or retries) with this reason."""


class KeyringUnavailable(BadInput):
    """No usable OS keychain: secrets are refused rather than stored in plain text."""


class AlreadyRunning(BadInput):
    """Another process owns the data folder's scheduler."""


class DatabaseProblem(CueflowError):
    """The database file cannot be used: damaged, read-only, on a full disk (exit status 2)."""
