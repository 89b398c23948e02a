"""Recurring schedule times: calendar arithmetic in the schedule's zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.recurrence import Recurrence, dst_shifted
from app.errors import BadInput

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def times(every: str, start: datetime, count: int = 4) -> list[str]:
    tz = start.tzinfo
    assert tz is not None
    return [t.isoformat() for t in Recurrence.parse(every).preview(start, tz, count)]  # type: ignore[arg-type]


def test_daily_keeps_the_wall_clock_across_spring_forward_in_berlin() -> None:
    assert times("1 day", datetime(2026, 3, 28, 9, tzinfo=BERLIN), 3) == [
        "2026-03-28T09:00:00+01:00",
        "2026-03-29T09:00:00+02:00",
        "2026-03-30T09:00:00+02:00",
    ]


def test_daily_keeps_the_wall_clock_across_fall_back_in_new_york() -> None:
    assert times("1 day", datetime(2026, 10, 31, 9, tzinfo=NEW_YORK), 3) == [
        "2026-10-31T09:00:00-04:00",
        "2026-11-01T09:00:00-05:00",
        "2026-11-02T09:00:00-05:00",
    ]


def test_yearly_at_nine_stays_at_nine() -> None:
    assert times("1 year", datetime(2026, 1, 15, 9, tzinfo=BERLIN), 2) == [
        "2026-01-15T09:00:00+01:00",
        "2027-01-15T09:00:00+01:00",
    ]
    assert times("1 year", datetime(2026, 7, 15, 9, tzinfo=NEW_YORK), 2) == [
        "2026-07-15T09:00:00-04:00",
        "2027-07-15T09:00:00-04:00",
    ]


def test_hours_are_elapsed_time_across_dst() -> None:
    assert times("1 hour", datetime(2026, 3, 29, 1, tzinfo=BERLIN), 3) == [
        "2026-03-29T01:00:00+01:00",
        "2026-03-29T03:00:00+02:00",
        "2026-03-29T04:00:00+02:00",
    ]


def test_a_daily_time_inside_the_dst_gap_skips_that_day() -> None:
    assert times("1 day", datetime(2026, 3, 28, 2, 30, tzinfo=BERLIN), 3) == [
        "2026-03-28T02:30:00+01:00",
        "2026-03-30T02:30:00+02:00",
        "2026-03-31T02:30:00+02:00",
    ]


def test_month_ends_skip_months_without_that_day() -> None:
    assert times("1 month", datetime(2026, 1, 31, 9, tzinfo=BERLIN), 3) == [
        "2026-01-31T09:00:00+01:00",
        "2026-03-31T09:00:00+02:00",
        "2026-05-31T09:00:00+02:00",
    ]


def test_february_29_yearly_falls_on_leap_years() -> None:
    assert times("1 year", datetime(2024, 2, 29, 9, tzinfo=BERLIN), 3) == [
        "2024-02-29T09:00:00+01:00",
        "2028-02-29T09:00:00+01:00",
        "2032-02-29T09:00:00+01:00",
    ]


def test_cron_uses_cron_day_numbers() -> None:
    # 2026-03-27 is a Friday; 1-5 is Monday to Friday as in crontab(5).
    assert times("cron:0 9 * * 1-5", datetime(2026, 3, 27, 8, tzinfo=NEW_YORK), 3) == [
        "2026-03-27T09:00:00-04:00",
        "2026-03-30T09:00:00-04:00",
        "2026-03-31T09:00:00-04:00",
    ]
    assert times("cron:0 9 * * 0", datetime(2026, 3, 27, 8, tzinfo=NEW_YORK), 1) == [
        "2026-03-29T09:00:00-04:00"
    ]


def test_cron_time_in_a_gap_is_a_real_instant() -> None:
    result = times("cron:30 2 * * *", datetime(2026, 3, 7, 0, tzinfo=NEW_YORK), 3)
    assert result[1] == "2026-03-08T03:30:00-04:00"


def test_next_after_is_strictly_later() -> None:
    rule = Recurrence.parse("2 seconds")
    start = datetime(2026, 1, 1, 12, tzinfo=BERLIN)
    assert rule.next_after(start, start, BERLIN) == datetime(2026, 1, 1, 12, 0, 2, tzinfo=BERLIN)


def test_dst_flags_and_descriptions() -> None:
    start = datetime(2026, 3, 28, 9, tzinfo=BERLIN)
    rule = Recurrence.parse("1 day")
    assert dst_shifted(rule.preview(start, BERLIN, 3)) == [False, True, True]
    assert rule.describe(start, BERLIN) == "every 1 day at 09:00 (Europe/Berlin)"
    assert Recurrence.parse("2 weeks").describe(start, BERLIN) == (
        "every 2 weeks on Saturdays at 09:00 (Europe/Berlin)"
    )


@pytest.mark.parametrize(
    "text", ["2 fortnights", "0 days", "every", "cron:* * *", "cron:61 * * * *", "days 2"]
)
def test_bad_repeats_are_clear(text: str) -> None:
    with pytest.raises(BadInput):
        Recurrence.parse(text)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("1 minute", "1 minute"),
        ("3 Hours", "3 hours"),
        ("every 2 days", "2 days"),
        ("week", "1 week"),
    ],
)
def test_singular_and_plural_are_accepted(text: str, canonical: str) -> None:
    assert str(Recurrence.parse(text)) == canonical


# --- the start's grid (no drift) and the horizon --------------------------------------


def test_elapsed_repeats_stay_on_the_starts_grid_whatever_the_previous_moment() -> None:
    start = datetime(2026, 1, 1, 12, tzinfo=BERLIN)
    rule = Recurrence.parse("5 minutes")
    # Claimed 2.4 s late, or asked after a restart at an odd moment: still :10.
    late = datetime(2026, 1, 1, 12, 7, 31, 400000, tzinfo=BERLIN)
    assert rule.next_after(late, start, BERLIN) == datetime(2026, 1, 1, 12, 10, tzinfo=BERLIN)
    on_grid = datetime(2026, 1, 1, 12, 10, tzinfo=BERLIN)
    assert rule.next_after(on_grid, start, BERLIN) == datetime(2026, 1, 1, 12, 15, tzinfo=BERLIN)
    hours = Recurrence.parse("2 hours")
    moment = datetime(2026, 3, 3, 13, 0, 0, 1, tzinfo=BERLIN)
    assert hours.next_after(moment, start, BERLIN) == datetime(2026, 3, 3, 14, tzinfo=BERLIN)


def test_weeks_keep_their_weekday_after_a_restart_on_another_day() -> None:
    monday = datetime(2026, 1, 5, 9, tzinfo=BERLIN)
    thursday = datetime(2026, 3, 12, 10, 17, tzinfo=BERLIN)
    assert Recurrence.parse("1 week").next_after(thursday, monday, BERLIN) == datetime(
        2026, 3, 16, 9, tzinfo=BERLIN
    )
    # Every 3 days from 1 January: 15 July is day 195 = 65 × 3, 09:00 has passed.
    every3 = Recurrence.parse("3 days")
    noon = datetime(2026, 7, 15, 12, tzinfo=BERLIN)
    start = datetime(2026, 1, 1, 9, tzinfo=BERLIN)
    assert every3.next_after(noon, start, BERLIN) == datetime(2026, 7, 18, 9, tzinfo=BERLIN)


def test_months_keep_the_starts_day_after_a_restart() -> None:
    start = datetime(2026, 1, 31, 9, tzinfo=BERLIN)
    april = datetime(2026, 4, 10, 15, tzinfo=BERLIN)
    assert Recurrence.parse("1 month").next_after(april, start, BERLIN) == datetime(
        2026, 5, 31, 9, tzinfo=BERLIN
    )


@pytest.mark.parametrize(
    "text",
    [
        "9999999 years",
        "101 years",
        "1300 months",
        "12345678901234567890123 seconds",
        pytest.param("9" * 5000 + " days", id="a 5000-digit count"),
        "cron:0 0 31 2 *",
        "cron:0 0 30 2 *",
    ],
)
def test_a_repeat_that_cannot_come_within_a_century_is_refused(text: str) -> None:
    with pytest.raises(BadInput, match="100 years"):
        Recurrence.parse(text)


def test_a_century_is_still_a_repeat() -> None:
    assert str(Recurrence.parse("100 years")) == "100 years"
    assert str(Recurrence.parse("cron:0 9 29 2 *")) == "cron:0 9 29 2 *"


def test_the_grid_after_a_restart_keeps_dst_rules() -> None:
    daily = Recurrence.parse("1 day")
    nine = datetime(2026, 1, 1, 9, tzinfo=BERLIN)
    after_change = datetime(2026, 3, 30, 10, tzinfo=BERLIN)
    assert daily.next_after(after_change, nine, BERLIN).isoformat() == "2026-03-31T09:00:00+02:00"
    # 02:30 does not exist on 29 March in Berlin: that day is skipped, as from the start.
    gap = datetime(2026, 1, 1, 2, 30, tzinfo=BERLIN)
    before_gap = datetime(2026, 3, 28, 3, tzinfo=BERLIN)
    assert daily.next_after(before_gap, gap, BERLIN).isoformat() == "2026-03-30T02:30:00+02:00"


@given(
    amount=st.integers(1, 500),
    unit=st.sampled_from(["seconds", "minutes", "hours", "days", "weeks"]),
    offset=st.floats(0, 3e8, allow_nan=False),
)
def test_next_after_is_always_the_next_point_of_the_grid(
    amount: int, unit: str, offset: float
) -> None:
    utc = ZoneInfo("UTC")
    start = datetime(2026, 1, 1, 9, 15, 30, tzinfo=utc)
    step = timedelta(**{unit: amount})
    previous = start + timedelta(seconds=offset)
    following = Recurrence.parse(f"{amount} {unit}").next_after(previous, start, utc)
    assert following is not None
    assert previous < following <= previous + step
    assert (following - start) % step == timedelta(0)


@pytest.mark.timeout(30)  # it used to loop for ever on the repeated hour
def test_a_daily_cron_in_the_repeated_hour_of_fall_back_runs_once() -> None:
    start = datetime(2026, 10, 31, 1, 30, tzinfo=NEW_YORK)
    first_0130 = datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK)  # EDT; the EST one follows
    daily = Recurrence.parse("cron:30 1 * * *")
    assert daily.next_after(first_0130, start, NEW_YORK).isoformat() == (
        "2026-11-02T01:30:00-05:00"
    )
    assert [t.isoformat() for t in daily.preview(start, NEW_YORK, 3)] == [
        "2026-10-31T01:30:00-04:00",
        "2026-11-01T01:30:00-04:00",
        "2026-11-02T01:30:00-05:00",
    ]
    # A cron over every hour keeps both hours, as elapsed repeats do.
    half_hourly = Recurrence.parse("cron:*/30 * * * *")
    second = half_hourly.next_after(first_0130, start, NEW_YORK)
    assert second is not None and second.isoformat() == "2026-11-01T01:00:00-05:00"
