"""Short, time-ordered text IDs for runs and things."""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case


def new_id() -> str:
    """Return a 16-character ID: 10 characters of milliseconds, 6 random.

    IDs sort by creation time, which keeps the ledger's primary key index
    append-mostly, and are short enough to type on a command line.
    """
    value = (int(time.time() * 1000) << 30) | secrets.randbits(30)
    chars = []
    for _ in range(16):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))
