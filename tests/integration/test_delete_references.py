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


def _ok(cli: Any, *args: str, folder: Path | None = None) -> str:
    """`cueflow …` in this process (`cli`): not about the process boundary."""
    done = cli(*args, folder=folder)
    assert done.code == 0, (args, done.err)
    return str(done.out)


def _things(cli: Any, folder: Path | None = None) -> dict[str, Any]:
    return {
        kind: {
            t.pop("id"): t for t in json.loads(_ok(cli, "things", kind, "--json", folder=folder))
        }
        for kind in ("Person", "Team")
    }


def _upcoming(cli: Any, folder: Path | None = None) -> dict[str, Any]:
    runs = json.loads(_ok(cli, "runs", "--upcoming", "--json", folder=folder))
    return {r["id"]: (r["workflow"], r["params"], r["run_as"]) for r in runs}


def test_delete_then_export_imports_into_a_fresh_folder(tmp_path: Path, cli: Any) -> None:
    source = tmp_path / "people.yaml"
    source.write_text(FILE)
    _ok(cli, "import", str(source))
    later = ("--at", "+3d")
    kept = _ok(
        cli,
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
    lost_param = _ok(cli, "schedule", "greet", "-p", "who=bob", *later).strip()
    lost_user = _ok(cli, "schedule", "greet", "-p", "who=ada", "--as", "bob", *later).strip()
    _ok(cli, "schedule", "greet", "-p", "who=bob", "--every", "1 day")

    _ok(cli, "thing", "delete", "bob")

    things = _things(cli)
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
    upcoming = _upcoming(cli)
    assert upcoming == {kept: ("greet", {"who": "ada", "crowd": ["cy"]}, None)}
    history = {r["id"]: r for r in json.loads(_ok(cli, "runs", "--json"))}
    assert history[lost_param]["status"] == "cancelled"
    assert "parameter 'who' was Person bob, which was deleted" in history[lost_param]["error"]
    assert history[lost_user]["status"] == "cancelled"
    assert "to run as (bob) was deleted" in history[lost_user]["error"]
    assert not [r for r in history.values() if r["status"] == "scheduled" and r["id"] != kept]

    backup = tmp_path / "backup.yaml"
    _ok(cli, "export", "--things", "-o", str(backup))
    fresh = tmp_path / "fresh"
    imported = cli("import", str(backup), folder=fresh)
    assert imported.code == 0, imported.err
    assert _things(cli, fresh) == things
    assert _upcoming(cli, fresh) == upcoming


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
