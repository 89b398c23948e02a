"""What every part of the workflow file's reader shares: where problems are collected,
the checks of plain values (mappings, numbers, text, names, flags, types) and the
ranges a file's numbers must keep to (README, "The workflow file").

`reader` combines this base with the readers of data types (`read_types`),
workflows (`read_workflows`) and triggers (`read_triggers`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from app.core.definitions import CONTROL, DataTypeDef, WorkflowDef, name_problem
from app.core.types import ValueType
from app.engine.validation import Problem, check_type_name
from app.errors import BadInput

# Sane ranges of the numbers a file gives (README, "The workflow file"): each is
# checked on import, so a run never meets an infinite backoff or a NaN timeout.
DAY = 86400.0
MAX_TIMEOUT = 7 * DAY  # timeout: more than 0, at most a week
MAX_GRACE = 366 * DAY  # grace: 0 to a year
MAX_ATTEMPTS = 100  # retries.attempts: a whole number, 0 to 100
MAX_BACKOFF = DAY  # retries.backoff: 0 to a day (doubling after each try)
MAX_STEP_SECONDS = 366 * DAY  # a number input of a step (interval, timeout): 0 to a year
MAX_LABEL = 1000  # labels, privacy rule names
MAX_DESCRIPTION = 100_000


def single_line(text: object) -> str:
    return " ".join(str(text).split())


def quote(value: Any, limit: int = 60) -> str:
    """A value as it may appear in a one-line problem: escaped, clipped."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ReaderBase:
    """Collects problems; checks the plain values every part of the file is made of."""

    def __init__(
        self,
        known_types: Mapping[str, DataTypeDef],
        known_workflows: Mapping[str, WorkflowDef],
        known_things: set[str],
    ) -> None:
        self.problems: list[Problem] = []
        self.known_types = dict(known_types)
        self.known_workflows = dict(known_workflows)
        self.known_things = known_things

    def add(self, place: str, reason: str) -> None:
        self.problems.append(Problem(place, reason))

    def mapping(self, value: Any, place: str) -> Mapping[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.add(place, "expected a mapping")
            return {}
        return value

    def unknown_keys(self, value: Mapping[str, Any], allowed: tuple[str, ...], place: str) -> None:
        for key in value:
            if key not in allowed:
                self.add(f"{place}.{key}", f"unknown key (allowed: {', '.join(allowed)})")

    def number(
        self,
        value: Any,
        place: str,
        default: float,
        high: float,
        *,
        low: float = 0.0,
        above_low: bool = False,
        what: str = "a number of seconds",
    ) -> float:
        """A number from `low` to `high` (finite; `above_low`: more than `low`)."""
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(place, f"expected {what}, got {quote(value)}")
            return default
        if not math.isfinite(value):
            self.add(place, f"expected {what}, got {value} (not a finite number)")
            return default
        if value < low or (above_low and value == low) or value > high:
            least = f"more than {low:,.0f}" if above_low else f"{low:,.0f}"
            unit = "" if "whole" in what else " seconds"
            self.add(place, f"{value:g} is out of range ({least} to {high:,.0f}{unit})")
            return default
        return float(value)

    def text(
        self, value: Any, place: str, *, limit: int, default: str = "", lines: bool = False
    ) -> str:
        """Text (a number is taken as its text) of at most `limit` characters.

        Control characters are refused, and line breaks too unless `lines`.
        """
        if value is None:
            return default
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.add(place, f"expected text, got {quote(value)}")
            return default
        if len(value) > limit:
            self.add(place, f"too long ({len(value):,} characters; at most {limit:,})")
            return default
        bad = CONTROL.search(value.replace("\n", "").replace("\t", "") if lines else value)
        if bad:
            self.add(place, f"control character {bad.group()!r} not allowed")
            return default
        return value

    def list_items(
        self, value: Any, place: str, what: str
    ) -> Iterator[tuple[int, str, Mapping[str, Any]]]:
        """(1-based index, place, mapping) of each item of a list (nothing given: no items).

        Lazily, so each item's problems follow the problems of the items before it.
        """
        items = value or []
        if not isinstance(items, list):
            self.add(place, f"expected a list of {what}")
            return
        for index, item in enumerate(items, start=1):
            where = f"{place}[{index}]"
            yield index, where, self.mapping(item, where)

    def name(self, value: Any, place: str, what: str) -> bool:
        """Whether `value` can be a name or ID (text, not too long, no control characters)."""
        reason = name_problem(value, what)
        if reason is not None:
            self.add(place, reason)
        return reason is None

    def choice(self, value: Any, place: str, allowed: tuple[str, ...]) -> str:
        """One of `allowed` (the first when absent)."""
        if value is None:
            return allowed[0]
        if value not in allowed:
            self.add(place, f"expected one of {', '.join(allowed)}, got {quote(value)}")
            return allowed[0]
        return str(value)

    def flag(self, value: Any, place: str) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.add(place, f"expected true or false, got {value!r}")
            return False
        return value

    def value_type(self, spec: Any, place: str, *, is_list: bool = False) -> ValueType | None:
        if not isinstance(spec, str):
            self.add(place, f"expected a type such as text or list of text, got {spec!r}")
            return None
        try:
            vtype = ValueType.parse(spec, is_list=is_list)
        except BadInput as exc:
            self.add(place, exc.reason)
            return None
        reason = check_type_name(vtype.base, self.known_types)
        if reason:
            self.add(place, reason)
            return None
        return vtype


def text_or_none(value: Any) -> str | None:
    """A condition as text; other scalars (a YAML date, a number) become their text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool | int | float):
        return str(value).lower() if isinstance(value, bool) else str(value)
    return json.dumps(plain(value))


def plain(value: Any) -> Any:
    """YAML values to what the database stores (dates as ISO text)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
