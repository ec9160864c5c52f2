"""Walks keep their day when the time zone or day start changes (issue 9)."""

from __future__ import annotations

import re
from datetime import date

from tests.support import ManualClock, Person


def test_a_walk_keeps_its_day_when_the_day_start_moves_later(
    ada: Person, clock: ManualClock
) -> None:
    clock.set_local("UTC", 2026, 11, 30, 1, 0)  # a Monday, 01:00
    ada.say("/log 10 min")
    reply = ada.say("/daystart 4").text
    assert "keep" in reply
    week = ada.say("/stats week").text
    assert "No walks this week" not in week
    assert "Minutes: 10" in week
    assert "Current streak: 1 day" in ada.say("/streak").text
    clock.set_local("UTC", 2026, 12, 1, 5, 0)  # the next day has begun at 04:00
    assert "Recorded: 10 min of backward walking, today." in ada.say("/log 10 min").text
    assert "Current streak: 2 days" in ada.say("/streak").text


def test_flying_from_auckland_to_honolulu_never_shows_a_day_in_the_future(
    ada: Person, clock: ManualClock
) -> None:
    ada.say("/timezone Pacific/Auckland")
    clock.set_local("Pacific/Auckland", 2026, 12, 3, 8, 0)  # Honolulu: 2 Dec, 09:00
    ada.say("/log 15 min")
    reply = ada.say("/timezone Pacific/Honolulu").text
    assert "keep" in reply
    stats = ada.say("/stats all").text
    since = re.search(r"since (\d{4}-\d\d-\d\d)", stats)
    assert since and date.fromisoformat(since.group(1)) <= date(2026, 12, 3)
    assert "Minutes: 15" in stats
    assert "Minutes: 15" in ada.say("/stats week").text


def test_a_settings_change_with_nothing_ahead_says_nothing_about_moving(ada: Person) -> None:
    ada.say("/log 10 min")
    assert "keep" not in ada.say("/daystart 2").text
    assert "keep" not in ada.say("/timezone Europe/Berlin").text
