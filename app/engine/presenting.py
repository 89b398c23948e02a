"""How runs, schedules and things are shown to a person: the `--json` objects of
the command line and the window's details, and readable labels of things.

Above storage (which only reads and writes) and below every front end, so the
command line, the window and the workflow API show the same thing the same way.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from itertools import islice
from typing import Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy.orm import Session

from app.actions import registry
from app.storage import models as m
from app.storage import views


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def run_to_json(run: Any) -> dict[str, Any]:
    """The `runs --json` object of PRODUCT §5 (of a Run or a row of its columns)."""
    return {
        "id": run.id,
        "workflow": run.workflow,
        "status": run.status,
        "scheduled_for": _iso(run.scheduled_for),
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        "created_at": _iso(run.created_at),
        "params": run.params,
        "run_as": run.run_as,
        "ignore_privacy": run.ignore_privacy,
        "error": run.error,
        "attempt": run.attempt,
        "parent_id": run.parent_id,
        "origin": run.origin,
        "workflow_version": run.workflow_version,
        "returned": run.returned,
        "trigger": run.trigger,
        "schedule_id": run.schedule_id,
    }


def steps_to_json(rows: Sequence[m.StepResult]) -> list[dict[str, Any]]:
    return [
        {
            "step": row.position,
            "action": row.action,
            "attempt": row.attempt,
            "status": row.status,
            "inputs": row.inputs,
            "result": row.result,
            "error": row.error,
            "duration_ms": round(row.duration_ms, 3),
        }
        for row in rows
    ]


def schedule_to_json(row: m.Schedule) -> dict[str, Any]:
    """The `schedules --json` object."""
    return {
        "id": row.id,
        "workflow": row.workflow,
        "every": row.every,
        "timezone": row.timezone,
        "start": row.start.isoformat(),
        "status": row.status,
        "params": row.params,
        "run_as": row.run_as,
    }


def thing_label(data: dict[str, Any], thing_id: str, *, brief: bool = False) -> str:
    """`Ada <ada@example.com>`-like label from the first text-looking fields
    (`brief`: just `Ada`, for table cells)."""
    name = next((str(data[k]) for k in ("name", "title", "label") if data.get(k)), "")
    email = str(data.get("email") or "")
    if name and email and not brief:
        return f"{name} <{email}>"
    if name or email:
        return name or email
    first = next((str(v) for v in data.values() if isinstance(v, str) and v), "")
    return first or thing_id


def key_words(key: str) -> str:
    """`birthday` → `Birthday`, `start_date` → `Start date`: a parameter's or field's
    key as the Run form titles it."""
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else key


_PARAMETER = re.compile(r"^parameter '([a-z0-9_]+)' \(([^)]*)\)(?:: | is required$)")


def parameter_error_words(reason: str) -> tuple[str | None, str]:
    """A parameter check's reason in the Run form's words: the key it names and
    "Birthday: 'x' is not a date" for "parameter 'birthday' (date): 'x' is not a
    date" ("Birthday is required" for a missing one); other reasons unchanged."""
    found = _PARAMETER.match(reason)
    if found is None:
        return None, reason
    key, title = found.group(1), key_words(found.group(1))
    if found.group(0).endswith(" is required"):
        return key, f"{title} is required"
    return key, f"{title}: {reason[found.end() :]}"


def thing_labels(session: Session, thing_ids: Iterable[str]) -> dict[str, str]:
    """Short labels (a name, else an email …) of the things with these IDs that exist."""
    return {
        thing_id: thing_label(data, thing_id, brief=True)
        for thing_id, data in views.thing_data(session, thing_ids).items()
    }


def thing_choices(
    session: Session, type_name: str | None = None, limit: int = 1000
) -> list[tuple[str, str, str]]:
    """(id, type name, a readable label) of things, for pickers."""
    return [
        (thing_id, name, thing_label(data, thing_id))
        for thing_id, name, data in views.thing_choice_rows(session, type_name, limit)
    ]


# --- time zones as a person names them --------------------------------------------

UTC_KEYS = frozenset({"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Etc/Zulu", "Z"})
# The regions whose zones are named by a city; the others (Etc/GMT+5, US/Eastern,
# posixrules …) are other names of these and are not offered in lists.
CITY_REGIONS = frozenset(
    {"Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian"}
    | {"Pacific"}
)


