"""What the coach says on its own: a day's reminder, a group's daily challenge post, and (in
`summaries`) the weekly summary.

Planning queues only which message is due for whom; the words are written when the message is
claimed for sending, so a reminder speaks of the streak as it is when it arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from core import texts
from core.conversation import contests, summaries
from core.conversation.groups import challenge_post
from core.conversation.shared import quick_log_buttons, streak_line
from core.conversation.turn import Turn
from core.delivery import (
    CHALLENGE,
    CONTEST_KINDS,
    NUDGE,
    REMINDER,
    SEASON,
    WEEKLY,
    Outgoing,
    load_reply,
)
from core.domain import days as local
from core.persistence.queue import Claimed
from core.persistence.uow import UnitOfWork
from core.replies import Button, Reply
from core.services import challenges, deliveries, streaks
from core.services import contests as contest_service
from core.services.deliveries import Planned


# What planning does, one kind of message at a time: a step of one planner is one batch of
# people alike (a unit of work of a few milliseconds), so a person's /log waits behind at most
# one such batch, never behind a batch of every kind at once.
def _contest_posts(uow: UnitOfWork, now: datetime) -> Planned:
    """Challenge posts (start, mid-way, results) due now; one indexed look first, so a tick
    with none due stays cheap."""
    return contest_service.plan_posts(uow, now) if uow.contests.any_due(now) else Planned(0, False)


def _season_posts(uow: UnitOfWork, now: datetime) -> Planned:
    """Groups' weekly boards due now, after the same look."""
    return (contest_service.plan_seasons(uow, now) if uow.contests.any_due(now)
            else Planned(0, False))


PLANNERS: tuple[Callable[[UnitOfWork, datetime], Planned], ...] = (
    deliveries.plan_reminders, deliveries.plan_nudges, deliveries.plan_summaries,
    deliveries.plan_posts, _contest_posts, _season_posts)


def plan(uow: UnitOfWork, now: datetime, planner: int | None = None) -> Planned:
    """Queue one batch of the messages due now, each once: of the planner numbered `planner`
    in PLANNERS, or (None) one batch of each."""
    if planner is not None:
        return PLANNERS[planner](uow, now)
    steps = [step(uow, now) for step in PLANNERS]
    return Planned(sum(s.queued for s in steps), any(s.more for s in steps),
                   tuple(n for n, s in enumerate(steps) if s.more))


def claim(uow: UnitOfWork, platform: str, now: datetime, limit: int) -> list[Outgoing]:
    """Due messages for a platform's dispatcher, leased to it, each worded as of now."""
    lease, rows = deliveries.claim(uow, platform, now, limit)
    claimed = []
    for row in rows:
        edit, picture = None, None
        if row.kind in (*CONTEST_KINDS, SEASON) and not row.payload:
            assert row.chat_id is not None
            reply, edit = contests.post(uow, row.kind, row.chat_id, row.occurrence, now)
        elif row.kind == WEEKLY and not row.payload:
            reply, picture = summaries.words(uow, row)
        else:
            reply = _words(uow, row)
        claimed.append(Outgoing(row.id, row.kind, row.platform, row.recipient, reply,
                                row.attempts, row.channel, lease, picture=picture, edit=edit))
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
