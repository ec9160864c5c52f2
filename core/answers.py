"""Turning results into replies: the wording comes from `texts`, the shape from `Reply`."""

from __future__ import annotations

from datetime import date, timedelta

from core import texts
from core.commands import COMMANDS
from core.domain import effort
from core.domain.challenges import DAILY_CAP_MINUTES
from core.domain.streaks import MAX_FREEZES, StreakView
from core.persistence.records import Chat
from core.replies import Attachment, Button, Reply
from core.services.challenges import Board
from core.services.data import Export
from core.services.reports import PlanStatus, Stats, WeeklyMinutes
from core.services.streaks import Snapshot
from core.services.walks import Logged, Undone

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


def logged(result: Logged) -> Reply:
    """The confirmation after /log: what was recorded, streak, week, one tip, and Undo."""
    snap, walk = result.snapshot, result.walk
    if result.duplicate:
        lines = [texts.LOGGED_ALREADY, streak_line(snap.view)]
        return Reply("\n".join(lines))
    place = texts.LOGGED_PLACES.get(walk.place or "", "")
    extras = ""
    if walk.steps:
        extras += texts.LOGGED_STEPS.format(steps=f"{walk.steps:,}")
    if walk.pain is not None:
        extras += texts.LOGGED_PAIN.format(pain=walk.pain)
    if walk.note:
        extras += texts.LOGGED_NOTE.format(note=isolate(walk.note))
    lines = [texts.LOG_RESUMED] if result.resumed else []
    lines += [
        texts.LOGGED.format(minutes=walk.minutes, place=place,
                            day=day_label(walk.day, snap.today), extras=extras),
        streak_line(snap.view),
        week_line(snap.week_minutes(), result.goal),
    ]
    if result.tip:
        lines.append(texts.TIP_LINE.format(tip=texts.TIPS[result.tip]))
    return Reply("\n".join(lines), buttons=(Button(texts.BUTTON_UNDO, f"undo:{walk.id}"),))


def undone(result: Undone) -> Reply:
    """After /undo."""
    walk = result.walk
    return Reply(texts.UNDONE.format(minutes=walk.minutes,
                                     day=day_label(walk.day, result.snapshot.today),
                                     streak=streak_line(result.snapshot.view)))


def streak(snap: Snapshot, paused: bool) -> Reply:
    """/streak: current and best, freezes, habit strength, freezes used lately."""
    view = snap.view
    used = ""
    if view.freezes_used:
        used = texts.STREAK_USED.format(
            days=", ".join(calendar_label(d) for d in view.freezes_used))
    if paused:
        today = texts.STREAK_PAUSED
    else:
        today = texts.STREAK_TODAY_DONE if view.walked_today else texts.STREAK_TODAY_OPEN
    return Reply(texts.STREAK.format(
        current=view.current, days=texts.plural_days(view.current), best=view.best,
        freezes=view.freezes, max_freezes=MAX_FREEZES, strength=view.strength_percent,
        used=used, today=today))


def stats(result: Stats, week_minutes: int) -> Reply:
    """/stats for a period."""
    totals = result.totals
    if totals.walks == 0:
        return Reply(texts.STATS_EMPTY.format(period=texts.STATS_EMPTY_PERIOD[result.period]))
    if result.period == "week":
        goal_line = texts.STATS_GOAL_WEEK.format(
            minutes=week_minutes, goal=result.goal,
            percent=round(100 * week_minutes / result.goal))
    else:
        goal_line = texts.STATS_GOAL_AVERAGE.format(
            average=round(totals.minutes / result.weeks), goal=result.goal)
    title = texts.STATS_TITLE[result.period].format(start=result.start.isoformat())
    text = texts.STATS.format(
        title=title, minutes=totals.minutes, walks=totals.walks, active_days=totals.active_days,
        met_minutes=f"{effort.met_minutes(totals.minutes):,}", goal_line=goal_line)
    return Reply(text + "\n" + texts.STATS_EFFORT_NOTE)


