"""Sends queued messages (reminders, challenge posts) to Telegram chats."""

from __future__ import annotations

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.telegram import render
from core.delivery import Outgoing, RetryLater, Undeliverable
from core.identity import Platform

NETWORK_RETRY_SECONDS = 30.0
GONE = ("chat not found", "user is deactivated", "bot was kicked", "not enough rights")


class TelegramNotifier:
    """Delivers to a chat id (a user's private chat, or a group)."""

    platform = Platform.TELEGRAM

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def deliver(self, outgoing: Outgoing) -> None:
        """Send, translating Telegram's refusals into the queue's outcomes."""
        reply = outgoing.reply
        texts = render.messages(reply)
        try:
            for n, text in enumerate(texts):
                markup = render.keyboard(reply) if n == len(texts) - 1 else None
                await self.bot.send_message(int(outgoing.recipient), text,
                                            parse_mode=render.PARSE_MODE, reply_markup=markup)
        except Forbidden as error:
            raise Undeliverable(error.message) from error
        except RetryAfter as error:
            raise RetryLater(_seconds(error.retry_after), error.message) from error
        except BadRequest as error:
            if any(reason in error.message.lower() for reason in GONE):
                raise Undeliverable(error.message) from error
            raise
        except NetworkError as error:  # includes TimedOut
            raise RetryLater(NETWORK_RETRY_SECONDS, error.message) from error


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
