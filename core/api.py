"""What adapters see of the coach: the message they hand in, and the calls they may make.

Adapters (Telegram, Discord, the terminal chat, the dispatcher and the scheduler) type against
`CoachAPI`; the composition root hands them the one implementation, `core.coach.AsyncCoach`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from core.delivery import Outgoing, Schedule
from core.identity import ChatRef, UserRef
from core.replies import Reply


@dataclass(frozen=True)
class Message:
    """Who wrote, where, what, and the platform's id for the message (a redelivered message
    with the same key is acted on once).

    `channel` is where in the chat it was written: a Telegram forum topic, a Discord channel of
    the server (None: the chat itself). `is_admin` is the sender's admin right in that chat, as
    the platform reports it."""

    user: UserRef
    chat: ChatRef
    text: str = ""
    key: str | None = None
    is_admin: bool = False
    channel: str | None = None


@dataclass(frozen=True)
class LogFields:
    """A walk given as typed options, as Discord's /log sends it."""

    minutes: float
    place: str | None = None
    when: str | None = None
    steps: int | None = None
    pain: float | None = None
    note: str = ""


class CoachAPI(Protocol):
    """The coach as adapters call it: every answer is a Reply, or a CoachError whose text is
    the answer."""

    async def handle(self, message: Message) -> Reply:
        """Anything typed: a /command, an answer to a question, or a sentence about a walk."""

    async def command(self, message: Message, name: str, args: str = "") -> Reply:
        """A command whose name and arguments the platform already split out."""

    async def log(self, message: Message, fields: LogFields) -> Reply:
        """/log with typed options."""

    async def press(self, message: Message, action: str) -> Reply:
        """A button pressed under an earlier reply."""

    async def mark_unreachable(self, user: UserRef) -> None:
        """The platform refused to deliver to this user (blocked the bot, closed DMs)."""

    async def plan_deliveries(self) -> int:
        """Queue the reminders and challenge posts due now; how many were queued."""

    async def claim(self, platform: str, limit: int = 20) -> list[Outgoing]:
        """Due messages for a platform's dispatcher, leased to it."""

    async def delivered(self, sent: Outgoing, message_id: str | None = None) -> None:
        """The platform accepted a claimed message (as `message_id`, when the platform says)."""

    async def retry_delivery(self, failed: Outgoing, after: float, error: str) -> bool:
        """Try a claimed message again later; False once it has been given up."""

    async def undeliverable(self, refused: Outgoing, error: str) -> None:
        """The platform refuses a claimed message for good."""

    async def release(self, untried: list[Outgoing]) -> None:
        """Claimed messages that were not tried (the sender is stopping): queue them again."""

    async def schedule(self, limit: int = 20) -> Schedule:
        """The soonest reminders and daily posts, and the delivery queue's counts."""

    async def purge_deliveries(self) -> int:
        """Delete finished deliveries older than two weeks; how many."""

    async def fold_log(self) -> None:
        """Storage housekeeping every few seconds: fold the embedded database's write-ahead
        log into its file, so that people's requests never pay for it."""

    async def first_sight(self, bot: str, update_id: int) -> bool:
        """True the first time any process of the coach takes this platform update (webhook
        replicas share what they have seen through the database)."""

    def timezones(self, typed: str) -> list[str]:
        """Time zone names matching what has been typed so far (for autocomplete)."""
