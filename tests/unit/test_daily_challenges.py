"""The catalogue of daily group challenges: deterministic per group and local day, never repeated
within two weeks, varied across groups, and worded only from COACHING.md's safety advice."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from core import texts
from core.domain.challenges import (
    CATALOGUE,
    FOCUSES,
    NO_REPEAT_DAYS,
    PLACES,
    daily_challenge,
)
from core.domain.parsing import PLACES as LOGGABLE_PLACES
from core.domain.plan import plan_week
from core.domain.ranges import MAX_DAILY_GOAL

START = date(2026, 1, 1)
YEAR = [START + timedelta(days=n) for n in range(400)]


def keys(chat: int, first: date, days: int) -> list[tuple[str, str]]:
    return [daily_challenge(chat, first + timedelta(days=n), 10).key for n in range(days)]


def test_no_group_gets_the_same_challenge_twice_within_fourteen_days_over_a_year() -> None:
    chats = [*range(1, 301), 10**6, 2**31 - 1, 2**63 - 1]
    for chat in chats:
        year = keys(chat, START, len(YEAR))
        for first in range(len(year) - NO_REPEAT_DAYS + 1):
            window = year[first:first + NO_REPEAT_DAYS]
            assert len(set(window)) == NO_REPEAT_DAYS, (chat, YEAR[first])


@given(chat=st.integers(min_value=1, max_value=2**63 - 1),
       first=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
       goal=st.integers(min_value=1, max_value=MAX_DAILY_GOAL))
def test_any_two_weeks_of_any_group_hold_fourteen_different_challenges(
        chat: int, first: date, goal: int) -> None:
    window = [daily_challenge(chat, first + timedelta(days=n), goal)
              for n in range(NO_REPEAT_DAYS)]
    assert len({c.key for c in window}) == NO_REPEAT_DAYS
    assert all(c.minutes == goal for c in window)


@given(chat=st.integers(min_value=1, max_value=2**63 - 1),
       day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
       goal=st.integers(min_value=1, max_value=MAX_DAILY_GOAL))
def test_the_challenge_is_a_pure_function_of_group_day_and_goal(
        chat: int, day: date, goal: int) -> None:
    first = daily_challenge(chat, day, goal)
    assert daily_challenge(chat, day, goal) == first
    assert first.key in CATALOGUE
    # The goal sets the minutes, never which challenge it is.
    assert daily_challenge(chat, day, MAX_DAILY_GOAL + 1 - goal).key == first.key


def test_the_whole_catalogue_comes_round_for_every_group() -> None:
    for chat in range(1, 50):
        assert set(keys(chat, START, len(CATALOGUE))) == set(CATALOGUE)


def test_groups_get_different_challenges_on_the_same_day() -> None:
    for day in YEAR[:60]:
        today = Counter(daily_challenge(chat, day, 10).key for chat in range(1, 501))
        assert len(today) == len(CATALOGUE)  # every challenge is someone's today
        assert max(today.values()) < 60  # and none is everyone's (500/23 is about 22)
    # Neighbouring chat ids are not in step either.
    same = sum(daily_challenge(chat, day, 10) == daily_challenge(chat + 1, day, 10)
               for chat in range(1, 101) for day in YEAR[:30])
    assert same < 3000 * 0.15


def test_the_minutes_follow_the_group_goal_and_newcomers_start_with_plan_week_one() -> None:
    first_week = plan_week(1)
    assert first_week.supported
    for goal in range(1, MAX_DAILY_GOAL + 1):
        today = daily_challenge(5, START, goal)
        assert today.minutes == goal
        assert today.starter_minutes == min(goal, first_week.minutes)


def test_the_catalogue_is_large_enough_and_never_asks_for_shoulder_checks_on_a_treadmill() -> None:
    assert len(CATALOGUE) >= NO_REPEAT_DAYS
    assert len(set(CATALOGUE)) == len(CATALOGUE)
    assert ("treadmill", "shoulder") not in CATALOGUE
    assert {place for place, _ in CATALOGUE} == set(PLACES)
    assert {focus for _, focus in CATALOGUE} == set(FOCUSES)


def test_every_place_and_focus_is_worded_and_every_place_can_be_logged() -> None:
    assert set(texts.CHALLENGE_PLACES) == set(PLACES)
    assert set(texts.CHALLENGE_FOCUS) == set(FOCUSES)
    assert set(PLACES) <= set(LOGGABLE_PLACES)


def test_the_wording_suggests_nothing_unsafe() -> None:
    wording = " ".join([texts.CHALLENGE, texts.CHALLENGE_STARTER, texts.CHALLENGE_STARTER_SHORT,
                        *texts.CHALLENGE_PLACES.values(), *texts.CHALLENGE_FOCUS.values()]).lower()
    for unsafe in ("eyes", "closed", "stairs", "steps up", "crowd", "run", "jog", "fast",
                   "faster", "sprint", "blind", "dark", "hill", "incline", "road", "street"):
        assert unsafe not in wording, unsafe
    assert "safety key" in texts.CHALLENGE_PLACES["treadmill"]
    assert "rails" in texts.CHALLENGE_PLACES["treadmill"]
    assert "wall" in texts.CHALLENGE_PLACES["hallway"]
    for outdoors in ("park", "track"):
        assert "nothing in your way" in texts.CHALLENGE_PLACES[outdoors]
