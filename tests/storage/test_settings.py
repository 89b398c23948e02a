"""app/storage/settings.py: typed settings with defaults, parsed and range-checked."""

from __future__ import annotations

import json

import pytest

from app.errors import BadInput
from app.storage import models as m
from app.storage import settings
from app.storage.db import Database


def test_a_setting_not_stored_reads_as_its_default(db: Database) -> None:
    with db.read() as session:
        assert settings.get(session, "smtp.port") == 25
        assert settings.get(session, "scheduler.paused") is False
        assert settings.all_settings(session)["smtp.host"] == "localhost"


def test_a_set_value_is_parsed_stored_and_read_back(db: Database) -> None:
    with db.write() as session:
        assert settings.set_value(session, "smtp.port", "2525") == 2525
        assert settings.set_value(session, "scheduler.paused", "yes") is True
    with db.read() as session:
        assert settings.get(session, "smtp.port") == 2525
        assert settings.all_settings(session)["scheduler.paused"] is True


@pytest.mark.parametrize(
    ("key", "text", "reason"),
    [
        ("smtp.port", "70000", "setting smtp.port:"),
        ("smtp.security", "maybe", "setting smtp.security:"),
        ("smtp.host", "two words", "is not a host name"),
        ("no.such", "1", "unknown setting 'no.such'"),
    ],
)
def test_a_value_out_of_its_range_or_kind_is_refused(
    db: Database, key: str, text: str, reason: str
) -> None:
    with db.write() as session, pytest.raises(BadInput, match=reason):
        settings.set_value(session, key, text)


def test_a_stored_value_outside_the_range_reads_within_it(db: Database) -> None:
    """What an older Cueflow stored unchecked is clamped, or the default when not a number."""
    with db.write() as session:
        session.add(m.Setting(key="runner.max_concurrent_runs", value=json.dumps(1000)))
        session.add(m.Setting(key="smtp.timeout", value=json.dumps("soon")))
    with db.read() as session:
        assert settings.get(session, "runner.max_concurrent_runs") == 64
        assert settings.get(session, "smtp.timeout") == 30
