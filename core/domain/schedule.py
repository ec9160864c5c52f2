"""When a daily message is due: a local wall-clock time, turned into the next UTC instant.

A reminder belongs to one of the user's days (which may start at 04:00 rather than midnight):
`/remind 03:00` with `/daystart 4` is due at 03:00 on the calendar day after, still inside the
same walk day. Daylight saving time: 07:30 stays 07:30 local; a time the clocks skip that day
(02:30 on a spring-forward night in Berlin) is due at the first minute that exists after it
(03:00); a time that happens twice (fall-back) is due once, at its first occurrence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_MINUTE = timedelta(minutes=1)


def parse_hhmm(at: str) -> time:
    """The stored 'HH:MM' form as a time."""
    hour, minute = (int(part) for part in at.split(":"))
    return time(hour, minute)


def wall_instant(day: date, at: time, zone_name: str) -> datetime:
    """The UTC instant the clocks in `zone_name` show `at` on `day` (first valid minute after
    it when the clocks skip it; its first occurrence when they show it twice)."""
    zone = ZoneInfo(zone_name)
    wall = datetime.combine(day, at)
    while True:  # at most the length of one clock jump, once or twice a year
        instant = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
        if instant.astimezone(zone).replace(tzinfo=None) == wall:
            return instant
        wall += _MINUTE


def occurrence(walk_day: date, at: time, zone_name: str, day_start_hour: int = 0) -> datetime:
    """The instant of `at` within the walk day `walk_day` (which runs from `day_start_hour` on
    that date to `day_start_hour` on the next)."""
    calendar_day = walk_day + timedelta(days=1) if at.hour < day_start_hour else walk_day
    return wall_instant(calendar_day, at, zone_name)


def walk_day_of(instant: datetime, zone_name: str, day_start_hour: int = 0) -> date:
    """The walk day an instant falls in."""
    local = instant.astimezone(ZoneInfo(zone_name))
    return (local - timedelta(hours=day_start_hour)).date()


def next_due(after: datetime, at: time, zone_name: str,
             day_start_hour: int = 0) -> tuple[date, datetime]:
    """The first occurrence at or after `after`: its walk day and its UTC instant."""
    day = walk_day_of(after, zone_name, day_start_hour) - timedelta(days=1)
    while True:
        instant = occurrence(day, at, zone_name, day_start_hour)
        if instant >= after:
            return day, instant
        day += timedelta(days=1)


def day_of(instant: datetime, at: time, zone_name: str, day_start_hour: int = 0) -> date:
    """The walk day whose occurrence of `at` is `instant` (a clock jump can push an occurrence
    past the start of the next walk day: it still belongs to its own day)."""
    day = walk_day_of(instant, zone_name, day_start_hour)
    if occurrence(day, at, zone_name, day_start_hour) == instant:
        return day
    return day - timedelta(days=1)


def latest_due(now: datetime, at: time, zone_name: str,
               day_start_hour: int = 0) -> tuple[date, datetime]:
    """The last occurrence at or before `now`: its walk day and its UTC instant."""
    today = walk_day_of(now, zone_name, day_start_hour)
    for back in range(-1, 3):
        day = today - timedelta(days=back)
        instant = occurrence(day, at, zone_name, day_start_hour)
        if instant <= now:
            return day, instant
    raise AssertionError("an occurrence falls in every day")  # pragma: no cover


# The "streak at risk" nudge comes this many hours before the walk day ends.
NUDGE_HOURS_BEFORE_END = 3


def nudge_time(day_start_hour: int) -> time:
    """When the streak nudge comes: NUDGE_HOURS_BEFORE_END hours before the day ends (21:00
    for a day that starts at midnight; 01:00 for one that starts at 04:00)."""
    return time((day_start_hour - NUDGE_HOURS_BEFORE_END) % 24, 0)



# The weekly summary comes on the walk day that is a Monday, at the person's reminder time.
SUMMARY_WEEKDAY = 0


def next_weekly(after: datetime, at: time, zone_name: str,
                day_start_hour: int = 0) -> tuple[date, datetime]:
    """The first Monday occurrence of `at` at or after `after`: its walk day and UTC instant."""
    day = walk_day_of(after, zone_name, day_start_hour) - timedelta(days=1)
    while True:
        if day.weekday() == SUMMARY_WEEKDAY:
            instant = occurrence(day, at, zone_name, day_start_hour)
            if instant >= after:
                return day, instant
        day += timedelta(days=1)


def latest_weekly(now: datetime, at: time, zone_name: str,
                  day_start_hour: int = 0) -> tuple[date, datetime]:
    """The last Monday occurrence of `at` at or before `now`: its walk day and UTC instant."""
    day = walk_day_of(now, zone_name, day_start_hour) + timedelta(days=1)
    while True:
        if day.weekday() == SUMMARY_WEEKDAY:
            instant = occurrence(day, at, zone_name, day_start_hour)
            if instant <= now:
                return day, instant
        day -= timedelta(days=1)


def next_season_post(after: datetime, at: str, zone_name: str) -> datetime:
    """The first Monday occurrence of the 'HH:MM' time `at` in `zone_name` after `after`: when
    a group's weekly board of the week before is posted."""
    day = walk_day_of(after, zone_name)
    while True:
        if day.weekday() == 0:
            instant = wall_instant(day, parse_hhmm(at), zone_name)
            if instant > after:
                return instant
        day += timedelta(days=1)
