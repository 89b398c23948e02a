"""The workflow file's reader runs with no database at all.

What it must know of a database (data types, workflows, thing IDs, trigger
names) is given as plain data in a `Known`; any database session opened while
these tests run fails them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session

from app import paths
from app.core.definitions import (
    ApiExposure,
    DataTypeDef,
    FieldDef,
    ParameterDef,
    StepDef,
    WorkflowDef,
)
from app.core.types import ValueType
from app.errors import InvalidWorkflowFile
from app.workflow_file.reader import Known, read_document, read_text, run_problems

PERSON = """
cueflow: 1
data_types:
  Person:
    fields: {email: text, name: text, friend: Person}
things:
  Person:
    - {id: p1, email: ada@example.com, name: Ada, friend: p2}
    - {id: p2, email: grace@example.com, name: Grace}
workflows:
  greet:
    timeout: 30
    parameters:
      who: {type: Person}
    steps:
      - action: send_email
        with: {to: "{{ who.email }}", subject: "Hello {{ who.name }}", body: hi}
triggers:
  greet_new:
    data_type: Person
    on: [created]
    workflow: greet
    params: {who: "{{ thing_now }}"}
"""


@pytest.fixture(autouse=True)
def no_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Opening any database session fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the reader opened a database session")

    monkeypatch.setattr(Session, "__init__", refuse)
    yield


def problems_of(text: str, known: Known | None = None, **kwargs: Any) -> list[str]:
    with pytest.raises(InvalidWorkflowFile) as caught:
        read_text(text, known, **kwargs)
    return list(caught.value.problems)


def test_a_valid_document_becomes_definitions() -> None:
    contents = read_text(PERSON)
    assert [d.name for d in contents.data_types] == ["Person"]
    assert [(t, i) for t, i, _ in contents.things] == [("Person", "p1"), ("Person", "p2")]
    assert contents.things[0][2]["friend"] == "p2"  # a reference to a thing later in the file
    (greet,) = contents.workflows
    assert greet.name == "greet" and greet.timeout == 30.0
    assert greet.steps[0].action == "send_email"
    assert [t.name for t in contents.triggers] == ["greet_new"]
    assert contents.runs is None


@pytest.mark.parametrize("example", paths.examples(), ids=lambda f: f.name)
def test_every_bundled_example_reads_without_a_database(example: Any) -> None:
    contents = read_text(example.read_text(encoding="utf-8"), name=example.name)
    assert contents.workflows


def test_json_is_read_too() -> None:
    contents = read_text('{"cueflow": 1, "workflows": {"w": {"steps": []}}}')
    assert [wf.name for wf in contents.workflows] == ["w"]


def test_what_the_database_holds_is_given_as_plain_data() -> None:
    text = """
workflows:
  call:
    parameters: {who: {type: Person}}
    steps:
      - action: run_workflow
        with: {workflow: greet, params: {who: "{{ who }}"}}
