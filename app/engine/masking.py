"""Masking secrets in what a run records, in the forms servers echo them.

A server that refuses a login or echoes a request rarely repeats a secret
as it was given: an SMTP 535 reply quotes the base64 AUTH PLAIN blob
(`\\0user\\0password`), an API echoes the URL with the key percent-encoded,
a JSON body escapes its quotes. So besides the secret itself, a Masker
hides:

- any mix of the secret's characters written plain, percent-encoded (upper
  or lower case hex, `+` or `%20` for a space), JSON-escaped (`\\"`,
  `\\uXXXX`, repeated backslashes) or as HTML entities;
- its base64 (standard and URL-safe alphabets) at each of the three byte
  alignments, so it is found inside a larger blob such as AUTH PLAIN or an
  HTTP Basic credential: only the characters made of the secret's own bytes
  are matched, which leaves at most two bytes' worth of a long blob visible.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Iterable
from typing import Any

MASK = "••••"
MIN_FRAGMENT = 8  # base64 fragments shorter than this would mask unrelated text


def _char_pattern(char: str) -> str:
    """A regex matching one character of a secret in any encoding it may be echoed in."""
    forms = {re.escape(char)}
    encoded = char.encode()
    forms.add("".join(f"%(?i:{byte:02X})" for byte in encoded))
    if char == " ":
        forms.add(r"\+")
    escaped = json.dumps(char)[1:-1]
    if escaped != char:
        forms.add(r"\\+" + re.escape(escaped[1:]))  # \" \\ \n …, escaped once or more
    if char == "/":
        forms.add(r"\\+/")  # JSON may escape a slash
    if len(char) == 1 and ord(char) < 0x10000:
        forms.add(rf"\\+u(?i:{ord(char):04x})")
    entity = html.escape(char)
    if entity != char:
        forms.add(re.escape(entity))
        forms.add(f"&#(?:{ord(char)}|(?i:x{ord(char):x}));")
    return "(?:" + "|".join(sorted(forms, key=len, reverse=True)) + ")"


def _base64_fragments(secret: str) -> set[str]:
    """Base64 text that only the secret's bytes produce, at each alignment."""
    raw = secret.encode()
    out: set[str] = set()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        out.add(encode(raw).decode())  # the secret alone, with its padding
        for offset in range(3):
            text = encode(b"\0" * offset + raw).decode()
            start = 4 if offset else 0  # the first group mixes in what precedes
            whole = (offset + len(raw)) // 3 * 4  # groups made of the secret's bytes only
            fragment = text[start:whole]
            if len(fragment) >= MIN_FRAGMENT:
                out.add(fragment)
    return out


def _pattern(secret: str) -> str:
    variants = [re.escape(f) for f in _base64_fragments(secret)]
    variants.append("".join(_char_pattern(c) for c in secret))
    return "|".join(variants)


class Masker:
    """The secrets a run has read, and the replacing of them in what it records."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._regex: re.Pattern[str] | None = None
        for secret in secrets:
            self.add(secret)

    def __bool__(self) -> bool:
        return bool(self._secrets)

    def add(self, secret: str) -> None:
        if secret and secret not in self._secrets:
            self._secrets.add(secret)
            self._regex = None

    def contains(self, value: Any) -> bool:
        """Whether `value` (text, or JSON-like) holds a secret in any form."""
        return bool(self.mask(value) != value)

    def mask(self, value: Any) -> Any:
        """Replace every form of every secret with bullets (JSON-like values)."""
        if not self._secrets or value is None:
            return value
        if isinstance(value, str):
            return self._compiled().sub(MASK, value)
        if isinstance(value, dict):
            return {key: self.mask(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.mask(item) for item in value]
        return value

    def _compiled(self) -> re.Pattern[str]:
        if self._regex is None:
            longest_first = sorted(self._secrets, key=len, reverse=True)
            self._regex = re.compile("|".join(_pattern(s) for s in longest_first))
        return self._regex


def mask_text(text: str, *secrets: str) -> str:
    """`text` with the given secrets masked (for messages outside a run)."""
    return str(Masker(secrets).mask(text))
