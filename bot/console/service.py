"""The terminal chat as a platform: reminders and challenge posts for the person at the
terminal are printed between their own lines, by the same scheduler and dispatcher as Telegram
and Discord use."""

from __future__ import annotations

from bot.console.chat import ConsoleChat
from core.delivery import Notifier, Outgoing, RetryLater
from core.identity import Platform

# Someone else's reminder (another --user on the same database) waits this long for them to
# open the chat; past its late window it is marked missed.
ABSENT_RETRY_SECONDS = 1800.0


class ConsoleNotifier:
    """Prints queued messages for the person chatting now."""

    platform = Platform.CONSOLE

    def __init__(self, chat: ConsoleChat) -> None:
        self.chat = chat

    async def deliver(self, outgoing: Outgoing) -> None:
        """Print it, or leave it for later when it is for someone not at this terminal."""
        if outgoing.recipient != self.chat.user.external_id:
            raise RetryLater(ABSENT_RETRY_SECONDS, "not at this terminal")
        self.chat.show_unasked(outgoing.reply)


class ConsoleService:
    """Nothing to start or stop: the chat reads the terminal; this only sends."""

    def __init__(self, chat: ConsoleChat) -> None:
        self.chat = chat

    async def start(self) -> None:
        """Nothing to connect to."""

    async def stop(self) -> None:
        """Nothing to disconnect."""

    def ready(self) -> bool:
        """The terminal is always there."""
        return True

    def notifier(self) -> Notifier:
        """Prints to the terminal."""
        return ConsoleNotifier(self.chat)