"""
    problems = problems_of(text)  # an empty database
    assert "workflows.call.parameters.who.type: unknown type 'Person'" in problems
    assert "workflows.call.steps[1].with.workflow: unknown workflow 'greet'" in problems
    person = DataTypeDef("Person", (FieldDef("email", ValueType("text")),))
    greet = WorkflowDef(
        name="greet",
        parameters=(ParameterDef("who", ValueType("Person")),),
        steps=(StepDef("send_email", {"to": "a@example.com", "subject": "s", "body": "b"}),),
    )
    known = Known(data_types={"Person": person}, workflows={"greet": greet})
    contents = read_text(text, known)
    assert [wf.name for wf in contents.workflows] == ["call"]


def test_names_the_database_holds_are_conflicts_unless_replacing() -> None:
    known = Known(thing_ids=frozenset({"p1"}), triggers=frozenset({"greet_new"}))
    problems = problems_of(PERSON, known)
    assert "things: thing 'p1' already exists (import with --replace to replace it)" in problems
    assert (
        "triggers.greet_new: trigger already exists (import with --replace to replace it)"
        in problems
    )
    assert len(read_text(PERSON, known, replace=True).things) == 2


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("cueflow: 2\n", "cueflow: unsupported format version 2 (this Cueflow reads 1)"),
        ("- a list\n", "file: expected a mapping with workflows, data_types, things, triggers"),
        ("colour: red\n", "file.colour: unknown key (allowed: cueflow, data_types, things,"),
        ("workflows: {w: {timeout: .nan}}\n", "workflows.w.timeout: expected a number of"),
        ("workflows: {w: {timeout: 0}}\n", "workflows.w.timeout: 0 is out of range"),
        (
            "workflows:\n  w:\n    steps:\n      - action: send_email\n"
            "        with: {to: '{{ nobody.email }}', subject: s, body: b}\n",
            "workflows.w.steps[1].with.to: unknown name 'nobody'",
        ),
        ("things: {Ghost: [{a: 1}]}\n", "things.Ghost: unknown data type 'Ghost'"),
        ("a: &x 1\nb: *x\n", "file: line 2, column 4: aliases (*name) are not allowed"),
        ("a: 1\na: 2\n", "file: line 2, column 1: duplicate key 'a' (first given on line 1)"),
        ("a: [\n", "file: line 2, column 1:"),
        (
            "workflows: {w: {api: {auth: basic}}}\n",
            "workflows.w.api.auth: expected one of token, none, got 'basic'",
        ),
        ("workflows: {w: {api: {expose: 'yes'}}}\n", "workflows.w.api.expose: expected true"),
        ("workflows: {w: {api: {method: PUT}}}\n", "workflows.w.api.method: expected one of"),
        ("workflows: {w: {api: {respond: [1]}}}\n", "workflows.w.api.respond: expected one of"),
        ("workflows: {w: {api: {path: /x}}}\n", "workflows.w.api.path: unknown key"),
        ("workflows: {w: {api: on}}\n", "workflows.w.api: expected a mapping"),
    ],
)
def test_an_invalid_document_names_the_place_and_the_reason(text: str, problem: str) -> None:
    problems = problems_of(text)
    assert any(p.startswith(problem) for p in problems), problems


def test_every_problem_is_reported_at_once() -> None:
    text = "workflows:\n  a: {timeout: -1}\n  b: {retries: {attempts: 1.5}}\nthings: {X: []}\n"
    problems = problems_of(text)
    assert len(problems) == 3, problems


def test_a_parsed_document_is_read_the_same_way() -> None:
    contents = read_document({"workflows": {"w": {"steps": []}}})
    assert [wf.name for wf in contents.workflows] == ["w"]


def test_run_problems_check_one_upcoming_run_against_the_known_things() -> None:
    seen: dict[str, str] = {}
    run = {"id": "r1", "workflow": "w", "scheduled_for": "2030-01-01", "run_as": "p1"}
    assert run_problems(run, "runs[1]", seen, {"p1"}) == []
    assert run_problems(run, "runs[2]", seen, {"p1"}) == [
        "runs[2].id: run 'r1' given twice (also runs[1].id)"
    ]
    assert run_problems({**run, "id": None}, "runs[3]", seen, set()) == [
        "runs[3].run_as: no thing with ID 'p1' in the file or the database"
    ]
    assert run_problems([], "runs[4]", seen, set()) == ["runs[4]: expected a mapping"]


def test_a_workflow_api_section_is_read_with_its_defaults() -> None:
    text = (
        "workflows:\n"
        "  open: {api: {expose: true, auth: none, method: get, respond: at_once}}\n"
        "  closed: {}\n"
    )
    found = {wf.name: wf.api for wf in read_text(text).workflows}
    assert found["open"] == ApiExposure(True, "none", "GET", "at_once", False)
    assert found["closed"] == ApiExposure() and not found["closed"].expose
