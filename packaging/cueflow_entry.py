"""PyInstaller entry point: one executable for the window, the tray and the command line."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
