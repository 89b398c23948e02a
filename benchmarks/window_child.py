"""Child process of the cold-start figure: open the window on a big ledger.

Started by `benchmarks.startup` with QT_QPA_PLATFORM=offscreen. Builds the
program as app/ui/shell/app.py does (database, AppContext, Clock, DesktopApp and its
MainWindow), shows the Scheduler area and waits until the Upcoming table has
painted rows read from the ledger. Prints one JSON line: wall-clock times
(time.time(), to compare with the parent's time before it spawned us) and the
peak RSS.
"""

from __future__ import annotations

import time

STARTED = time.time()

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402


def main() -> int:
    folder = Path(sys.argv[1])
    from PySide6.QtWidgets import QApplication

    from app.storage.db import DB_FILENAME, init_db
    from app.ui.shell.app import application
    from app.ui.shell.context import AppContext
    from app.ui.shell.desktop import DesktopApp

    imported = time.time()
    app = application()  # noqa: F841 (kept alive while the window exists)
    db_open = time.time()
    db = init_db(f"sqlite:///{folder / DB_FILENAME}")
    context = AppContext(folder, db)
    clock_start = time.time()
    clock = context.start_clock()
    clock_armed = time.time()
    armed = clock.next_due() is not None
    desktop = DesktopApp(context, tray_available=False)
    desktop.start()
    window = desktop.window
    assert window is not None
    window.show_area(1)  # the Scheduler area
    area = window.scheduler_area
    model = area.upcoming_model
    deadline = time.time() + 60
    while time.time() < deadline:
        QApplication.processEvents()
        if window.isVisible() and model.fetched > 0 and area.upcoming_view.isVisible():
            break
        time.sleep(0.001)
    filled = time.time()
    rows = model.rowCount()
    history_rows = area.history_model.rowCount()
    peak = _peak_rss()
    print(
        json.dumps(
            {
                "started": STARTED,
                "imported": imported,
                "db_open": db_open,
                "clock_start": clock_start,
                "clock_armed": clock_armed,
                "armed": armed,
                "filled": filled,
                "fetched": model.fetched,
                "upcoming_rows": rows,
                "history_rows": history_rows,
                "peak_rss_bytes": peak,
            }
        ),
        flush=True,
    )
    context.stop_clock()
    db.dispose()
    os._exit(0)  # measured; skip tearing down a window nobody looks at


def _peak_rss() -> int:
    """Peak RSS of this process image.

    On Linux ru_maxrss survives exec: a child forked from a large parent
    reports the parent's peak. VmHWM belongs to this image only.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


if __name__ == "__main__":
    sys.exit(main())
