"""Sends queued messages (reminders, challenge posts) to Telegram chats."""

from __future__ import annotations

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.telegram import render
from bot.telegram.limits import broadcasting, retry_seconds
from core.delivery import Outgoing, RetryLater, Undeliverable
from core.identity import Platform

NETWORK_RETRY_SECONDS = 30.0
GONE = ("chat not found", "user is deactivated", "bot was kicked", "not enough rights",
        "have no rights to send", "chat_write_forbidden")


class TelegramNotifier:
    """Delivers to a chat id (a user's private chat, or a group)."""

    platform = Platform.TELEGRAM
    # Sends in flight at once: the rate limiter paces them, and while one waits for Telegram
    # the next is on its way, so the queue keeps up with 30 a second over a slow round trip.
    concurrency = 4

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def deliver(self, outgoing: Outgoing) -> str | None:
        """Send as a broadcast (paced behind replies to people), translating Telegram's refusals
        into the queue's outcomes; the id of the (last) message sent. (Flood control and brief
        network failures were already waited out and retried by the rate limiter.)"""
        with broadcasting():
            return await self._deliver(outgoing)

    async def _deliver(self, outgoing: Outgoing) -> str | None:
        try:
            topic = int(outgoing.channel) if outgoing.channel else None
            chat_id = int(outgoing.recipient)
            # An update to an earlier post is an edit of it where Telegram allows; else a new
            # message (sent without notification when the reply is quiet).
            if outgoing.edit is not None and outgoing.edit.isdigit() and await render.edit(
                    self.bot, chat_id, int(outgoing.edit), outgoing.reply):
                return outgoing.edit
            try:
                sent = await render.deliver(self.bot, render.Target(chat_id, topic),
                                            outgoing.reply)
            except ChatMigrated as moved:  # the group became a supergroup with a new id
                sent = await render.deliver(self.bot, render.Target(moved.new_chat_id, topic),
                                            outgoing.reply)
            return str(sent[-1].message_id) if sent else None
        except Forbidden as error:
            raise Undeliverable(error.message) from error
        except RetryAfter as error:
            raise RetryLater(retry_seconds(error), error.message) from error
        except BadRequest as error:
            if any(reason in error.message.lower() for reason in GONE):
                raise Undeliverable(error.message) from error
            raise
        except NetworkError as error:  # includes TimedOut
            raise RetryLater(NETWORK_RETRY_SECONDS, error.message) from error

