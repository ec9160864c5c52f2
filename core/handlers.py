"""One function per command: read the arguments, call the services, shape the reply.

Each runs inside one unit of work opened by the coach; raising a CoachError rolls it back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from core import answers, texts
from core.charts import progress_png
from core.domain import days as local
from core.domain.parsing import WalkEntry, parse_log
from core.domain.tips import next_general_tip
from core.errors import BadInput, WrongPlace
from core.identity import ChatRef, UserRef
from core.persistence.records import Chat
from core.persistence.uow import UnitOfWork
from core.replies import Reply
from core.services import challenges, data, people, reports, streaks, walks
from core.services.people import PENDING_FORGET, PENDING_SCREEN, Who

START_SHORTCUTS = frozenset({"plan", "safety", "myth", "tip", "help", "streak", "progress"})


@dataclass(frozen=True)
class Message:
    """Who wrote, where, what, and the platform's id for the message (for de-duplication)."""

    user: UserRef
    chat: ChatRef
    text: str = ""
    key: str | None = None
    is_admin: bool = False
    channel: str | None = None


@dataclass
class Turn:
    """Everything one request needs, inside its unit of work."""

    uow: UnitOfWork
    now: datetime
    who: Who
    message: Message
    forgotten: bool = field(default=False)

    def chat(self) -> Chat:
        """The group or server the message came from (created on first use)."""
        if not self.message.chat.is_group:
            raise WrongPlace(texts.GROUP_ONLY)
        return challenges.chat_for(self.uow, self.message.chat, self.now)


Handler = Callable[[Turn, str], Reply]


def start(turn: Turn, args: str) -> Reply:
    """/start: welcome, the safety screen, the time zone question; deep links open a command."""
    who = turn.who
    shortcut = args.strip().lower()
    if who.person.supported is None:
        people.ask(who, PENDING_SCREEN, turn.now)
        buttons = (*answers.screen_buttons(), *answers.quick_log_buttons(row=1))
        return Reply(texts.WELCOME, buttons=buttons)
    if shortcut in START_SHORTCUTS:
        return HANDLERS[shortcut](turn, "")
    return Reply(texts.WELCOME_BACK.format(name=who.name), buttons=answers.quick_log_buttons())


def answer_screen(turn: Turn, needs_support: bool) -> Reply:
    """The yes/no answer to the safety screen."""
    people.answer_screen(turn.who, needs_support)
    first = texts.SCREEN_SUPPORTED if needs_support else texts.SCREEN_STANDARD
    ask = texts.ASK_TIMEZONE.format(zone=turn.who.person.timezone)
    return Reply(f"{first}\n{ask}", buttons=answers.quick_log_buttons())


def help_(turn: Turn, args: str) -> Reply:
    """/help."""
    return answers.help_text()


def log(turn: Turn, args: str) -> Reply:
    """/log <duration> [place] [when] [notes]."""
    return record(turn, parse_log(args, turn.who.today))


def record(turn: Turn, entry: WalkEntry) -> Reply:
    """Record a walk however it was described."""
    return answers.logged(walks.log_walk(turn.uow, turn.who, turn.now, entry, turn.message.key))


def undo(turn: Turn, args: str) -> Reply:
    """/undo."""
    return answers.undone(walks.undo(turn.uow, turn.who))


def undo_walk(turn: Turn, walk_id: int) -> Reply:
    """The Undo button under a logged walk: removes that walk, if it is the sender's."""
    return answers.undone(walks.undo(turn.uow, turn.who, walk_id))


def streak(turn: Turn, args: str) -> Reply:
    """/streak."""
    snap = streaks.snapshot(turn.uow, turn.who.person, turn.who.today, history=True)
    return answers.streak(snap, people.active_pause(turn.uow, turn.who) is not None)


def stats(turn: Turn, args: str) -> Reply:
    """/stats [week|month|all]."""
    result = reports.stats(turn.uow, turn.who, reports.parse_period(args))
    snap = streaks.snapshot(turn.uow, turn.who.person, turn.who.today)
    return answers.stats(result, snap.week_minutes())


def progress(turn: Turn, args: str) -> Reply:
    """/progress: the chart."""
    weeks = reports.weekly_minutes(turn.uow, turn.who)
    return answers.progress(weeks, progress_png(weeks) if any(weeks.minutes) else None)


def plan(turn: Turn, args: str) -> Reply:
    """/plan."""
    return answers.plan(reports.plan_status(turn.uow, turn.who))


def tip(turn: Turn, args: str) -> Reply:
    """/tip: the next tip in the rotation."""
    key = next_general_tip(turn.who.person.last_tip)
    turn.who.person.last_tip = key
    return Reply(texts.TIP_LINE.format(tip=texts.TIPS[key]))


def safety(turn: Turn, args: str) -> Reply:
    """/safety."""
    return Reply(texts.SAFETY)


def myth(turn: Turn, args: str) -> Reply:
    """/myth."""
    return Reply(texts.MYTH)


def goal(turn: Turn, args: str) -> Reply:
    """/goal <minutes per week>."""
    person = turn.who.person
    if not args.strip():
        return Reply(texts.GOAL_SHOW.format(goal=person.weekly_goal))
    people.set_goal(turn.who, args)
    snap = streaks.snapshot(turn.uow, person, turn.who.today)
    week = answers.week_line(snap.week_minutes(), person.weekly_goal)
    return Reply(texts.GOAL_SET.format(goal=person.weekly_goal, week=week))


