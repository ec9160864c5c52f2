"""Messages the coach sends on its own: which are due now, and what became of them.

Each reminder and each daily post stores its next due instant (UTC); planning reads only the
rows due now through an index, queues them once per occurrence, and moves the instant on, so a
planning tick costs what is due, not how many people exist. A queued message expires: past its
late window it is marked missed, never sent late; a reminder (and its "Later" repeat, and the
"streak at risk" nudge) is skipped at send time when its person has walked that day or paused
since it was queued. A claim is leased to one dispatcher (an owner token), and only that
dispatcher may record what became of it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core.delivery import (
    CHALLENGE,
    CONTEST_KINDS,
    CONTEST_START,
    NUDGE,
    REMINDER,
    SNOOZE,
    WEEKLY,
    Outgoing,
    Schedule,
    Upcoming,
)
from core.domain import schedule
from core.persistence.models import Delivery
from core.persistence.queue import Claimed
from core.persistence.uow import UnitOfWork
from core.services import people
from core.services.challenges import reschedule_post
from core.services.people import Who

# A reminder or a post whose time passed while the coach was down is still sent within this
# window, never later: a 07:30 reminder must not arrive at noon.
LATE_WINDOW = timedelta(hours=3)
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8
# Planning takes at most this many people (and chats) per unit of work; the rest wait a tick.
PLAN_BATCH = 100
# Finished rows (sent, missed, skipped, dead) are kept this long, then purged.
KEEP = timedelta(days=14)
_JUST_AFTER = timedelta(microseconds=1)
SNOOZE_DELAY = timedelta(hours=2)
# A streak nudge comes three hours before the day ends; past two hours it is not worth sending.
NUDGE_WINDOW = timedelta(hours=2)
# A weekly summary is still worth reading a few hours late on its Monday morning.
SUMMARY_WINDOW = timedelta(hours=6)


@dataclass(frozen=True)
class Planned:
    """What one planning step did: how many messages it queued, and whether more may be due
    (the step took as many as it may; the next step takes the rest)."""

    queued: int
    more: bool
    # Of a step of several planners: the numbers of those that may have more.
    pending: tuple[int, ...] = ()


def _around(now: datetime, at: time, zone: str, day_start: int) -> tuple[date, datetime, datetime]:
    """The latest occurrence at or before `now` (its walk day and instant), and the next one
    after it."""
    day, instant = schedule.latest_due(now, at, zone, day_start)
    _, upcoming = schedule.next_due(now + _JUST_AFTER, at, zone, day_start)
    return day, instant, upcoming


def plan_reminders(uow: UnitOfWork, now: datetime, limit: int = PLAN_BATCH) -> Planned:
    """Queue one batch of the reminders due now: people alike in reminder time, zone and day
    start, at most `limit`, once per account and walk day, unless they walked or paused that
    day; and move their next instant on. The batch is picked (and on PostgreSQL locked) once,
    then queued and moved on in two set-based statements, whatever its size."""
    alike = uow.reminders.first_due(now)
    if alike is None:
        return Planned(0, False)
    at, zone, day_start = alike
    day, instant, upcoming = _around(now, schedule.parse_hhmm(at), zone, day_start)
    batch = uow.reminders.batch(now=now, at=at, zone=zone, day_start=day_start, limit=limit)
    queued = 0
    if now - instant < LATE_WINDOW:
        queued = uow.reminders.queue(batch, kind=REMINDER, now=now, latest=instant, day=day,
                                     expires=instant + LATE_WINDOW)
    uow.reminders.advance(batch, upcoming)
    return Planned(queued, bool(batch))


def plan_nudges(uow: UnitOfWork, now: datetime, limit: int = PLAN_BATCH) -> Planned:
    """Queue one batch of the "streak at risk" nudges due now (people alike in zone and day
    start), for those with a streak of three days or more who have not walked today; and move
    their next instant on."""
    alike = uow.reminders.first_nudge_due(now)
    if alike is None:
        return Planned(0, False)
    zone, day_start = alike
    at = schedule.nudge_time(day_start)
    day, instant, upcoming = _around(now, at, zone, day_start)
    batch = uow.reminders.nudge_batch(now=now, zone=zone, day_start=day_start, limit=limit)
    queued = 0
    if now - instant < NUDGE_WINDOW:
        queued = uow.reminders.queue_nudges(
            batch, now=now, day_start=day_start, day=day, nudge_at=at.strftime("%H:%M"),
            expires=instant + NUDGE_WINDOW)
    uow.reminders.advance_nudges(batch, upcoming)
    return Planned(queued, bool(batch))


def plan_summaries(uow: UnitOfWork, now: datetime, limit: int = PLAN_BATCH) -> Planned:
    """Queue one batch of the weekly summaries due now (people alike in reminder time, zone and
    day start), once per account and Monday, unless paused that day; and move their next
    instant on to the Monday after. Two set-based statements, like reminders."""
    alike = uow.reminders.first_summary_due(now)
    if alike is None:
        return Planned(0, False)
    at, zone, day_start = alike
    clock = schedule.parse_hhmm(at)
    day, instant = schedule.latest_weekly(now, clock, zone, day_start)
    _, upcoming = schedule.next_weekly(now + _JUST_AFTER, clock, zone, day_start)
    batch = uow.reminders.summary_batch(now=now, at=at, zone=zone, day_start=day_start,
                                        limit=limit)
    queued = 0
    if now - instant < SUMMARY_WINDOW:
        queued = uow.reminders.queue_summaries(batch, now=now, latest=instant, day=day,
                                               expires=instant + SUMMARY_WINDOW)
    uow.reminders.advance_summaries(batch, upcoming)
    return Planned(queued, bool(batch))


def set_summaries(uow: UnitOfWork, who: Who, on: bool, now: datetime) -> None:
    """Weekly summaries on or off; off also drops one still queued."""
    people.set_summaries(who.person, on, now)
    if not on:
        uow.deliveries.drop_pending(WEEKLY, who.id)


def stop_nudges(uow: UnitOfWork, who: Who) -> None:
    """No more streak nudges for this person, and none still queued for them."""
    people.stop_nudges(who.person)
    uow.deliveries.drop_pending(NUDGE, who.id)


def plan_posts(uow: UnitOfWork, now: datetime, limit: int = PLAN_BATCH) -> Planned:
    """Queue the daily challenge posts due now, once per chat and local date; move every due
    chat's next instant on."""
    chats = uow.deliveries.due_posts(now, limit)
    rows = []
    for chat in chats:
        assert chat.post_next is not None
        day, instant = schedule.latest_due(now, schedule.parse_hhmm(chat.challenge_time),
                                           chat.timezone)
        if instant >= chat.post_next and now - instant < LATE_WINDOW:
            rows.append({"kind": CHALLENGE, "platform": chat.platform, "chat_id": chat.id,
                         "occurrence": day.isoformat(), "not_before": now,
                         "expires_at": instant + LATE_WINDOW, "created_at": now})
        reschedule_post(chat, now + _JUST_AFTER)
    return Planned(uow.deliveries.enqueue_many(rows), len(chats) == limit)