def progress(weeks: WeeklyMinutes, png: bytes | None) -> Reply:
    """/progress: the chart with a one-line caption."""
    if png is None:
        return Reply(texts.PROGRESS_EMPTY)
    caption = texts.PROGRESS_CAPTION.format(weeks=len(weeks.minutes), total=sum(weeks.minutes),
                                            goal=weeks.goal)
    return Reply(caption, image=Attachment("progress.png", png, "image/png"))


def plan(status: PlanStatus) -> Reply:
    """/plan: the level, this week's target and count, what comes next."""
    week = status.week
    text = texts.PLAN.format(
        level=week.level, stage=texts.PLAN_STAGES[week.stage], days=week.days,
        minutes=week.minutes, support=texts.PLAN_SUPPORT if status.supported else "",
        done=min(status.done_days, week.days), next=texts.PLAN_NEXT[week.stage])
    lines = [text, texts.PLAN_RULES]
    if status.last_pain is not None and status.last_pain >= 5:
        lines.append(texts.PLAN_PAIN.format(pain=status.last_pain))
    return Reply("\n".join(lines))


def help_text() -> Reply:
    """/help: every command with an example."""
    personal = [c for c in COMMANDS if not c.in_groups_only]
    group = [c for c in COMMANDS if c.in_groups_only]
    lines = [f"/{c.name} {c.usage}".rstrip() + f": {c.summary}. e.g. {c.example}" for c in personal]
    lines.append(texts.HELP_GROUP_HEADER)
    lines += [f"/{c.name} {c.usage}".rstrip() + f": {c.summary}. e.g. {c.example}" for c in group]
    return Reply("\n".join([*lines, "", texts.HELP_FOOTER]), title=texts.HELP_HEADER)


def export(result: Export) -> Reply:
    """/export: two files."""
    return Reply(
        texts.EXPORT.format(walks=texts.count_walks(result.walk_count)),
        files=(Attachment("retrowalk-walks.csv", result.walks_csv, "text/csv"),
               Attachment("retrowalk-data.json", result.everything_json, "application/json")),
    )


def forget_question() -> Reply:
    """/forget asks first."""
    return Reply(texts.FORGET_ASK, buttons=(Button(texts.BUTTON_FORGET_CONFIRM, "forget:yes"),
                                            Button(texts.BUTTON_CANCEL, "forget:no")))


def challenge_post(chat: Chat, members: int) -> Reply:
    """The daily challenge post, public, with a join button."""
    extra = texts.CHALLENGE_MEMBERS.format(count=members) if members else ""
    text = texts.CHALLENGE.format(chat=chat.title or texts.THIS_GROUP, goal=chat.daily_goal,
                                  cap=DAILY_CAP_MINUTES, members=extra)
    return Reply(text, buttons=(Button(texts.BUTTON_JOIN, "join"),), public=True)


def challenge(chat: Chat, members: int) -> Reply:
    """/challenge: today's challenge and the group's settings, with a join button."""
    text = challenge_post(chat, members).text
    settings = texts.CHALLENGE_SETTINGS.format(
        chat=chat.title or texts.THIS_GROUP,
        state=texts.ON if chat.challenge_on else texts.OFF, time=chat.challenge_time,
        zone=chat.timezone, goal=chat.daily_goal)
    return Reply("\n\n".join([text, settings, texts.CHALLENGE_SETTINGS_HINT]),
                 buttons=(Button(texts.BUTTON_JOIN, "join"),), public=True)


def leaderboard(result: Board) -> Reply:
    """The weekly board, public in the group."""
    name = result.chat.title or texts.THIS_GROUP
    if not result.standings:
        return Reply(texts.LEADERBOARD_EMPTY.format(chat=name), public=True,
                     buttons=(Button(texts.BUTTON_JOIN, "join"),))
    rows = "\n".join(
        texts.LEADERBOARD_ROW.format(rank=n, name=isolate(s.name), points=s.points, days=s.days,
                                     day_word=texts.plural_days(s.days))
        for n, s in enumerate(result.standings, start=1))
    return Reply(texts.LEADERBOARD.format(chat=name, cap=DAILY_CAP_MINUTES, rows=rows),
                 public=True)
