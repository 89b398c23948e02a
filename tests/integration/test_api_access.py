"""ApiAccess, the Qt- and HTTP-free service behind the workflow API: what it
writes to the ledger and the errors the server turns into answers."""

from __future__ import annotations

from typing import Any

import pytest

from app.engine.api_access import (
    PUBLIC_CALLER,
    ApiAccess,
    Caller,
    FieldError,
    KeyConflict,
    Overloaded,
)
from app.engine.events import EventBus, LedgerChanged
from app.errors import BadInput, NotFound
from app.storage import catalog, settings
from app.storage.db import Database

FLOWS = """
cueflow: 1
data_types:
  User:
    fields: {name: text}
things:
  User:
    - {name: Ada}
workflows:
  hello:
    api: {expose: true}
    parameters:
      n: {type: number}
      who: {type: User, optional: true}
    steps:
      - action: log
        with: {message: "{{ n }}"}
  private:
    parameters:
      n: {type: number}
    steps:
      - action: log
        with: {message: "{{ n }}"}
"""


@pytest.fixture
def access(imported: Any, db: Database) -> ApiAccess:
    imported(FLOWS)
    return ApiAccess(db, EventBus())


def ada(db: Database) -> str:
    with db.read() as session:
        return catalog.list_things(session, "User")[0].id


def test_a_started_run_is_in_the_ledger_with_its_origin_and_wakes_the_clock(
    access: ApiAccess, db: Database
) -> None:
    heard: list[Any] = []
    access.events.subscribe(heard.append)
    wf = access.exposed("hello")
    assert wf is not None and access.exposed("private") is None and access.exposed("x") is None
    started = access.start(wf, {"n": "2"}, Caller("site", ada(db)))
    state = access.state(started.run_id)
    assert state is not None and state.status == "scheduled" and state.origin == "api:site"
    with db.read() as session:
        from app.storage import ledger

        run = ledger.get_run(session, started.run_id)
        assert run.params == {"n": 2} and run.run_as == ada(db)
    assert any(isinstance(event, LedgerChanged) for event in heard)
    public = access.start(wf, {"n": 1}, PUBLIC_CALLER)
    assert (access.state(public.run_id) or pytest.fail()).origin == "api:public"


def test_errors_name_the_field_and_write_nothing(access: ApiAccess, db: Database) -> None:
    wf = access.exposed("hello")
    assert wf is not None
    for values, field in [
        ({"n": "x"}, "n"),
        ({}, "n"),
        ({"n": 1, "zz": 1}, "zz"),
        ({"n": 1, "who": "nobody"}, "who"),
    ]:
        with pytest.raises(FieldError) as caught:
            access.start(wf, values, PUBLIC_CALLER)
        assert caught.value.field == field
    with pytest.raises(FieldError):
        access.start(wf, {"n": 1}, PUBLIC_CALLER, idempotency_key="with space")
    with db.read() as session:
        from sqlalchemy import func, select

        from app.storage import models as m

        assert session.scalar(select(func.count()).select_from(m.Run)) == 0


def test_keys_pending_limit_and_a_vanished_run_as(access: ApiAccess, db: Database) -> None:
    wf = access.exposed("hello")
    assert wf is not None
    first = access.start(wf, {"n": 1}, PUBLIC_CALLER, idempotency_key="k")
    again = access.start(wf, {"n": "1"}, PUBLIC_CALLER, idempotency_key="k")
    assert again.run_id == first.run_id and again.repeated
    with pytest.raises(KeyConflict):
        access.start(wf, {"n": 2}, PUBLIC_CALLER, idempotency_key="k")
    with pytest.raises(KeyConflict):  # the same parameters from another caller
        access.start(wf, {"n": 1}, Caller("other"), idempotency_key="k")
    with pytest.raises(Overloaded):
        access.start(wf, {"n": 1}, PUBLIC_CALLER, max_pending=1)
    with db.write() as session:
        settings.set_value(session, "api.max_pending", "2")
    access.start(wf, {"n": 1}, PUBLIC_CALLER)
    with pytest.raises(Overloaded):
        access.start(wf, {"n": 1}, PUBLIC_CALLER)
    with db.write() as session:
        settings.set_value(session, "api.max_pending", "100")
    token = access.create_token("as_ada", ada(db))
    caller = access.authenticate(token)
    assert caller is not None and caller.run_as == ada(db)
    with db.write() as session:
        catalog.delete_thing(session, ada(db))
    with pytest.raises(BadInput, match="no longer exists"):
        access.start(wf, {"n": 1}, caller)
    with pytest.raises(NotFound):
        access.revoke_token("nobody")


def test_a_changed_definition_is_seen_at_once(access: ApiAccess, imported: Any) -> None:
    assert access.exposed("hello") is not None  # cached now
    imported(FLOWS.replace("api: {expose: true}", "api: {expose: false}"), replace=True)
    assert access.exposed("hello") is None


def test_a_full_queue_is_counted_again_before_a_call_is_refused(
    access: ApiAccess, db: Database
) -> None:
    """Between counts the waiting runs are estimated in memory; a refusal rests on a
    fresh count: a run cancelled by another process makes room at once."""
    from app.engine.enqueue import cancel_in

    wf = access.exposed("hello")
    assert wf is not None
    first = access.start(wf, {"n": 1}, PUBLIC_CALLER, max_pending=2)
    access.start(wf, {"n": 2}, PUBLIC_CALLER, max_pending=2)
    with pytest.raises(Overloaded):
        access.start(wf, {"n": 3}, PUBLIC_CALLER, max_pending=2)
    other = Database(db.url)  # another process sharing the database
    with other.write() as session:
        assert cancel_in(session, [first.run_id]) == [first.run_id]
    other.dispose()
    access.start(wf, {"n": 3}, PUBLIC_CALLER, max_pending=2)
    with pytest.raises(Overloaded):
        access.start(wf, {"n": 4}, PUBLIC_CALLER, max_pending=2)
