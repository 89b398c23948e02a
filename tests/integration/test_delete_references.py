"""Deleting a thing: references to it become none or leave their lists, so that
`export --things` of what is left always imports again (a backup can be restored).

Real `cueflow` processes: `thing delete`, `export --things`, then `import` into a
fresh data folder; the things and upcoming runs there are compared with the source.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.engine.runner import Runner
from app.storage import catalog
from app.storage.db import Database
from app.workflow_file import import_text
from tests.conftest import cueflow_run

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = pytest.mark.both_databases

pytestmark = pytest.mark.timeout(120)

FILE = """
cueflow: 1
data_types:
  Person:
    fields: {name: text, best_friend: Person, friends: list of Person}
  Team:
    fields: {title: text, lead: Person, members: list of Person}
things:
  Person:
    - {id: bob, name: Bob, best_friend: bob}
    - {id: cy, name: Cy, best_friend: bob, friends: [bob]}
    - {id: ada, name: Ada, best_friend: bob, friends: [cy, bob, cy, bob]}
  Team:
    - {id: red, title: Red, lead: bob, members: [ada, bob, cy]}
    - {id: blue, title: Blue, lead: ada, members: [cy]}
workflows:
  greet:
    parameters:
      who: {type: Person}
      also: {type: Person, optional: true}
      crowd: {type: Person, list: true, optional: true}
    steps:
      - action: log
        with: {message: "hello {{ who.name }}"}
  remove:
    parameters: {gone: {type: Person}}
    steps:
      - action: delete_thing
        with: {thing: "{{ gone }}"}
"""


def _ok(data_dir: Path, *args: str) -> str:
    done = cueflow_run(data_dir, *args)
    assert done.code == 0, (args, done.err)
    return done.out


def _things(data_dir: Path) -> dict[str, Any]:
    return {
        kind: {t.pop("id"): t for t in json.loads(_ok(data_dir, "things", kind, "--json"))}
        for kind in ("Person", "Team")
    }


def _upcoming(data_dir: Path) -> dict[str, Any]:
    runs = json.loads(_ok(data_dir, "runs", "--upcoming", "--json"))
    return {r["id"]: (r["workflow"], r["params"], r["run_as"]) for r in runs}


def test_delete_then_export_imports_into_a_fresh_folder(tmp_path: Path, data_dir: Path) -> None:
    source = tmp_path / "people.yaml"
    source.write_text(FILE)
    _ok(data_dir, "import", str(source))
    later = ("--at", "+3d")
    kept = _ok(
        data_dir,
        "schedule",
        "greet",
        "-p",
        "who=ada",
        "-p",
        "also=bob",
        "-p",
        'crowd=["bob", "cy", "bob"]',
        *later,
    ).strip()
    lost_param = _ok(data_dir, "schedule", "greet", "-p", "who=bob", *later).strip()
    lost_user = _ok(data_dir, "schedule", "greet", "-p", "who=ada", "--as", "bob", *later).strip()
    _ok(data_dir, "schedule", "greet", "-p", "who=bob", "--every", "1 day")

    _ok(data_dir, "thing", "delete", "bob")

    things = _things(data_dir)
    assert things == {
        "Person": {
            "cy": {"name": "Cy", "friends": []},
            "ada": {"name": "Ada", "friends": ["cy", "cy"]},
        },
        "Team": {
            "red": {"title": "Red", "members": ["ada", "cy"]},
            "blue": {"title": "Blue", "lead": "ada", "members": ["cy"]},
        },
    }
    upcoming = _upcoming(data_dir)
    assert upcoming == {kept: ("greet", {"who": "ada", "crowd": ["cy"]}, None)}
    history = {r["id"]: r for r in json.loads(_ok(data_dir, "runs", "--json"))}
    assert history[lost_param]["status"] == "cancelled"
    assert "parameter 'who' was Person bob, which was deleted" in history[lost_param]["error"]
    assert history[lost_user]["status"] == "cancelled"
    assert "to run as (bob) was deleted" in history[lost_user]["error"]
    assert not [r for r in history.values() if r["status"] == "scheduled" and r["id"] != kept]

    backup = tmp_path / "backup.yaml"
    _ok(data_dir, "export", "--things", "-o", str(backup))
    fresh = tmp_path / "fresh"
    imported = cueflow_run(fresh, "import", str(backup))
    assert imported.code == 0, imported.err
    assert _things(fresh) == things
    assert _upcoming(fresh) == upcoming


def test_the_delete_thing_step_drops_references_in_its_transaction(db: Database) -> None:
    import_text(db, FILE)
    run_id = Runner(db).run_now("remove", {"gone": "cy"})
    with db.read() as session:
        assert catalog.load_row(session, "cy") is None
        ada = catalog.thing_row(session, "ada").data
        red = catalog.thing_row(session, "red").data
        blue = catalog.thing_row(session, "blue").data
    assert ada["friends"] == ["bob", "bob"] and ada["best_friend"] == "bob"
    assert red["members"] == ["ada", "bob"] and blue["members"] == []
    assert run_id
