"""The settings service: the window and `cueflow settings set` check alike."""

from __future__ import annotations

from typing import Any

import pytest

from app.engine import settings
from app.engine.settings import SettingsService
from app.errors import BadInput, KeyringUnavailable
from app.storage import secrets
from app.storage.db import Database

# The same tests on SQLite and on PostgreSQL (tests/conftest.py: backend).
pytestmark = pytest.mark.both_databases


def test_set_and_read_back(db: Database) -> None:
    service = SettingsService(db)
    assert service.get("smtp.port") == 25
    assert service.set("smtp.port", "2525") == 2525
    assert service.get("smtp.port") == 2525
    assert service.all()["smtp.port"] == 2525
    assert set(service.all()) == set(settings.SETTINGS)


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("smtp.port", "0", "setting smtp.port: a port is a whole number from 1 to 65,535"),
        ("smtp.port", "many", "setting smtp.port: 'many' is not a whole number"),
        ("smtp.security", "ssl", "setting smtp.security: must be one of none, starttls, tls"),
        ("smtp.host", "two words", "setting smtp.host: 'two words' is not a host name"),
        ("nope", "1", "unknown setting 'nope'"),
    ],
)
def test_refused_as_the_command_line_refuses(
    db: Database, key: str, text: str, message: str
) -> None:
    from app.storage import settings as stored

    with pytest.raises(BadInput) as by_service:
        SettingsService(db).set(key, text)
    with pytest.raises(BadInput) as by_storage, db.write() as session:
        stored.set_value(session, key, text)
    assert by_service.value.reason.startswith(message)
    assert by_service.value.reason == by_storage.value.reason
    assert SettingsService(db).get("smtp.port") == 25


def test_help_text() -> None:
    assert settings.help_text("smtp.port") == "SMTP server port"


def test_store_secret_in_the_keychain() -> None:
    assert settings.keychain_usable()
    settings.store_secret(settings.PASSWORD_SECRET, "hunter2")
    assert secrets.get_secret(settings.PASSWORD_SECRET) == "hunter2"


def test_store_secret_refused_without_keychain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(secrets, "is_usable", lambda: False)
    assert not settings.keychain_usable()
    with pytest.raises(KeyringUnavailable):
        settings.store_secret(settings.PASSWORD_SECRET, "hunter2")


def test_send_test_email_reports_an_unreachable_server(db: Database) -> None:
    from app.errors import CueflowError

    values = {**SettingsService(db).all(), "smtp.host": "127.0.0.1", "smtp.port": 1}
    values["smtp.timeout"] = 2
    with pytest.raises(CueflowError):
        settings.send_test_email(values, "you@example.com")


def test_send_test_email_through_the_saved_settings(db: Database, smtp_server: Any) -> None:
    smtp_server.configure(db)
    shown = settings.send_test_email(SettingsService(db).all(), "you@example.com")
    assert shown.startswith("sent in ")
    (message,) = smtp_server.wait_for(1)
    assert message["to"] == ["you@example.com"]
    assert message["subject"] == "Cueflow test email"
