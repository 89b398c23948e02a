"""Unit tests for app.engine.validation.validate_workflow."""

from __future__ import annotations

import dataclasses

import pytest

from app.actions import registry
from app.core.definitions import (
    DataTypeDef,
    FieldDef,
    ParameterDef,
    RetryPolicy,
    StepDef,
    WorkflowDef,
)
from app.core.types import ValueType
from app.engine.validation import Problem, validate_workflow

USER = DataTypeDef(
    "User",
    (
        FieldDef("email", ValueType("text")),
        FieldDef("name", ValueType("text")),
        FieldDef("birthday", ValueType("date")),
        FieldDef("tags", ValueType("text", True)),
    ),
)
DATA_TYPES = {"User": USER}


def birthday_workflow(**changes: object) -> WorkflowDef:
    """The birthday example from resources/examples/birthday.yaml, as values."""
    values: dict[str, object] = dict(
        name="send_birthday_email",
        label="Send birthday email",
        colour="#e67e22",
        description="Congratulates a user, then schedules itself for next year.",
        parameters=(
            ParameterDef("user", ValueType("User")),
            ParameterDef("birthday", ValueType("date"), optional=True),
        ),
        steps=(
            StepDef(
                "send_email",
                {
                    "to": "{{ user.email }}",
                    "subject": "Happy birthday, {{ user.name }}!",
                    "body": "Have a great day.",
                },
            ),
            StepDef(
                "schedule_workflow",
                {
                    "workflow": "send_birthday_email",
                    "at": "{{ birthday | add_years(1) }}",
                    "params": {"user": "{{ user }}", "birthday": "{{ birthday | add_years(1) }}"},
                },
                only_when="birthday is not none",
            ),
        ),
    )
    values.update(changes)
    return WorkflowDef(**values)  # type: ignore[arg-type]


def problems_of(
    wf: WorkflowDef, others: tuple[WorkflowDef, ...] = (), prefix: str = ""
) -> list[tuple[str, str]]:
    workflows = {w.name: w for w in (wf, *others)}
    return [(p.place, p.reason) for p in validate_workflow(wf, DATA_TYPES, workflows, prefix)]


def single(action: str, inputs: dict[str, object], **changes: object) -> WorkflowDef:
    return WorkflowDef("single", steps=(StepDef(action, inputs),), **changes)  # type: ignore[arg-type]


# --- a valid workflow -------------------------------------------------------------------------


def test_birthday_workflow_has_no_problems() -> None:
    assert problems_of(birthday_workflow()) == []


def test_workflow_without_steps_or_parameters_is_valid() -> None:
    assert problems_of(WorkflowDef("empty")) == []


def test_every_action_with_its_required_inputs_is_valid() -> None:
    inputs = {
        "send_email": {"to": "a@example.com", "subject": "s", "body": "b"},
        "log": {"message": "hello {{ now }}"},
        "notify": {"title": "t"},
        "terminate": {},
        "return_data": {"values": {"a": 1}},
        "schedule_workflow": {"workflow": "single"},
        "cancel_scheduled": {"id": "run-1"},
        "create_thing": {"type": "User", "fields": {"name": "Ada"}},
        "delete_thing": {"thing": "u1"},
    }
    for action, given in inputs.items():
        assert problems_of(single(action, given)) == [], action


# --- workflow-level checks -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Send", "send-email", "send email", "", "señd"])
def test_bad_workflow_name(name: str) -> None:
    assert problems_of(WorkflowDef(name)) == [("name", "a name uses only a-z, 0-9 and _")]


def test_bad_workflow_name_with_prefix_uses_the_prefix_as_place() -> None:
    assert problems_of(WorkflowDef("Bad"), prefix="workflows.Bad") == [
        ("workflows.Bad", "a name uses only a-z, 0-9 and _")
    ]


