"""Starting the window: the folder lock, the database, the in-process clock."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.errors import AlreadyRunning
from app.scheduling.lock import FolderLock
from app.storage.db import DB_FILENAME, init_db
from app.ui.context import AppContext
from app.ui.main_window import MainWindow

EXIT_ALREADY_RUNNING = 2


def run_window(data_dir: Path) -> int:
    """Open the window for `data_dir`; returns the exit status."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Cueflow")
    app.setOrganizationName("Cueflow")
    lock = FolderLock(data_dir)
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        print(f"cueflow: {exc}", file=sys.stderr)
        return EXIT_ALREADY_RUNNING
    try:
        logging.basicConfig(filename=data_dir / "cueflow.log", level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        db = init_db(f"sqlite:///{data_dir / DB_FILENAME}")
        context = AppContext(data_dir, db)
        context.start_clock()
        window = MainWindow(context)
        window.show()
        QTimer.singleShot(0, window.offer_examples)
        try:
            status = app.exec()
        finally:
            context.stop_clock()
            db.dispose()
        return int(status)
    finally:
        lock.release()
