"""Scheduler identity and leases (team mode, PRODUCT §7).

Every clock registers a row (host, PID, start, version) and beats its
heartbeat. A scheduler whose heartbeat is older than the lease is dead: one
survivor marks it `stopped` with a conditional UPDATE (a second survivor's
UPDATE waits on the row, then matches nothing) and takes over its running
runs. The dead one, if it was only frozen, finds its row stopped when it
beats or commits (`hold`) and writes nothing more for those runs.

On PostgreSQL the heartbeat is the server's clock (`clock_timestamp()`), so
schedulers on machines whose clocks differ still agree on who is dead.
"""

from __future__ import annotations

import hashlib
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from app import __version__
from app.core.ids import new_id
from app.core.types import utcnow
from app.storage.db import NOTIFY_CHANNEL, Database, commit_if, side
from app.storage.dialects import Side

# A takeover waits at most this long for a frozen scheduler's row or runs.
LOCK_WAIT = "2s"
# A stopped scheduler's row is kept this long after its last heartbeat (`cueflow
# runners` lists only live ones; a finished run's owner_scheduler may outlive it).
KEEP_STOPPED = timedelta(days=7)


@dataclass(frozen=True)
class SchedulerRow:
    id: str
    host: str
    pid: int
    started: datetime
    heartbeat: datetime
    version: str
    stopped: datetime | None
    runs_in_flight: int


def _now_sql(forms: Side) -> str:
    """The time a heartbeat is compared with: the server's clock on PostgreSQL."""
    return "clock_timestamp()" if forms.name == "postgresql" else ":now"


def _bind(forms: Side) -> dict[str, object]:
    return {} if forms.name == "postgresql" else {"now": forms.time(utcnow())}


def host_tag() -> str:
    """What a run claimed by a process that is no scheduler (`cueflow run`, Run now)
    records as its owner on a server: this host, so that only a scheduler on the
    same host judges by its PID whether that process is gone."""
    return "h:" + hashlib.sha256(socket.gethostname().encode()).hexdigest()[:16]


def register(db: Database) -> str:
    """A new scheduler row for this process; returns its ID."""
    scheduler_id = "r" + new_id()[1:]
    forms = db.side
    now = _now_sql(forms)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO schedulers (id, host, pid, started, heartbeat, version) "
                f"VALUES (:id, :host, :pid, {now}, {now}, :version)"
            ),
            {
                "id": scheduler_id,
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "version": __version__,
                **_bind(forms),
            },
        )
        _announce(conn, forms)
    return scheduler_id


def beat(db: Database, scheduler_id: str) -> bool:
    """Renew the lease; False if this scheduler was found dead (or signed off) meanwhile.

    Its own short transaction, outside the process's write lock: a busy run
    never holds the heartbeat back."""
    forms = db.side
    with db.engine.begin() as conn:
        result = conn.execute(
            text(
                f"UPDATE schedulers SET heartbeat = {_now_sql(forms)} "
                "WHERE id = :id AND stopped IS NULL"
            ),
            {"id": scheduler_id, **_bind(forms)},
        )
        return result.rowcount > 0


def sign_off(db: Database, scheduler_id: str) -> None:
    forms = db.side
    with db.engine.begin() as conn:
        conn.execute(
            text(
                f"UPDATE schedulers SET stopped = {_now_sql(forms)} "
                "WHERE id = :id AND stopped IS NULL"
            ),
            {"id": scheduler_id, **_bind(forms)},
        )
        _announce(conn, forms)


def _announce(conn: Connection, forms: Side) -> None:
    """The team changed: the other clocks re-read it and re-share the due runs at
    once (NOTIFY on the ledger's channel, sent at commit; a hint, as in db.announce)."""
    if forms.name == "postgresql":
        conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})


# In the commit's round trip (hold with commit): 1 / 0, an error, when the lease is gone.
_HELD_OR_FAIL = (
    "SELECT 1 / count(*) FROM "
    "(SELECT 1 FROM schedulers WHERE id = ? AND stopped IS NULL FOR SHARE) AS held"
)


