"""Walking together in a group or server: /challenge, /join, /leave, /leaderboard and the
admins' settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from core import texts
from core.conversation.shared import isolate
from core.conversation.turn import Handler, Turn
from core.domain import days as local
from core.domain.challenges import DAILY_CAP_MINUTES, Standing, daily_challenge
from core.errors import BadInput
from core.persistence.models import Chat
from core.replies import Button, Reply
from core.services import challenges, contests
from core.services.challenges import Board
from core.services.weekly import WeekBoard
from core.texts import challenges as words


def challenge_post(chat: Chat, members: int, day: date) -> Reply:
    """The daily challenge post for the chat's local `day`, public, with a join button."""
    today = daily_challenge(chat.key, day, chat.daily_goal)
    starter = (texts.CHALLENGE_STARTER.format(minutes=today.starter_minutes)
               if today.starter_minutes < today.minutes else texts.CHALLENGE_STARTER_SHORT)
    extra = texts.CHALLENGE_MEMBERS.format(count=members) if members else ""
    text = texts.CHALLENGE.format(
        chat=chat.title or texts.THIS_GROUP, goal=today.minutes,
        place=texts.CHALLENGE_PLACES[today.place], focus=texts.CHALLENGE_FOCUS[today.focus],
        starter=starter, log_place=today.place, cap=DAILY_CAP_MINUTES, members=extra)
    return Reply(text, buttons=(Button(texts.BUTTON_JOIN, "join"),), public=True)


def _settings(turn: Turn, chat: Chat) -> Reply:
    """Today's challenge and the group's settings, with a join button."""
    today = local.local_day(turn.now, chat.timezone)
    text = challenge_post(chat, challenges.member_count(turn.uow, chat), today).text
    settings = texts.CHALLENGE_SETTINGS.format(
        chat=chat.title or texts.THIS_GROUP,
        state=texts.ON if chat.challenge_on else texts.OFF, time=chat.challenge_time,
        zone=chat.timezone, goal=chat.daily_goal)
    return Reply("\n\n".join([text, settings, texts.CHALLENGE_SETTINGS_HINT]),
                 buttons=(Button(texts.BUTTON_JOIN, "join"),), public=True)


def challenge(turn: Turn, args: str) -> Reply:
    """/challenge: today's challenge and the group's settings."""
    return _settings(turn, turn.chat())


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
    """/leaderboard: this week's board, public in the group."""
    return _board(challenges.standings(turn.uow, turn.chat(), turn.now, turn.who.id))


def week_rows(board: WeekBoard) -> list[str]:
    """The best of a weekly board (equal points share a place: 1, 2, 2, 4), how many more
    there are, and the caller's own place when it is further down. Names are isolated and
    never a mention."""
    def row(rank: int, s: Standing) -> str:
        return texts.LEADERBOARD_ROW.format(
            rank=rank, name=isolate(s.name.replace("@", "@\u2060")), points=s.points,
            days=s.days, day_word=texts.plural_days(s.days))

    rows = [row(rank, s) for rank, s in zip(board.ranks, board.top, strict=True)]
    if board.count > len(board.top):
        rows.append(words.BOARD_MORE.format(count=board.count - len(board.top)))
        if board.mine is not None:
            rows.append(row(*board.mine))
    return rows


def _board(result: Board) -> Reply:
    name = result.chat.title or texts.THIS_GROUP
    if not result.week.count:
        return Reply(texts.LEADERBOARD_EMPTY.format(chat=name), public=True,
                     buttons=(Button(texts.BUTTON_JOIN, "join"),))
    rows = "\n".join(week_rows(result.week))
    return Reply(texts.LEADERBOARD.format(chat=name, cap=DAILY_CAP_MINUTES, rows=rows),
                 public=True)


def admin_setting(change: Callable[[Chat, str, datetime], None]) -> Handler:
    """A group setting only the group's admins may change."""
    def handler(turn: Turn, args: str) -> Reply:
        chat = turn.chat()
        challenges.require_admin(turn.message.is_admin)
        change(chat, args, turn.now)
        contests.reschedule_posts(turn.uow, chat, turn.now)  # a new post time or time zone
        return _settings(turn, chat)

    handler.__doc__ = change.__doc__
    return handler


def challenge_channel(turn: Turn, args: str) -> Reply:
    """/challenge_channel: post the daily challenge where this command was sent (admins)."""
    chat = turn.chat()
    challenges.require_admin(turn.message.is_admin)
    if args.strip():
        raise BadInput(texts.CHALLENGE_CHANNEL_HERE)
    challenges.set_channel(chat, turn.message.channel)
    return _settings(turn, chat)
