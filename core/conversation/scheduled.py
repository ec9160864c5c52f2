"""What the coach says on its own: a day's reminder and a group's daily challenge post.

Planning queues only which message is due for whom; the words are written when the message is
claimed for sending, so a reminder speaks of the streak as it is when it arrives.
"""

from __future__ import annotations

from datetime import date, datetime

from core import texts
from core.conversation import contests
from core.conversation.groups import challenge_post
from core.conversation.shared import quick_log_buttons, streak_line
from core.conversation.turn import Turn
from core.delivery import CHALLENGE, CONTEST_KINDS, NUDGE, REMINDER, SEASON, Outgoing, load_reply
from core.domain import days as local
from core.persistence.queue import Claimed
from core.persistence.uow import UnitOfWork
from core.replies import Button, Reply
from core.services import challenges, deliveries, streaks
from core.services import contests as contest_service
from core.services.deliveries import Planned


def plan(uow: UnitOfWork, now: datetime) -> Planned:
    """Queue one batch of the reminders and challenge posts due now, each once."""
    steps = [deliveries.plan_reminders(uow, now), deliveries.plan_nudges(uow, now),
             deliveries.plan_posts(uow, now)]
    if uow.contests.any_due(now):
        steps += [contest_service.plan_posts(uow, now), contest_service.plan_seasons(uow, now)]
    return Planned(sum(s.queued for s in steps), any(s.more for s in steps))


def claim(uow: UnitOfWork, platform: str, now: datetime, limit: int) -> list[Outgoing]:
    """Due messages for a platform's dispatcher, leased to it, each worded as of now."""
    lease, rows = deliveries.claim(uow, platform, now, limit)
    claimed = []
    for row in rows:
        edit = None
        if row.kind in (*CONTEST_KINDS, SEASON) and not row.payload:
            assert row.chat_id is not None
            reply, edit = contests.post(uow, row.kind, row.chat_id, row.occurrence, now)
        else:
            reply = _words(uow, row)
        claimed.append(Outgoing(row.id, row.kind, row.platform, row.recipient, reply,
                                row.attempts, row.channel, lease, edit))
    return claimed


def _words(uow: UnitOfWork, row: Claimed) -> Reply:
    if row.payload:  # queued before messages were worded at send time
        return load_reply(row.payload)
    if row.kind == CHALLENGE:
        assert row.chat_id is not None
        chat = uow.chats.get(row.chat_id)
        assert chat is not None
        return challenge_post(chat, challenges.member_count(uow, chat),
                              date.fromisoformat(row.occurrence))
    assert row.person_id is not None
    person = uow.people.person(row.person_id)
    assert person is not None
    snap = streaks.snapshot(uow, person, date.fromisoformat(row.occurrence))
    if row.kind == NUDGE:
        return Reply(texts.STREAK_NUDGE.format(current=snap.view.current),
                     buttons=(*quick_log_buttons(),
                              Button(texts.BUTTON_NO_NUDGES, "nudges:off", row=1)))
    later = (Button(texts.BUTTON_LATER, "later"),) if row.kind == REMINDER else ()
    return Reply(texts.REMINDER.format(streak=streak_line(snap.view)),
                 buttons=(*quick_log_buttons(), *later))


def stop_nudges(turn: Turn) -> Reply:
    """"No more of these" under a streak nudge."""
    deliveries.stop_nudges(turn.uow, turn.who)
    return Reply(texts.NUDGES_OFF)


def snooze(turn: Turn) -> Reply:
    """"Later" under a reminder: once more, two hours from now."""
    due, new = deliveries.snooze(turn.uow, turn.who, turn.now)
    at = due.astimezone(local.zone(turn.who.person.timezone)).strftime("%H:%M")
    return Reply((texts.SNOOZED if new else texts.SNOOZED_ALREADY).format(time=at))
