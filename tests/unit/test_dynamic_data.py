"""Dynamic data: every token the editor's menus offer passes the engine's own
checks and runs; expressions read back as words; problems read as sentences."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from app.actions import registry
from app.core.definitions import StepDef, WorkflowDef
from app.engine.dynamic_data import (
    DataEntry,
    readable,
    readable_text,
    scope,
    step_summary,
    token,
)
from app.engine.editor_queries import explain, file_problem_words, last_run
from app.engine.runner import Runner
from app.engine.validation import Problem, validate_workflow
from app.engine.workflows import StoredRow, WorkflowService
from app.storage.db import Database

FILE = """
cueflow: 1
data_types:
  Team:
    fields: {title: text, size: number}
  User:
    fields: {email: text, name: text, birthday: date, active: yes/no,
             tags: list of text, team: Team}
things:
  Team:
    - {id: t1, title: Owls, size: 3}
  User:
    - {id: ada, email: ada@example.com, name: Ada, birthday: 1990-12-10T09:00:00+00:00,
       active: true, tags: [a, b], team: t1}
workflows:
  note:
    parameters:
      user: {type: User}
      when: {type: date, optional: true}
      people: {type: list of User, optional: true}
    steps:
      - action: create_thing
        with: {type: Team, fields: {title: "Made"}}
      - action: log
        with: {message: "start"}
