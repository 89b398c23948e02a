"""The fast route of reading a workflow file answers exactly what the careful loader does."""

from __future__ import annotations

from typing import Any

import pytest

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
    # YAML (always the careful loader)
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
]


def _outcome(load: Any, text: str) -> tuple[str, Any]:
    try:
        return ("value", load(text, "f.yaml"))
    except InvalidWorkflowFile as exc:
        return ("error", exc.problems)


@pytest.mark.parametrize("text", DOCUMENTS, ids=range(len(DOCUMENTS)))
def test_the_fast_route_answers_what_the_careful_loader_does(text: str) -> None:
    assert _outcome(loading.load_fast, text) == _outcome(load_text, text)


def test_a_good_json_file_does_not_go_through_the_careful_loader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def careful(text: str, name: str = "file") -> Any:
        raise AssertionError("the slow loader was used")

    monkeypatch.setattr(loading, "load_text", careful)
    assert loading.load_fast('{"a": [1, 2.5, "x"]}') == {"a": [1, 2.5, "x"]}
