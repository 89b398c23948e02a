"""The reader of the workflow file (PRODUCT §4): YAML, or JSON, to checked definitions.

Pure: it touches no database. What it needs to know of the database (the data
types, workflows, thing IDs and trigger names already there) is given to it as
a `Known`. It reads and checks the whole document and reports every problem
with its place, e.g.
`workflows.send_birthday_email.steps[2].with.at: unknown name 'birtday'`;
`importer` writes what it returns.

This module holds the entry points, the YAML loading and the document's top
level; the parts of the document are read by `read_types` (data types,
privacy rules, things), `read_workflows` and `read_triggers`, over the shared
checks of `read_base`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from app.core.definitions import (
    CONTROL,
    MAX_NAME,
    TYPE_NAME,
    DataTypeDef,
    TriggerDef,
    WorkflowDef,
)
from app.engine.validation import Problem, check_fields, validate_workflow
from app.errors import BadInput, InvalidWorkflowFile, one_line
from app.workflow_file.read_base import quote, single_line
from app.workflow_file.read_triggers import TriggersReader
from app.workflow_file.read_types import FileThing, TypesReader
from app.workflow_file.read_workflows import WorkflowsReader

FORMAT_VERSION = 1
TOP_KEYS = ("cueflow", "data_types", "things", "workflows", "triggers", "runs")
RUN_KEYS = ("id", "workflow", "scheduled_for", "params", "run_as", "ignore_privacy")


@dataclass
class FileContents:
    data_types: list[DataTypeDef] = field(default_factory=list)
    things: list[FileThing] = field(default_factory=list)
    workflows: list[WorkflowDef] = field(default_factory=list)
    triggers: list[TriggerDef] = field(default_factory=list)
    # The upcoming runs of an export, as given: `importer` checks each with
    # `run_problems`, then builds it against the workflows as written.
    runs: Any = None


@dataclass(frozen=True)
class Known:
    """What the database already holds, as plain data: what a file may refer to or collide with."""

    data_types: Mapping[str, DataTypeDef] = field(default_factory=dict)
    workflows: Mapping[str, WorkflowDef] = field(default_factory=dict)
    thing_ids: AbstractSet[str] = frozenset()
    triggers: AbstractSet[str] = frozenset()


# --- reading ----------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false, so `on: [created]` keeps its key `on`.

    Aliases (`*name`) are refused: a few of them can expand into billions of
    nodes ("billion laughs"), and a workflow file has no need for them.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                None,
                None,
                "aliases (*name) are not allowed in a workflow file",
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        """A date that does not exist (`2026-13-45`) or an integer of 5,000 digits
        is a problem at its place, never an internal error."""
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            raise yaml.MarkedYAMLError(
                None,
                None,
                f"{quote(node.value)} cannot be read: {single_line(exc)}",
                node.start_mark,
            ) from None

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        """A key given twice in one mapping is an error, never "the last one wins"."""
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node)
                except TypeError:  # an unhashable key: the base class says so
                    continue
                if first is not key_node:
                    raise yaml.MarkedYAMLError(
                        None,
                        None,
                        f"duplicate key {quote(key)} (first given on line "
                        f"{first.start_mark.line + 1})",
                        key_node.start_mark,
                    )
        return super().construct_mapping(node, deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_text(text: str, name: str = "file") -> Any:
    """Parse YAML (JSON is YAML); a syntax error names the line."""
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{name}: line {mark.line + 1}, column {mark.column + 1}" if mark else name
        raise InvalidWorkflowFile([f"{where}: {single_line(exc.problem or exc)}"]) from None
    except yaml.YAMLError as exc:
        raise InvalidWorkflowFile([f"{name}: not valid YAML or JSON: {single_line(exc)}"]) from None
    except RecursionError:
        raise InvalidWorkflowFile([f"{name}: nested too deeply"]) from None


class _Reader(TypesReader, WorkflowsReader, TriggersReader):
    """Turns the parsed document into definitions, collecting problems."""

    def read(self, doc: Any) -> FileContents:
        out = FileContents()
        if not isinstance(doc, Mapping):
            self.add("file", "expected a mapping with workflows, data_types, things, triggers")
            return out
        self.unknown_keys(doc, TOP_KEYS, "file")
        version = doc.get("cueflow", FORMAT_VERSION)
        if version != FORMAT_VERSION or type(version) is not int:
            self.add("cueflow", f"unsupported format version {version!r} (this Cueflow reads 1)")
        types = self.mapping(doc.get("data_types"), "data_types")
        for name in types:  # first pass: every name, so fields may refer to each other
            if isinstance(name, str) and TYPE_NAME.match(name):
                self.known_types.setdefault(name, DataTypeDef(name, ()))
        for name, body in types.items():
            if not self.name(name, f"data_types.{quote(name)}", "data type name"):
                continue
            definition = self.data_type(str(name), body)
            if definition is not None:
                out.data_types.append(definition)
                self.known_types[definition.name] = definition
        for definition in out.data_types:  # now every type's fields are known
            for index, rule in enumerate(definition.privacy.rules, start=1):
                where = f"data_types.{definition.name}.privacy.rules[{index}].when"
                reasons = check_fields(
                    rule.when, {"thing": definition.name}, self.known_types, condition=True
                )
                self.problems += [Problem(where, reason) for reason in reasons]
        out.things = self.read_things(doc.get("things"))
        workflows = self.mapping(doc.get("workflows"), "workflows")
        drafts = []
        for name, body in workflows.items():
            if not self.name(name, f"workflows.{quote(name)}", "workflow name"):
                continue
            wf = self.workflow(str(name), body)
            if wf is not None:
                drafts.append(wf)
                self.known_workflows[wf.name] = wf
        for wf in drafts:
            self.problems += validate_workflow(
                wf, self.known_types, self.known_workflows, f"workflows.{wf.name}"
            )
        out.workflows = drafts
        triggers = self.mapping(doc.get("triggers"), "triggers")
        for name, body in triggers.items():
            if not self.name(name, f"triggers.{quote(name)}", "trigger name"):
                continue
            trigger = self.trigger(str(name), body)
            if trigger is not None:
                out.triggers.append(trigger)
        out.runs = doc.get("runs")
        return out


# --- the file and the whole document -----------------------------------------


MAX_FILE_BYTES = 64 * 1024 * 1024  # a workflow file, things included; more is refused unread


def read_file(path: Path) -> str:
    """The text of a workflow file: UTF-8, at most MAX_FILE_BYTES.

    Read in one bounded read, so a device without end (/dev/zero) or a huge
    file is refused instead of filling the memory.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: is a folder, not a workflow file") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise BadInput(
            f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB, the most a workflow "
            "file may be; split it into several files"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8"
        ) from None