def snooze(uow: UnitOfWork, who: Who, now: datetime) -> tuple[datetime, bool]:
    """Remind this account once more, SNOOZE_DELAY from now, at most once a walk day: when it
    will come, and whether this press asked for it (False: an earlier one already had)."""
    due = now + SNOOZE_DELAY
    new = uow.deliveries.enqueue(
        kind=SNOOZE, platform=who.account.platform, account_id=who.account.id,
        occurrence=who.today.isoformat(), payload="", not_before=due,
        expires_at=due + LATE_WINDOW, created_at=now)
    if new:
        return due, True
    assert who.account.id is not None
    queued = uow.deliveries.queued(SNOOZE, who.account.id, who.today.isoformat())
    return (queued.not_before if queued is not None else due), False


def claim(uow: UnitOfWork, platform: str, now: datetime,
          limit: int) -> tuple[str, list[Claimed]]:
    """Due messages for one platform, leased to the caller for sending under a new lease
    token. A reminder whose day was walked or paused since it was queued, or whose person
    turned reminders off, is skipped, not sent."""
    lease = uuid.uuid4().hex
    claimed = []
    for row in uow.deliveries.claim(platform, now, limit, LEASE, lease):
        if row.kind in (REMINDER, SNOOZE, NUDGE, WEEKLY) and _no_longer_needed(uow, row):
            held = uow.deliveries.held(row.id, lease)
            if held is not None:
                held.status, held.lease_until, held.lease_owner = "skipped", None, None
            continue
        if row.kind in CONTEST_KINDS and uow.contests.get(int(row.occurrence)) is None:
            # The challenge was cancelled after its post was queued.
            held = uow.deliveries.held(row.id, lease)
            if held is not None:
                held.status, held.lease_until, held.lease_owner = "skipped", None, None
            continue
        claimed.append(row)
    return lease, claimed


