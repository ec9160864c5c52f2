"""The outbound queue's contract: messages the coach sends on its own, each exactly once queued.

Scheduled jobs decide *when* and only enqueue (idempotently: one row per kind, platform,
recipient and occurrence). One dispatcher per platform drains the queue through a `Notifier`
and records the outcome: sent; retried after the platform's `retry_after`; dead when the
platform refuses for good (blocked, chat not found, DMs closed).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.identity import Platform
from core.replies import Attachment, Button, Reply

REMINDER = "reminder"
# A reminder asked for again, once, two hours later ("Later").
SNOOZE = "snooze"
# "Your streak is still open today", a few hours before the day ends.
NUDGE = "nudge"
CHALLENGE = "challenge"
# Last week in figures, on Monday at the reminder time, with the chart.
WEEKLY = "weekly"
# A group challenge's start announcement, its quiet mid-way update and its final results
# (occurrence: the challenge's id), and a group's weekly board (occurrence: the week's Monday).
CONTEST_START = "challenge_start"
CONTEST_MID = "challenge_mid"
CONTEST_END = "challenge_end"
CONTEST_KINDS = (CONTEST_START, CONTEST_MID, CONTEST_END)
SEASON = "season"


class Undeliverable(Exception):
    """The platform refuses this recipient for good (blocked the bot, left, closed DMs)."""


class RetryLater(Exception):
    """The platform asked to wait (429) or was unreachable; try again after `seconds`."""

    def __init__(self, seconds: float, reason: str = "") -> None:
        super().__init__(reason or f"retry after {seconds:g}s")
        self.seconds = seconds


@dataclass(frozen=True)
class Outgoing:
    """A queued message, claimed for sending: where it goes and what it says.

    `recipient` is a user's id (a reminder) or a chat's id (a challenge post); `channel` is, for
    a post, the Telegram forum topic or the Discord channel of that server it goes to.
    `lease` names the claim: only its holder may record what became of the message.
    `picture`, when set, draws the image that goes with the reply (a chart): a picklable call
    on plain data, so the sender can run it in another process at send time, never on the
    coach's worker.
    `edit` is the platform's id of an earlier message in the same place to change in place rather
    than post anew (a challenge's mid-way update edits its start post) where the platform allows."""

    id: int
    kind: str
    platform: str
    recipient: str
    reply: Reply
    attempts: int
    channel: str | None = None
    lease: str = ""
    picture: Callable[[], Attachment] | None = None
    edit: str | None = None


@dataclass(frozen=True)
class Upcoming:
    """A reminder or daily post still to come: when (UTC), in which time zone, for whom."""

    kind: str
    at: datetime
    timezone: str
    who: str


@dataclass(frozen=True)
class Schedule:
    """What is still to come, and the delivery queue's counts by status."""

    upcoming: list[Upcoming]
    queue: dict[str, int]


class Notifier(Protocol):
    """Sends a queued message on one platform; raises Undeliverable or RetryLater."""

    platform: Platform

    async def deliver(self, outgoing: Outgoing) -> str | None:
        """Send it, or raise; the platform's id of the message sent, when there is one."""


def dump_reply(reply: Reply) -> str:
    """A reply (without attachments) as stored in the queue."""
    return json.dumps({
        "text": reply.text, "title": reply.title, "public": reply.public,
        "buttons": [[b.label, b.action, b.row] for b in reply.buttons],
    }, ensure_ascii=False)


def load_reply(payload: str) -> Reply:
    """The reply stored by `dump_reply`."""
    data = json.loads(payload)
    buttons = tuple(Button(label, action, row) for label, action, row in data["buttons"])
    return Reply(data["text"], title=data["title"], buttons=buttons, public=data["public"])
