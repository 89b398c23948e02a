"""PyInstaller entry point: one program for the window, the tray and the command line.

Both executables of the bundle run it: `cueflow` (a console program) and, on
Windows, `cueflow-window` (no console). A windowed executable has no standard
streams (sys.stdout is None): they go to the null device, so a message printed
on the way (a usage error, a hand-over to the running window) cannot break it;
internal errors still reach the log file.
"""

import os
import sys

from app.cli import main

if __name__ == "__main__":
    for name in ("stdin", "stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "r" if name == "stdin" else "w"))  # noqa: SIM115
    sys.exit(main())
