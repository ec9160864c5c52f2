"""The weekly summary: last week in figures with the chart, on Monday at the reminder time; and
/summary on|off.

The words are written when the summary is claimed for sending; the chart is not drawn here.
The claim carries `draw_chart` with plain data (the weeks' minutes), which the sender runs in a
process pool at send time: a chart costs about 100 ms of CPU, and drawing thousands of them on
the coach's one worker would hold up every person's /log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from functools import partial

from core import texts as common
from core.conversation.chart import progress_png
from core.conversation.shared import calendar_label, quick_log_buttons, streak_line
from core.conversation.turn import Turn
from core.errors import BadInput
from core.persistence.queue import Claimed
from core.persistence.uow import UnitOfWork
from core.replies import Attachment, Button, Reply
from core.services import deliveries, reports, streaks
from core.services.people import Who
from core.services.reports import WeeklyMinutes, WeekTarget
from core.texts import summaries as texts

ON_WORDS = frozenset({"on", "yes", "start"})
OFF_WORDS = frozenset({"off", "no", "stop", "none"})


def draw_chart(weeks: WeeklyMinutes, name: str) -> Attachment:
    """The summary's chart as a PNG attachment (module level, so a process pool can run it)."""
    return Attachment(name, progress_png(weeks), "image/png")


def words(uow: UnitOfWork, row: Claimed) -> tuple[Reply, Callable[[], Attachment] | None]:
    """The summary of the week before the Monday `row.occurrence`, and the call that draws its
    chart (None when there is nothing to chart: no walks last week)."""
    monday = date.fromisoformat(row.occurrence)
    sunday = monday - timedelta(days=1)
    start = monday - timedelta(days=7)
    assert row.person_id is not None and row.account_id is not None
    person = uow.people.person(row.person_id)
    account = uow.people.account(row.account_id)
    assert person is not None and account is not None
    buttons = (*quick_log_buttons(), Button(texts.BUTTON_NO_SUMMARIES, "summary:off", row=1))
    title = texts.WEEKLY_TITLE.format(start=calendar_label(start), end=calendar_label(sunday))
    week = uow.walks.totals(person.key, start, sunday)
    if week.walks == 0:
        ever = uow.walks.last_day(person.key) is not None
        text = texts.WEEKLY_WELCOME_BACK if ever else texts.WEEKLY_FIRST
        return Reply(text, title=title, buttons=buttons), None
    last_week = Who(person, account, sunday)
    target = reports.week_target(uow, last_week)
    snap = streaks.snapshot(uow, person, monday)
    lines = [texts.WEEKLY_FIGURES.format(minutes=week.minutes, walks=_walks(week.walks),
                                         days=week.active_days),
             _against(target), streak_line(snap.view), texts.WEEKLY_AHEAD]
    weeks = replace(reports.weekly_minutes(uow, last_week), finished=True)
    name = f"retrowalk-weekly-{person.key}-{monday:%Y%m%d}.png"
    return Reply("\n".join(lines), title=title, buttons=buttons), partial(draw_chart, weeks, name)


def _walks(count: int) -> str:
    return common.count_walks(count)


def _against(target: WeekTarget) -> str:
    """Last week against its target: the plan's days while following the plan, else the goal."""
    plan = target.plan
    if plan is not None:
        if target.done_days >= plan.days:
            return texts.WEEKLY_PLAN_MET.format(days=plan.days, minutes=plan.minutes)
        return texts.WEEKLY_PLAN_PART.format(days=plan.days, minutes=plan.minutes,
                                             done=target.done_days)
    if target.minutes >= target.goal:
        return texts.WEEKLY_GOAL_MET.format(goal=target.goal)
    return texts.WEEKLY_GOAL_PART.format(goal=target.goal,
                                         percent=round(100 * target.minutes / target.goal))


def summary(turn: Turn, args: str) -> Reply:
    """/summary <on|off>; without it, the current setting."""
    person, word = turn.who.person, args.strip().lower()
    if not word:
        state = common.ON if person.summaries else common.OFF
        return Reply(texts.SUMMARY_SHOW.format(state=state))
    if word not in ON_WORDS | OFF_WORDS:
        raise BadInput(texts.SUMMARY_INVALID.format(text=args.strip()[:20]))
    if word in OFF_WORDS:
        return stop(turn)
    deliveries.set_summaries(turn.uow, turn.who, True, turn.now)
    if person.remind_at is None:
        return Reply(texts.SUMMARY_ON_NO_REMINDER)
    return Reply(texts.SUMMARY_ON.format(time=person.remind_at, zone=person.timezone))


def stop(turn: Turn) -> Reply:
    """/summary off, or "No weekly summaries" under one."""
    deliveries.set_summaries(turn.uow, turn.who, False, turn.now)
    return Reply(texts.SUMMARY_OFF)
