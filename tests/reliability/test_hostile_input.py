"""Hostile input: generated workflow files, sandbox escapes and resource bombs.

The importer either accepts a file or rejects it with one-line problems, and a
rejection writes nothing. An expression never reaches Python internals and a
bomb is stopped within a bounded time and memory, through a real run.
"""

from __future__ import annotations

import contextlib
import os
import resource
import string
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.definitions import StepDef, WorkflowDef
from app.engine.runner import Runner
from app.errors import BadInput, InvalidWorkflowFile
from app.storage import catalog, ledger
from app.storage.db import Database
from app.workflow_file import import_text
from tests.conftest import EXAMPLES, ROOT
from tests.support.snapshot import dump

EXAMPLES_SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- the importer -----------------------------------------------------------------------------


def _import_or_reject(db: Database, data_dir: Path, text: str, replace: bool = False) -> str:
    """Import; on rejection check the problems and that nothing was written."""
    before = dump(data_dir)
    try:
        import_text(db, text, replace=replace)
    except InvalidWorkflowFile as exc:
        assert exc.problems, "a rejection without a problem"
        for problem in exc.problems:
            assert isinstance(problem, str) and problem.strip(), exc.problems
            assert "\n" not in problem and "\r" not in problem, problem
            assert "Traceback" not in problem, problem
        assert dump(data_dir) == before, "a rejected file changed the database"
        return "rejected"
    except BadInput as exc:
        assert str(exc).strip() and "\n" not in str(exc), str(exc)
        assert dump(data_dir) == before, "a rejected file changed the database"
        return "rejected"
    except Exception as exc:  # anything else is a bug; report it without a huge traceback
        raise AssertionError(
            f"import raised {type(exc).__name__}: {str(exc)[:300]} (input starts {text[:120]!r})"
        ) from None
    return "imported"


