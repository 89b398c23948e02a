"""Field and parameter types, and the conversion of values to and from them.

A type is `text`, `number`, `yes/no`, `date`, the name of a data type (a
thing reference), or `list of` any of these. Values travel in three shapes:
native Python (what expressions see), JSON-safe (what the database stores:
dates as ISO 8601, things as their IDs) and text typed by a person.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from tzlocal import get_localzone

from app.errors import BadInput

SCALARS = ("text", "number", "yes/no", "date")
_TYPE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*\Z")
_YES = {"yes", "true"}
_NO = {"no", "false"}


class ThingLike(Protocol):
    """What a value of a data-type field is: something with an ID and a type."""

    @property
    def id(self) -> str: ...

    @property
    def type_name(self) -> str: ...


ThingResolver = Callable[[str, str], ThingLike]
"""Look a thing up by (data type name, ID); raises NotFound if there is none."""


@dataclass(frozen=True)
class ValueType:
    """A field or parameter type."""

    base: str
    is_list: bool = False

    @classmethod
    def parse(cls, spec: str, *, is_list: bool = False) -> ValueType:
        """Parse `text`, `list of User` …; raise BadInput on anything else."""
        text = " ".join(str(spec).split())
        if text.startswith("list of "):
            if is_list:
                raise BadInput(f"'{spec}' is already a list")
            return cls(_base(text[len("list of ") :], spec), True)
        return cls(_base(text, spec), is_list)

    @property
    def is_thing(self) -> bool:
        return self.base not in SCALARS

    @property
    def item(self) -> ValueType:
        return ValueType(self.base)

    def __str__(self) -> str:
        return f"list of {self.base}" if self.is_list else self.base


def _base(text: str, spec: str) -> str:
    if text in SCALARS:
        return text
    if text in ("yes / no", "boolean", "bool"):
        return "yes/no"
    if _TYPE_NAME.match(text):
        return text
    raise BadInput(f"unknown type '{spec}'")


def local_zone() -> Any:
    """The machine's time zone, used for times given without an offset."""
    return get_localzone()


def parse_datetime(text: str) -> datetime:
    """ISO 8601 date or date-time; no offset means local time."""
    raw = text.strip()
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(f"'{text}' is not a date (ISO 8601, e.g. 2026-12-10T09:00)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_zone())
    return _in_range(value, text)


def _in_range(value: datetime, text: object) -> datetime:
    """`value`, if it has a time in UTC (0001-01-01T00:00+01:00 has none)."""
    try:
        value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise BadInput(f"'{text}' is out of range (years 1 to 9999 in UTC)") from None
    return value


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return _in_range(value if value.tzinfo else value.replace(tzinfo=local_zone()), value)
    if isinstance(value, date):
        return _in_range(datetime(value.year, value.month, value.day, tzinfo=local_zone()), value)
    if isinstance(value, str):
        return parse_datetime(value)
    raise BadInput(f"expected a date, got {_describe(value)}")


# A whole number of more than ~300 digits is refused: no float reaches it, JSON
# readers elsewhere lose it, and Python cannot even write one past 4,300 digits.
MAX_WHOLE = 10**300  # the first whole number with 301 digits


def _as_number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise BadInput(f"expected a number, got {_describe(value)}")
    if isinstance(value, int):
        if abs(value) >= MAX_WHOLE:
            raise BadInput("the number is too large (more than 300 digits)")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BadInput("expected a finite number")
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, str):
        try:
            whole = int(value.strip())  # exact, up to 300 digits
        except ValueError:
            pass
        else:
            return _as_number(whole)
        try:
            number = float(value.strip())
        except ValueError:
            raise BadInput(f"'{value}' is not a number") from None
        return _as_number(number)
    raise BadInput(f"expected a number, got {_describe(value)}")


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _YES | _NO:
        return value.strip().lower() in _YES
    raise BadInput(f"expected yes or no, got {_describe(value)}")


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise BadInput(f"expected text, got {_describe(value)}")


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if hasattr(value, "type_name") and hasattr(value, "id"):
        return f"a {value.type_name}"
    names = {bool: "yes/no", int: "a number", float: "a number", str: "text"}
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, datetime):
        return "a date"
    return names.get(type(value), type(value).__name__)


def coerce(vtype: ValueType, value: Any, resolve: ThingResolver | None = None) -> Any:
    """Turn a native or JSON-safe value into the native value of `vtype`.

    `None` passes through (optionality is the caller's business). Thing
    references given as IDs are looked up with `resolve`.
    """
    if value is None:
        return None
    if vtype.is_list:
        if isinstance(value, str):
            value = _json_list(value)
        if not isinstance(value, list | tuple):
            raise BadInput(f"expected a list, got {_describe(value)}")
        return [coerce(vtype.item, item, resolve) for item in value]
    if vtype.base == "text":
        return _as_text(value)
    if vtype.base == "number":
        return _as_number(value)
    if vtype.base == "yes/no":
        return _as_bool(value)
    if vtype.base == "date":
        return _as_datetime(value)
    return _as_thing(vtype.base, value, resolve)


def _as_thing(type_name: str, value: Any, resolve: ThingResolver | None) -> Any:
    if hasattr(value, "type_name") and hasattr(value, "id"):
        if value.type_name != type_name:
            raise BadInput(f"expected a {type_name}, got a {value.type_name}")
        return value
    if isinstance(value, str):
        if resolve is None:
            return value
        return resolve(type_name, value.strip())
    raise BadInput(f"expected a {type_name} (a thing or its ID), got {_describe(value)}")


def _json_list(text: str) -> list[Any]:
    try:
        value = json.loads(text)
    except ValueError:
        raise BadInput(f"'{_clip(text)}' is not a JSON array") from None
    except RecursionError:
        raise BadInput("the list is nested too deeply") from None
    if not isinstance(value, list):
        raise BadInput(f"'{_clip(text)}' is not a JSON array")
    return value


def _clip(text: str, limit: int = 80) -> str:
    """The start of a long value, to quote in a one-line error."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_text(vtype: ValueType, text: str, resolve: ThingResolver | None = None) -> Any:
    """Parse what a person typed (`-p KEY=VALUE`, `-f FIELD=VALUE`)."""
    if vtype.is_list:
        return coerce(vtype, _json_list(text), resolve)
    return coerce(vtype, text, resolve)


def encode(vtype: ValueType, value: Any) -> Any:
    """Native value to its JSON-safe form: dates in ISO 8601, things as IDs."""
    if value is None:
        return None
    if vtype.is_list:
        return [encode(vtype.item, item) for item in value]
    if vtype.base == "date":
        stamp: datetime = value
        return stamp.isoformat()
    if vtype.is_thing:
        return value if isinstance(value, str) else value.id
    return value


_PLAIN = frozenset((type(None), bool, int, float, str))


def to_json_safe(value: Any) -> Any:
    """Encode any native value (no type known), e.g. a step's result."""
    kind = type(value)  # the common types by their exact type first (issue 18)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {str(k): to_json_safe(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [to_json_safe(v) for v in value]
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "type_name") and hasattr(value, "id"):
        return value.id
    if isinstance(value, Mapping):
        return {str(k): to_json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_json_safe(v) for v in value]
    return str(value)


def utcnow() -> datetime:
    return datetime.now(UTC)
