"""Pieces of replies that several commands share: days, the streak line, the week line,
quick-log buttons."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from core import texts
from core.domain.streaks import StreakView
from core.replies import Button
from core.services.reports import WeekTarget

QUICK_LOG_MINUTES = (5, 10, 20)


def isolate(user_text: str) -> str:
    """Wrap user text in Unicode isolates so right-to-left notes cannot reorder the reply."""
    return f"\u2068{user_text}\u2069"


def day_label(day: date, today: date) -> str:
    """'today', 'yesterday' or 'Mon 23 Nov'."""
    if day == today:
        return texts.TODAY
    if day == today - timedelta(days=1):
        return texts.YESTERDAY
    return calendar_label(day)


def calendar_label(day: date) -> str:
    """'Mon 23 Nov'."""
    return f"{texts.WEEKDAY_NAMES[day.weekday()]} {day.day} {texts.MONTH_NAMES[day.month - 1]}"


def file_name(kind: str, person_id: int, now: datetime, suffix: str) -> str:
    """A file name unique to one person and one moment, so adapters that write files (the
    terminal chat) never let one person's export or chart overwrite another's."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"retrowalk-{kind}-{person_id}-{stamp}.{suffix}"


def quick_log_buttons(row: int = 0) -> tuple[Button, ...]:
    """One-tap logs for the usual short walks."""
    return tuple(Button(texts.BUTTON_LOG.format(minutes=m), f"log:{m}", row)
                 for m in QUICK_LOG_MINUTES)


def screen_buttons() -> tuple[Button, ...]:
    """Yes/No under the safety question."""
    return (Button(texts.BUTTON_YES, "screen:yes"), Button(texts.BUTTON_NO, "screen:no"))


def streak_line(view: StreakView) -> str:
    """One line for the streak, inviting today's walk when it is still open."""
    if view.current == 0:
        return texts.STREAK_LINE_START
    template = texts.STREAK_LINE if view.walked_today else texts.STREAK_LINE_OPEN
    return template.format(current=view.current, days=texts.plural_days(view.current))


def week_line(minutes: int, goal: int) -> str:
    """Progress toward the weekly goal."""
    if minutes >= goal:
        return texts.WEEK_DONE.format(minutes=minutes, goal=goal)
    return texts.WEEK_LINE.format(minutes=minutes, goal=goal, percent=round(100 * minutes / goal))


def target_line(target: WeekTarget) -> str:
    """Progress toward this week's target: the plan's days while the user follows the plan,
    else the weekly goal in minutes."""
    plan = target.plan
    if plan is None:
        return week_line(target.minutes, target.goal)
    if target.done_days >= plan.days:
        return texts.WEEK_PLAN_DONE.format(days=plan.days, minutes=plan.minutes)
    return texts.WEEK_PLAN_LINE.format(done=target.done_days, days=plan.days,
                                       minutes=plan.minutes)