@pytest.mark.parametrize("colour", ["red", "#fff", "#e67e2", "e67e22", "#e67e22 ", "#gggggg"])
def test_bad_colour(colour: str) -> None:
    assert problems_of(WorkflowDef("wf", colour=colour)) == [
        ("colour", f"'{colour}' is not a colour like #e67e22")
    ]


@pytest.mark.parametrize("colour", ["#e67e22", "#E67E22", "#000000"])
def test_good_colour(colour: str) -> None:
    assert problems_of(WorkflowDef("wf", colour=colour)) == []


def test_bad_limits() -> None:
    wf = WorkflowDef("wf", timeout=0, grace=-1, on_missed="never", retries=RetryPolicy(attempts=-1))
    assert problems_of(wf) == [
        ("on_missed", "must be one of run_late, skip"),
        ("timeout", "must be more than 0 seconds"),
        ("grace", "must be 0 or more seconds"),
        ("retries", "attempts and backoff must be 0 or more"),
    ]


def test_duplicate_parameter() -> None:
    wf = WorkflowDef(
        "wf",
        parameters=(ParameterDef("x", ValueType("text")), ParameterDef("x", ValueType("number"))),
    )
    assert problems_of(wf) == [("parameters.x", "duplicate parameter")]


@pytest.mark.parametrize("key", ["now", "step1", "run", "thing_now", "1abc", "a-b", ""])
def test_reserved_or_malformed_parameter_keys(key: str) -> None:
    wf = WorkflowDef("wf", parameters=(ParameterDef(key, ValueType("text")),))
    assert problems_of(wf) == [(f"parameters.{key}", f"'{key}' cannot be a parameter key")]


def test_unknown_parameter_type() -> None:
    wf = WorkflowDef(
        "wf",
        parameters=(
            ParameterDef("who", ValueType.parse("Usr")),
            ParameterDef("many", ValueType.parse("list of Team")),
        ),
    )
    assert problems_of(wf) == [
        ("parameters.who.type", "unknown type 'Usr'"),
        ("parameters.many.type", "unknown type 'Team'"),
    ]


def test_known_parameter_types() -> None:
    params = tuple(
        ParameterDef(f"p{i}", ValueType.parse(spec))
        for i, spec in enumerate(
            ["text", "number", "yes/no", "date", "User", "list of User", "list of date"]
        )
    )
    assert problems_of(WorkflowDef("wf", parameters=params)) == []


def test_workflow_only_when_sees_parameters_but_not_steps() -> None:
    ok = WorkflowDef(
        "wf",
        parameters=(ParameterDef("n", ValueType("number")),),
        only_when="n > 3 and now is not none",
    )
    assert problems_of(ok) == []
    bad = WorkflowDef("wf", only_when="step1 is not none")
    assert problems_of(bad) == [("only_when", "unknown name 'step1'")]


def test_empty_condition() -> None:
    wf = WorkflowDef("wf", only_when="  ")
    assert problems_of(wf) == [("only_when", "a condition must be a non-empty expression")]


# --- steps: actions and inputs ------------------------------------------------------------------


def test_unknown_action() -> None:
    problems = problems_of(single("fly_to_the_moon", {"speed": 1}))
    known = ", ".join(sorted(registry.actions()))
    assert problems == [("steps[1].action", f"unknown action 'fly_to_the_moon' (known: {known})")]
    assert "send_email" in known and "schedule_workflow" in known


def test_unknown_input() -> None:
    assert problems_of(single("log", {"message": "hi", "level": "debug"})) == [
        ("steps[1].with.level", "log has no input 'level' (inputs: message)")
    ]


def test_unknown_input_on_action_without_inputs() -> None:
    assert problems_of(single("terminate", {"reason": "x"})) == [
        ("steps[1].with.reason", "terminate has no input 'reason' (inputs: none)")
    ]


@pytest.mark.parametrize("missing", [None, ""])
def test_missing_required_input(missing: object) -> None:
    inputs = {"to": "a@example.com", "body": "b"}
    if missing is not None:
        inputs["subject"] = missing  # type: ignore[assignment]
    assert problems_of(single("send_email", inputs)) == [
        ("steps[1].with.subject", "required input is missing")
    ]