def hold(session: Session, scheduler_id: str, *, commit: bool = False) -> bool:
    """In a run's transaction, just before it commits: whether this scheduler still
    holds its lease. On PostgreSQL the row is share-locked until the commit, so a
    survivor cannot declare it dead in between (it waits, then sees the heartbeat).

    With `commit` on PostgreSQL, the check and the COMMIT go in one round trip
    (db.commit_if): held, the transaction is committed (the session's own commit
    then sends nothing); not held, nothing is committed and the transaction is
    left failed, to be rolled back. On SQLite `commit` changes nothing."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if commit and postgres:
        return commit_if(session, _HELD_OR_FAIL, (scheduler_id,))
    lock = " FOR SHARE" if postgres else ""
    row = session.execute(
        text(f"SELECT 1 FROM schedulers WHERE id = :id AND stopped IS NULL{lock}"),
        {"id": scheduler_id},
    ).first()
    return row is not None


def expire_dead(session: Session, me: str, lease: float) -> list[str]:
    """Mark `stopped` every live-looking scheduler whose heartbeat is older than
    `lease` seconds, or implausibly far in the future (a clock set back, a forged
    row); returns their IDs. Exactly one caller gets each: the UPDATE is conditional
    on `stopped IS NULL`, and a concurrent one waits for the row, then skips it."""
    forms = side(session)
    conn: Connection = session.connection()
    if forms.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
        rows = conn.execute(
            text(
                "UPDATE schedulers SET stopped = clock_timestamp() "
                "WHERE stopped IS NULL AND id <> :me AND ("
                "heartbeat < clock_timestamp() - make_interval(secs => :lease) "
                "OR heartbeat > clock_timestamp() + make_interval(secs => :lease)) "
                "RETURNING id"
            ),
            {"me": me, "lease": float(lease)},
        )
    else:
        now = utcnow()
        rows = conn.execute(
            text(
                "UPDATE schedulers SET stopped = :now WHERE stopped IS NULL AND id <> :me "
                "AND (heartbeat < :old OR heartbeat > :future) RETURNING id"
            ),
            {
                "now": forms.time(now),
                "me": me,
                "old": forms.time(now - timedelta(seconds=lease)),
                "future": forms.time(now + timedelta(seconds=lease)),
            },
        )
    return [row[0] for row in rows]


def live_ids(session: Session) -> list[str]:
    """The IDs of the schedulers that have not stopped, sorted (each one's place in
    this list is its share of the due runs)."""
    rows = session.execute(text("SELECT id FROM schedulers WHERE stopped IS NULL ORDER BY id"))
    return [row[0] for row in rows]


def listing(session: Session, *, include_stopped: bool = False) -> list[SchedulerRow]:
    """The schedulers, newest first, each with its runs in flight."""
    where = "" if include_stopped else "WHERE s.stopped IS NULL "
    rows = session.execute(
        text(
            "SELECT s.id, s.host, s.pid, s.started, s.heartbeat, s.version, s.stopped, "
            "(SELECT count(*) FROM runs r WHERE r.status = 'running' "
            "AND r.owner_scheduler = s.id) "
            f"FROM schedulers s {where}ORDER BY s.started DESC, s.id"
        )
    ).all()
    forms = side(session)
    return [
        SchedulerRow(
            row[0],
            row[1],
            int(row[2]),
            forms.read_time(row[3]),
            forms.read_time(row[4]),
            row[5],
            None if row[6] is None else forms.read_time(row[6]),
            int(row[7] or 0),
        )
        for row in rows
    ]


def expire(session: Session, scheduler_ids: list[str]) -> list[str]:
    """Mark these schedulers stopped (e.g. their process on this host is gone); returns
    those this call stopped (conditional: a concurrent caller gets none of them)."""
    if not scheduler_ids:
        return []
    forms = side(session)
    marks = ", ".join(f":i{n}" for n in range(len(scheduler_ids)))
    rows = session.execute(
        text(
            f"UPDATE schedulers SET stopped = {_now_sql(forms)} "
            f"WHERE stopped IS NULL AND id IN ({marks}) RETURNING id"
        ),
        {**{f"i{n}": value for n, value in enumerate(scheduler_ids)}, **_bind(forms)},
    )
    return [row[0] for row in rows]


def prune(session: Session, keep: timedelta = KEEP_STOPPED) -> int:
    """Delete the rows of schedulers that stopped (signed off, or found dead) and last
    beat more than `keep` ago, unless a run still counts as theirs (running: the
    takeover finds it through the stopped row); returns how many. A scheduler found
    dead long after it stopped beating goes as soon as its runs are taken over."""
    forms = side(session)
    if forms.name == "postgresql":
        cutoff, args = (
            "clock_timestamp() - make_interval(secs => :keep)",
            {"keep": keep.total_seconds()},
        )
    else:
        cutoff, args = ":cutoff", {"cutoff": forms.time(utcnow() - keep)}
    rows = session.execute(
        text(
            f"DELETE FROM schedulers WHERE stopped IS NOT NULL AND heartbeat < {cutoff} "
            "AND NOT EXISTS (SELECT 1 FROM runs WHERE runs.status = 'running' "
            "AND runs.owner_scheduler = schedulers.id) RETURNING id"
        ),
        args,
    )
    return len(rows.all())
