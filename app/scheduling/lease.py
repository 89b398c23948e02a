"""A scheduler's identity and lease on a database server (team mode, PRODUCT §7).

The clock registers a row in `schedulers` and a thread of its own renews the
heartbeat every third of `runner.lease` (at most every 5 s), so a slow ledger
read never holds the heartbeat back. The same thread looks for dead
schedulers (heartbeat older than the lease): the first survivor to see one
marks it stopped and interrupts its running runs, which resume under their
retries as after a crash on one machine.

A scheduler that finds its own row stopped (it was frozen past its lease)
has lost its runs: its commits fail the lease check (storage.schedulers.hold)
and write nothing. Once none of its runs is in flight it registers again
under a new identity and carries on.

SQLite keeps its one-machine rules (folder lock, heartbeat file, PID checks):
no lease there.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from app.storage import schedulers, settings
from app.storage.db import Database

log = logging.getLogger(__name__)
MAX_BEAT_SECONDS = 5.0


class Lease:
    def __init__(self, db: Database) -> None:
        self.db = db
        with db.read() as session:
            self.seconds = float(settings.get(session, "runner.lease"))
        self.interval = min(MAX_BEAT_SECONDS, self.seconds / 3)
        self.id = schedulers.register(db)
        self.lost = False
        self.rounds = 0  # rounds of beat-and-look done (tests wait on it)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, look: Callable[[], None]) -> None:
        """Beat, and call `look` (the takeover of dead schedulers' runs), every interval."""
        self._thread = threading.Thread(
            target=self._loop, args=(look,), name="cueflow-lease", daemon=True
        )
        self._thread.start()

    def _loop(self, look: Callable[[], None]) -> None:
        while not self._stop.wait(self.interval):
            self.beat()
            if self._stop.is_set():
                return
            try:
                look()
            except Exception:
                log.exception("looking for dead schedulers failed; will retry")
            self.rounds += 1

    def beat(self) -> bool:
        """Renew the lease; False (and `lost` set) if it had already expired."""
        try:
            alive = schedulers.beat(self.db, self.id)
        except Exception as exc:
            log.warning("could not renew scheduler %s's lease: %s", self.id, exc)
            return not self.lost
        if not alive and not self.lost:
            log.error(
                "scheduler %s lost its lease (no heartbeat for over %g s): its runs were "
                "taken over; it finishes none of them",
                self.id,
                self.seconds,
            )
            self.lost = True
        return alive

    def renew_identity(self) -> str:
        """After a lost lease, once its runs are gone: a new row, a new lease."""
        old, self.id = self.id, schedulers.register(self.db)
        self.lost = False
        log.warning("scheduler %s registered again as %s", old, self.id)
        return self.id

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=self.interval + 5)

    def sign_off(self) -> None:
        self.stop()
        try:
            schedulers.sign_off(self.db, self.id)
        except Exception as exc:
            log.warning("could not sign scheduler %s off: %s", self.id, exc)
