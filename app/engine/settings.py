"""Settings and secrets: the one place every front end reads and changes them.

A value is checked as `cueflow settings set` checks it (the same message),
whoever saves it. The SMTP password lives in the OS keychain, never in the
database.
"""

from __future__ import annotations

import time
from typing import Any

from app.actions import email
from app.storage import secrets
from app.storage import settings as stored
from app.storage.db import Database

SETTINGS = stored.SETTINGS
PASSWORD_SECRET = email.PASSWORD_SECRET


def help_text(key: str) -> str:
    """The one-line help of a setting (a tooltip, `--help`)."""
    return SETTINGS[key].help


def keychain_usable() -> bool:
    """False for keyring's fail/null backends and plain-text stores."""
    return secrets.is_usable()


def keychain_name() -> str:
    return secrets.backend_name()


def store_secret(name: str, value: str) -> None:
    """Keep `value` in the OS keychain; refused (KeyringUnavailable) without one."""
    secrets.set_secret(name, value)


class _TestEmailContext:
    """The little of a step context `send_email` needs, for the test message."""

    run_id = "test"
    workflow_name = "settings"

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.lines: list[str] = []

    def setting(self, key: str) -> Any:
        return self.values[key]

    def secret(self, name: str) -> str | None:
        return secrets.get_secret(name)

    def remaining(self) -> float:
        return 30.0

    def log(self, message: str) -> None:
        self.lines.append(message)


def send_test_email(values: dict[str, Any], to: str) -> str:
    """Send the settings' test message with `values`; raises CueflowError.

    It blocks on the SMTP server: a window calls it off its GUI thread.
    Returns what to show on success.
    """
    started = time.monotonic()
    inputs = {
        "to": to,
        "subject": "Cueflow test email",
        "body": "This is a test message from Cueflow's settings.",
    }
    email.send_email(_TestEmailContext(values), inputs)  # type: ignore[arg-type]
    return f"sent in {time.monotonic() - started:.1f} s"


class SettingsService:
    """Reads and changes the settings kept in one database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def all(self) -> dict[str, Any]:
        """Every setting, stored or default."""
        with self.db.read() as session:
            return stored.all_settings(session)

    def get(self, key: str) -> Any:
        with self.db.read() as session:
            return stored.get(session, key)

    def set(self, key: str, text: str) -> Any:
        """Check `text` as the setting's value and save it; returns the value saved."""
        with self.db.write() as session:
            return stored.set_value(session, key, text)
