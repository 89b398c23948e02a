"""What the command line's parser (`app.cli`) and its command handlers
(`app.commands`) share: exit codes, the data folder, JSON output and waiting for
Ctrl+C. Kept apart so that neither of them imports the other back.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

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