def test_all_missing_required_inputs_are_reported_in_declaration_order() -> None:
    assert problems_of(single("send_email", {})) == [
        ("steps[1].with.to", "required input is missing"),
        ("steps[1].with.subject", "required input is missing"),
        ("steps[1].with.body", "required input is missing"),
    ]


def test_false_is_a_given_value_not_a_missing_one() -> None:
    inputs = {"to": "a@example.com", "subject": "s", "body": "b", "html": False}
    assert problems_of(single("send_email", inputs)) == []


# --- steps: expressions ---------------------------------------------------------------------------


def test_unknown_name_in_an_expression_with_its_place() -> None:
    wf = birthday_workflow()
    second = wf.steps[1]
    typo = StepDef(
        second.action, {**second.inputs, "at": "{{ birtday | add_years(1) }}"}, second.only_when
    )
    wf = birthday_workflow(steps=(wf.steps[0], typo))
    assert problems_of(wf) == [("steps[2].with.at", "unknown name 'birtday'")]


def test_place_with_a_file_prefix() -> None:
    wf = birthday_workflow()
    typo = StepDef("schedule_workflow", {**wf.steps[1].inputs, "at": "{{ birtday }}"})
    wf = birthday_workflow(steps=(wf.steps[0], typo))
    problems = validate_workflow(
        wf, DATA_TYPES, {wf.name: wf}, prefix="workflows.send_birthday_email"
    )
    assert [str(p) for p in problems] == [
        "workflows.send_birthday_email.steps[2].with.at: unknown name 'birtday'"
    ]
    assert problems == [
        Problem("workflows.send_birthday_email.steps[2].with.at", "unknown name 'birtday'")
    ]


def test_expressions_inside_mappings_and_lists_have_nested_places() -> None:
    wf = WorkflowDef(
        "wf", steps=(StepDef("return_data", {"values": {"a": "{{ x }}", "b": ["ok", "{{ y }}"]}}),)
    )
    assert problems_of(wf) == [
        ("steps[1].with.values.a", "unknown name 'x'"),
        ("steps[1].with.values.b[1]", "unknown name 'y'"),
    ]


def test_syntax_error_and_unknown_filter_in_inputs() -> None:
    wf = WorkflowDef(
        "wf",
        steps=(
            StepDef("log", {"message": "{{ now | add_day(1) }}"}),
            StepDef("notify", {"title": "{{ now "}),
        ),
    )
    assert problems_of(wf) == [
        ("steps[1].with.message", "unknown filter 'add_day'"),
        ("steps[2].with.title", "unexpected end of template, expected 'end of print statement'."),
    ]


def test_step_results_are_visible_only_to_later_steps() -> None:
    wf = WorkflowDef(
        "wf",
        steps=(
            StepDef("log", {"message": "first"}),
            StepDef("log", {"message": "{{ step1 }}"}),
            StepDef("log", {"message": "{{ step1 }} {{ step2 }} {{ step3 }} {{ step4 }}"}),
        ),
    )
    assert problems_of(wf) == [
        ("steps[3].with.message", "unknown name 'step3'"),
        ("steps[3].with.message", "unknown name 'step4'"),
    ]


def test_step_only_when_uses_earlier_results() -> None:
    wf = WorkflowDef(
        "wf",
        steps=(
            StepDef("log", {"message": "first"}),
            StepDef("terminate", {}, only_when="step1 is none"),
            StepDef("terminate", {}, only_when="step3 is none"),
            StepDef("terminate", {}, only_when=""),
        ),
    )
    assert problems_of(wf) == [
        ("steps[3].only_when", "unknown name 'step3'"),
        ("steps[4].only_when", "a condition must be a non-empty expression"),
    ]