def _no_longer_needed(uow: UnitOfWork, row: Claimed) -> bool:
    """True when the person turned reminders (or nudges, or summaries) off, paused since the
    message was queued, or (all but the summary) walked that day."""
    person = uow.people.person(row.person_id) if row.person_id is not None else None
    if person is None or person.remind_at is None or (row.kind == NUDGE and not person.nudges):
        return True
    if row.kind == WEEKLY and not person.summaries:
        return True
    day = date.fromisoformat(row.occurrence)
    if uow.pauses.overlapping(person.key, day, day):
        return True
    return row.kind != WEEKLY and bool(uow.walks.minutes_by_day(person.key, day, day))


def delivered(uow: UnitOfWork, sent: Outgoing, now: datetime,
              message_id: str | None = None) -> None:
    """The platform accepted it (as the message `message_id`, when it says). A challenge's
    start post keeps that id, so its mid-way update can edit it in place."""
    row = uow.deliveries.held(sent.id, sent.lease)
    if row is not None:
        row.status, row.sent_at = "sent", now
        row.lease_until = row.lease_owner = None
        if row.kind == CONTEST_START and message_id:
            contest = uow.contests.get(int(row.occurrence))
            if contest is not None:
                contest.start_message = message_id[:100]


def retry(uow: UnitOfWork, failed: Outgoing, now: datetime, after: float, error: str) -> bool:
    """Try again after `after` seconds; gives up after MAX_ATTEMPTS. True if it will retry."""
    row = uow.deliveries.held(failed.id, failed.lease)
    if row is None:
        return False
    if row.attempts >= MAX_ATTEMPTS:
        _dead(row, f"gave up after {row.attempts} attempts: {error}")
        return False
    row.status, row.not_before = "pending", now + timedelta(seconds=after)
    row.lease_until = row.lease_owner = None
    row.last_error = error[:500]
    return True


def _dead(row: Delivery, error: str) -> None:
    row.status, row.last_error = "dead", error[:500]
    row.lease_until = row.lease_owner = None


def undeliverable(uow: UnitOfWork, refused: Outgoing, now: datetime, error: str) -> None:
    """The platform refuses for good: stop writing to that account, or stop posting in that
    chat (that one chat: the delivery names it)."""
    row = uow.deliveries.held(refused.id, refused.lease)
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
            reschedule_post(chat, now)


def release(uow: UnitOfWork, untried: list[Outgoing]) -> None:
    """Claimed messages that were never tried (their sender is stopping): due again at once,
    and the claim does not count as an attempt."""
    for outgoing in untried:
        row = uow.deliveries.held(outgoing.id, outgoing.lease)
        if row is not None:
            row.status, row.attempts = "pending", max(0, row.attempts - 1)
            row.lease_until = row.lease_owner = None


def purge(uow: UnitOfWork, now: datetime) -> int:
    """Delete finished messages older than KEEP; how many."""
    return uow.deliveries.purge(now - KEEP)


def schedule_report(uow: UnitOfWork, limit: int) -> Schedule:
    """The soonest reminders, weekly summaries and posts (at most `limit` of each), and the
    queue's counts."""
    upcoming = [Upcoming(REMINDER, at, zone, who)
                for at, zone, who in uow.deliveries.next_reminders(limit)]
    upcoming += [Upcoming(WEEKLY, at, zone, who)
                 for at, zone, who in uow.deliveries.next_reminders(limit, weekly=True)]
    upcoming += [Upcoming(CHALLENGE, at, zone, title)
                 for at, zone, title in uow.deliveries.next_posts(limit)]
    return Schedule(sorted(upcoming, key=lambda u: u.at), uow.deliveries.statuses())
