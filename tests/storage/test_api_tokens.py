"""The API's tokens and idempotency keys in the database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core.types import utcnow
from app.engine.api_access import ApiAccess
from app.errors import BadInput
from app.storage import api_tokens
from app.storage import models as m
from app.storage.db import Database


def test_only_a_hash_is_stored_and_a_token_is_found_by_it(db: Database) -> None:
    access = ApiAccess(db)
    token = access.create_token("site")
    assert len(token) >= 43  # 256 random bits, URL-safe
    with db.read() as session:
        stored = session.scalars(select(m.ApiToken)).all()
        assert [row.label for row in stored] == ["site"]
        assert token not in stored[0].token_hash and len(stored[0].token_hash) == 64
        assert api_tokens.find_token(session, token) is not None
        assert api_tokens.find_token(session, token[:-1] + "x") is None
    if db.folder is not None:  # SQLite: not in the file either (WAL checkpointed first)
        db.checkpoint()
        path = Path(db.engine.url.database or "")
        assert token.encode() not in path.read_bytes()


def test_labels_are_checked_unique_and_revoking_refuses_at_once(db: Database) -> None:
    access = ApiAccess(db)
    token = access.create_token("a.b-c_1")
    for bad in ("", "with space", "x" * 65, "public", "é", "-lead", "a\nb"):
        with pytest.raises(BadInput):
            access.create_token(bad)
    with pytest.raises(BadInput, match="exists"):
        access.create_token("a.b-c_1")
    with pytest.raises(BadInput, match="no thing"):
        access.create_token("other", run_as="missing")
    assert access.authenticate(token) is not None
    other = ApiAccess(Database(db.url))  # another process sharing the database
    other.revoke_token("a.b-c_1")
    assert access.authenticate(token) is None
    with pytest.raises(BadInput, match="no token"):
        access.revoke_token("a.b-c_1")


def test_an_idempotency_key_is_unique_per_workflow_by_the_database(db: Database) -> None:
    now = utcnow()
    with db.write() as session:
        api_tokens.remember_key(session, "w", "k", "h", "r1", now)
        api_tokens.remember_key(session, "v", "k", "h", "r2", now)
    with pytest.raises(IntegrityError), db.write() as session:
        api_tokens.remember_key(session, "w", "k", "h", "r3", now)
    with db.write() as session:
        seen = api_tokens.seen_key(session, "w", "k", now)
        assert seen is not None and seen.run_id == "r1"
        assert api_tokens.seen_key(session, "w", "k", now + timedelta(hours=25)) is None
        assert api_tokens.seen_key(session, "w", "k", now) is None  # forgotten


def test_old_keys_are_purged_when_a_new_one_is_written(db: Database) -> None:
    now = utcnow()
    with db.write() as session:
        api_tokens.remember_key(session, "w", "old", "h", "r1", now - timedelta(hours=30))
        api_tokens.remember_key(session, "w", "new", "h", "r2", now)
    with db.read() as session:
        assert [row.key for row in session.scalars(select(m.IdempotencyKey))] == ["new"]


def test_waiting_api_runs_are_counted_up_to_the_limit_asked(flows: Database) -> None:
    from app.engine.service import Service

    later = utcnow() + timedelta(hours=1)
    for origin in ("api:shop", "api:shop", "api:public", "cli", "window"):
        Service(flows, origin=origin).schedule("note", {"text": "x"}, at=later)
    with flows.read() as session:
        assert api_tokens.pending_api_runs(session) == 3
        assert api_tokens.pending_api_runs(session, at_most=2) == 2
        assert api_tokens.pending_api_runs(session, at_most=10) == 3
