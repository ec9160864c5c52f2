"""A person's own settings: /goal, /timezone, /daystart, /pause, /resume, /remind."""

from __future__ import annotations

from core import texts
from core.conversation.shared import calendar_label, day_label, week_line
from core.conversation.turn import Turn
from core.domain import days as local
from core.errors import BadInput
from core.replies import Reply
from core.services import people, reports, streaks


def goal(turn: Turn, args: str) -> Reply:
    """/goal <minutes per week>; without it, the current goal."""
    person = turn.who.person
    if not args.strip():
        target = reports.week_target(turn.uow, turn.who)
        if target.plan is not None:  # the plan's week is the target until a goal is chosen
            return Reply(texts.GOAL_SHOW_PLAN.format(days=target.plan.days,
                                                     minutes=target.plan.minutes))
        return Reply(texts.GOAL_SHOW.format(goal=person.weekly_goal))
    people.set_goal(turn.who, args)
    snap = streaks.snapshot(turn.uow, person, turn.who.today)
    week = week_line(snap.week_minutes(), person.weekly_goal)
    return Reply(texts.GOAL_SET.format(goal=person.weekly_goal, week=week))


def timezone(turn: Turn, args: str) -> Reply:
    """/timezone <Area/City>."""
    person = turn.who.person
    if not args.strip():
        raise BadInput(texts.TIMEZONE_MISSING.format(zone=person.timezone))
    held = people.set_timezone(turn.uow, turn.who, args, turn.now)
    local_now = turn.now.astimezone(local.zone(person.timezone))
    today = turn.who.today
    text = texts.TIMEZONE_SET.format(zone=person.timezone, time=local_now.strftime("%H:%M"),
                                     day=day_label(today, today) + f" ({today.isoformat()})")
    return Reply(text + _held(turn) if held else text)


def daystart(turn: Turn, args: str) -> Reply:
    """/daystart <hour>; without it, the current hour."""
    if not args.strip():
        return Reply(texts.DAY_START_SHOW.format(hour=turn.who.person.day_start_hour))
    held = people.set_day_start(turn.uow, turn.who, args, turn.now)
    text = texts.DAY_START_SET.format(hour=turn.who.person.day_start_hour)
    return Reply(text + _held(turn) if held else text)


def _held(turn: Turn) -> str:
    """The new setting puts the clock's day behind a walk already logged: say that the walk
    keeps its day and today waits for the clock."""
    today = turn.who.today
    return " " + texts.DAY_HELD.format(day=f"{calendar_label(today)} ({today.isoformat()})")


def pause(turn: Turn, args: str) -> Reply:
    """/pause [days]: without a number, until /resume."""
    until = people.pause(turn.uow, turn.who, args)
    if until is None:
        return Reply(texts.PAUSED_OPEN)
    return Reply(texts.PAUSED_FOR.format(until=day_label(until, turn.who.today)
                                         + f" ({until.isoformat()})"))


def resume(turn: Turn, args: str) -> Reply:
    """/resume."""
    people.resume(turn.uow, turn.who)
    return Reply(texts.RESUMED)


def remind(turn: Turn, args: str) -> Reply:
    """/remind <HH:MM|off>; without it, the current setting."""
    person = turn.who.person
    if not args.strip():
        state = f"{person.remind_at} ({person.timezone})" if person.remind_at else texts.OFF
        return Reply(texts.REMIND_SHOW.format(state=state))
    if people.set_reminder(turn.who, args, turn.now) is None:
        return Reply(texts.REMIND_OFF)
    return Reply(texts.REMIND_SET.format(time=person.remind_at, zone=person.timezone))