def timezone(turn: Turn, args: str) -> Reply:
    """/timezone <Area/City>."""
    person = turn.who.person
    if not args.strip():
        raise BadInput(texts.TIMEZONE_MISSING.format(zone=person.timezone))
    people.set_timezone(turn.who, args, turn.now)
    local_now = turn.now.astimezone(local.zone(person.timezone))
    return Reply(texts.TIMEZONE_SET.format(zone=person.timezone, time=local_now.strftime("%H:%M"),
                                           day=answers.day_label(turn.who.today, turn.who.today)
                                           + f" ({turn.who.today.isoformat()})"))


def daystart(turn: Turn, args: str) -> Reply:
    """/daystart <hour>."""
    if not args.strip():
        return Reply(texts.DAY_START_SHOW.format(hour=turn.who.person.day_start_hour))
    people.set_day_start(turn.who, args, turn.now)
    return Reply(texts.DAY_START_SET.format(hour=turn.who.person.day_start_hour))


def pause(turn: Turn, args: str) -> Reply:
    """/pause [days]."""
    until = people.pause(turn.uow, turn.who, args)
    if until is None:
        return Reply(texts.PAUSED_OPEN)
    return Reply(texts.PAUSED_FOR.format(until=answers.day_label(until, turn.who.today)
                                         + f" ({until.isoformat()})"))


def resume(turn: Turn, args: str) -> Reply:
    """/resume."""
    people.resume(turn.uow, turn.who)
    return Reply(texts.RESUMED)


def remind(turn: Turn, args: str) -> Reply:
    """/remind <HH:MM|off>."""
    person = turn.who.person
    if not args.strip():
        state = f"{person.remind_at} ({person.timezone})" if person.remind_at else texts.OFF
        return Reply(texts.REMIND_SHOW.format(state=state))
    at = people.set_reminder(turn.who, args)
    if at is None:
        return Reply(texts.REMIND_OFF)
    return Reply(texts.REMIND_SET.format(time=person.remind_at, zone=person.timezone))


def export(turn: Turn, args: str) -> Reply:
    """/export: only in a private chat."""
    if turn.message.chat.is_group:
        raise WrongPlace(texts.EXPORT_GROUP)
    return answers.export(data.export(turn.uow, turn.who, turn.now))


def forget(turn: Turn, args: str) -> Reply:
    """/forget: asks for confirmation first."""
    if turn.message.chat.is_group:
        raise WrongPlace(texts.FORGET_GROUP)
    people.ask(turn.who, PENDING_FORGET, turn.now)
    return answers.forget_question()


def confirm_forget(turn: Turn) -> Reply:
    """The 'yes' to /forget: delete every row of this person."""
    data.forget(turn.uow, turn.who)
    turn.forgotten = True
    return Reply(texts.FORGET_DONE)


def challenge(turn: Turn, args: str) -> Reply:
    """/challenge: today's challenge and the group's settings."""
    chat = turn.chat()
    return answers.challenge(chat, challenges.member_count(turn.uow, chat))


def join(turn: Turn, args: str) -> Reply:
    """/join the group's challenge."""
    chat = turn.chat()
    joined = challenges.join(turn.uow, turn.who, chat, turn.now)
    template = texts.JOINED if joined else texts.ALREADY_JOINED
    return Reply(template.format(name=turn.who.name, chat=chat.title or texts.THIS_GROUP),
                 public=True)


def leave(turn: Turn, args: str) -> Reply:
    """/leave the group's challenge."""
    chat = turn.chat()
    challenges.leave(turn.uow, turn.who, chat)
    return Reply(texts.LEFT.format(name=turn.who.name, chat=chat.title or texts.THIS_GROUP),
                 public=True)


def leaderboard(turn: Turn, args: str) -> Reply:
    """/leaderboard: this week's board."""
    return answers.leaderboard(challenges.standings(turn.uow, turn.chat(), turn.now))


def _admin_setting(change: Callable[[Chat, str], None]) -> Handler:
    def handler(turn: Turn, args: str) -> Reply:
        chat = turn.chat()
        challenges.require_admin(turn.message.is_admin)
        change(chat, args)
        return answers.challenge(chat, challenges.member_count(turn.uow, chat))

    handler.__doc__ = change.__doc__
    return handler


def challenge_channel(turn: Turn, args: str) -> Reply:
    """/challenge_channel: post the daily challenge in this channel (admins)."""
    chat = turn.chat()
    challenges.require_admin(turn.message.is_admin)
    challenges.set_channel(chat, args.strip() or turn.message.channel or chat.external_id)
    return answers.challenge(chat, challenges.member_count(turn.uow, chat))


HANDLERS: dict[str, Handler] = {
    "start": start, "help": help_, "log": log, "undo": undo, "streak": streak, "stats": stats,
    "progress": progress, "plan": plan, "tip": tip, "safety": safety, "myth": myth, "goal": goal,
    "timezone": timezone, "daystart": daystart, "pause": pause, "resume": resume,
    "remind": remind, "export": export, "forget": forget, "challenge": challenge, "join": join,
    "leave": leave, "leaderboard": leaderboard,
    "challenge_time": _admin_setting(challenges.set_time),
    "challenge_timezone": _admin_setting(challenges.set_timezone),
    "challenge_goal": _admin_setting(challenges.set_goal),
    "challenge_channel": challenge_channel,
}
NO_ARGUMENTS = frozenset(
    {"undo", "streak", "progress", "plan", "tip", "safety", "myth", "resume", "export", "forget",
     "challenge", "join", "leave", "leaderboard"}
)
