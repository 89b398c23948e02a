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

from app.errors import BadInput
from app.storage import models as m


@dataclass(frozen=True)
class SettingSpec:
    default: Any
    parse: Callable[[str], Any]
    help: str


def _port(text: str) -> int:
    value = _int(text)
    if not 0 < value < 65536:
        raise BadInput("a port is a number from 1 to 65535")
    return value


def _int(text: str) -> int:
    try:
        return int(str(text).strip())
    except ValueError:
        raise BadInput(f"'{text}' is not a whole number") from None


def _positive(text: str) -> int:
    value = _int(text)
    if value < 1:
        raise BadInput("must be at least 1")
    return value


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


SETTINGS: dict[str, SettingSpec] = {
    "smtp.host": SettingSpec("localhost", str, "SMTP server host name"),
    "smtp.port": SettingSpec(25, _port, "SMTP server port"),
    "smtp.security": SettingSpec(
        "none", _choice("none", "starttls", "tls"), "none, starttls or tls"
    ),
    "smtp.username": SettingSpec("", str, "login name (empty: no login)"),
    "smtp.from": SettingSpec("cueflow@localhost", str, "sender address"),
    "smtp.timeout": SettingSpec(30, _positive, "seconds to wait for the SMTP server"),
    "runner.max_concurrent_runs": SettingSpec(4, _positive, "runs executed at the same time"),
    "runner.max_chain_depth": SettingSpec(
        1000, _positive, "longest chain of runs each scheduling the next at once"
    ),
    "scheduler.paused": SettingSpec(False, _yes_no, "yes: no run starts until resumed"),
}


def _spec(key: str) -> SettingSpec:
    spec = SETTINGS.get(key)
    if spec is None:
        raise BadInput(f"unknown setting '{key}' (known: {', '.join(sorted(SETTINGS))})")
    return spec


def get(session: Session, key: str) -> Any:
    spec = _spec(key)
    raw = session.scalar(select(m.Setting.value).where(m.Setting.key == key))
    return spec.default if raw is None else json.loads(raw)


def set_value(session: Session, key: str, text: str) -> Any:
    spec = _spec(key)
    try:
        value = spec.parse(text)
    except BadInput as exc:
        raise BadInput(f"setting {key}: {exc.reason}") from None
    session.merge(m.Setting(key=key, value=json.dumps(value)))
    return value


def all_settings(session: Session) -> dict[str, Any]:
    stored = {row.key: json.loads(row.value) for row in session.scalars(select(m.Setting))}
    return {key: stored.get(key, spec.default) for key, spec in SETTINGS.items()}
