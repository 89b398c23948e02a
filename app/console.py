"""What the command line's parser (`app.cli`) and its command handlers
(`app.commands`) share: exit codes, the data folder, JSON output and waiting for
Ctrl+C. Kept apart so that neither of them imports the other back.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from app import paths

EXIT_OK, EXIT_RUN_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 70


def data_folder(args: argparse.Namespace) -> Path:
    return paths.data_dir(args.data_dir)


def stop_on_signal() -> threading.Event:
    """An event set by SIGINT or SIGTERM (install before saying "ready")."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def wait_for(stop: threading.Event) -> None:
    """Block the main thread until `stop` is set."""
    while not stop.wait(0.5):
        pass


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def print_json_array(items: Iterable[Any]) -> None:
    """What print_json prints for a list, written item by item as they come."""
    out = sys.stdout
    first = True
    for item in items:
        text = json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        out.write(("[\n  " if first else ",\n  ") + text)
        first = False
    out.write("[]\n" if first else "\n]\n")


# --- output that composes: data on stdout, status on stderr, colour only for people ---


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def ansi_terminal(stream: TextIO) -> bool:
    """A terminal that understands escape codes (colour, clearing a line)."""
    if os.environ.get("TERM") == "dumb":
        return False
    if sys.platform == "win32" and not (os.environ.get("WT_SESSION") or os.environ.get("TERM")):
        return False  # the classic console shows escape codes as text; Windows Terminal does not
    return is_terminal(stream)


def colour_on(stream: TextIO) -> bool:
    """Colour only on a terminal, never with NO_COLOR set (no-color.org) or TERM=dumb."""
    return not os.environ.get("NO_COLOR") and ansi_terminal(stream)


_STYLES = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "grey": "90",
}
STATUS_STYLES = {
    "succeeded": "green",
    "failed": "red",
    "interrupted": "red",
    "terminated": "yellow",
    "missed": "yellow",
    "cancelled": "grey",
    "running": "blue",
    "scheduled": "bold",
}


def paint(text: str, style: str | None, stream: TextIO | None = None) -> str:
    """`text` in an ANSI style when `stream` (stdout by default) shows colour."""
    if style is None or not colour_on(stream or sys.stdout):
        return text
    return f"\033[{_STYLES[style]}m{text}\033[0m"


def status(message: str) -> None:
    """A line for the person at the terminal (not data): on standard error."""
    print(message, file=sys.stderr, flush=True)


def header(line: str) -> None:
    """A table's header line: printed only when a person reads standard output."""
    if is_terminal(sys.stdout):
        print(paint(line, "bold"))


class Progress:
    """A one-line progress bar on standard error, drawn only on a terminal.

    Hand-written (about thirty lines) rather than a dependency such as tqdm:
    the command line needs one bar, redrawn at most ten times a second, and
    nothing else of a progress library. It shows only once its work has run
    for `after` seconds, so quick commands print nothing.
    """

    AFTER = 1.0  # seconds of work before the bar shows
    TICK = 0.25  # seconds between redraws of a bar with no count (ticking)

    def __init__(
        self,
        label: str,
        total: int | None = None,
        *,
        after: float | None = None,
        stream: Any = None,
    ) -> None:
        self.label, self.total = label, total
        self.after = self.AFTER if after is None else after
        self.stream: TextIO = stream or sys.stderr
        self.enabled = ansi_terminal(self.stream)
        self.done = 0
        self._start = time.monotonic()
        self._drawn = 0.0
        self._shown = False
        self._ticker: threading.Thread | None = None
        self._stopped = threading.Event()

    def advance(self, count: int = 1) -> None:
        self.done += count
        if not self.enabled:
            return
        now = time.monotonic()
        last = self.total is not None and self.done >= self.total
        if now - self._start < self.after or (now - self._drawn < 0.1 and not last):
            return
        self._drawn = now
        self._draw()

    def ticking(self) -> Progress:
        """Redraw by itself (elapsed seconds) while work with no count runs; until finish()."""
        if self.enabled:
            self._ticker = threading.Thread(target=self._tick, name="progress", daemon=True)
            self._ticker.start()
        return self

    def _tick(self) -> None:
        while not self._stopped.wait(self.TICK):
            if time.monotonic() - self._start >= self.after:
                self._draw()

    def _draw(self) -> None:
        if self.total is None and self.done == 0:
            text = f"{self.label}… {time.monotonic() - self._start:.0f} s"
        elif self.total:
            share = min(self.done / self.total, 1.0)
            bar = "#" * int(share * 30)
            text = f"{self.label} [{bar:<30}] {self.done:,}/{self.total:,}"
        else:
            text = f"{self.label} {self.done:,}"
        self.stream.write("\r" + text + "\033[K")
        self.stream.flush()
        self._shown = True

    def finish(self) -> None:
        """Clear the bar's line (nothing to clear when it never showed)."""
        if self._ticker is not None:
            self._stopped.set()
            self._ticker.join()
            self._ticker = None
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._shown = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *_: object) -> None:
        self.finish()
