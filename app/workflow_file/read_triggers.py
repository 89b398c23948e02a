"""The reader's part for database triggers: structure here, meaning in `trigger_problems`.

The checks of what a trigger refers to (its data type, events, workflow and
the expressions over `thing_before` / `thing_now`) are
`app.engine.validation.trigger_problems`, which the Data area's service
calls too, so a trigger the window saves is one the file accepts.
"""

from __future__ import annotations

from typing import Any

from app.core.definitions import TriggerDef
from app.engine.validation import trigger_problems
from app.workflow_file.read_base import ReaderBase, plain, text_or_none

TRIGGER_KEYS = ("data_type", "on", "only_when", "workflow", "params")


class TriggersReader(ReaderBase):
    """Database triggers."""

    def trigger(self, name: str, body: Any) -> TriggerDef:
        """The trigger as written; what it refers to is checked by `trigger_problems`."""
        place = f"triggers.{name}"
        body = self.mapping(body, place)
        self.unknown_keys(body, TRIGGER_KEYS, place)
        events = body.get("on") or []
        events = [events] if isinstance(events, str) else events
        if not isinstance(events, list):
            events = []
        params = self.mapping(body.get("params"), f"{place}.params")
        trigger = TriggerDef(
            name,
            str(body.get("data_type") or ""),
            tuple(str(e) for e in events),
            str(body.get("workflow") or ""),
            text_or_none(body.get("only_when")),
            plain(dict(params)),
        )
        self.problems += trigger_problems(trigger, self.known_types, self.known_workflows)
        return trigger