NAMES = st.sampled_from(
    ["a", "note", "send", "User", "Order", "x y", "", "1a", "__class__", "on", "steps", "é"]
) | st.text(string.ascii_lowercase + "_", max_size=6)
TYPE_NAMES = st.sampled_from(
    [
        "text",
        "number",
        "yes/no",
        "date",
        "User",
        "list of text",
        "list of User",
        "list of list",
        "Nope",
        "",
        "list of",
    ]
)
ACTIONS = st.sampled_from(
    [
        "send_email",
        "create_thing",
        "modify_thing",
        "delete_thing",
        "schedule_workflow",
        "schedule_workflow_on_list",
        "cancel_scheduled",
        "http_request",
        "run_workflow",
        "return_data",
        "notify",
        "log",
        "terminate",
        "nope",
        "",
    ]
)
EXPRESSIONS = st.sampled_from(
    [
        "{{ x }}",
        "{{",
        "}}",
        "{{ now | add_days(1) }}",
        "{% for i in range(3) %}{{ i }}",
        "{{ user.email }}",
        "{{ step1 }}",
        "{{ step9.x }}",
        "birthday is not none",
        "1 +",
        "{{ ''.__class__ }}",
        "{{ secret('x') }}",
        "{{ search('User', email='a') }}",
        "{{ run.id }}",
        "{% include 'x' %}",
        "{{ 'a' * 10**9 }}",
        "now",
        "{#",
        "{{ a | nope }}",
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | EXPRESSIONS
    | TYPE_NAMES
    | st.dates()
    | st.datetimes()
)
VALUES = st.recursive(
    SCALARS,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(NAMES, kids, max_size=4),
    max_leaves=12,
)
STEP = st.fixed_dictionaries(
    {"action": ACTIONS | VALUES},
    optional={
        "with": st.dictionaries(
            st.sampled_from(
                [
                    "to",
                    "subject",
                    "body",
                    "type",
                    "fields",
                    "thing",
                    "workflow",
                    "params",
                    "at",
                    "every",
                    "list",
                    "item_param",
                    "id",
                    "url",
                    "method",
                    "json",
                    "values",
                    "message",
                    "title",
                    "timeout",
                    "nope",
                ]
            ),
            VALUES | EXPRESSIONS,
            max_size=4,
        )
        | VALUES,
        "only_when": EXPRESSIONS | VALUES,
    },
)
WORKFLOW = st.fixed_dictionaries(
    {},
    optional={
        "steps": st.lists(STEP, max_size=3) | VALUES,
        "parameters": st.dictionaries(
            NAMES,
            st.fixed_dictionaries(
                {"type": TYPE_NAMES | VALUES}, optional={"optional": VALUES, "list": VALUES}
            )
            | VALUES,
            max_size=3,
        ),
        "retries": st.fixed_dictionaries({}, optional={"attempts": VALUES, "backoff": VALUES})
        | VALUES,
        "timeout": VALUES,
        "on_missed": st.sampled_from(["run_late", "skip", "later"]) | VALUES,
        "grace": VALUES,
        "label": VALUES,
        "colour": VALUES,
        "only_when": EXPRESSIONS | VALUES,
        "ignore_privacy_rules": VALUES,
    },
)
DATA_TYPE = st.fixed_dictionaries(
    {},
    optional={
        "fields": st.dictionaries(NAMES, TYPE_NAMES | VALUES, max_size=4) | VALUES,
        "privacy": st.fixed_dictionaries(
            {},
            optional={
                "rules": st.lists(
                    st.fixed_dictionaries(
                        {"name": NAMES},
                        optional={
                            "when": EXPRESSIONS | VALUES,
                            "view": VALUES,
                            "find": VALUES,
                            "modify": VALUES,
                            "delete": VALUES,
                        },
                    )
                    | VALUES,
                    max_size=2,
                )
                | VALUES,
                "everyone_else": VALUES,
            },
        )
        | VALUES,
    },
)
TRIGGER = st.fixed_dictionaries(
    {},
    optional={
        "data_type": NAMES,
        "on": st.lists(st.sampled_from(["created", "modified", "deleted", "x"])) | VALUES,
        "only_when": EXPRESSIONS | VALUES,
        "workflow": NAMES,
        "params": VALUES,
    },
)
DOCUMENTS = (
    st.fixed_dictionaries(
        {},
        optional={
            "cueflow": st.just(1) | VALUES,
            "data_types": st.dictionaries(NAMES, DATA_TYPE | VALUES, max_size=3) | VALUES,
            "things": st.dictionaries(
                NAMES,
                st.lists(st.dictionaries(NAMES, VALUES, max_size=3), max_size=3) | VALUES,
                max_size=2,
            )
            | VALUES,
            "workflows": st.dictionaries(NAMES, WORKFLOW | VALUES, max_size=3) | VALUES,
            "triggers": st.dictionaries(NAMES, TRIGGER | VALUES, max_size=2) | VALUES,
            "runs": VALUES,
            "extra": VALUES,
        },
    )
    | VALUES
)


@EXAMPLES_SETTINGS
@given(doc=DOCUMENTS, replace=st.booleans(), as_json=st.booleans())
def test_generated_documents_are_imported_or_cleanly_rejected(
    db: Database, data_dir: Path, doc: Any, replace: bool, as_json: bool
) -> None:
    if as_json:
        import json

        try:
            text = json.dumps(doc, default=str)
        except (TypeError, ValueError):
            text = yaml.safe_dump(doc, allow_unicode=True)
    else:
        text = yaml.safe_dump(doc, allow_unicode=True)
    _import_or_reject(db, data_dir, text, replace)


@EXAMPLES_SETTINGS
@given(text=st.text(max_size=400))
def test_raw_text_is_imported_or_cleanly_rejected(db: Database, data_dir: Path, text: str) -> None:
    _import_or_reject(db, data_dir, text)


VALID = (EXAMPLES / "birthday.yaml").read_text(encoding="utf-8")


@EXAMPLES_SETTINGS
@given(data=st.data())
def test_mutated_real_files_are_imported_or_cleanly_rejected(
    db: Database, data_dir: Path, data: st.DataObject
) -> None:
    """Cut, splice and insert characters into a real example file."""
    text = VALID
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 20))
        insert = data.draw(
            st.sampled_from(["", ":", "- ", "{{", "}}", "\n", "  ", "&a", "*a", "!!str", "'", "\t"])
            | st.text(max_size=5)
        )
        text = text[:at] + insert + text[at + cut :]
    _import_or_reject(db, data_dir, text, replace=True)


