"""Looking back: /streak, /stats, /progress and /plan."""

from __future__ import annotations

from core import texts
from core.conversation.chart import progress_png
from core.conversation.shared import calendar_label, file_name, target_line
from core.conversation.turn import Answer, Later, Turn
from core.domain import effort
from core.domain.streaks import MAX_FREEZES
from core.replies import Attachment, Reply
from core.services import people, reports, streaks
from core.services.reports import WeeklyMinutes


def streak(turn: Turn, args: str) -> Reply:
    """/streak: current and best, freezes, habit strength, freezes used lately."""
    snap = streaks.snapshot(turn.uow, turn.who.person, turn.who.today, history=True)
    view = snap.view
    used = ""
    if view.freezes_used:
        used = texts.STREAK_USED.format(
            days=", ".join(calendar_label(d) for d in view.freezes_used))
    if people.active_pause(turn.uow, turn.who) is not None:
        today = texts.STREAK_PAUSED
    elif view.walked_today:
        today = texts.STREAK_TODAY_DONE
    else:
        today = texts.STREAK_TODAY_OPEN if view.current else texts.STREAK_TODAY_START
    week = target_line(reports.week_target(turn.uow, turn.who))
    return Reply(texts.STREAK.format(
        current=view.current, days=texts.plural_days(view.current), best=view.best,
        freezes=view.freezes, max_freezes=MAX_FREEZES, strength=view.strength_percent,
        used=used, today=today) + "\n" + week)


def stats(turn: Turn, args: str) -> Reply:
    """/stats [week|month|all]: minutes, walks, active days, effort, goal progress."""
    result = reports.stats(turn.uow, turn.who, reports.parse_period(args))
    totals = result.totals
    if totals.walks == 0:
        return Reply(texts.STATS_EMPTY[result.period])
    target = result.target
    if result.period == "week" and target.plan is not None:
        goal_line = target_line(target)
    elif result.period == "week":
        goal_line = texts.STATS_GOAL_WEEK.format(
            minutes=target.minutes, goal=target.goal,
            percent=round(100 * target.minutes / target.goal))
    elif target.plan is not None:
        goal_line = texts.STATS_PLAN_AVERAGE.format(
            average=round(totals.minutes / result.weeks), days=target.plan.days,
            minutes=target.plan.minutes)
    else:
        goal_line = texts.STATS_GOAL_AVERAGE.format(
            average=round(totals.minutes / result.weeks), goal=target.goal)
    title = texts.STATS_TITLE[result.period].format(start=result.start.isoformat())
    text = texts.STATS.format(
        title=title, minutes=totals.minutes, walks=totals.walks, active_days=totals.active_days,
        met_minutes=f"{effort.met_minutes(totals.minutes):,}", goal_line=goal_line)
    return Reply(text + "\n" + texts.STATS_EFFORT_NOTE)


def progress(turn: Turn, args: str) -> Answer:
    """/progress: the chart, drawn once the unit of work has closed."""
    weeks = reports.weekly_minutes(turn.uow, turn.who)
    if not any(weeks.minutes):
        return Reply(texts.PROGRESS_EMPTY)
    name = file_name("progress", turn.who.id, turn.now, "png")
    return Later(lambda: _chart(weeks, name))


def _chart(weeks: WeeklyMinutes, name: str) -> Reply:
    plan = weeks.target.plan
    if plan is not None:
        line = texts.PROGRESS_PLAN.format(days=plan.days, minutes=plan.minutes,
                                          total=weeks.target.goal_minutes)
    else:
        line = texts.PROGRESS_GOAL.format(goal=weeks.target.goal)
    caption = texts.PROGRESS_CAPTION.format(
        weeks=len(weeks.minutes), week_word=texts.plural_weeks(len(weeks.minutes)),
        total=sum(weeks.minutes), line=line)
    return Reply(caption, image=Attachment(name, progress_png(weeks), "image/png"))


def plan(turn: Turn, args: str) -> Reply:
    """/plan: the level, this week's target and count, what comes next."""
    status = reports.plan_status(turn.uow, turn.who)
    week = status.week
    text = texts.PLAN.format(
        level=week.level, stage=texts.PLAN_STAGES[week.stage], days=week.days,
        minutes=week.minutes, support=texts.PLAN_SUPPORT if status.supported else "",
        done=min(status.done_days, week.days), next=texts.PLAN_NEXT[week.stage])
    lines = [text, texts.PLAN_RULES]
    if status.last_pain is not None and status.last_pain >= texts.PLAN_PAIN_LEVEL:
        lines += [texts.PLAN_PAIN.format(pain=status.last_pain), texts.PAIN_WARNING]
    return Reply("\n".join(lines))
