"""What the coach says on its own: a day's reminder and a group's daily challenge post."""

from __future__ import annotations

from datetime import datetime

from core import texts
from core.conversation.groups import challenge_post
from core.conversation.shared import quick_log_buttons, streak_line
from core.persistence.uow import UnitOfWork
from core.replies import Reply
from core.services import challenges, deliveries


def plan(uow: UnitOfWork, now: datetime, platforms: list[str]) -> int:
    """Queue the reminders and challenge posts due now, each once; how many were new."""
    queued = 0
    for reminder in deliveries.due_reminders(uow, now, platforms):
        reply = Reply(texts.REMINDER.format(streak=streak_line(reminder.streak)),
                      buttons=quick_log_buttons())
        queued += deliveries.queue_reminder(uow, reminder, reply, now)
    for post in deliveries.due_posts(uow, now, platforms):
        reply = challenge_post(post.chat, challenges.member_count(uow, post.chat), post.day)
        queued += deliveries.queue_post(uow, post, reply, now)
    return queued
