"""The workflow API's tokens and idempotency keys (PRODUCT §6).

A token is never stored: only its SHA-256 (the token is 256 random bits from
`secrets.token_urlsafe`, so a plain hash is enough — no salt or slow hash is
needed against guessing). Lookups are by hash, and the stored hash is compared
again in constant time. Every request reads the table, so a token revoked by
any process sharing the database is refused at once.

Idempotency keys are unique per (workflow, key) by the table's primary key:
the database, not a Python lock, makes a repeated key start one run.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.storage import ledger
from app.storage import models as m
from app.storage.db import driver, side

KEY_LIFETIME = timedelta(hours=24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class TokenRow:
    label: str
    run_as: str | None
    created_at: datetime


def add_token(session: Session, label: str, hashed: str, run_as: str | None, now: datetime) -> None:
    session.add(m.ApiToken(label=label, token_hash=hashed, run_as=run_as, created_at=now))
    session.flush()


def has_label(session: Session, label: str) -> bool:
    return session.get(m.ApiToken, label) is not None


def tokens(session: Session) -> list[TokenRow]:
    rows = session.scalars(select(m.ApiToken).order_by(m.ApiToken.label))
    return [TokenRow(r.label, r.run_as, r.created_at) for r in rows]


def remove_token(session: Session, label: str) -> bool:
    row = session.get(m.ApiToken, label)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def find_token(session: Session, token: str) -> TokenRow | None:
    """The token's row, or None (unknown or revoked): one indexed read per request."""
    hashed = token_hash(token)
    row = (
        driver(session)
        .execute(
            "SELECT label, run_as, created_at, token_hash FROM api_tokens WHERE token_hash = ?",
            (hashed,),
        )
        .fetchone()
    )
    if row is None or not hmac.compare_digest(str(row[3]), hashed):
        return None
    return TokenRow(str(row[0]), row[1], side(session).read_time(row[2]))


@dataclass(frozen=True)
class RunRow:
    """What the API answers about a run."""

    id: str
    workflow: str
    status: str
    origin: str
    error: str | None
    returned: dict[str, Any] | None
    run_as: str | None = None


def run_row(session: Session, run_id: str) -> RunRow | None:
    """A run's state read with one statement (the ORM's load costs five times more)."""
    row = (
        driver(session)
        .execute(
            "SELECT id, workflow, status, origin, error, returned, run_as FROM runs WHERE id = ?",
            (run_id,),
        )
        .fetchone()
    )
    if row is None:
        return None
    returned = side(session).read_json(row[5]) if row[5] is not None else None
    return RunRow(row[0], row[1], row[2], row[3], row[4], returned, row[6])


# --- idempotency keys ---------------------------------------------------------------


@dataclass(frozen=True)
class SeenKey:
    request_hash: str
    run_id: str


def seen_key(session: Session, workflow: str, key: str, now: datetime) -> SeenKey | None:
    """The run an earlier request with this key started, within the last 24 hours."""
    row = session.get(m.IdempotencyKey, (workflow, key))
    if row is None:
        return None
    if row.created_at < now - KEY_LIFETIME:
        session.delete(row)
        session.flush()
        return None
    return SeenKey(row.request_hash, row.run_id)


def remember_key(
    session: Session, workflow: str, key: str, request_hash: str, run_id: str, now: datetime
) -> None:
    """Record the key (a duplicate raises IntegrityError); forget keys older than 24 h."""
    session.execute(
        delete(m.IdempotencyKey).where(m.IdempotencyKey.created_at < now - KEY_LIFETIME)
    )
    session.add(
        m.IdempotencyKey(
            workflow=workflow, key=key, request_hash=request_hash, run_id=run_id, created_at=now
        )
    )
    session.flush()


def pending_api_runs(session: Session, at_most: int | None = None) -> int:
    """Runs an API call started that wait to run (from the (status, origin) index),
    counted up to `at_most`: the check against api.max_pending reads no more rows
    than the limit, however long the queue has grown."""
    waiting = select(m.Run.id).where(
        m.Run.status == ledger.SCHEDULED,
        m.Run.origin >= ledger.API_PREFIX,
        m.Run.origin < ledger.API_PREFIX[:-1] + chr(ord(ledger.API_PREFIX[-1]) + 1),
    )
    if at_most is not None:
        waiting = waiting.limit(at_most)
    return int(session.scalar(select(func.count()).select_from(waiting.subquery())) or 0)