def test_base_names_are_known_in_steps() -> None:
    wf = single(
        "log",
        {
            "message": "{{ now }} {{ run.id }} {{ current_user }} "
            "{{ search('User', email='a@example.com') | length }}"
        },
    )
    assert problems_of(wf) == []


# --- steps: literals naming workflows, data types, choices, mappings -----------------------


def test_schedule_workflow_to_an_unknown_workflow() -> None:
    assert problems_of(single("schedule_workflow", {"workflow": "no_such_flow"})) == [
        ("steps[1].with.workflow", "unknown workflow 'no_such_flow'")
    ]


def test_run_workflow_to_an_unknown_workflow() -> None:
    assert problems_of(single("run_workflow", {"workflow": "ghost"})) == [
        ("steps[1].with.workflow", "unknown workflow 'ghost'")
    ]


def test_workflow_given_by_an_expression_is_not_checked_as_a_literal() -> None:
    wf = WorkflowDef(
        "wf",
        parameters=(ParameterDef("target", ValueType("text")),),
        steps=(
            StepDef("schedule_workflow", {"workflow": "{{ target }}", "params": {"anything": 1}}),
        ),
    )
    assert problems_of(wf) == []


def test_schedule_workflow_to_another_known_workflow() -> None:
    target = WorkflowDef("target", parameters=(ParameterDef("n", ValueType("number")),))
    wf = single("schedule_workflow", {"workflow": "target", "params": {"n": 1}, "at": "{{ now }}"})
    assert problems_of(wf, (target,)) == []


def test_params_not_belonging_to_the_target_workflow() -> None:
    target = WorkflowDef(
        "target",
        parameters=(
            ParameterDef("user", ValueType("User")),
            ParameterDef("note", ValueType("text"), optional=True),
        ),
    )
    wf = single(
        "schedule_workflow",
        {"workflow": "target", "params": {"user": "u1", "usr": "u1", "extra": 2}},
    )
    assert problems_of(wf, (target,)) == [
        ("steps[1].with.params.usr", "target has no parameter 'usr'"),
        ("steps[1].with.params.extra", "target has no parameter 'extra'"),
    ]


def test_required_params_of_the_target_workflow() -> None:
    target = WorkflowDef(
        "target",
        parameters=(
            ParameterDef("user", ValueType("User")),
            ParameterDef("note", ValueType("text"), optional=True),
        ),
    )
    wf = single("run_workflow", {"workflow": "target", "params": {"note": "x"}})
    assert problems_of(wf, (target,)) == [("steps[1].with.params", "target needs parameter 'user'")]


def test_birthday_params_typo_is_reported() -> None:
    wf = birthday_workflow()
    second = wf.steps[1]
    typo = StepDef(
        second.action,
        {**second.inputs, "params": {"user": "{{ user }}", "bday": "{{ birthday }}"}},
        second.only_when,
    )
    assert problems_of(birthday_workflow(steps=(wf.steps[0], typo))) == [
        ("steps[2].with.params.bday", "send_birthday_email has no parameter 'bday'")
    ]


@pytest.mark.parametrize("params", ["not a mapping", [1, 2], 5])
def test_params_must_be_a_mapping(params: object) -> None:
    wf = single("schedule_workflow", {"workflow": "single", "params": params})
    assert problems_of(wf) == [("steps[1].with.params", "expected a mapping of names to values")]


def test_params_given_as_one_expression_are_accepted() -> None:
    wf = WorkflowDef(
        "wf",
        parameters=(ParameterDef("p", ValueType("text")),),
        steps=(StepDef("schedule_workflow", {"workflow": "wf", "params": "{{ p }}"}),),
    )
    assert problems_of(wf) == []


def test_create_thing_unknown_data_type_and_field() -> None:
    assert problems_of(single("create_thing", {"type": "Usr", "fields": {"name": "x"}})) == [
        ("steps[1].with.type", "unknown data type 'Usr'")
    ]
    assert problems_of(single("create_thing", {"type": "User", "fields": {"nmae": "x"}})) == [
        ("steps[1].with.fields.nmae", "User has no field 'nmae'")
    ]


