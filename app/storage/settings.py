"""Settings kept in the database, with their defaults and value checks.

Secrets are not settings: the SMTP password lives in the OS keychain
(see `app.storage.secrets`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import BadInput, one_line, undecodable
from app.storage import models as m
from app.storage.db import announce


@dataclass(frozen=True)
class SettingSpec:
    default: Any
    parse: Callable[[str], Any]
    help: str
    limits: tuple[int, int] | None = None  # a whole number's range, both ends included


def _int(text: str) -> int:
    raw = str(text).strip()
    shown = raw if len(raw) <= 24 else raw[:20] + "…"
    if len(raw) > 24:  # no setting needs more digits (and int() refuses thousands)
        raise BadInput(f"'{shown}' is too long a number")
    try:
        return int(raw)
    except ValueError:
        raise BadInput(f"'{shown}' is not a whole number") from None


def _within(low: int, high: int, what: str = "") -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = _int(text)
        if not low <= value <= high:
            raise BadInput(f"{what or 'must be'} a whole number from {low:,} to {high:,}")
        return value

    return parse


def _ranged(default: int, low: int, high: int, help: str, what: str = "") -> SettingSpec:
    return SettingSpec(default, _within(low, high, what), help, (low, high))


def _yes_no(text: str) -> bool:
    value = str(text).strip().lower()
    if value not in ("yes", "no", "true", "false"):
        raise BadInput("must be yes or no")
    return value in ("yes", "true")


def _choice(*choices: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in choices:
            raise BadInput(f"must be one of {', '.join(choices)}")
        return text

    return parse


MAX_TEXT = 1000  # a text setting (an address, a login name)


def _line(text: str) -> str:
    """A one-line text: no control character (a CR/LF would go into the SMTP dialogue)."""
    value = str(text)
    if len(value) > MAX_TEXT:
        raise BadInput(f"at most {MAX_TEXT:,} characters")
    if one_line(value) != value or undecodable(value):
        raise BadInput(f"'{one_line(value)[:60]}' has a control character")
    return value


def _host(text: str) -> str:
    """A host name or address: one word, not empty."""
    value = _line(text)
    if not value or any(c.isspace() for c in value):
        raise BadInput(f"'{one_line(value)[:60]}' is not a host name")
    return value


def parse_listen(text: str) -> str:
    """`HOST:PORT` for the workflow API (`[::1]:8931` for IPv6; port 0: any free port)."""
    value = _line(text).strip()
    host, sep, port = value.rpartition(":")
    bracketed = host.startswith("[") and host.endswith("]")
    if bracketed:
        host = host[1:-1]
    odd = "[" in host or "]" in host or (":" in host and not bracketed)  # IPv6 needs [ ]
    if not sep or not host or odd or any(c.isspace() for c in host) or not port.isdigit():
        raise BadInput(f"'{one_line(value)[:60]}' is not HOST:PORT (e.g. 127.0.0.1:8931)")
    if len(port) > 5 or not 0 <= int(port) <= 65535:
        raise BadInput(f"port {port[:8]} is out of range (0 to 65535)")
    return value


def split_listen(value: str) -> tuple[str, int]:
    """A checked `HOST:PORT` as (host, port)."""
    host, _, port = parse_listen(value).rpartition(":")
    return host.strip("[]"), int(port)


SETTINGS: dict[str, SettingSpec] = {
    "smtp.host": SettingSpec("localhost", _host, "SMTP server host name"),
    "smtp.port": _ranged(25, 1, 65535, "SMTP server port", "a port is"),
    "smtp.security": SettingSpec(
        "none", _choice("none", "starttls", "tls"), "none, starttls or tls"
    ),
    "smtp.username": SettingSpec("", _line, "login name (empty: no login)"),
    "smtp.from": SettingSpec("cueflow@localhost", _line, "sender address"),
    "smtp.timeout": _ranged(30, 1, 600, "seconds to wait for the SMTP server"),
    # Each concurrent run is a worker thread: a few dozen already outrun SQLite's
    # one writer; a billion would stop the runner ("can't start new thread").
    "runner.max_concurrent_runs": _ranged(4, 1, 64, "runs executed at the same time"),
    "runner.max_chain_depth": _ranged(
        1000, 1, 100_000, "longest chain of runs each scheduling the next at once"
    ),
    # A chain's width: a step scheduling two of its own workflow doubles it at
    # every generation, however short each chain is (see engine.service).
    "runner.max_chain_runs": _ranged(
        100_000, 1, 10_000_000, "most unfinished runs one chain of runs may have"
    ),
    # Team mode (PRODUCT §7): a scheduler whose heartbeat is older is dead and
    # its running runs are taken over; it beats every third of this (at most 5 s).
    "runner.lease": _ranged(
        30, 2, 3600, "seconds without a heartbeat before a scheduler counts as dead"
    ),
    "scheduler.paused": SettingSpec(False, _yes_no, "yes: no run starts until resumed"),
    # The workflow API (PRODUCT §6).
    "api.enabled": SettingSpec(False, _yes_no, "yes: serve exposed workflows over HTTP"),
    "api.listen": SettingSpec("127.0.0.1:8931", parse_listen, "HOST:PORT the API listens on"),
    "api.wait": _ranged(30, 0, 3600, "seconds a when_done call waits before answering 202"),
    "api.max_body": _ranged(
        1024 * 1024, 1024, 64 * 1024 * 1024, "largest request body in bytes (larger: 413)"
    ),
    "api.max_pending": _ranged(1000, 1, 1_000_000, "API runs waiting to run before calls get 429"),
}


def _spec(key: str) -> SettingSpec:
    spec = SETTINGS.get(key)
    if spec is None:
        raise BadInput(f"unknown setting '{key}' (known: {', '.join(sorted(SETTINGS))})")
    return spec


def get(session: Session, key: str) -> Any:
    spec = _spec(key)
    raw = session.scalar(select(m.Setting.value).where(m.Setting.key == key))
    return spec.default if raw is None else _checked(spec, json.loads(raw))


def _checked(spec: SettingSpec, value: Any) -> Any:
    """A stored value as the setting allows it (an older Cueflow checked no range)."""
    if spec.limits is None:
        return value
    if not isinstance(value, int | float) or isinstance(value, bool) or value != value:
        return spec.default
    low, high = spec.limits
    return int(min(max(value, low), high))


def set_value(session: Session, key: str, text: str) -> Any:
    spec = _spec(key)
    try:
        value = spec.parse(text)
    except BadInput as exc:
        raise BadInput(f"setting {key}: {exc.reason}") from None
    session.merge(m.Setting(key=key, value=json.dumps(value)))
    if key == "scheduler.paused":
        announce(session)  # every scheduler pauses or resumes at once
    return value


def all_settings(session: Session) -> dict[str, Any]:
    stored = {row.key: json.loads(row.value) for row in session.scalars(select(m.Setting))}
    return {
        key: _checked(spec, stored[key]) if key in stored else spec.default
        for key, spec in SETTINGS.items()
    }
