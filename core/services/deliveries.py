"""Messages the coach sends on its own: which are due now, and what became of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.delivery import CHALLENGE, REMINDER, Outgoing, dump_reply, load_reply
from core.domain import days as local
from core.domain.streaks import StreakView
from core.persistence.models import Account, Chat, Delivery
from core.persistence.queue import Claimed
from core.persistence.uow import UnitOfWork
from core.replies import Reply
from core.services import people, streaks
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


@dataclass(frozen=True)
class DueReminder:
    """A reminder whose local time has come: to which account, for which local day, and the
    streak it would encourage."""

    account: Account
    today: date
    streak: StreakView


@dataclass(frozen=True)
class DuePost:
    """A chat whose daily challenge post is due, for its local date."""

    chat: Chat
    day: date


def due_reminders(uow: UnitOfWork, now: datetime, platforms: list[str]) -> list[DueReminder]:
    """Reminders whose time has come, for people who are not paused and have not walked yet
    today. Reads only: nothing about the people is written."""
    due = []
    for person, account in uow.deliveries.reminder_candidates(platforms):
        assert person.remind_at is not None
        who = Who(person, account, people.today_of(uow, person, now))
        local_now = now.astimezone(local.zone(person.timezone))
        if not _due(local_now, person.remind_at) or people.active_pause(uow, who) is not None:
            continue
        snap = streaks.snapshot(uow, person, who.today)
        if not snap.view.walked_today:
            due.append(DueReminder(account, who.today, snap.view))
    return due


def queue_reminder(uow: UnitOfWork, due: DueReminder, reply: Reply, now: datetime) -> bool:
    """Queue a reminder once per account and local day; False if it was queued before."""
    return uow.deliveries.enqueue(
        kind=REMINDER, platform=due.account.platform, account_id=due.account.id,
        occurrence=due.today.isoformat(), payload=dump_reply(reply), not_before=now,
        created_at=now)


def due_posts(uow: UnitOfWork, now: datetime, platforms: list[str]) -> list[DuePost]:
    """Chats whose daily challenge post time has come."""
    due = []
    for chat in uow.deliveries.challenge_chats(platforms):
        local_now = now.astimezone(local.zone(chat.timezone))
        if _due(local_now, chat.challenge_time):
            due.append(DuePost(chat, local_now.date()))
    return due


def queue_post(uow: UnitOfWork, due: DuePost, reply: Reply, now: datetime) -> bool:
    """Queue a chat's challenge post once per local date; False if it was queued before."""
    return uow.deliveries.enqueue(
        kind=CHALLENGE, platform=due.chat.platform, chat_id=due.chat.id,
        occurrence=due.day.isoformat(), payload=dump_reply(reply), not_before=now,
        created_at=now)


def claim(uow: UnitOfWork, platform: str, now: datetime, limit: int) -> list[Outgoing]:
    """Due messages for one platform, leased to the caller for sending."""
    return [_outgoing(row) for row in uow.deliveries.claim(platform, now, limit, LEASE)]


def _outgoing(row: Claimed) -> Outgoing:
    return Outgoing(row.id, row.kind, row.platform, row.recipient, load_reply(row.payload),
                    row.attempts, row.channel)


def delivered(uow: UnitOfWork, delivery_id: int, now: datetime) -> None:
    """The platform accepted it."""
    row = uow.deliveries.get(delivery_id)
    if row is not None:
        row.status, row.sent_at, row.lease_until = "sent", now, None


def retry(uow: UnitOfWork, delivery_id: int, now: datetime, after: float, error: str) -> bool:
    """Try again after `after` seconds; gives up after MAX_ATTEMPTS. True if it will retry."""
    row = uow.deliveries.get(delivery_id)
    if row is None:
        return False
    if row.attempts >= MAX_ATTEMPTS:
        _dead(row, f"gave up after {row.attempts} attempts: {error}")
        return False
    row.status, row.not_before, row.lease_until = "pending", now + timedelta(seconds=after), None
    row.last_error = error[:500]
    return True


def _dead(row: Delivery, error: str) -> None:
    row.status, row.lease_until, row.last_error = "dead", None, error[:500]


def undeliverable(uow: UnitOfWork, delivery_id: int, now: datetime, error: str) -> None:
    """The platform refuses for good: stop writing to that account, or stop posting in that
    chat (that one chat: the delivery names it)."""
    row = uow.deliveries.get(delivery_id)
    if row is None:
        return
    _dead(row, error)
    if row.account_id is not None:
        account = uow.people.account(row.account_id)
        if account is not None:
            people.mark_account_unreachable(account, now)
    if row.chat_id is not None:
        chat = uow.chats.get(row.chat_id)
        if chat is not None:
            chat.challenge_on = False



def release(uow: UnitOfWork, delivery_ids: list[int]) -> None:
    """Claimed messages that were never tried (their sender is stopping): due again at once,
    and the claim does not count as an attempt."""
    for delivery_id in delivery_ids:
        row = uow.deliveries.get(delivery_id)
        if row is not None and row.status == "sending":
            row.status, row.lease_until, row.attempts = "pending", None, max(0, row.attempts - 1)