def zone_key(zone: tzinfo) -> str:
    return str(getattr(zone, "key", None) or zone)


def offset_text(moment: datetime) -> str:
    offset = moment.strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"


def zone_words(zone: tzinfo, moment: datetime | None = None) -> str:
    """`UTC`, or the zone's city and offset (`Berlin, UTC+01:00`): not `Etc/UTC`."""
    key = zone_key(zone)
    if key in UTC_KEYS or key.upper() == "UTC":
        return "UTC"
    city = key.rsplit("/", 1)[-1].replace("_", " ")
    when = (moment or datetime.now(UTC)).astimezone(zone)
    return f"{city}, {offset_text(when)}"


def zone_choices(now: datetime | None = None) -> list[tuple[str, str]]:
    """(words, key) of the time zones a person picks from: UTC first, then each city
    with its offset now, by city. Another name of the same zone (America/Buenos_Aires
    for America/Argentina/Buenos_Aires, Australia/NSW) is left out."""
    return list(_zone_choices((now or datetime.now(UTC)).replace(minute=0, second=0)))


@lru_cache(maxsize=2)
def _zone_choices(hour: datetime) -> tuple[tuple[str, str], ...]:
    chosen: dict[str, str] = {}  # words -> key: the most specific key of a city
    for key in sorted(available_timezones()):
        region, _, place = key.partition("/")
        if region not in CITY_REGIONS or not place or place.isupper():
            continue
        try:
            words = zone_words(ZoneInfo(key), hour)
        except (ZoneInfoNotFoundError, ValueError):  # listed but not readable here
            continue
        if words not in chosen or key.count("/") > chosen[words].count("/"):
            chosen[words] = key
    choices = sorted(chosen.items(), key=lambda choice: choice[0].casefold())
    return (("UTC", "UTC"), *choices)


def rule_zone_words(words: str, key: str) -> str:
    """A schedule's rule in words with its zone as a person names it: "Every day at
    09:00 (UTC)", "(Berlin)", not "(Etc/UTC)" or "(Europe/Berlin)" (no offset: the
    rule's times keep to the zone's clock across daylight saving)."""
    suffix = f"({key})"
    if not words.endswith(suffix) or ("/" not in key and key not in UTC_KEYS):
        return words
    city = "UTC" if key in UTC_KEYS else key.rsplit("/", 1)[-1].replace("_", " ")
    return f"{words[: -len(suffix)]}({city})"


RUN_COLUMNS = ("id", "status", "scheduled_for", "workflow", "params", "error", "origin")
"""The columns of `runs` as CSV (`runs --csv`, the window's History export), in order."""


def write_runs_csv(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Runs (`run_to_json` objects) as CSV: a header line, then one line each;
    times in ISO 8601, parameters as JSON. Returns the number of runs written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RUN_COLUMNS)
    written = 0
    for row in rows:
        values = dict(row, params=json.dumps(row["params"], ensure_ascii=False))
        writer.writerow(["" if values[c] is None else values[c] for c in RUN_COLUMNS])
        written += 1
    return written


# --- errors and steps in the words of the workflow editor -------------------------
#
# The ledger keeps the engine's text ("step 1 (send_email): 'to': …"): `cueflow runs`
# and the workflow API show it as stored and scripts match it. The window words it
# when it shows it, from the step's position and the action's declared labels.

_RUN_STEP = re.compile(r"^step (\d+) \(([a-z0-9_]+)\): ")
_WHERE = re.compile(
    r"^workflow [a-z0-9_]+, step \d+ \([a-z0-9_]+\)(?:, (?:input ([a-z0-9_]+)|(only_when)))?: "
)
_QUOTED_INPUT = re.compile(r"^'([a-z0-9_]+)': ")
_MISSING = re.compile(r"^input '([a-z0-9_]+)' is missing$")
_STEP_IN_TEXT = re.compile(r"\bstep (\d+) \(([a-z0-9_]+)\)")
_WORKFLOW_CONDITION = re.compile(r"^workflow [a-z0-9_]+, only_when: ")
# The lines a scheduling step writes: "scheduled send_welcome for …", "schedule x captured …"
_SCHEDULED = re.compile(r"^(scheduled|schedule) ([a-z0-9_]+) (for|on|captured)\b")
ID_LIKE = re.compile(r"^[0-9a-z]{8,40}$")
_ID_IN_TEXT = re.compile(r"\b[0-9a-z]{16}\b")


