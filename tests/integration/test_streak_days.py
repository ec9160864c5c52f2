"""Streaks in each user's local day: time zones, DST, day start, freezes, pause, backdating."""

from __future__ import annotations

import re

from tests.support import ManualClock, Person


def current(ada: Person) -> int:
    match = re.search(r"Current streak: (\d+)", ada.say("/streak").text)
    assert match
    return int(match.group(1))


def test_late_evening_walks_in_auckland_are_consecutive_local_days(
    ada: Person, clock: ManualClock
) -> None:
    ada.say("/timezone Pacific/Auckland")
    for day in (1, 2, 3):
        clock.set_local("Pacific/Auckland", 2026, 12, day, 23, 30)
        ada.say("/log 10 min")
    assert current(ada) == 3


def test_a_walk_after_midnight_utc_counts_for_the_local_day_in_los_angeles(
    ada: Person, clock: ManualClock
) -> None:
    ada.say("/timezone America/Los_Angeles")
    clock.set_local("America/Los_Angeles", 2026, 11, 20, 20, 0)  # 04:00 UTC on the 21st
    ada.say("/log 10 min")
    clock.set_local("America/Los_Angeles", 2026, 11, 21, 9, 0)
    assert "Streak: 2 days." in ada.say("/log 10 min").text


def test_streak_survives_the_end_of_daylight_saving_time(ada: Person, clock: ManualClock) -> None:
    ada.say("/timezone America/New_York")
    # DST ends at 02:00 on Sunday 1 November 2026: that day has 25 hours.
    for day in (30, 31):
        clock.set_local("America/New_York", 2026, 10, day, 23, 45)
        ada.say("/log 10 min")
    for day in (1, 2, 3):
        clock.set_local("America/New_York", 2026, 11, day, 23, 45)
        ada.say("/log 10 min")
    assert current(ada) == 5


def test_streak_survives_the_start_of_daylight_saving_time_with_a_late_day_start(
    ada: Person, clock: ManualClock
) -> None:
    ada.say("/timezone Europe/Berlin")
    ada.say("/daystart 4")
    # Clocks jump from 02:00 to 03:00 on 29 March 2026; walks at 01:30 belong to the day before.
    for day in (28, 29, 30, 31):
        clock.set_local("Europe/Berlin", 2026, 3, day, 1, 30)
        ada.say("/log 10 min")
    clock.set_local("Europe/Berlin", 2026, 3, 31, 12, 0)
    text = ada.say("/stats all").text
    assert "Active days: 4" in text
    assert "All time (since 2026-03-27)" in text
    assert current(ada) == 4


def test_night_owls_walk_after_midnight_counts_for_the_evening_before(
    ada: Person, clock: ManualClock
) -> None:
    ada.say("/daystart 3")
    clock.set_local("UTC", 2026, 11, 23, 21, 0)
    ada.say("/log 10 min")
    clock.set_local("UTC", 2026, 11, 25, 2, 30)  # still the 24th for this user
    reply = ada.say("/log 10 min")
    assert "Streak: 2 days." in reply.text


def test_a_freeze_earned_in_seven_days_covers_a_missed_day_and_shows_in_history(
    ada: Person, clock: ManualClock
) -> None:
    for day in range(1, 8):
        clock.set_local("UTC", 2026, 11, day, 9)
        ada.say("/log 10 min")
    assert "Freezes held: 1 of 2" in ada.say("/streak").text
    clock.set_local("UTC", 2026, 11, 9, 9)  # the 8th is missed
    ada.say("/log 10 min")
    text = ada.say("/streak").text
    assert "Current streak: 8 days" in text
    assert "Freezes held: 0 of 2" in text
    assert "Freezes used: Sun 8 Nov." in text
    # Weeks later the day is settled and stored; the history still shows it.
    clock.set_local("UTC", 2026, 11, 30, 9)
    assert "Freezes used: Sun 8 Nov." in ada.say("/streak").text
    assert "Current streak: 0 days (best 8)" in ada.say("/streak").text


def test_without_a_freeze_a_missed_day_breaks_the_streak(ada: Person, clock: ManualClock) -> None:
    for day in (1, 2, 4):
        clock.set_local("UTC", 2026, 11, day)
        ada.say("/log 10 min")
    assert "Current streak: 1 day (best 2)" in ada.say("/streak").text


def test_today_stays_open_until_it_ends(ada: Person, clock: ManualClock) -> None:
    clock.set_local("UTC", 2026, 11, 23)
    ada.say("/log 10 min")
    clock.set_local("UTC", 2026, 11, 24, 18)
    text = ada.say("/streak").text
    assert "Current streak: 1 day" in text
    assert "No walk yet today" in text


def test_a_backdated_walk_counts_for_its_day_and_mends_the_streak(
    ada: Person, clock: ManualClock
) -> None:
    for day in (20, 21, 23, 24):
        clock.set_local("UTC", 2026, 11, day)
        ada.say("/log 10 min")
    assert current(ada) == 2
    reply = ada.say("/log 15 min 2026-11-22")
    assert "Recorded: 15 min of backward walking, Sun 22 Nov." in reply.text
    assert current(ada) == 5
    assert "Removed" in ada.say("/undo").text
    assert current(ada) == 2


def test_logging_for_yesterday_and_a_weekday_name(ada: Person) -> None:
    ada.say("/log 10 min")
    assert "yesterday" in ada.say("/log 10 min yesterday").text
    assert "Sun 22 Nov" in ada.say("/log 10 min sunday").text
    assert current(ada) == 3


def test_paused_days_neither_break_nor_extend_the_streak(ada: Person, clock: ManualClock) -> None:
    for day in (1, 2, 3):
        clock.set_local("UTC", 2026, 11, day)
        ada.say("/log 10 min")
    assert "Paused until Sat 7 Nov" in ada.say("/pause 4").text
    clock.set_local("UTC", 2026, 11, 6)
    assert "You're paused" in ada.say("/streak").text
    clock.set_local("UTC", 2026, 11, 8)
    assert "Streak: 4 days." in ada.say("/log 10 min").text
    assert "Freezes held: 0 of 2" in ada.say("/streak").text


def test_an_open_pause_ends_with_resume_or_with_a_walk(ada: Person, clock: ManualClock) -> None:
    clock.set_local("UTC", 2026, 11, 1)
    ada.say("/log 10 min")
    ada.say("/pause")
    clock.set_local("UTC", 2026, 11, 5)
    reply = ada.say("/log 10 min")
    assert "your pause has ended" in reply.text
    assert "Streak: 2 days." in reply.text
    clock.set_local("UTC", 2026, 11, 6)
    assert current(ada) == 2  # today is still open
    clock.set_local("UTC", 2026, 11, 7)
    assert current(ada) == 0  # the 6th was missed and no freeze is held


def test_a_walk_can_not_be_backdated_into_days_already_settled(
    ada: Person, clock: ManualClock
) -> None:
    ada.say("/log 10 min")
    assert "more than 7 days ago" in ada.fail("/log 10 min 2026-11-10")