"""


@pytest.fixture
def loaded(imported: Callable[..., Database]) -> Database:
    return imported(FILE)


def _context(db: Database) -> tuple[dict, dict]:
    return WorkflowService(db).context()


def _entries(entries: tuple[DataEntry, ...]) -> Iterator[DataEntry]:
    for entry in entries:
        yield entry
        yield from _entries(entry.fields)


def test_every_offered_token_passes_validation_and_runs(loaded: Database) -> None:
    types, workflows = _context(loaded)
    wf: WorkflowDef = workflows["note"]
    groups = scope(wf, types, 3)  # a third step: both earlier results are in scope
    titles = [g.title for g in groups]
    assert titles == ["Parameters", "Results of earlier steps", "This run", "Search"]
    expressions = {e.expression for g in groups for e in _entries(g.entries)}
    # fields of thing parameters, references followed one level, typed step results
    assert {"user.email", "user.team.title", "step1.title", "step2", "now"} <= expressions
    assert "people.email" not in expressions  # a list has no fields

    messages: list[str] = []  # what the menu offers a text input (a log message)
    conditions: list[str] = []  # and an "only when"
    for group in groups:
        for entry in _entries(group.entries):
            for _, expression in entry.choices(registry.LONG_TEXT, condition=False):
                messages.append(token(expression, condition=False))
            for _, expression in entry.choices(registry.LONG_TEXT, condition=True):
                conditions.append(token(expression, condition=True))
    assert "{{ user.birthday | add_days(1) }}" in messages
    assert "{{ (people or []) | length }}" in messages
    assert "user.birthday is none" in conditions
    assert not any(m.endswith("is none }}") for m in messages)  # tests only in conditions
    # a thing or a list is no text: offered to a text input only through its fields
    assert "{{ user }}" not in messages and "{{ people }}" not in messages
    assert "{{ (people or [none]) | first }}" not in messages
    assert "{{ (user.tags or [none]) | first }}" in messages

    steps = list(wf.steps)
    steps += [StepDef("log", {"message": m}) for m in messages]
    steps += [StepDef("log", {"message": "ok"}, only_when=c) for c in conditions]
    checked = WorkflowDef(name="note", parameters=wf.parameters, steps=tuple(steps))
    assert validate_workflow(checked, types, {**workflows, "note": checked}) == []

    # and they run: saved, then run with Ada, each token evaluates without an error
    service = WorkflowService(loaded)
    found = service.find("note")
    assert found is not None
    assert service.save(checked, StoredRow(found[1])).ok
    run_id = Runner(loaded).run_now("note", {"user": "ada"}, from_text=True)
    last = last_run(loaded, "note")
    assert last is not None and last.run_id == run_id
    assert last.status == "succeeded", last.error
    assert len(last.steps) == len(steps)
    assert {s.status for s in last.steps.values()} <= {"succeeded", "skipped"}
    position = 3 + messages.index("{{ (user.team.title or '') | upper }}")
    assert last.steps[position].inputs == {"message": "OWLS"}


def test_conditions_get_no_braces_and_lists_get_list_operators(loaded: Database) -> None:
    types, workflows = _context(loaded)
    groups = scope(workflows["note"], types, 1)
    assert [g.title for g in groups] == ["Parameters", "This run", "Search"]  # no results yet
    people = next(e for e in groups[0].entries if e.expression == "people")
    labels = [o.label for o in people.operators(condition=False)]
    assert labels[:3] == ["{}", "number of {}", "first of {}"]
    assert [label for label, _ in people.choices(registry.NUMBER, condition=False)] == [
        "number of people"
    ]
    search = next(e for e in groups[2].entries if e.expression == 'search("User")')
    assert ("number of Users", '(search("User") or []) | length') in search.choices(
        registry.NUMBER, condition=False
    )
    # a thing input takes the list or one item of it; a number input its count
    assert [x for _, x in people.choices(registry.THING_OR_LIST, condition=False)] == [
        "people",
        "(people or [none]) | first",
        "(people or [none]) | last",
    ]
    assert [x for _, x in people.choices(registry.NUMBER, condition=False)] == [
        "(people or []) | length"
    ]
    assert token("user.email", condition=True) == "user.email"
    assert token("user.email", condition=False) == "{{ user.email }}"


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("user.email", "user's email"),
        ("step2.title", "Result of step 2's title"),
        ("birthday | add_years(1)", "birthday + 1 year"),
        ("birthday | add_days(3)", "birthday + 3 days"),
        ("step1.trial_ends | add_days(-3)", "Result of step 1's trial_ends − 3 days"),
        # a date format reads as a sample date (Tuesday 15 December 2026), never as %-codes
        ("now | format_date('%d %B')", "now written like 15 December"),
        ("now | format_date('%A %d %B')", "now written like Tuesday 15 December"),
        ("now | format_date('%H:%M')", "now written like 14:30"),
        ("now | format_date('%d %B %Y')", "now written like 10 December 2026"),
        ("birthday is not none", "birthday is not empty"),
        ("current_user.name", "current user's name"),
        ("(people or []) | length", "number of people"),
        ("(people or [none]) | first", "first of people"),
        ("(n or 0) | round | int", "n rounded"),
        ("x | tojson", "x as JSON"),
        ("(user.name or '') | title", "user's name with capital initials"),
        ("x | frobnicate", "x (frobnicate)"),  # a filter of no known words keeps its name
        ("user.name ~ '!'", "user.name ~ '!'"),  # no words for it: shown as written
        ("step1 | length == 0", "Result of step 1 is empty"),
        ("(current_user.id if current_user else '')", "current user's id"),
        ("(user.name or '') | upper", "user's name in capitals"),
        ("a + b", "a + b"),  # not a path with filters: shown as written
        ("", ""),
    ],
)
def test_readable(expression: str, words: str) -> None:
    assert readable(expression) == words


def test_readable_text_and_summary() -> None:
    assert readable_text("Hi {{ user.name }}!") == "Hi ‹user's name›!"
    assert readable_text({"a": "{{ x }}"}) == "a: ‹x›"
    assert readable_text(True) == "yes"
    summary = step_summary("send_email", {"to": "{{ user.email }}", "subject": "Hello"})
    assert summary == "Send email to ‹user's email›: Hello"
    assert "{{" not in summary
    assert step_summary("no_such", {}) == "Unknown action 'no_such'"


def test_problems_read_as_sentences_pointing_at_the_field() -> None:
    wf = WorkflowDef(name="w", steps=(StepDef("send_email", {}),))
    said = explain(Problem("steps[1].with.to", "required input is missing"), wf)
    assert said.sentence == "Step 1 · Send email: To is required"
    assert (said.step, said.input, said.short) == (1, "to", "To is required")
    said = explain(Problem("steps[1].with.reply_to", "unknown name 'usr'"), wf)
    assert said.sentence.startswith("Step 1 · Send email: Reply to — unknown name 'usr'")
    said = explain(Problem("steps[1].only_when", "unknown name 'x'"), wf)
    assert said.input == "only_when" and "Only when" in said.sentence
    said = explain(Problem("parameters.2x", "'2x' cannot be a parameter key"), wf)
    assert said.sentence == "Parameter '2x': '2x' cannot be a parameter key"
    assert said.step is None
    # a place past the steps (hostile or stale) still reads, without a label
    said = explain(Problem("steps[9].with.to", "required input is missing"), wf)
    assert said.sentence == "Step 9: To is required"


def test_every_declared_input_has_a_label_and_every_action_a_family_and_icon() -> None:
    from app.actions.spec import FAMILIES
    from app.paths import resource_root

    for spec in registry.actions().values():
        assert spec.family in FAMILIES, spec.name
        assert (resource_root() / "icons" / "actions" / f"{spec.icon}.svg").is_file()
        for item in spec.inputs:
            assert item.label, (spec.name, item.name)
            assert "_" not in item.title


def test_hostile_text_reads_clipped_and_a_self_referencing_type_stays_finite() -> None:
    from app.core.definitions import DataTypeDef, FieldDef, ParameterDef
    from app.core.types import ValueType

    huge = "a" * 200_000
    assert len(readable(huge)) <= 300
    assert len(readable_text("{{ " + huge + " }}")) <= 4_002
    assert len(readable_text("{{ x " * 100_000)) <= 4_001  # unclosed, many times
    assert readable_text("bad \udcff utf-8 {{ user.name }}").endswith("‹user's name›")

    # User.manager is a User: the menu goes two levels deep, not forever
    user = DataTypeDef(
        "User", (FieldDef("name", ValueType("text")), FieldDef("manager", ValueType("User")))
    )
    wf = WorkflowDef(name="w", parameters=(ParameterDef("u", ValueType("User")),))
    [params, *_] = scope(wf, {"User": user}, 1)
    paths = {e.expression for e in _entries(params.entries)}
    assert "u.manager.manager" in paths
    assert "u.manager.manager.name" not in paths


def test_a_label_gives_a_technical_name() -> None:
    from app.engine.editor_queries import follows_label, free_name_from_label, name_from_label

    assert name_from_label("Send birthday email") == "send_birthday_email"
    assert name_from_label("  Café — Crème!! 2 ") == "cafe_creme_2"
    assert name_from_label("🎂🎂") == "workflow"
    assert name_from_label("\udcff" + "x" * 10_000) == "x" * 60
    assert free_name_from_label("Greet", {"greet", "greet_2"}) == "greet_3"
    assert follows_label("greet_3", "Greet") and follows_label("new_workflow", "New workflow")
    assert not follows_label("greet", "Greet a user")


def test_chip_segments() -> None:
    from app.engine.dynamic_data import chip_segments

    assert chip_segments("Hi {{ user.name }}!") == [
        (False, "Hi "),
        (True, "user's name"),
        (False, "!"),
    ]
    assert chip_segments("{{ a }}{{ (b or '') | upper }}") == [(True, "a"), (True, "b in capitals")]
    assert chip_segments("") == []
    assert len("".join(t for _, t in chip_segments("{{ x }}" * 10_000))) <= 4000


def test_a_name_suggests_a_type(loaded: Database) -> None:
    from app.engine.editor_queries import suggested_type

    types, _ = _context(loaded)
    assert suggested_type("user", types) == "User"
    assert suggested_type("Team", types) == "Team"
    assert suggested_type("birthday", types) == "date"  # as User.birthday
    assert suggested_type("active", types) == "yes/no"  # as User.active
    assert suggested_type("size", types) == "number"  # as Team.size
    assert suggested_type("start_date", types) == "date"
    assert suggested_type("created_at", types) == "date"
    assert suggested_type("tags", types) is None  # a list field: no guess
    assert suggested_type("subject", types) is None
    assert suggested_type("", types) is None


def test_a_called_workflow_is_summarised_by_its_title() -> None:
    titles = {"send_birthday_email": "Send birthday email"}
    inputs = {"workflow": "send_birthday_email", "at": "{{ birthday }}"}
    assert step_summary("run_workflow", inputs, titles).startswith("Run Send birthday email")
    scheduled = step_summary("schedule_workflow", inputs, titles)
    assert "Send birthday email" in scheduled and "send_birthday_email" not in scheduled
    # an unknown name (a workflow not imported yet) stays as written
    assert "later_one" in step_summary("run_workflow", {"workflow": "later_one"}, titles)
    assert step_summary("log", {"message": "send_birthday_email"}, titles).endswith(
        "send_birthday_email"
    )


@pytest.mark.parametrize(
    ("problem", "words"),
    [
        ("data_types.User.fields.age: unknown type 'numbr'", "Data type 'User', field 'age': "),
        (
            "workflows.send.steps[1].with.to: required input is missing",
            "Workflow 'send' · Step 1: To is required",
        ),
        (
            "workflows.send.steps[2].with.reply_to: not text",
            "Workflow 'send' · Step 2: Reply to — not text",
        ),
        (
            "workflows.send.parameters.user.type: unknown type 'Usr'",
            "Workflow 'send' · Parameter 'user': ",
        ),
        ("things.User[2].emal: User has no field 'emal'", "User number 2, field 'emal': "),
        ("triggers.t1.data_type: unknown data type 'Usr'", "Trigger 't1', data type: "),
        ("f.yaml: line 2, column 3: mapping values are not allowed", "f.yaml: line 2, column 3: "),
        ("no place at all", "no place at all"),
    ],
)
def test_a_file_problem_names_its_place_in_words(problem: str, words: str) -> None:
    said = file_problem_words(problem)
    assert said.startswith(words)
    assert "[" not in said and ".with." not in said