def read_document(doc: Any, known: Known | None = None, *, replace: bool = False) -> FileContents:
    """The checked definitions of a parsed document, or InvalidWorkflowFile with every problem.

    Without `replace`, a workflow, thing or trigger the database already holds
    (or a data type it holds differently) is a problem too.
    """
    known = known or Known()
    reader = _Reader(known.data_types, known.workflows, set(known.thing_ids))
    contents = reader.read(doc)
    problems = [one_line(str(p)) for p in reader.problems]
    if not replace:
        problems += _conflicts(
            contents, known.data_types, known.workflows, known.thing_ids, known.triggers
        )
    if problems:
        raise InvalidWorkflowFile(problems)
    return contents


def read_text(
    text: str, known: Known | None = None, *, name: str = "file", replace: bool = False
) -> FileContents:
    """`read_document` of a YAML or JSON text."""
    doc = load_text(text, name)
    try:
        return read_document(doc, known, replace=replace)
    except RecursionError:
        raise InvalidWorkflowFile([f"{name}: nested too deeply"]) from None


def run_problems(
    item: Any, place: str, seen: dict[str, str], thing_ids: AbstractSet[str]
) -> list[str]:
    """What is wrong with one upcoming run of `runs`, before anything is built.

    `seen` maps the run IDs given so far to their place; `thing_ids` are the
    things in the database and the file (a run may run as one of them).
    """
    if not isinstance(item, Mapping):
        return [f"{place}: expected a mapping"]
    unknown = [key for key in item if key not in RUN_KEYS]
    if unknown:
        return [f"{place}.{unknown[0]}: unknown key (allowed: {', '.join(RUN_KEYS)})"]
    problems = []
    run_id = item.get("id")
    if run_id is not None:
        if not isinstance(run_id, str) or not run_id.strip() or len(run_id) > MAX_NAME:
            problems.append(f"{place}.id: expected a run ID (text), got {quote(run_id)}")
        elif CONTROL.search(run_id):
            problems.append(f"{place}.id: a run ID cannot contain control characters")
        elif run_id in seen:
            problems.append(f"{place}.id: run '{run_id}' given twice (also {seen[run_id]})")
        else:
            seen[run_id] = f"{place}.id"
    if not isinstance(item.get("workflow"), str):
        got = quote(item.get("workflow"))
        problems.append(f"{place}.workflow: expected a workflow name, got {got}")
    params = item.get("params")
    if params is not None and not isinstance(params, Mapping):
        problems.append(f"{place}.params: expected a mapping of parameters, got {quote(params)}")
    run_as = item.get("run_as")
    if run_as is not None:
        if not isinstance(run_as, str):
            problems.append(f"{place}.run_as: expected a thing's ID, got {quote(run_as)}")
        elif run_as not in thing_ids:
            problems.append(
                f"{place}.run_as: no thing with ID '{run_as}' in the file or the database"
            )
    flag = item.get("ignore_privacy")
    if flag is not None and not isinstance(flag, bool):
        problems.append(f"{place}.ignore_privacy: expected true or false, got {quote(flag)}")
    return problems


def _conflicts(
    contents: FileContents,
    types: Mapping[str, DataTypeDef],
    workflows: Mapping[str, WorkflowDef],
    things: AbstractSet[str],
    triggers: AbstractSet[str],
) -> list[str]:
    """What the file would replace in the database (refused unless importing with --replace)."""
    hint = "already exists (import with --replace to replace it)"
    out = [
        f"workflows.{wf.name}: workflow {hint}" for wf in contents.workflows if wf.name in workflows
    ]
    out += [
        f"data_types.{d.name}: data type {hint}"
        for d in contents.data_types
        if d.name in types and types[d.name] != d
    ]
    out += [f"things: thing '{i}' {hint}" for _, i, _ in contents.things if i in things]
    out += [f"triggers.{t.name}: trigger {hint}" for t in contents.triggers if t.name in triggers]
    return out