def action_label(action: str) -> str:
    """ "Send email" for `send_email`; an unknown action keeps its name."""
    spec = registry.get(action)
    return spec.label if spec is not None and spec.label else action


def input_title(action: str, key: str) -> str:
    """ "To" for `send_email`'s `to`, as the step's form labels it."""
    spec = registry.get(action)
    for item in spec.inputs if spec is not None else ():
        if item.name == key:
            return item.title
    return key


def step_name(position: int, action: str) -> str:
    """ "Step 1 · Send email"."""
    return f"Step {position} · {action_label(action)}"


def step_error_words(action: str, error: str) -> str:
    """A step's recorded error pointing at its field: "To: 'x' is not an email
    address" (the step itself is named by whoever shows it)."""
    rest = error
    where = _WHERE.match(rest)
    if where is not None:
        rest = rest[where.end() :]
        if where.group(1):
            return f"{input_title(action, where.group(1))}: {rest}"
        if where.group(2):
            return f"Only when: {rest}"
    missing = _MISSING.match(rest)
    if missing is not None:
        return f"{input_title(action, missing.group(1))} is required"
    quoted = _QUOTED_INPUT.match(rest)
    if quoted is not None and input_title(action, quoted.group(1)) != quoted.group(1):
        return f"{input_title(action, quoted.group(1))}: {rest[quoted.end() :]}"
    return rest


def run_error_words(error: str | None) -> str | None:
    """A run's stored error as the window says it: "Step 1 · Send email: To is
    required" for "step 1 (send_email): workflow w, step 1 (send_email): input 'to'
    is missing"; a missed run's reason without the policy's name."""
    if not error:
        return error
    step = _RUN_STEP.match(error)
    if step is not None:
        action = step.group(2)
        words = step_error_words(action, error[step.end() :])
        return f"{step_name(int(step.group(1)), action)}: {words}"
    condition = _WORKFLOW_CONDITION.match(error)
    if condition is not None:
        return f"The workflow's “only when” condition: {error[condition.end() :]}"
    if error.startswith("missed: "):
        reason = error[len("missed: ") :]
        if reason.endswith(" (policy skip)"):  # the workflow's on_missed: skip
            reason = reason.removesuffix(" (policy skip)") + "; this workflow skips missed runs"
        return f"Missed: {reason}"
    if error == "only_when is false":
        return "Not run: the workflow's “only when” condition was false"
    if error.startswith(("timed out after ", "terminated by step ")):
        return error[:1].upper() + error[1:]
    return error


def log_words(
    message: str,
    labels: dict[str, str] | None = None,
    title_of: Callable[[str], str] | None = None,
) -> str:
    """A log line with its steps named as the editor names them ("step 1 · Send
    email"), the things it names by ID shown by their labels and, with `title_of`,
    the workflow a scheduling step scheduled by its label."""
    text = _STEP_IN_TEXT.sub(
        lambda found: f"step {found.group(1)} · {action_label(found.group(2))}", message
    )
    if title_of is not None:
        text = _SCHEDULED.sub(
            lambda found: f"{found.group(1)} {title_of(found.group(2))} {found.group(3)}", text
        )
    if labels:
        text = _ID_IN_TEXT.sub(lambda found: labels.get(found.group(0), found.group(0)), text)
    return text


def ids_in(value: Any, found: set[str], depth: int = 0, limit: int = 500) -> None:
    """Collect the texts in a recorded value (or a log line) that may be thing IDs."""
    if len(found) >= limit:
        return
    if isinstance(value, str):
        if ID_LIKE.match(value):
            found.add(value)
        elif len(value) < 2000:
            found.update(_ID_IN_TEXT.findall(value)[:20])
    elif depth < 8 and isinstance(value, dict):
        for item in islice(value.values(), limit):
            ids_in(item, found, depth + 1, limit)
    elif depth < 8 and isinstance(value, list | tuple):
        for item in value[:limit]:
            ids_in(item, found, depth + 1, limit)
