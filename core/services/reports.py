"""Looking back: stats over a period, weekly minutes for the chart, and the beginner plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from core import texts
from core.domain import days as local
from core.domain.plan import PlanWeek, days_meeting, plan_level, plan_week
from core.domain.ranges import PERIODS
from core.errors import BadInput
from core.persistence.repositories import Totals
from core.persistence.uow import UnitOfWork
from core.services.people import Who

CHART_WEEKS = 12


@dataclass(frozen=True)
class Stats:
    """Sums over a period, with the weekly goal to compare against."""

    period: str
    start: date
    totals: Totals
    goal: int
    weeks: float


@dataclass(frozen=True)
class WeeklyMinutes:
    """Minutes per week for the most recent weeks, oldest first."""

    week_starts: list[date]
    minutes: list[int]
    goal: int


@dataclass(frozen=True)
class PlanStatus:
    """Where the user stands in the beginner plan."""

    week: PlanWeek
    done_days: int
    supported: bool
    last_pain: int | None


def parse_period(raw: str) -> str:
    """week, month or all (default week)."""
    period = raw.strip().lower() or "week"
    if period not in PERIODS:
        raise BadInput(texts.STATS_PERIOD_INVALID)
    return period


def stats(uow: UnitOfWork, who: Who, period: str) -> Stats:
    """Minutes, walks and active days this week, this month or all time."""
    today = who.today
    if period == "all":
        totals = uow.walks.totals(who.id)
        start = totals.first_day or today
    else:
        start = local.week_start(today) if period == "week" else local.month_start(today)
        totals = uow.walks.totals(who.id, start, today)
    weeks = max(1.0, ((today - start).days + 1) / 7)
    return Stats(period, start, totals, who.person.weekly_goal, weeks)


def weekly_minutes(uow: UnitOfWork, who: Who, weeks: int = CHART_WEEKS) -> WeeklyMinutes:
    """Minutes in each of the last `weeks` local weeks, this week last."""
    this_week = local.week_start(who.today)
    starts = [this_week - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    by_day = uow.walks.minutes_by_day(who.id, starts[0], who.today)
    totals = dict.fromkeys(starts, 0)
    for day, minutes in by_day.items():
        totals[local.week_start(day)] += minutes
    return WeeklyMinutes(starts, [totals[s] for s in starts], who.person.weekly_goal)


def plan_status(uow: UnitOfWork, who: Who) -> PlanStatus:
    """The plan level reached from the weeks since the plan started, and this week's count."""
    today, person = who.today, who.person
    this_week = local.week_start(today)
    start = local.week_start(person.plan_start or today)
    by_day = uow.walks.minutes_by_day(who.id, start, today)
    completed = [
        [by_day.get(week + timedelta(days=d), 0) for d in range(7)]
        for week in (start + timedelta(weeks=n) for n in range((this_week - start).days // 7))
    ]
    target = plan_week(plan_level(completed))
    this = [by_day.get(day, 0) for day in local.days_between(this_week, today)]
    supported = target.supported or bool(person.supported)
    return PlanStatus(target, days_meeting(this, target), supported, person.last_pain)
