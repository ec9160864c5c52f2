"""Pieces of replies that several commands share: days, the streak line, the week line,
quick-log buttons."""

from __future__ import annotations

from datetime import date, timedelta

from core import texts
from core.domain.streaks import StreakView
from core.replies import Button

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
