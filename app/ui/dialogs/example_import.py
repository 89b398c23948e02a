"""Load the bundled examples when some of their names are taken: Replace,
Keep both (the example's workflows and triggers under new names such as
`send_birthday_email_2`, with the calls between them following) or Skip."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from app.engine.data_folder import DataFolder
from app.errors import InvalidWorkflowFile
from app.workflow_file.importer import ImportSummary, import_text
from app.workflow_file.reader import load_text

REPLACE, KEEP_BOTH, SKIP = "replace", "keep_both", "skip"
_EXISTS = "already exists"


def conflicts_of(error: InvalidWorkflowFile) -> list[str] | None:
    """The taken names when every problem of a refused import is one; else None."""
    if not error.problems or not all(_EXISTS in p for p in error.problems):
        return None
    return [p.split(":", 1)[0] for p in error.problems]


def import_keeping_both(
    folder: DataFolder, text: str, name: str
) -> tuple[ImportSummary, dict[str, str]]:
    """Import `text` beside what exists: taken workflow and trigger names get a
    free `_2`, `_3` … suffix (and references follow); data types and things
    that exist are kept as they are. Returns the summary and {old: new}."""
    doc = load_text(text, name)
    workflows, triggers, types = folder.data.taken_names()
    renamed: dict[str, str] = {}
    if isinstance(doc, dict):
        file_workflows = doc.get("workflows")
        if isinstance(file_workflows, dict):
            taken = workflows | {str(k) for k in file_workflows}
            for old in [k for k in file_workflows if k in workflows]:
                new = _free_name(str(old), taken)
                taken.add(new)
                renamed[str(old)] = new
                file_workflows[new] = file_workflows.pop(old)
            for body in file_workflows.values():
                for step in (body or {}).get("steps") or []:
                    _follow(step.get("with") if isinstance(step, dict) else None, renamed)
        file_triggers = doc.get("triggers")
        if isinstance(file_triggers, dict):
            taken = triggers | {str(k) for k in file_triggers}
            for old in [k for k in file_triggers if k in triggers]:
                new = _free_name(str(old), taken)
                taken.add(new)
                file_triggers[new] = file_triggers.pop(old)
            for body in file_triggers.values():
                _follow(body, renamed)
        # Types that exist stay as they are, with their things.
        for key in ("data_types", "things"):
            section = doc.get(key)
            if isinstance(section, dict):
                for type_name in [t for t in section if t in types]:
                    del section[type_name]
    summary = import_text(folder.db, yaml.safe_dump(doc, sort_keys=False), name=name)
    return summary, renamed


def _free_name(name: str, taken: set[str]) -> str:
    number = 2
    while f"{name}_{number}" in taken:
        number += 1
    return f"{name}_{number}"


def _follow(inputs: Any, renamed: Mapping[str, str]) -> None:
    """A literal `workflow: old` (a step's target, a trigger's workflow) follows the rename."""
    if isinstance(inputs, dict) and isinstance(inputs.get("workflow"), str):
        inputs["workflow"] = renamed.get(inputs["workflow"], inputs["workflow"])
