"""Group challenges: settings (admins only), joining and leaving, and the weekly board."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core import texts
from core.domain import days as local
from core.domain import schedule
from core.domain.ranges import MAX_DAILY_GOAL
from core.errors import BadInput, NotAllowed, NothingToDo
from core.identity import ChatRef
from core.persistence.models import Chat, Member
from core.persistence.uow import UnitOfWork
from core.services import weekly
from core.services.people import Who
from core.services.weekly import WeekBoard


@dataclass(frozen=True)
class Board:
    """The weekly standings of a chat's challenge."""

    chat: Chat
    week: WeekBoard


def chat_for(uow: UnitOfWork, ref: ChatRef, now: datetime) -> Chat:
    """The stored chat for a platform chat, created on first use; keeps its title fresh."""
    chat = uow.chats.by_external(ref.platform.value, ref.external_id)
    if chat is None:
        chat = uow.chats.create(ref.platform.value, ref.external_id, ref.kind.value,
                                ref.title[:100], now)
        if chat.post_next is None:
            reschedule_post(chat, now)
        if chat.season_next is None:
            reschedule_season(chat, now)
        return chat
    if ref.title and ref.title[:100] != chat.title:
        chat.title = ref.title[:100]
    return chat


def member_count(uow: UnitOfWork, chat: Chat) -> int:
    """How many people take part."""
    return len(uow.chats.members(chat.key))


def join(uow: UnitOfWork, who: Who, chat: Chat, now: datetime) -> bool:
    """Add the person to the challenge; False when they were already in."""
    member = Member(chat_id=chat.key, person_id=who.id, display_name=who.name, joined_at=now)
    joined = uow.chats.add_member(member)
    if joined:  # their walks of every week count on the board, as they always did
        weekly.recount(uow, who.id, chat.key)
    return joined


def leave(uow: UnitOfWork, who: Who, chat: Chat) -> None:
    """Take the person out of the challenge; their walks stay theirs."""
    member = uow.chats.member(chat.key, who.id)
    if member is None:
        raise NothingToDo(texts.NOT_A_MEMBER)
    uow.chats.remove_member(member)
    uow.weeks.drop(chat.key, who.id)


def standings(uow: UnitOfWork, chat: Chat, now: datetime, caller: int | None = None) -> Board:
    """This week's board in the chat's time zone (Monday through the group's today), daily
    points capped."""
    today = local.local_day(now, chat.timezone)
    return Board(chat, weekly.board(uow, chat.key, local.week_start(today), today,
                                    caller=caller))


def require_admin(is_admin: bool, refusal: str = texts.ADMIN_ONLY) -> None:
    """Group settings need group admin rights, as the platform reports them."""
    if not is_admin:
        raise NotAllowed(refusal)


def reschedule_post(chat: Chat, after: datetime) -> None:
    """Keep the stored next post instant in step with the post's time, time zone and on/off
    setting: the first occurrence at or after `after` (None while the post is off)."""
    if not chat.challenge_on:
        chat.post_next = None
        return
    _, chat.post_next = schedule.next_due(after, schedule.parse_hhmm(chat.challenge_time),
                                          chat.timezone)


def reschedule_season(chat: Chat, after: datetime) -> None:
    """Keep the weekly board's post (Monday at the post time) in step with the chat's settings."""
    chat.season_next = schedule.next_season_post(after, chat.challenge_time, chat.timezone)


def set_time(chat: Chat, raw: str, now: datetime) -> None:
    """Set the daily post time, or turn the daily post off with 'off'."""
    if raw.strip().lower() == "off":
        chat.challenge_on = False
    else:
        chat.challenge_time = local.parse_clock_time(raw).strftime("%H:%M")
        chat.challenge_on = True
    reschedule_post(chat, now)
    reschedule_season(chat, now)


def set_timezone(chat: Chat, raw: str, now: datetime) -> None:
    """Set the chat's time zone for the daily post and the weekly board. (The board's kept
    totals do not depend on it: a walk counts for the walker's day, in the week of that day;
    the zone only moves the group's today, which the board reads as it is asked.)"""
    chat.timezone = local.parse_timezone(raw, "challenge_timezone")
    reschedule_post(chat, now)
    reschedule_season(chat, now)


def set_goal(chat: Chat, raw: str, now: datetime) -> None:
    """Set the daily challenge goal in minutes."""
    text = raw.strip().lower().removesuffix("min").strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_DAILY_GOAL:
        raise BadInput(texts.CHALLENGE_GOAL_INVALID.format(limit=MAX_DAILY_GOAL))
    chat.daily_goal = int(text)


def set_channel(chat: Chat, channel: str | None) -> None:
    """Post the daily challenge where the admin asked for it: the channel or topic of this chat
    the command came from (None: the chat itself). Never a chat named in typed text."""
    chat.post_channel = channel
