"""Looking back: stats over a period, weekly minutes for the chart, and the beginner plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from core import texts
from core.domain import days as local
from core.domain.plan import PlanWeek, days_meeting, follows_plan, plan_level, plan_week
from core.domain.ranges import PERIODS
from core.errors import BadInput
from core.persistence.models import Walk
from core.persistence.repositories import Totals
from core.persistence.uow import UnitOfWork
from core.services.people import Who

# The plan level is folded from at most this many recent weeks, so a log costs the same with any
# history behind it. Half a year is enough: the plan reaches its last stage in 17 good weeks.
PLAN_WEEKS = 26
CHART_WEEKS = 12  # at most; a newer walker's chart starts at the week of their first walk


@dataclass(frozen=True)
class Stats:
    """Sums over a period, with the weekly goal to compare against."""

    period: str
    start: date
    totals: Totals
    target: WeekTarget
    weeks: float


@dataclass(frozen=True)
class WeekTarget:
    """What this week is measured against: the plan's week while the user follows the plan,
    else the weekly goal in minutes."""

    minutes: int  # walked this week
    goal: int
    plan: PlanWeek | None = None
    done_days: int = 0  # days this week that met the plan's minutes

    @property
    def goal_minutes(self) -> int:
        """The week's target in minutes (the plan's days times its minutes)."""
        return self.plan.days * self.plan.minutes if self.plan else self.goal


@dataclass(frozen=True)
class WeeklyMinutes:
    """Minutes per week for the most recent weeks, oldest first, and minutes per day."""

    week_starts: list[date]
    minutes: list[int]
    target: WeekTarget
    by_day: dict[date, int]
    today: date
    finished: bool = False  # the last week is over (the weekly summary's chart, on a Monday)


@dataclass(frozen=True)
class PlanStatus:
    """Where the user stands in the beginner plan."""

    week: PlanWeek
    done_days: int
    supported: bool
    last_pain: int | None  # of the latest walk logged, so undoing it clears the pain line
    this_week: int = 0  # minutes walked this week


def parse_period(raw: str) -> str:
    """week, month or all (default week)."""
    period = raw.strip().lower() or "week"
    if period not in PERIODS:
        raise BadInput(texts.STATS_PERIOD_INVALID)
    return period


def stats(uow: UnitOfWork, who: Who, period: str) -> Stats:
    """Minutes, walks and active days this week, this month or all time; averages count the
    weeks from the first walk on, never weeks before the user began."""
    today = who.today
    everything = uow.walks.totals(who.id)
    first_walk = everything.first_day or today
    if period == "all":
        totals, start = everything, first_walk
    else:
        start = local.week_start(today) if period == "week" else local.month_start(today)
        totals = uow.walks.totals(who.id, start, today)
    weeks = max(1.0, ((today - max(start, first_walk)).days + 1) / 7)
    return Stats(period, start, totals, week_target(uow, who), weeks)


def weekly_minutes(uow: UnitOfWork, who: Who, weeks: int = CHART_WEEKS) -> WeeklyMinutes:
    """Minutes in each local week from the first walk's week (at most `weeks`), this week last."""
    this_week = local.week_start(who.today)
    first_walk = uow.walks.totals(who.id).first_day or who.today
    walked_weeks = (this_week - local.week_start(first_walk)).days // 7 + 1
    count = max(1, min(weeks, walked_weeks))
    starts = [this_week - timedelta(weeks=n) for n in range(count - 1, -1, -1)]
    by_day = uow.walks.minutes_by_day(who.id, starts[0], who.today)
    totals = dict.fromkeys(starts, 0)
    for day, minutes in by_day.items():
        totals[local.week_start(day)] += minutes
    return WeeklyMinutes(starts, [totals[s] for s in starts], week_target(uow, who), by_day,
                         who.today)


def plan_window(who: Who) -> date:
    """The first day plan_status reads: the plan's start, at most PLAN_WEEKS weeks back."""
    this_week = local.week_start(who.today)
    return max(local.week_start(who.person.plan_start or who.today),
               this_week - timedelta(weeks=PLAN_WEEKS))


def plan_status(uow: UnitOfWork, who: Who, *, by_day: dict[date, int] | None = None,
                just_logged: Walk | None = None) -> PlanStatus:
    """The plan level reached from the weeks since the plan started, and this week's count.
    A caller that already read the minutes by day from `plan_window` on passes them, and one
    that has just logged a walk passes it (it is the latest: its pain is the latest pain)."""
    today, person = who.today, who.person
    this_week = local.week_start(today)
    start = plan_window(who)
    if by_day is None:
        by_day = uow.walks.minutes_by_day(who.id, start, today)
    completed = [
        [by_day.get(week + timedelta(days=d), 0) for d in range(7)]
        for week in (start + timedelta(weeks=n) for n in range((this_week - start).days // 7))
    ]
    target = plan_week(plan_level(completed))
    this = [by_day.get(day, 0) for day in local.days_between(this_week, today)]
    supported = target.supported or bool(person.supported)
    pain = just_logged.pain if just_logged is not None else uow.walks.latest_pain(who.id)
    return PlanStatus(target, days_meeting(this, target), supported, pain, sum(this))


def week_target(uow: UnitOfWork, who: Who, status: PlanStatus | None = None) -> WeekTarget:
    """This week's target: the plan's week while the user follows the plan, else the goal."""
    status = status or plan_status(uow, who)
    goal = who.person.weekly_goal
    if follows_plan(status.week, who.person.goal_chosen):
        return WeekTarget(status.this_week, goal, status.week, status.done_days)
    return WeekTarget(status.this_week, goal)
