"""The beginner progression from COACHING.md, built toward the dose of the knee-osteoarthritis trial
(Alghadir et al. 2019: 10 minutes, 3 days a week), then about +10% a week."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DAYS_PER_WEEK = 3
START_MINUTES = 5
BUILD_MINUTES = {3: 7, 4: 8, 5: 9, 6: 10}
GROWTH = 1.10
CEILING_MINUTES = 30


@dataclass(frozen=True)
class PlanWeek:
    """One level of the plan: how many days, how long, and whether to walk supported."""

    level: int
    days: int
    minutes: int
    stage: str  # start | build | grow | beyond

    @property
    def supported(self) -> bool:
        """The first two weeks are walked with a wall, rail or buddy."""
        return self.stage == "start"


def plan_week(level: int) -> PlanWeek:
    """The target for a plan level (level 1 is the first week)."""
    if level <= 2:
        return PlanWeek(level, DAYS_PER_WEEK, START_MINUTES, "start")
    if level in BUILD_MINUTES:
        return PlanWeek(level, DAYS_PER_WEEK, BUILD_MINUTES[level], "build")
    minutes = min(CEILING_MINUTES, round(BUILD_MINUTES[6] * GROWTH ** (level - 6)))
    stage = "grow" if minutes < CEILING_MINUTES else "beyond"
    return PlanWeek(level, DAYS_PER_WEEK, minutes, stage)


def days_meeting(week_minutes: Sequence[int], target: PlanWeek) -> int:
    """Days of a week whose walking reached the target minutes."""
    return sum(1 for minutes in week_minutes if minutes >= target.minutes)


def plan_level(completed_weeks: Sequence[Sequence[int]]) -> int:
    """Where a user stands: one level up per week that met its target, one down after a blank week.

    `completed_weeks` holds, per finished week since the plan started, the minutes of each day.
    """
    level = 1
    for week in completed_weeks:
        target = plan_week(level)
        if days_meeting(week, target) >= target.days:
            level += 1
        elif not any(week):
            level = max(1, level - 1)
    return level


def follows_plan(week: PlanWeek, goal_chosen: bool) -> bool:
    """Whether the plan's week sets the week's target: until the user picks a weekly goal with
    /goal, and until the plan has built the base (stage "beyond"); then the weekly goal does."""
    return not goal_chosen and week.stage != "beyond"


def far_above(week: PlanWeek, minutes: int) -> bool:
    """A walk well beyond the plan's daily minutes (at least double, and 10 minutes more)."""
    return week.stage != "beyond" and minutes >= max(2 * week.minutes, week.minutes + 10)
