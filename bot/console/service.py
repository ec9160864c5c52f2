"""The terminal chat as a platform: reminders and challenge posts for the person at the
terminal are printed between their own lines, by the same scheduler and dispatcher as Telegram
and Discord use."""

from __future__ import annotations

from dataclasses import replace

from bot.console.chat import ConsoleChat
from core.delivery import CHALLENGE, Notifier, Outgoing, RetryLater
from core.identity import Platform
from core.texts import setup as group_texts

# Someone else's reminder (another --user on the same database) waits this long for them to
# open the chat; past its late window it is marked missed.
ABSENT_RETRY_SECONDS = 1800.0


class ConsoleNotifier:
    """Prints queued messages for the person chatting now."""

    platform = Platform.CONSOLE

    def __init__(self, chat: ConsoleChat) -> None:
        self.chat = chat

    async def deliver(self, outgoing: Outgoing) -> None:
        """Print it, or leave it for later when it is for someone not at this terminal: the
        group's daily post when this terminal plays that group; a reminder for whoever has
        spoken here (named, when several take turns)."""
        group = self.chat.group
        if outgoing.kind == CHALLENGE:
            if group is None or outgoing.recipient != group.external_id:
                raise RetryLater(ABSENT_RETRY_SECONDS, "group not at this terminal")
            heading = group_texts.CONSOLE_POSTED.format(group=group.title)
            self.chat.show_unasked(replace(outgoing.reply, title=heading))
            return
        if outgoing.recipient not in self.chat.present:
            raise RetryLater(ABSENT_RETRY_SECONDS, "not at this terminal")
        reply = outgoing.reply
        if group is not None:
            reply = replace(reply, title=group_texts.CONSOLE_FOR.format(name=outgoing.recipient))
        self.chat.show_unasked(reply)


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
