"""Secrets live only in the OS keychain, through keyring.

When no keychain is usable, storing a secret is refused: Cueflow never falls
back to a plain-text file.
"""

from __future__ import annotations

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from app.errors import KeyringUnavailable

SERVICE = "cueflow"


def backend() -> KeyringBackend:
    return keyring.get_keyring()


def backend_name() -> str:
    kr = backend()
    return f"{type(kr).__module__}.{type(kr).__name__}"


def is_usable() -> bool:
    """False for keyring's fail/null backends and for plain-text file stores."""
    name = backend_name()
    if name.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return False
    return not (name.startswith("keyrings.alt") and "PlaintextKeyring" in name)


def set_secret(name: str, value: str) -> None:
    if not is_usable():
        raise KeyringUnavailable(
            f"no usable OS keychain (keyring backend {backend_name()}); the secret was not stored"
        )
    try:
        keyring.set_password(SERVICE, name, value)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"the OS keychain refused the secret: {exc}") from None


def get_secret(name: str) -> str | None:
    try:
        return keyring.get_password(SERVICE, name)
    except keyring.errors.KeyringError:
        return None
