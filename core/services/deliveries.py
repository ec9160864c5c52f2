"""Messages the coach sends on its own: which are due now, and what became of them."""

from __future__ import annotations

from datetime import datetime, timedelta

from core import answers, texts
from core.delivery import CHALLENGE, REMINDER, Outgoing, dump_reply, load_reply
from core.domain import days as local
from core.identity import Platform, UserRef
from core.persistence.queue import Claimed
from core.persistence.uow import UnitOfWork
from core.replies import Reply
from core.services import challenges, people, streaks
from core.services.people import Who

# A reminder or a post whose time passed while the coach was down is still sent within this
# window, never later: a 07:30 reminder must not arrive at midnight.
LATE_WINDOW = timedelta(hours=3)
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8


def _due(local_now: datetime, at: str) -> bool:
    hour, minute = (int(part) for part in at.split(":"))
    start = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return start <= local_now < start + LATE_WINDOW


def plan_reminders(uow: UnitOfWork, now: datetime, platforms: list[str]) -> int:
    """Queue today's reminder for everyone whose time has come, who is not paused and has not
    walked yet today. Returns how many were newly queued."""
    queued = 0
    for person, account in uow.deliveries.reminder_candidates(platforms):
        assert person.remind_at is not None
        who = Who(person, account, people.today_for(person, now))
        local_now = now.astimezone(local.zone(person.timezone))
        if not _due(local_now, person.remind_at) or people.active_pause(uow, who) is not None:
            continue
        snap = streaks.snapshot(uow, person, who.today)
        if snap.view.walked_today:
            continue
        reply = Reply(texts.REMINDER.format(streak=answers.streak_line(snap.view)),
                      buttons=answers.quick_log_buttons())
        queued += uow.deliveries.enqueue(
            kind=REMINDER, platform=account.platform, recipient=account.external_id,
            occurrence=who.today.isoformat(), person_id=person.id, payload=dump_reply(reply),
            not_before=now, created_at=now)
    return queued


def plan_challenge_posts(uow: UnitOfWork, now: datetime, platforms: list[str]) -> int:
    """Queue today's challenge post in every chat whose post time has come."""
    queued = 0
    for chat in uow.deliveries.challenge_chats(platforms):
        local_now = now.astimezone(local.zone(chat.timezone))
        if not _due(local_now, chat.challenge_time):
            continue
        reply = answers.challenge_post(chat, challenges.member_count(uow, chat))
        queued += uow.deliveries.enqueue(
            kind=CHALLENGE, platform=chat.platform,
            recipient=chat.post_channel or chat.external_id,
            occurrence=local_now.date().isoformat(), person_id=None,
            payload=dump_reply(reply), not_before=now, created_at=now)
    return queued


def claim(uow: UnitOfWork, platform: str, now: datetime, limit: int) -> list[Outgoing]:
    """Due messages for one platform, leased to the caller for sending."""
    return [_outgoing(row) for row in uow.deliveries.claim(platform, now, limit, LEASE)]


def _outgoing(row: Claimed) -> Outgoing:
    return Outgoing(row.id, row.kind, row.platform, row.recipient, load_reply(row.payload),
                    row.attempts)


def retry(uow: UnitOfWork, delivery_id: int, now: datetime, after: float, error: str) -> bool:
    """Try again after `after` seconds; gives up after MAX_ATTEMPTS. True if it will retry."""
    row = uow.deliveries.get(delivery_id)
    if row is None:
        return False
    if row.attempts >= MAX_ATTEMPTS:
        uow.deliveries.dead(delivery_id, f"gave up after {row.attempts} attempts: {error}")
        return False
    uow.deliveries.retry(delivery_id, now + timedelta(seconds=after), error)
    return True


def undeliverable(uow: UnitOfWork, delivery_id: int, now: datetime, error: str) -> None:
    """The platform refuses for good: stop writing to that person, or stop posting in that chat."""
    row = uow.deliveries.get(delivery_id)
    if row is None:
        return
    uow.deliveries.dead(delivery_id, error)
    if row.kind == REMINDER:
        people.mark_unreachable(uow, UserRef(Platform(row.platform), row.recipient), now)
    elif row.kind == CHALLENGE:
        for chat in uow.deliveries.challenge_chats([row.platform]):
            if row.recipient in (chat.post_channel, chat.external_id):
                tracked = uow.chats.by_external(chat.platform, chat.external_id)
                if tracked is not None:
                    tracked.challenge_on = False

