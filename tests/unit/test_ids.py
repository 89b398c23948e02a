"""Run and thing IDs: base32 (Crockford's lower-case alphabet) of 48 bits of
milliseconds and 32 random bits, so that they sort by creation time."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core import ids

_TO_CROCKFORD = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", b"0123456789abcdefghjkmnpqrstvwxyz"
)


def _reference(millis: int, random: bytes) -> str:
    raw = millis.to_bytes(6, "big") + random
    return base64.b32encode(raw).translate(_TO_CROCKFORD).decode("ascii")


@given(st.integers(min_value=0, max_value=2**48 - 1), st.binary(min_size=4, max_size=4))
def test_an_id_is_base32_of_its_milliseconds_and_random_bits(millis: int, random: bytes) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ids.time, "time", lambda: millis / 1000 + 0.0001)
        patch.setattr(ids.os, "urandom", lambda n: random)
        made = ids.new_id()
    assert made == _reference(millis, random)
    assert len(made) == 16


def test_ids_made_in_bulk_have_the_same_form_and_sort_after_earlier_ones() -> None:
    one = ids.new_id()
    many = ids.new_ids(3)
    assert all(len(i) == 16 and set(i) <= set(ids._ALPHABET) for i in [one, *many])
    assert one[:8] <= many[0][:8]
