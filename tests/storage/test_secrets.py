"""app/storage/secrets.py: secrets only in the OS keychain (a file keyring in tests)."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail

from app.errors import KeyringUnavailable
from app.storage import secrets


def test_a_secret_is_stored_and_read_back() -> None:
    assert secrets.is_usable()
    secrets.set_secret("api_token", "tok-123")
    assert secrets.get_secret("api_token") == "tok-123"
    assert secrets.get_secret("never_set") is None


def test_without_a_usable_keychain_a_secret_is_refused_not_written_elsewhere() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert not secrets.is_usable()
        with pytest.raises(KeyringUnavailable, match="no usable OS keychain"):
            secrets.set_secret("api_token", "tok-123")
        assert secrets.get_secret("api_token") is None  # the fail backend's error is swallowed
    finally:
        keyring.set_keyring(previous)
