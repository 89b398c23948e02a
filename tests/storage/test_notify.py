"""storage.db's change notification: on PostgreSQL a transaction that scheduled or
cancelled runs NOTIFYs, once, as it commits, and a probe's listener wakes at once;
run claims and finishes send nothing (the hot path stays off NOTIFY's lock)."""

from __future__ import annotations

import threading
from datetime import timedelta

from app.core.types import utcnow
from app.storage import ledger
from app.storage.db import Database, init_db
from tests.storage.conftest import new_run
from tests.support.waiting import wait_until


def _listening(db: Database) -> tuple[threading.Event, object]:
    probe = db.change_probe()
    woke = threading.Event()
    probe.listen(woke.set)
    return woke, probe


def test_a_run_scheduled_or_cancelled_elsewhere_wakes_the_listener(flows: Database) -> None:
    woke, probe = _listening(flows)
    other = init_db(flows.url)  # another process's engine
    try:
        if flows.side.name == "sqlite":
            with other.write() as session:
                ledger.insert_run(session, new_run())
            assert probe.changed()  # type: ignore[attr-defined]
            assert not woke.is_set()  # SQLite: no listener; the poll is the rule
            return
        wait_until(woke.is_set, timeout=10)  # connected (it wakes once then)
        woke.clear()
        with other.write() as session:
            run_id = ledger.insert_run(session, new_run())
        wait_until(woke.is_set, timeout=1.0)
        woke.clear()
        with other.write() as session:
            assert ledger.cancel(session, [run_id]) == [run_id]
        wait_until(woke.is_set, timeout=1.0)
        woke.clear()
        # A claim and a finish announce nothing (heard on a LISTEN of the test's own).
        import psycopg

        uri = flows.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(uri, autocommit=True) as ear:
            ear.execute("LISTEN cueflow_ledger")
            with other.write() as session:
                due = ledger.insert_run(session, new_run(at=utcnow() - timedelta(seconds=1)))
            assert len(list(ear.notifies(timeout=5, stop_after=1))) == 1
            with other.write() as session:
                assert ledger.claim(session, due, 1) is not None
                assert ledger.finish(session, due, ledger.SUCCEEDED)
            # (absence needs a bounded look: half a second of silence)
            assert list(ear.notifies(timeout=0.5, stop_after=1)) == []
    finally:
        probe.close()  # type: ignore[attr-defined]
        other.dispose()
