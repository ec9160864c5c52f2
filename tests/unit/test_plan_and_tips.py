"""The beginner plan's levels and the choice of safety tips."""

from __future__ import annotations

from core.domain.plan import far_above, follows_plan, plan_level, plan_week
from core.domain.tips import WalkContext, choose_tip, next_general_tip, remember_tip


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
    assert choose_tip(context, []) == "treadmill"


def test_first_days_get_the_buddy_tip_and_outdoor_walks_the_shoulder_tip() -> None:
    assert choose_tip(WalkContext(place=None, walking_days=1, supported=False), []) == "buddy"
    outdoors = WalkContext(place="park", walking_days=9, supported=False)
    assert choose_tip(outdoors, []) == "shoulder"


def test_no_tip_comes_twice_within_three_logs() -> None:
    for context in (WalkContext(place="park", walking_days=9, supported=False),
                    WalkContext(place=None, walking_days=1, supported=True),
                    WalkContext(place="treadmill", walking_days=2, supported=True)):
        recent: list[str] = []
        shown = []
        for _ in range(8):
            tip = choose_tip(context, recent)
            shown.append(tip)
            recent = remember_tip(recent, tip)
        for n in range(len(shown) - 3):
            assert len(set(shown[n:n + 4])) == 4, shown
    assert next_general_tip("clear_path") != "clear_path"


def test_rising_or_high_pain_always_brings_the_stop_advice_even_if_just_shown() -> None:
    assert choose_tip(WalkContext("park", 9, False, pain=3, pain_rose=True), ["stop"]) == "stop"
    assert choose_tip(WalkContext("park", 9, False, pain=8), ["stop"]) == "stop"


def test_the_plan_sets_the_target_until_a_goal_is_chosen_or_the_base_is_built() -> None:
    assert follows_plan(plan_week(1), goal_chosen=False)
    assert not follows_plan(plan_week(1), goal_chosen=True)
    assert not follows_plan(plan_week(40), goal_chosen=False)


def test_a_walk_far_above_the_plan_is_noticed_and_a_little_more_is_not() -> None:
    assert far_above(plan_week(1), 75)
    assert far_above(plan_week(1), 15)
    assert not far_above(plan_week(1), 10)
    assert not far_above(plan_week(6), 19)
    assert not far_above(plan_week(40), 120)
