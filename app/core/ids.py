"""Short, time-ordered text IDs for runs and things."""

from __future__ import annotations

import base64
import os
import time

# base32's alphabet (A–Z, 2–7) mapped, in the same order, onto Crockford's
# lower-case alphabet, so that IDs sort by the number they encode.
_TO_CROCKFORD = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", b"0123456789abcdefghjkmnpqrstvwxyz"
)


def new_id() -> str:
    """Return a 16-character ID: 48 bits of milliseconds, then 32 random bits.

    IDs sort by creation time, which keeps the ledger's primary key index
    append-mostly, and are short enough to type on a command line.
    """
    raw = int(time.time() * 1000).to_bytes(6, "big") + os.urandom(4)
    return base64.b32encode(raw).translate(_TO_CROCKFORD).decode("ascii")
