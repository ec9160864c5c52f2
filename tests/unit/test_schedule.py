"""Due instants of daily messages across time zones, day starts and daylight saving time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain.schedule import day_of, latest_due, next_due, occurrence, wall_instant


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(("zone", "day", "at", "expected"), [
    # An ordinary day: 07:30 in Berlin in winter (UTC+1) and in summer (UTC+2).
    ("Europe/Berlin", date(2026, 1, 15), time(7, 30), utc(2026, 1, 15, 6, 30)),
    ("Europe/Berlin", date(2026, 7, 15), time(7, 30), utc(2026, 7, 15, 5, 30)),
    # Spring forward (29 March 2026, 02:00 → 03:00): 02:30 does not exist, 03:00 is the first
    # minute after it; 07:30 is still 07:30 local.
    ("Europe/Berlin", date(2026, 3, 29), time(2, 30), utc(2026, 3, 29, 1, 0)),
    ("Europe/Berlin", date(2026, 3, 29), time(7, 30), utc(2026, 3, 29, 5, 30)),
    # Fall back (25 October 2026, 03:00 → 02:00): 02:30 happens twice, due at the first.
    ("Europe/Berlin", date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30)),
    # New York springs forward on 8 March 2026 and falls back on 1 November 2026.
    ("America/New_York", date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 0)),
    ("America/New_York", date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
    # Sydney: summer time starts 4 October 2026 (02:00 → 03:00), ends 5 April 2026 (03:00 → 02:00).
    ("Australia/Sydney", date(2026, 10, 4), time(2, 15), utc(2026, 10, 3, 16, 0)),
    ("Australia/Sydney", date(2026, 4, 5), time(2, 30), utc(2026, 4, 4, 15, 30)),
])
def test_a_wall_clock_time_becomes_one_instant(
    zone: str, day: date, at: time, expected: datetime
) -> None:
    assert wall_instant(day, at, zone) == expected


def test_with_a_late_day_start_an_early_time_belongs_to_the_day_before() -> None:
    # /daystart 4 and /remind 03:00: Monday's reminder is at 03:00 on Tuesday.
    assert occurrence(date(2026, 12, 7), time(3, 0), "UTC", 4) == utc(2026, 12, 8, 3)
    # Set on Monday at 02:00 (still Sunday's walk day): Sunday's 03:00 is an hour away.
    assert next_due(utc(2026, 12, 7, 2), time(3, 0), "UTC", 4) == (
        date(2026, 12, 6), utc(2026, 12, 7, 3))
    # Set at 05:00: Monday's is next, once, at 03:00 Tuesday: never at 04:00 as well.
    assert next_due(utc(2026, 12, 7, 5), time(3, 0), "UTC", 4) == (
        date(2026, 12, 7), utc(2026, 12, 8, 3))


def test_the_next_one_is_today_until_its_time_then_tomorrow() -> None:
    assert next_due(utc(2026, 12, 2, 17, 59), time(18, 0), "UTC") == (
        date(2026, 12, 2), utc(2026, 12, 2, 18))
    assert next_due(utc(2026, 12, 2, 18), time(18, 0), "UTC")[1] == utc(2026, 12, 2, 18)
    assert next_due(utc(2026, 12, 2, 18, 0, 1), time(18, 0), "UTC") == (
        date(2026, 12, 3), utc(2026, 12, 3, 18))


def test_a_skipped_time_across_the_day_start_stays_in_its_own_day() -> None:
    # Day starts at 03:00; 02:30 is skipped on 29 March in Berlin and moves to 03:00, which is
    # the start of the next walk day: it is still Saturday's reminder.
    instant = occurrence(date(2026, 3, 28), time(2, 30), "Europe/Berlin", 3)
    assert instant == utc(2026, 3, 29, 1, 0)
    assert day_of(instant, time(2, 30), "Europe/Berlin", 3) == date(2026, 3, 28)


ZONES = st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney",
                         "Pacific/Auckland", "Asia/Kolkata", "America/St_Johns"])


@given(
    after=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31),
                       timezones=st.just(UTC)),
    hour=st.integers(0, 23), minute=st.integers(0, 59), zone=ZONES,
    day_start=st.integers(0, 12),
)
def test_due_times_follow_each_other_a_day_apart_in_local_time_and_never_go_back(
    after: datetime, hour: int, minute: int, zone: str, day_start: int
) -> None:
    at = time(hour, minute)
    day, first = next_due(after, at, zone, day_start)
    assert first >= after and first - after <= timedelta(hours=26)
    assert day_of(first, at, zone, day_start) == day
    following_day, following = next_due(first + timedelta(seconds=1), at, zone, day_start)
    assert following_day == day + timedelta(days=1)
    assert timedelta(hours=22) <= following - first <= timedelta(hours=26)


@given(
    now=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31),
                     timezones=st.just(UTC)),
    hour=st.integers(0, 23), minute=st.integers(0, 59), zone=ZONES,
    day_start=st.integers(0, 12),
)
def test_the_latest_due_time_is_the_one_before_the_next(
    now: datetime, hour: int, minute: int, zone: str, day_start: int
) -> None:
    at = time(hour, minute)
    day, latest = latest_due(now, at, zone, day_start)
    following_day, following = next_due(latest + timedelta(microseconds=1), at, zone, day_start)
    assert latest <= now < following
    assert following_day == day + timedelta(days=1)
