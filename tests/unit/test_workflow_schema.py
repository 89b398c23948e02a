"""The workflow file's JSON Schema (`cueflow schema`) agrees with the reader.

Every example validates against it; broken documents are refused by the
schema and by the reader alike; and every key the reader accepts — read off
the reader's own "unknown key (allowed: …)" answers, not its constants — is
described by the schema.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from app.actions import registry
from app.errors import InvalidWorkflowFile
from app.workflow_file.read_base import plain
from app.workflow_file.reader import load_text, read_document, run_problems
from app.workflow_file.schema import SchemaDrift, _object, workflow_file_schema
from tests.conftest import EXAMPLES

SCHEMA = workflow_file_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

# The YAML of PRODUCT §4, word for word, plus the `send_welcome` its trigger names.
PRODUCT_YAML = """
cueflow: 1
data_types:
  User:
    fields: {email: text, name: text, birthday: date, tags: list of text}
    privacy:
      rules:
        - name: Own record
          when: "thing.email == current_user.email"
          view: all            # or a list of field names
          find: true
          modify: true
          delete: false
      everyone_else: {view: [name], find: true, modify: false, delete: false}
things:
  User:
    - {email: ada@example.com, name: Ada, birthday: 1990-12-10T09:00:00+00:00}
workflows:
  send_birthday_email:
    label: Send birthday email
    colour: "#e67e22"
    ignore_privacy_rules: false
    parameters:
      user: {type: User}
      birthday: {type: date, optional: true}
    steps:
      - action: send_email
        with:
          to: "{{ user.email }}"
          subject: "Happy birthday, {{ user.name }}!"
          body: "Have a great day."
      - action: schedule_workflow
        only_when: "birthday is not none"
        with:
          workflow: send_birthday_email
          at: "{{ birthday | add_years(1) }}"
          params: {user: "{{ user }}", birthday: "{{ birthday | add_years(1) }}"}
  send_welcome:
    parameters: {user: User}
    steps:
      - {action: log, with: {message: "welcome {{ user.name }}"}}
triggers:
  welcome_new_user:
    data_type: User
    on: [created]                      # created, modified, deleted
    only_when: "thing_now.email is not none"
    workflow: send_welcome
    params: {user: "{{ thing_now }}"}
"""


def as_json(text: str) -> Any:
    """A file as an editor's YAML extension sees it: dates are text."""
    return plain(load_text(text))


def schema_errors(doc: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:160]}"
        for e in VALIDATOR.iter_errors(doc)
    ]


def reader_problems(doc: Any) -> list[str]:
    try:
        read_document(doc)
    except InvalidWorkflowFile as exc:
        return list(exc.problems)
    return []


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"] and SCHEMA["title"] and SCHEMA["description"]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_validates(path: Any) -> None:
    doc = as_json(path.read_text(encoding="utf-8"))
    assert schema_errors(doc) == []
    assert reader_problems(doc) == []


def test_the_product_contract_example_validates() -> None:
    doc = as_json(PRODUCT_YAML)
    assert schema_errors(doc) == []
    assert reader_problems(doc) == []


def test_every_action_has_a_branch_naming_exactly_its_inputs() -> None:
    branches = {
        b["if"]["properties"]["action"]["const"]: b["then"]["properties"]["with"]
        for b in SCHEMA["$defs"]["step"]["allOf"]
    }
    actions = registry.actions()
    assert set(branches) == set(actions)
    assert set(SCHEMA["$defs"]["step"]["properties"]["action"]["enum"]) == set(actions)
    for name, spec in actions.items():
        assert set(branches[name]["properties"]) == {i.name for i in spec.inputs}, name
        assert branches[name]["required"] == [i.name for i in spec.inputs if i.required], name


# --- broken documents: refused by both ----------------------------------------------------


