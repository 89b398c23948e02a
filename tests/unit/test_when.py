"""Unit tests for app.core.when.parse_when: the command line's WHEN."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.core import types, when
from app.core.when import parse_when
from app.errors import BadInput

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def berlin_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(types, "local_zone", lambda: BERLIN)


@pytest.mark.parametrize("text", ["now", "NOW", "  now  ", "Now"])
def test_now_is_the_given_now(text: str) -> None:
    assert parse_when(text, now=NOW) == NOW


def test_now_defaults_to_the_current_utc_time() -> None:
    before = datetime.now(UTC)
    result = parse_when("now")
    after = datetime.now(UTC)
    assert result.tzinfo is not None
    assert before <= result <= after


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("+90s", timedelta(seconds=90)),
        ("+5m", timedelta(minutes=5)),
        ("+2h", timedelta(hours=2)),
        ("+3d", timedelta(days=3)),
        ("+1w", timedelta(weeks=1)),
        ("+0s", timedelta(0)),
        ("+1.5h", timedelta(minutes=90)),
        ("+5M", timedelta(minutes=5)),
        ("+5 m", timedelta(minutes=5)),
        (" +10s ", timedelta(seconds=10)),
    ],
)
def test_delays(text: str, delta: timedelta) -> None:
    assert parse_when(text, now=NOW) == NOW + delta


def test_delay_from_the_current_time() -> None:
    before = datetime.now(UTC)
    result = parse_when("+5m")
    assert before + timedelta(minutes=5) <= result <= datetime.now(UTC) + timedelta(minutes=5)


def test_iso_with_offset() -> None:
    result = parse_when("2026-12-10T09:00:00+05:30", now=NOW)
    assert result == datetime(2026, 12, 10, 3, 30, tzinfo=UTC)
    assert result.utcoffset() == timedelta(hours=5, minutes=30)


def test_iso_with_z() -> None:
    assert parse_when("2026-12-10T09:00:00Z", now=NOW) == datetime(2026, 12, 10, 9, tzinfo=UTC)


def test_iso_without_offset_is_local_time() -> None:
    winter = parse_when("2026-12-10T09:00", now=NOW)
    assert winter.tzinfo is BERLIN
    assert winter.astimezone(UTC) == datetime(2026, 12, 10, 8, 0, tzinfo=UTC)
    summer = parse_when("2026-07-10T09:00", now=NOW)
    assert summer.astimezone(UTC) == datetime(2026, 7, 10, 7, 0, tzinfo=UTC)


def test_iso_date_only_is_local_midnight() -> None:
    assert parse_when("2026-12-10", now=NOW) == datetime(2026, 12, 10, tzinfo=BERLIN)


def test_iso_keeps_its_own_offset_not_the_local_one() -> None:
    result = parse_when("2026-12-10T09:00-05:00", now=NOW)
    assert result.tzinfo == timezone(timedelta(hours=-5))


@pytest.mark.parametrize("text", ["+5", "+5x", "+m", "+ 5m", "+-5m", "+5mm", "+1e3s", "+"])
def test_bad_delays(text: str) -> None:
    with pytest.raises(BadInput) as info:
        parse_when(text, now=NOW)
    assert str(info.value) == f"'{text}' is not a delay (use +90s, +5m, +2h or +3d)"


@pytest.mark.parametrize(
    "text", ["", "soon", "5m", "-5m", "2026-13-40", "10/12/2026 09:00", "nowish"]
)
def test_garbage_is_bad_input(text: str) -> None:
    with pytest.raises(BadInput) as info:
        parse_when(text, now=NOW)
    assert str(info.value) == (
        f"'{text}' is not a time "
        "(use now, HH:MM, 'tomorrow HH:MM', ISO 8601 like 2026-12-10T09:00, or +5m)"
    )
    with pytest.raises(BadInput) as info:
        parse_when("tomorrow at 9", now=NOW)
    assert str(info.value) == (
        "'tomorrow at 9' is not a time (use 'tomorrow HH:MM', like 'tomorrow 09:00')"
    )


@pytest.mark.parametrize("text", ["+9999999d", "+99999999999d", "+999999999999999999999w"])
def test_delays_beyond_the_calendar_are_bad_input(text: str) -> None:
    with pytest.raises(BadInput) as info:
        parse_when(text, now=NOW)
    assert str(info.value) == f"'{text}' is too far in the future"


def test_span_says_a_length_of_time_as_people_do() -> None:
    from app.core.when import span

    assert [span(s) for s in (0.4, 59.9, 60, 3599, 3600, 86400 * 3, 86400 * 90, -90)] == [
        "0 s",
        "59 s",
        "1 min",
        "59 min",
        "1 h",
        "3 days",
        "3 months",
        "1 min",
    ]


@pytest.fixture
def berlin(monkeypatch: pytest.MonkeyPatch) -> ZoneInfo:
    zone = ZoneInfo("Europe/Berlin")
    monkeypatch.setattr(when, "local_zone", lambda: zone)
    return zone


@pytest.mark.parametrize(
    ("now_local", "text", "expected_local"),
    [
        ("2026-06-10T08:00", "09:30", "2026-06-10T09:30"),  # later today
        ("2026-06-10T10:00", "09:30", "2026-06-11T09:30"),  # passed: tomorrow
        ("2026-06-10T09:30", "09:30", "2026-06-11T09:30"),  # exactly now: the next one
        ("2026-06-10T23:59", "0:05", "2026-06-11T00:05"),
        ("2026-06-10T08:00", "tomorrow 07:00", "2026-06-11T07:00"),
        ("2026-06-10T08:00", "Tomorrow  23:59", "2026-06-11T23:59"),
        ("2026-12-31T22:00", "tomorrow 00:00", "2027-01-01T00:00"),
        ("2026-10-24T12:00", "tomorrow 02:30", "2026-10-25T02:30"),  # repeated hour: the first
    ],
)
def test_a_time_of_day_is_the_next_such_local_time(
    berlin: ZoneInfo, now_local: str, text: str, expected_local: str
) -> None:
    now = datetime.fromisoformat(now_local).replace(tzinfo=berlin)
    got = parse_when(text, now)
    assert got.astimezone(berlin).replace(tzinfo=None) == datetime.fromisoformat(expected_local)
    assert got.astimezone(UTC) > now.astimezone(UTC)


def test_a_time_of_day_inside_the_dst_gap_is_the_instant_after_it(berlin: ZoneInfo) -> None:
    now = datetime(2026, 3, 28, 12, 0, tzinfo=berlin)
    got = parse_when("tomorrow 02:30", now)  # 02:00–03:00 does not exist on 29 March
    assert got.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("25:00", "is not a time of day (HH:MM from 00:00 to 23:59)"),
        ("24:00", "is not a time of day"),
        ("12:60", "is not a time of day"),
        ("tomorrow 7", "use 'tomorrow HH:MM'"),
        ("tomorrow", "use 'tomorrow HH:MM'"),
        ("tomorrow 25:00", "is not a time of day"),
        ("tomorrowx 07:00", "use 'tomorrow HH:MM'"),
        ("7:5", "is not a time"),
        ("123:00", "is not a time"),
        ("09:00 tomorrow", "is not a time"),
    ],
)
def test_bad_times_of_day(text: str, reason: str) -> None:
    with pytest.raises(BadInput, match=re.escape(reason)):
        parse_when(text)
