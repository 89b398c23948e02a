"""What hostile workflows tried against privacy rules (issue 12), through the engine.

Ada runs as herself. Bob's `secret_note` and everybody's `rating` are hidden
from her; no expression, search, step result, error or log line may show them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.engine import presenting
from app.engine.runner import Runner
from app.errors import InvalidWorkflowFile
from app.storage import catalog, ledger
from app.storage.db import Database
from app.workflow_file import import_text

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = pytest.mark.both_databases
# The command line opens the data folder until --database-url is wired (issue 16, item 2).

BOB_SECRET = "bob-secret-7731"
RATING = "rating-9912"

FILE = """
cueflow: 1
data_types:
  User:
    fields: {email: text, name: text, secret_note: text, rating: text, boss: User}
    privacy:
      rules:
        - name: Own record
          when: "thing.email == current_user.email"
          view: [email, name, secret_note, boss]
          find: true
          modify: true
          delete: false
      everyone_else: {view: [name, boss], find: true, modify: false, delete: false}
workflows:
  probe:
    parameters: {other: {type: User, optional: true}}
    steps:
      - action: return_data
        with: {values: {out: "EXPR"}}
"""


@pytest.fixture
def people(db: Database) -> dict[str, str]:
    import_text(db, FILE.replace("EXPR", "{{ 1 }}"))
    with db.write() as session:
        meg = catalog.create_thing(
            session, "User", {"email": "meg@x.org", "name": "Meg", "secret_note": "meg-secret"}
        )
        ada = catalog.create_thing(
            session,
            "User",
            {
                "email": "ada@x.org",
                "name": "Ada",
                "secret_note": "ada-own",
                "rating": RATING,
                "boss": meg.id,
            },
        )
        bob = catalog.create_thing(
            session,
            "User",
            {"email": "bob@x.org", "name": "Bob", "secret_note": BOB_SECRET, "rating": RATING},
        )
        cy = catalog.create_thing(session, "User", {"email": "cy@x.org", "name": "Cy"})
        catalog.take_changes(session)
    return {"ada": ada.id, "bob": bob.id, "meg": meg.id, "cy": cy.id}


def probe(db: Database, people: dict[str, str], expr: str, **options: Any) -> dict[str, Any]:
    """Run `probe` returning `expr`, as Ada with Bob as `other`; the whole run as JSON.

    An expression the import already refuses (an unknown field of a known type)
    comes back as {"refused": problems}: it never runs.
    """
    try:
        import_text(db, FILE.replace("EXPR", expr.replace('"', '\\"')), replace=True)
    except InvalidWorkflowFile as exc:
        return {"refused": exc.problems}
    options.setdefault("run_as", people["ada"])
    run_id = Runner(db).run_now("probe", {"other": people["bob"]}, **options)
    with db.read() as session:
        row = ledger.get_run(session, run_id)
        out = presenting.run_to_json(row)
        out["steps"] = presenting.steps_to_json(ledger.step_results(session, run_id))
        out["log"] = [line.message for line in ledger.log_lines(session, run_id)]
    return out


def shows_nothing_hidden(run: dict[str, Any]) -> bool:
    text = json.dumps(run, default=str)
    return BOB_SECRET not in text and RATING not in text and "meg-secret" not in text


@pytest.mark.parametrize(
    "expr",
    [
        "{{ other.raw.secret_note }}",
        "{{ other | attr('raw') }}",
        "{{ other['raw'] }}",
        # the same through a value whose type the import cannot know: the sandbox refuses
        "{{ ([other] | first).raw.secret_note }}",
        "{{ ([other] | first)['raw'] }}",
        "{{ search('User') | map(attribute='raw') | list }}",
        "{{ search('User') | map(attribute='raw.secret_note') | list }}",
        "{{ search('User') | map(attribute='rating') | list }}",
        "{{ search('User') | sort(attribute='raw.secret_note') | map(attribute='name') | list }}",
        "{{ search('User') | groupby('secret_note') | list }}",
        "{{ other.data_type }}",
        "{{ other.with_loader }}",
        "{{ other.fields() }}",
        "{{ current_user.raw }}",
        "{{ current_user.rating }}",
        "{{ current_user.boss.secret_note }}",
        "{{ current_user.boss | attr('raw') }}",
        "{{ '{0.raw}'.format(other) }}",
        "{{ other.secret_note | add_days(1) }}",
    ],
)
def test_no_expression_reads_a_hidden_field(
    db: Database, people: dict[str, str], expr: str
) -> None:
    run = probe(db, people, expr)
    assert shows_nothing_hidden(run), run


@pytest.mark.parametrize(
    "expr", ["{{ ([other] | first).raw.secret_note }}", "{{ ([other] | first)['raw'] }}"]
)
def test_the_sandbox_refuses_what_the_import_cannot_see(
    db: Database, people: dict[str, str], expr: str
) -> None:
    """The import's field check stops `other.raw`; through a value of unknown type
    the expression runs, and the sandbox is what refuses it."""
    run = probe(db, people, expr)
    assert "refused" not in run
    assert run["status"] == "failed"
    assert "User has no field 'raw'" in run["error"]


def test_the_run_still_reads_what_it_may(db: Database, people: dict[str, str]) -> None:
    expr = (
        "{{ [other.name, other.secret_note, current_user.email, current_user.secret_note, "
        "current_user.rating, current_user.boss.name, current_user.boss.secret_note, "
        "search('User') | map(attribute='name') | list] }}"
    )
    assert probe(db, people, expr)["returned"] == {
        "out": ["Bob", None, "ada@x.org", "ada-own", None, "Meg", None, ["Meg", "Ada", "Bob", "Cy"]]
    }
    # Ignoring privacy rules, everything is there.
    everything = probe(
        db, people, "{{ [other.secret_note, current_user.rating] }}", ignore_privacy=True
    )
    assert everything["returned"] == {"out": [BOB_SECRET, RATING]}


def test_a_search_on_a_hidden_field_matches_nothing(db: Database, people: dict[str, str]) -> None:
    def names(constraint: str, **options: Any) -> Any:
        expr = f"{{{{ search('User', {constraint}) | map(attribute='name') | list }}}}"
        return probe(db, people, expr, **options)["returned"]["out"]

    assert names(f"secret_note='{BOB_SECRET}'") == []  # the right guess confirms nothing
    assert names("secret_note='wrong'") == []
    assert names(f"rating='{RATING}'") == []  # hidden from Ada even on her own record
    assert names("secret_note=none") == []  # Meg and Cy: hidden, so not "empty" either
    assert names("secret_note='ada-own'") == ["Ada"]  # her own: she may view it
    assert names("name='Bob'") == ["Bob"]
    assert names(f"name='Bob', secret_note='{BOB_SECRET}'") == []
    assert names(f"secret_note='{BOB_SECRET}'", ignore_privacy=True) == ["Bob"]


def test_a_created_thing_shows_its_creator_only_what_she_may_view(
    db: Database, people: dict[str, str]
) -> None:
    import_text(
        db,
        """
cueflow: 1
workflows:
  make:
    steps:
      - action: create_thing
        with: {type: User, fields: {email: new@x.org, name: New, secret_note: "made-secret"}}
      - action: return_data
        with: {values: {email: "{{ step1.email }}", note: "{{ step1.secret_note }}",
                        name: "{{ step1.name }}"}}
""",
    )
    run_id = Runner(db).run_now("make", {}, run_as=people["ada"])
    with db.read() as session:
        row = ledger.get_run(session, run_id)
        steps = presenting.steps_to_json(ledger.step_results(session, run_id))
    assert row.returned == {"email": None, "note": None, "name": "New"}
    assert "made-secret" not in json.dumps(steps[0]["result"])


def test_cli_run_as_ada_cannot_dump_hidden_fields(
    cli: Any, db: Database, people: dict[str, str]
) -> None:
    dump = "{{ search('User') | map(attribute='raw') | list }}"
    import_text(db, FILE.replace("EXPR", dump), replace=True)
    result = cli("run", "probe", "--as", people["ada"], "-p", f"other={people['bob']}", "--json")
    assert result.code == 1
    assert BOB_SECRET not in result.out + result.err and RATING not in result.out + result.err
    assert "User has no field 'raw'" in result.json()["error"]
