"""The stored text form of a time: what raw SQL compares and sorts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.storage.column_types import from_db_time, to_db_time

_AWARE = st.datetimes(
    min_value=datetime(2, 1, 1),
    max_value=datetime(9998, 12, 31),
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]
    ),
)


@given(_AWARE)
def test_a_time_is_stored_as_its_utc_wall_time_to_the_microsecond(value: datetime) -> None:
    stored = to_db_time(value)
    utc = value.astimezone(UTC)
    assert stored == utc.replace(tzinfo=None).isoformat(" ", "microseconds")
    assert len(stored) == 26  # (fixed width: text order is time order)
    assert from_db_time(stored) == utc


def test_a_whole_second_and_an_early_year_keep_their_fixed_width() -> None:
    assert to_db_time(datetime(5, 3, 4, 1, 2, 3, tzinfo=UTC)) == "0005-03-04 01:02:03.000000"


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        to_db_time(datetime(2026, 1, 1))


@settings(max_examples=300, deadline=None)
@given(st.lists(_AWARE, min_size=1, max_size=6))
def test_the_stored_text_is_the_same_whatever_was_stored_before(values: list[datetime]) -> None:
    """to_db_time keeps the text of the last second it formatted: whatever came
    before, each value (and the same second with other microseconds) gives its
    own text."""
    for value in values:
        utc = value.astimezone(UTC).replace(tzinfo=None)
        assert to_db_time(value) == utc.isoformat(" ", "microseconds")
        assert to_db_time(value.replace(microsecond=0)) == utc.isoformat(" ", "seconds") + ".000000"
