"""app/engine/service.py (no Qt, real SQLite): schedule, cancel, resume, things, pause.

Every entry point checks its input before writing: a refused call names the
place and the reason and leaves the ledger as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from app.core.recurrence import Recurrence
from app.core.types import utcnow
from app.engine.events import EventBus, LedgerChanged, ThingsChanged
from app.engine.service import Service
from app.errors import BadInput, CueflowError, NotFound
from app.storage import catalog, ledger
from app.storage import models as m
from app.storage.db import Database

FLOWS = """
cueflow: 1
data_types:
  User: {fields: {email: text, name: text, age: number}}
things:
  User:
    - {id: ada, email: ada@example.com, name: Ada, age: 36}
workflows:
  greet:
    parameters:
      who: {type: User}
      times: {type: number, optional: true}
      tags: {type: text, list: true, optional: true}
    steps:
      - action: log
        with: {message: "hello {{ who.name }}"}
  note:
    steps: [{action: log, with: {message: noted}}]
triggers:
  on_new_user:
    data_type: User
    on: [created]
    workflow: greet
    params: {who: "{{ thing_now }}"}
"""


@pytest.fixture
def service(imported: Callable[..., Database], events: EventBus) -> Service:
    return Service(imported(FLOWS), events)


@pytest.fixture
def seen(events: EventBus) -> list[Any]:
    got: list[Any] = []
    events.subscribe(got.append)
    return got


def _runs(db: Database) -> list[m.Run]:
    with db.read() as session:
        return list(session.scalars(ledger.runs_query()))


def test_schedule_writes_one_scheduled_run_and_says_so(service: Service, seen: list[Any]) -> None:
    at = utcnow() + timedelta(hours=1)
    run_id = service.schedule("greet", {"who": "ada", "times": 2}, at=at, run_as="ada")
    (run,) = _runs(service.db)
    assert (run.id, run.status, run.run_as) == (run_id, "scheduled", "ada")
    assert run.params == {"who": "ada", "times": 2}
    assert abs(run.scheduled_for - at) < timedelta(seconds=1)
    assert any(isinstance(e, LedgerChanged) for e in seen)


@pytest.mark.parametrize(
    ("workflow", "params", "options", "reason"),
    [
        ("nope", {}, {}, "nope"),
        ("greet", {}, {}, "who"),
        ("greet", {"who": "no-such-thing"}, {}, "no-such-thing"),
        ("greet", {"who": "ada", "stranger": 1}, {}, "stranger"),
        ("greet", {"who": "ada", "times": "many"}, {}, "times"),
        ("greet", {"who": "ada", "times": float("nan")}, {}, "times"),
        ("greet", {"who": "ada", "times": float("inf")}, {}, "times"),
        ("greet", {"who": "ada", "tags": "[1, 2"}, {"from_text": True}, "tags"),
        ("greet", {"who": "ada", "tags": {"a": 1}}, {}, "tags"),
        ("greet", {"who": 42}, {}, "who"),
        ("greet", {"who": "ada"}, {"run_as": "nobody"}, "nobody"),
        ("note", {}, {"timezone": "Mars/Olympus"}, "Mars/Olympus"),
    ],
    ids=[
        "unknown workflow",
        "missing parameter",
        "unknown thing",
        "unknown parameter",
        "number as words",
        "NaN",
        "infinity",
        "broken JSON list",
        "mapping for a list",
        "number for a thing",
        "run as nobody",
        "unknown time zone",
    ],
)
def test_schedule_refuses_bad_input_and_writes_nothing(
    service: Service,
    seen: list[Any],
    workflow: str,
    params: dict[str, Any],
    options: dict[str, Any],
    reason: str,
) -> None:
    if "timezone" in options:
        options = {**options, "every": Recurrence.parse("1 day")}
    with pytest.raises(CueflowError) as caught:
        service.schedule(workflow, params, **options)
    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)
    assert _runs(service.db) == []
    assert not any(isinstance(e, LedgerChanged) for e in seen)


def test_a_recurring_schedule_and_its_cancel(service: Service) -> None:
    schedule_id = service.schedule(
        "note", {}, at=utcnow() + timedelta(hours=1), every=Recurrence.parse("1 day")
    )
    (first,) = _runs(service.db)
    assert first.schedule_id == schedule_id
    assert service.cancel([schedule_id]) == [first.id]
    with service.db.read() as session:
        assert ledger.count_scheduled(session) == 0
        assert session.get(m.Schedule, schedule_id).status == "cancelled"


def test_cancel_with_an_unknown_id_cancels_nothing(service: Service) -> None:
    kept = service.schedule("note", {}, at=utcnow() + timedelta(hours=1))
    for bad in (["no-such-run"], [kept, "no-such-run"], ["x" * 10_000]):
        with pytest.raises(NotFound):
            service.cancel(bad)
    for bad in (["\udcff"], [kept, "a\x00b"], [kept, 42]):  # undecodable, control, not text
        with pytest.raises(BadInput, match="is not a run or schedule ID"):
            service.cancel(bad)  # type: ignore[arg-type]
    assert [r.status for r in _runs(service.db)] == ["scheduled"]
    assert service.cancel([kept]) == [kept]
    assert [r.status for r in _runs(service.db)] == ["cancelled"]


def test_cancel_all_and_overdue(service: Service) -> None:
    now = utcnow()
    overdue = service.schedule("note", {}, at=now - timedelta(minutes=5))
    later = service.schedule("note", {}, at=now + timedelta(hours=1))
    assert service.cancel_all(overdue=True) == [overdue]
    assert {r.id: r.status for r in _runs(service.db)}[later] == "scheduled"
    assert service.cancel_all() == [later]
    assert {r.status for r in _runs(service.db)} == {"cancelled"}


def test_resume_only_takes_failed_or_interrupted_runs(service: Service) -> None:
    run_id = service.schedule("note", {}, at=utcnow() + timedelta(hours=1))
    with pytest.raises(BadInput, match="only interrupted or failed runs"):
        service.resume(run_id)
    with pytest.raises(NotFound):
        service.resume("no-such-run")
    with pytest.raises(BadInput, match="is not a run or schedule ID"):
        service.resume("\udcff")
    with service.db.write() as session:
        assert ledger.claim(session, run_id, os.getpid()) is not None
        ledger.finish(session, run_id, ledger.FAILED, error="the server said no")
    service.resume(run_id)
    with service.db.read() as session:
        run = ledger.get_run(session, run_id)
        lines = [line.message for line in ledger.log_lines(session, run_id)]
    assert (run.status, run.attempt) == ("scheduled", 2)
    assert "resumed by hand as attempt 2" in lines


def test_thing_changes_fire_triggers_in_the_same_write(service: Service, seen: list[Any]) -> None:
    bea = service.create_thing("User", {"email": "bea@example.com", "name": "Bea", "age": 7})
    (run,) = _runs(service.db)
    assert (run.workflow, run.params, run.trigger) == ("greet", {"who": bea.id}, "on_new_user")
    assert any(isinstance(e, ThingsChanged) for e in seen)
    assert any(isinstance(e, LedgerChanged) for e in seen)
    service.modify_thing(bea.id, {"age": 8})
    service.delete_thing("ada")
    with service.db.read() as session:
        assert [t.id for t in catalog.list_things(session, "User")] == [bea.id]
        assert catalog.get_thing(session, bea.id).raw["age"] == 8
    assert len(_runs(service.db)) == 1  # only `created` is this trigger's event


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda s: s.create_thing("Nope", {}), "Nope"),
        (lambda s: s.create_thing("User", {"shoe": 1}), "shoe"),
        (lambda s: s.create_thing("User", {"age": "old"}), "old"),
        (lambda s: s.create_thing("User", {"age": float("inf")}), "age"),
        (lambda s: s.create_thing("User", {"name": ["a", "b"]}), "name"),
        (lambda s: s.modify_thing("no-such-thing", {"age": 1}), "no-such-thing"),
        (lambda s: s.modify_thing("ada", {"age": float("nan")}), "age"),
        (lambda s: s.delete_thing("no-such-thing"), "no-such-thing"),
    ],
    ids=[
        "unknown type",
        "unknown field",
        "words for a number",
        "infinite number",
        "list for text",
        "modify unknown",
        "NaN",
        "delete unknown",
    ],
)
def test_a_refused_thing_change_writes_nothing_and_fires_nothing(
    service: Service, change: Callable[[Service], Any], reason: str
) -> None:
    with pytest.raises(BadInput) as caught:
        change(service)
    assert reason in str(caught.value)
    with service.db.read() as session:
        (ada,) = catalog.list_things(session, "User")
    assert ada.raw == {"email": "ada@example.com", "name": "Ada", "age": 36}
    assert _runs(service.db) == []


def test_pause_and_resume_are_remembered(service: Service, seen: list[Any]) -> None:
    assert not service.is_paused()
    service.set_paused(True)
    assert service.is_paused() and Service(service.db).is_paused()
    service.set_paused(False)
    assert not service.is_paused()
    assert sum(isinstance(e, LedgerChanged) for e in seen) == 2