def _billion_laughs(levels: int = 9) -> str:
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels + 1):
        refs = ",".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{refs}]")
    return (
        "cueflow: 1\nx-bomb:\n"
        + "\n".join("  " + line for line in lines)
        + f"\nworkflows:\n  bomb:\n    label: *l{levels}\n    steps:\n"
        + f"      - action: log\n        with: {{message: *l{levels}}}\n"
    )


HOSTILE_FILES = {
    "billion-laughs-aliases": _billion_laughs(),
    "deep-yaml-lists": "[" * 20000 + "]" * 20000,
    "deep-json-objects": '{"a":' * 20000 + "1" + "}" * 20000,
    "deep-flow-in-a-step": "cueflow: 1\nworkflows:\n  w:\n    steps:\n      - action: log\n"
    "        with: {message: " + "[" * 5000 + "]" * 5000 + "}\n",
    "python-object-tag": "!!python/object/apply:os.system ['echo pwned']\n",
    "python-name-tag": "workflows: !!python/name:os.system\n",
    "huge-label": "cueflow: 1\nworkflows:\n  w:\n    label: '" + "x" * 5_000_000 + "'\n"
    "    steps: [{action: log, with: {message: hi}}]\n",
    "many-workflows": "cueflow: 1\nworkflows:\n"
    + "".join(f"  w{i}: {{steps: [{{action: nope}}]}}\n" for i in range(3000)),
    "expression-bomb-in-file": "cueflow: 1\nworkflows:\n  w:\n    steps:\n"
    "      - action: log\n        with: {message: \"{{ 'a' * 10**9 }}\"}\n",
    "null-bytes": "cueflow: 1\nworkflows:\n  w\x00: {steps: []}\n",
}


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@contextlib.contextmanager
def _peak_memory_below(megabytes: float, what: str) -> Iterator[None]:
    """Fail if the process grows by `megabytes` or more while the block runs (sampled)."""
    if not os.path.exists("/proc/self/statm"):
        yield
        return
    base = _rss_mb()
    peak = [base]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.005):
            peak[0] = max(peak[0], _rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield
    finally:
        stop.set()
        sampler.join()
    grown = peak[0] - base
    assert grown < megabytes, f"{what} grew the process by {grown:.0f} MB"


@pytest.mark.timeout(10)
@pytest.mark.parametrize("name", list(HOSTILE_FILES))
def test_hostile_files_are_handled_in_bounded_time_and_memory(
    db: Database, data_dir: Path, name: str
) -> None:
    with _peak_memory_below(300, name):
        _import_or_reject(db, data_dir, HOSTILE_FILES[name])


def _import_limited(data_dir: Path, file: Path) -> subprocess.CompletedProcess[str]:
    """`cueflow import FILE` in a process that may use at most 1 GB of address space."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))

    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "import", str(file)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limit,
        cwd=ROOT,
    )


@pytest.mark.timeout(120)
def test_a_file_without_end_or_too_large_is_refused_unread(tmp_path: Path) -> None:
    """/dev/zero (never ends) and a sparse file of 65 MiB: exit 2, one line naming the
    file and the limit, never a MemoryError (exit 70); a folder is named as one."""
    data_dir = tmp_path / "data"
    huge = tmp_path / "huge.yaml"
    with open(huge, "wb") as handle:
        handle.truncate(65 * 2**20)
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    wrong = tmp_path / "utf16.yaml"
    wrong.write_bytes("cueflow: 1\n".encode("utf-16"))
    for file, reason in (
        (Path("/dev/zero"), "larger than 64 MiB"),
        (huge, "larger than 64 MiB"),
        (folder, "is a folder"),
        (wrong, "not UTF-8 text (byte 0xff at offset 0)"),
    ):
        done = _import_limited(data_dir, file)
        assert done.returncode == 2, (file, done.returncode, done.stderr[-300:])
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
        assert str(file) in done.stderr and reason in done.stderr, done.stderr


# --- expressions through a real run -----------------------------------------------------------

ESCAPES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ().__class__.__base__.__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__.os }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ self.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ ''|attr('__class__')|attr('__mro__') }}",
    "{{ (()|attr('__class__')|attr('__base__')|attr('__subclasses__'))() }}",
    "{{ '{0.__class__.__mro__}'.format(1) }}",
    "{{ '%s'.format.__self__ }}",
    "{{ now.__class__.__init__.__globals__ }}",
    "{{ now.replace.__self__.__class__ }}",
    "{{ search.__globals__ }}",
    "{{ search.__closure__ }}",
    "{{ search.__code__.co_consts }}",
    "{{ run.__class__.__subclasses__() }}",
    "{{ run.update(id='forged') }}",
    "{{ run.clear() }}",
    "{{ secret.__globals__ }}",
    "{{ range.__self__ }}",
    "{{ dict.__base__ }}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}{{ os }}",
    "{% extends '/etc/passwd' %}",
]

BOMBS = [
    "{{ 'a' * 10**9 }}",
    "{{ [1] * 10**9 }}",
    "{{ 2 ** (10**8) }}",
    "{{ 10 ** 1000000 }}",
    "{{ range(10**12) | list }}",
    "{% for i in range(10**9) %}{% endfor %}",
    "{% for i in range(10**5) %}{% for j in range(10**5) %}{% endfor %}{% endfor %}",
    "{% set ns = namespace(s='a') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}"
    "{% endfor %}{{ ns.s | length }}",
    "{% set ns = namespace(l=[1]) %}{% for i in range(64) %}{% set ns.l = ns.l + ns.l %}"
    "{% endfor %}{{ ns.l | length }}",
    "{% set ns = namespace(n=10**1000) %}{% for i in range(40) %}{% set ns.n = ns.n * ns.n %}"
    "{% endfor %}{{ ns.n > 0 }}",
    "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
    "{{ 'x' | center(10**9) }}",
    "{{ 'ab' | indent(10**9) }}",
    "{{ 'a' | wordwrap(1) * 10**8 }}",
    "{{ ('%0' ~ 10**9 ~ 'd') % 1 }}",
    "{{ '{:>1000000000}'.format(1) }}",
    "{{ lipsum(10**6) }}",
    "{{ 'a' | truncate(10**9) ~ ('b' * 999999) * 999 }}",
]


def _save(db: Database, name: str, steps: list[StepDef], timeout: float = 300) -> None:
    with db.write() as session:
        catalog.save_workflow(session, WorkflowDef(name=name, steps=tuple(steps), timeout=timeout))


def _run(db: Database, name: str) -> tuple[str, str, list[str]]:
    run_id = Runner(db).run_now(name, {})
    with db.read() as session:
        row = ledger.get_run(session, run_id)
        log = [line.message for line in ledger.log_lines(session, run_id)]
        return row.status, row.error or "", log


@pytest.mark.timeout(10)
@pytest.mark.parametrize("source", ESCAPES)
def test_sandbox_escapes_fail_the_run_with_a_clear_error(db: Database, source: str) -> None:
    _save(db, "escape", [StepDef("log", {"message": source})])
    status, error, log = _run(db, "escape")
    assert status == "failed", (status, error, log)
    assert error.startswith("step 1 (log)") or "step 1" in error, error
    assert "\n" not in error and len(error) < 2000, error
    assert "uid=" not in " ".join(log) + error  # `id` never ran


@pytest.mark.timeout(10)
@pytest.mark.parametrize("source", BOMBS)
def test_resource_bombs_fail_the_run_in_bounded_time_and_memory(db: Database, source: str) -> None:
    _save(db, "bomb", [StepDef("log", {"message": source})], timeout=5)
    with _peak_memory_below(300, source):
        status, error, _ = _run(db, "bomb")
    assert status in ("failed", "interrupted"), (status, error)
    assert error and "\n" not in error and len(error) < 2000, error


@pytest.mark.timeout(10)
def test_a_workflow_running_itself_inline_is_stopped(db: Database) -> None:
    _save(db, "again", [StepDef("run_workflow", {"workflow": "again", "params": {}})])
    status, error, _ = _run(db, "again")
    assert status == "failed"
    assert "nested deeper than" in error, error
    assert "\n" not in error
