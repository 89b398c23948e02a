"""The fast route of reading a workflow file answers exactly what the careful loader does."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import InvalidWorkflowFile
from app.workflow_file import loading
from app.workflow_file.reader import load_text

DOCUMENTS = [
    # JSON (the json module)
    '{"cueflow": 1, "things": {"User": [{"name": "Ada", "age": 36}]}}',
    '{"n": 1e5, "m": 1.5e3, "f": 1.5, "g": 1.5E+3, "i": -0, "big": 123456789012345678901234}',
    '{"on": ["created"], "yes": "no", "t": true, "nothing": null, "d": "2026-01-01"}',
    '{"s": "caf\\u00e9 \\ud83d\\ude00 \\/ \\" \\\\"}',
    '{"a": 1, "a": 2}',  # a key twice: the careful loader names the lines
    '{"a": NaN}',
    '{"a": Infinity}',
    '{"a": "tab\there"}',  # a raw tab in a JSON string: YAML decides
    '{"a": [1, 2}',
    '{"a": 1} trailing',
    "[" * 60_000 + "]" * 60_000,
    "{" + '"a": {' * 5_000 + "}" * 5_001,
    # YAML (libyaml's events, the reader's composer and constructor)
    "[" * 60_000 + "]" * 60_000,
    "- " * 60_000 + "x\n",
    "{a: " * 20_000 + "1" + "}" * 20_000,
    "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 3_000)),
    "a: &x [1, 2]\nb: {c: *x}\n",
    "a: 1\nb:\n  c: 2\n  c: 3\n",
    "\ta: 1\n",
    "a: 'unterminated\n",
    'a: "\\x41 \\u00e9 \\U0001F600"\nb: "\\ud83d"\n',
    "a: !!binary aGVsbG8=\nb: !!set {x, y}\nc: !!omap [{x: 1}]\n",
    "a: 0o17\nb: 017\nc: 0x1f\nd: 1_000\ne: .inf\nf: -.NaN\ng: ~\nh: Null\ni: 1:30\n",
    "a: yes\nb: No\nc: ON\nd: off\ne: y\nf: TRUE\n",
    "a: >\n  folded\n  text\n\n  kept\nb: |-\n  literal\n",
    "%YAML 1.1\n---\na: 1\n...\n",
    "\ufeffa: 1\n",
    "a: 1\r\nb: 2\r\n",
    "key with spaces: value with: colon\n'quoted key': \"x\"\n",
    "cueflow: 1\nthings:\n  User:\n    - {name: Ada, age: 36}\n",
    "on: [created]\nyes: no\nn: 1e5\nf: 1.5\nd: 2026-01-01\nt: 2026-01-01T09:00:00+01:00\n",
    "a: 1\na: 2\n",
    "a: &x 1\nb: *x\n",
    "a: &x [1, 2]\nb: [*x, *x]\n",
    "x: [1, 2\n",
    "? [1, 2]\n: unhashable key\n",
    "<<: {a: 1}\nb: 2\n",
    "",
    "# only a comment\n",
    "---\na: 1\n---\nb: 2\n",
    "- just\n- a list\n",
    "a: !!python/object:os.system ls\n",
    "a: 'single ''quoted'''\nb: |\n  block\n  text\n",
    "? {a: 1}\n: a mapping as a key\n",
    "'a': 1\n\"a\": 2\n",
    "1: a\n1.0: b\n",
    "true: a\n1: b\n",
    "a: !x foo\nb: ! bar\nc: !!str 3\nd: !!int '7'\n",
    "a: &anchor 1\nb: &list [x]\n",
    "=: value key\n",
    "a: [=, <<]\n",
    "a:\nb: ''\nc: \"\"\nd: -\ne: [-1, +2, .5, 1e3, 0b101, 0x_1f]\n",
    "d: 2026-01-01\nt: 2026-01-01 09:00:00\nz: 2026-01-01T09:00:00Z\nbad: 2026-13-45\n",
    "a: 0\nb: 00\nc: 0123\nd: \u0661\u0662\ne: 99999999999999999999999\nf: 7\n",
    "- " * 99 + "x\n",
    "- " * 100 + "x\n",
    "- " * 101 + "x\n",
]


def _outcome(load: Any, text: str) -> tuple[str, Any]:
    try:
        return ("value", load(text, "f.yaml"))
    except InvalidWorkflowFile as exc:
        return ("error", exc.problems)


@pytest.mark.parametrize("text", DOCUMENTS, ids=range(len(DOCUMENTS)))
def test_the_fast_route_answers_what_the_careful_loader_does(text: str) -> None:
    assert _outcome(loading.load_fast, text) == _outcome(load_text, text)


def test_a_good_file_does_not_go_through_the_careful_loader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def careful(text: str, name: str = "file") -> Any:
        raise AssertionError("the slow loader was used")

    monkeypatch.setattr(loading, "load_text", careful)
    assert loading.load_fast('{"a": [1, 2.5, "x"]}') == {"a": [1, 2.5, "x"]}
    assert (loading._FastLoader is not None) == yaml.__with_libyaml__
    if loading._FastLoader is not None:
        assert loading.load_fast("a: [1, 2.5, x, yes, true]\n") == {"a": [1, 2.5, "x", "yes", True]}
        assert loading.load_fast("a: {b: ~, c: '1', d: 2026-01-01, e: [[]]}\n") == {
            "a": {"b": None, "c": "1", "d": datetime.date(2026, 1, 1), "e": [[]]}
        }


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["yes", "no", "on", "1e5", "0o17", "2026-01-01", "~", "null", "- x", "a: b"])
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(value=_VALUES, flow=st.sampled_from([None, True, False]), as_json=st.booleans())
def test_generated_documents_load_the_same_both_ways(value: Any, flow: Any, as_json: bool) -> None:
    if as_json:
        text = json.dumps({"doc": value})
    else:
        text = yaml.safe_dump({"doc": value}, default_flow_style=flow, allow_unicode=True)
    assert _outcome(loading.load_fast, text) == _outcome(load_text, text)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: 1\nbad: 2026-13-45\n", "line 2, column 6: '2026-13-45' cannot be read: month must"),
        ("n: " + "7" * 5_000 + "\n", "line 1, column 4: '777"),
        ('{"n": ' + "7" * 5_000 + "}", "line 1, column 7: '777"),
    ],
)
def test_a_value_that_cannot_exist_is_a_problem_at_its_place(text: str, problem: str) -> None:
    for load in (loading.load_fast, load_text):
        with pytest.raises(InvalidWorkflowFile) as caught:
            load(text, "f.yaml")
        assert caught.value.problems[0].startswith(f"f.yaml: {problem}")
