"""The beginner plan's levels and the choice of safety tips."""

from __future__ import annotations

from core.domain.plan import plan_level, plan_week
from core.domain.tips import WalkContext, choose_tip, next_general_tip


def test_the_plan_starts_supported_at_5_minutes_three_days_a_week() -> None:
    week = plan_week(1)
    assert (week.days, week.minutes, week.supported) == (3, 5, True)


def test_weeks_three_to_six_build_to_ten_minutes_then_grow_about_ten_percent() -> None:
    assert [plan_week(n).minutes for n in range(3, 9)] == [7, 8, 9, 10, 11, 12]
    assert plan_week(40).stage == "beyond"
    assert plan_week(40).minutes == 30


def test_a_week_that_met_the_target_moves_up_and_a_blank_week_steps_back() -> None:
    met = [5, 0, 5, 0, 5, 0, 0]
    short = [5, 0, 0, 0, 0, 0, 0]
    blank = [0] * 7
    assert plan_level([met, met]) == 3
    assert plan_level([met, short]) == 2
    assert plan_level([met, met, blank]) == 2


def test_treadmill_walks_get_the_treadmill_tip() -> None:
    context = WalkContext(place="treadmill", walking_days=10, supported=False)
    assert choose_tip(context, None) == "treadmill"


def test_first_days_get_the_buddy_tip_and_outdoor_walks_the_shoulder_tip() -> None:
    assert choose_tip(WalkContext(place=None, walking_days=1, supported=False), None) == "buddy"
    outdoors = WalkContext(place="park", walking_days=9, supported=False)
    assert choose_tip(outdoors, None) == "shoulder"


def test_the_same_tip_is_never_given_twice_in_a_row() -> None:
    context = WalkContext(place="park", walking_days=9, supported=False)
    first = choose_tip(context, None)
    assert choose_tip(context, first) != first
    assert next_general_tip("clear_path") != "clear_path"


def test_rising_or_high_pain_always_brings_the_pain_advice() -> None:
    assert choose_tip(WalkContext("park", 9, False, pain=3, pain_rose=True), "pain") == "pain"
    assert choose_tip(WalkContext("park", 9, False, pain=8), None) == "pain"