def _base() -> dict[str, Any]:
    return as_json(PRODUCT_YAML)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Change the document at a dotted path (`[n]` for a list item)."""

    def change(doc: dict[str, Any]) -> None:
        keys = [int(k) if k.isdigit() else k for k in re.findall(r"[^.\[\]]+", path)]
        target: Any = doc
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return change


WF = "workflows.send_birthday_email"
BROKEN = {
    "extra top-level key": _set("extras", 1),
    "extra workflow key": _set(f"{WF}.colours", "#ffffff"),
    "extra step key": _set(f"{WF}.steps.0.when", "true"),
    "extra parameter key": _set(f"{WF}.parameters.user.kind", "User"),
    "extra retries key": _set(f"{WF}.retries", {"attempts": 1, "delay": 5}),
    "extra data type key": _set("data_types.User.indexes", ["email"]),
    "extra privacy rule key": _set("data_types.User.privacy.rules.0.see", "all"),
    "extra trigger key": _set("triggers.welcome_new_user.when", "true"),
    "unknown action": _set(f"{WF}.steps.0.action", "send_fax"),
    "unknown step input": _set(f"{WF}.steps.0.with.priority", "high"),
    "missing required input": _set(f"{WF}.steps.0.with", {"to": "a@example.com"}),
    "a step without action": _set(f"{WF}.steps.0", {"with": {"message": "x"}}),
    "params given as a list": _set(f"{WF}.steps.1.with.params", ["user"]),
    "http method not a method": _set(
        f"{WF}.steps.0", {"action": "http_request", "with": {"url": "http://x", "method": "FETCH"}}
    ),
    "http timeout a yes/no": _set(
        f"{WF}.steps.0", {"action": "http_request", "with": {"url": "http://x", "timeout": True}}
    ),
    "interval out of range": _set(
        f"{WF}.steps.1",
        {
            "action": "schedule_workflow_on_list",
            "with": {
                "workflow": "send_welcome",
                "list": [],
                "item_param": "user",
                "interval": 1e12,
            },
        },
    ),
    "timeout text": _set(f"{WF}.timeout", "soon"),
    "timeout zero": _set(f"{WF}.timeout", 0),
    "timeout infinite": _set(f"{WF}.timeout", float("inf")),
    "timeout over a week": _set(f"{WF}.timeout", 7 * 86400 + 1),
    "attempts not whole": _set(f"{WF}.retries", {"attempts": 1.5}),
    "attempts too many": _set(f"{WF}.retries", {"attempts": 101}),
    "backoff negative": _set(f"{WF}.retries", {"backoff": -1}),
    "grace over a year": _set(f"{WF}.grace", 367 * 86400),
    "on_missed unknown": _set(f"{WF}.on_missed", "later"),
    "label a list": _set(f"{WF}.label", ["a"]),
    "label too long": _set(f"{WF}.label", "x" * 1001),
    "label with a control character": _set(f"{WF}.label", "a\x07b"),
    "colour not a colour": _set(f"{WF}.colour", "orange"),
    "flag not a flag": _set(f"{WF}.ignore_privacy_rules", "yes"),
    "steps a mapping": _set(f"{WF}.steps", {"action": "log"}),
    "workflow name with capitals": _set("workflows.SendMail", {"steps": []}),
    "data type name with a dash": _set("data_types.Bad-Type", {"fields": {}}),
    "field named id": _set("data_types.User.fields.id", "text"),
    "field type unparseable": _set("data_types.User.fields.age", "list of list of text"),
    "privacy view not a view": _set("data_types.User.privacy.everyone_else.view", "some"),
    "privacy rule without when": _set("data_types.User.privacy.rules.0", {"view": "all"}),
    "trigger event unknown": _set("triggers.welcome_new_user.on", ["renamed"]),
    "trigger without workflow": _set(
        "triggers.welcome_new_user", {"data_type": "User", "on": ["created"]}
    ),
    "things not a list": _set("things.User", {"email": "x"}),
    "format version 2": _set("cueflow", 2),
    "parameter key reserved": _set(f"{WF}.parameters.now", {"type": "date"}),
    "not a mapping at all": lambda doc: doc.clear() or doc.update({"workflows": ["a"]}),
}


@pytest.mark.parametrize("change", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_document_is_refused_by_the_schema_and_the_reader(
    change: Callable[[dict[str, Any]], None],
) -> None:
    doc = _base()
    change(doc)
    assert schema_errors(doc), "the schema accepted it"
    assert reader_problems(doc), "the reader accepted it"


def test_the_whole_document_must_be_a_mapping() -> None:
    for doc in (["workflows"], "cueflow: 1", 42):
        assert schema_errors(doc)
        assert reader_problems(doc)


# --- every key the reader accepts is in the schema ----------------------------------------

ALLOWED = re.compile(r"^(?P<place>\S+): unknown key \(allowed: (?P<keys>[^)]*)\)$")


def _allowed_at(doc: dict[str, Any], place: str) -> set[str]:
    """The keys the reader names as allowed when given a bogus key at `place`."""
    found = [ALLOWED.match(p) for p in reader_problems(doc)]
    answers = {m["place"]: m["keys"] for m in found if m is not None}
    assert f"{place}.zz_bogus" in answers, reader_problems(doc)
    return set(answers[f"{place}.zz_bogus"].split(", "))


def _described(*path: str) -> set[str]:
    node: Any = SCHEMA
    for key in path:
        node = node[key]
    if "anyOf" in node:  # a parameter: a type name or the mapping
        node = next(n for n in node["anyOf"] if "properties" in n)
    assert node.get("additionalProperties") is False, path
    return set(node["properties"])


def test_every_key_the_reader_accepts_is_in_the_schema() -> None:
    doc = _base()
    rule = doc["data_types"]["User"]["privacy"]["rules"][0]
    places = {
        "file": (doc, ()),
        WF: (doc["workflows"]["send_birthday_email"], ("$defs", "workflow")),
        f"{WF}.steps[1]": (
            doc["workflows"]["send_birthday_email"]["steps"][0],
            ("$defs", "step"),
        ),
        f"{WF}.parameters.user": (
            doc["workflows"]["send_birthday_email"]["parameters"]["user"],
            ("$defs", "workflow", "properties", "parameters", "additionalProperties"),
        ),
        "data_types.User": (doc["data_types"]["User"], ("$defs", "data_type")),
        "data_types.User.privacy": (
            doc["data_types"]["User"]["privacy"],
            ("$defs", "data_type", "properties", "privacy"),
        ),
        "data_types.User.privacy.rules[1]": (rule, ("$defs", "privacy_rule")),
        "data_types.User.privacy.everyone_else": (
            doc["data_types"]["User"]["privacy"]["everyone_else"],
            ("$defs", "data_type", "properties", "privacy", "properties", "everyone_else"),
        ),
        "triggers.welcome_new_user": (doc["triggers"]["welcome_new_user"], ("$defs", "trigger")),
    }
    doc["workflows"]["send_birthday_email"]["retries"] = {"attempts": 1}
    places[f"{WF}.retries"] = (
        doc["workflows"]["send_birthday_email"]["retries"],
        ("$defs", "workflow", "properties", "retries"),
    )
    for target, _ in places.values():
        target["zz_bogus"] = 1
    for place, (_, path) in places.items():
        accepted = _allowed_at(doc, place)
        assert accepted == _described(*path) if path else set(SCHEMA["properties"]), place


def test_every_run_key_the_reader_accepts_is_in_the_schema() -> None:
    (problem,) = run_problems({"workflow": "w", "zz_bogus": 1}, "runs[1]", {}, set())
    accepted = set(ALLOWED.match(problem)["keys"].split(", "))  # type: ignore[index]
    assert accepted == _described("$defs", "run")


def test_every_step_input_the_reader_accepts_is_in_the_schema() -> None:
    branches = {
        b["if"]["properties"]["action"]["const"]: set(b["then"]["properties"]["with"]["properties"])
        for b in SCHEMA["$defs"]["step"]["allOf"]
    }
    for action in registry.actions():
        doc = {"workflows": {"w": {"steps": [{"action": action, "with": {"zz_bogus": 1}}]}}}
        answer = next(p for p in reader_problems(doc) if ".with.zz_bogus:" in p)
        listed = re.search(r"\(inputs: ([^)]*)\)", answer)
        assert listed is not None, answer
        accepted = set(listed[1].split(", ")) - {"none"}
        assert accepted == branches[action], action


def test_a_key_without_a_schema_stops_the_build() -> None:
    with pytest.raises(SchemaDrift, match="has no entry"):
        _object(("a", "b"), {"a": {}}, "here")
    with pytest.raises(SchemaDrift, match="refuses"):
        _object(("a",), {"a": {}, "b": {}}, "here")


def test_the_api_mapping_is_described_for_when_the_reader_takes_it() -> None:
    api = SCHEMA["$defs"]["workflow_api"]
    assert set(api["properties"]) == {
        "expose",
        "auth",
        "method",
        "respond",
        "return_200_if_condition_unmet",
    }
    doc = copy.deepcopy(_base())
    doc["workflows"]["send_welcome"]["api"] = {"expose": True, "auth": "none"}
    # The schema offers `api` exactly when the reader accepts it.
    assert bool(schema_errors(doc)) == bool(reader_problems(doc))