def test_http_method_choice() -> None:
    spec = registry.get("http_request")
    assert spec is not None
    method = spec.input("method")
    assert method is not None and method.choices
    assert problems_of(single("http_request", {"method": "get", "url": "http://x"})) == []
    assert problems_of(single("http_request", {"method": "FETCH", "url": "http://x"})) == [
        ("steps[1].with.method", f"must be one of {', '.join(method.choices)}")
    ]


def test_problems_from_many_steps_come_in_order() -> None:
    wf = WorkflowDef(
        "Bad Name",
        colour="blue",
        steps=(
            StepDef("nope", {}),
            StepDef("log", {}),
            StepDef("schedule_workflow", {"workflow": "missing", "at": "{{ when }}"}),
        ),
    )
    problems = problems_of(wf)
    assert [place for place, _ in problems] == [
        "name",
        "colour",
        "steps[1].action",
        "steps[2].with.message",
        "steps[3].with.workflow",
        "steps[3].with.at",
    ]
    assert problems[-2:] == [
        ("steps[3].with.workflow", "unknown workflow 'missing'"),
        ("steps[3].with.at", "unknown name 'when'"),
    ]


# --- fields of things whose type is certain ---------------------------------------------------

PERSON = DataTypeDef(
    "Person",
    (
        FieldDef("email", ValueType("text")),
        FieldDef("manager", ValueType("Person")),
        FieldDef("friends", ValueType("Person", True)),
    ),
)


def field_problems(wf: WorkflowDef) -> list[tuple[str, str]]:
    types = {"User": USER, "Person": PERSON}
    return [(p.place, p.reason) for p in validate_workflow(wf, types, {wf.name: wf})]


def test_unknown_field_of_a_thing_parameter_is_named() -> None:
    wf = birthday_workflow()
    steps = (StepDef("send_email", {"to": "{{ user.na }}", "subject": "s", "body": "b"}),)
    assert field_problems(dataclasses.replace(wf, steps=steps)) == [
        ("steps[1].with.to", "User has no field 'na'")
    ]


def test_unknown_field_through_a_reference_and_in_conditions() -> None:
    wf = WorkflowDef(
        "nested",
        parameters=(ParameterDef("who", ValueType("Person")),),
        only_when="who.manager.emial is not none",
        steps=(StepDef("log", {"message": "{{ who.manager.manager.email }} {{ who['nme'] }}"}),),
    )
    assert field_problems(wf) == [
        ("only_when", "Person has no field 'emial'"),
        ("steps[1].with.message", "Person has no field 'nme'"),
    ]


def test_result_of_create_thing_has_the_fields_of_its_type() -> None:
    wf = WorkflowDef(
        "made",
        steps=(
            StepDef("create_thing", {"type": "User", "fields": {"email": "a@b.c"}}),
            StepDef(
                "log",
                {"message": "{{ step1.email }} {{ step1.id }} {{ step1.mail }}"},
                only_when="step1.name != ''",
            ),
        ),
    )
    assert field_problems(wf) == [("steps[2].with.message", "User has no field 'mail'")]


def test_fields_are_not_checked_where_the_type_is_not_certain() -> None:
    wf = WorkflowDef(
        "loose",
        parameters=(
            ParameterDef("who", ValueType("Person")),
            ParameterDef("many", ValueType("Person", True)),
            ParameterDef("when", ValueType("date")),
        ),
        steps=(
            StepDef("http_request", {"method": "GET", "url": "http://x"}),
            StepDef(
                "log",
                {
                    "message": "{{ when.year }} {{ step1.json.anything }} {{ many.x }}"
                    " {{ who.friends.y }} {{ current_user.z }}"
                    "{% for who in many %}{{ who.nothing }}{% endfor %}"
                },
            ),
        ),
    )
    assert field_problems(wf) == []
