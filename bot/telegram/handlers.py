"""Telegram handlers: identify the sender, call the coach once, render the reply.

All wiring is in `service.py`; every failure ends in `on_error`, the one error hook.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from telegram import ChatMember, Update
from telegram import Message as TelegramMessage
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, ApplicationHandlerStop, CallbackContext, ExtBot

from bot.telegram import render
from bot.telegram.identity import message_of, user_ref
from core import texts
from core.coach import Coach
from core.commands import ADMIN_COMMANDS
from core.errors import CoachError
from core.replies import Reply

log = logging.getLogger(__name__)
SEEN_UPDATES = 10_000
ADMIN_STATUSES = frozenset({ChatMember.OWNER, ChatMember.ADMINISTRATOR})
# Buttons that act once: after a press their keyboard is taken away.
ONE_SHOT_ACTIONS = ("undo:", "forget:", "screen:")


@dataclass
class BotData:
    """What every handler shares: the coach (set when the application is built), and the update
    ids seen lately."""

    coach: Coach = field(init=False)
    seen: dict[int, None] = field(default_factory=dict)

    def first_sight(self, update_id: int) -> bool:
        """True the first time an update id shows up (Telegram redelivers after a crash)."""
        if update_id in self.seen:
            return False
        self.seen[update_id] = None
        if len(self.seen) > SEEN_UPDATES:
            del self.seen[next(iter(self.seen))]
        return True


class CoachContext(CallbackContext[ExtBot[int], dict[Any, Any], dict[Any, Any], BotData]):
    """The callback context, typed, with the coach at hand."""

    @property
    def coach(self) -> Coach:
        """The shared coach."""
        return self.bot_data.coach


# ExtBot[int]: the rate limiter takes a retry count per call; no JobQueue (APScheduler schedules).
CoachApplication = Application[ExtBot[int], CoachContext, dict[Any, Any], dict[Any, Any], BotData,
                               None]


async def drop_repeats(update: object, context: CoachContext) -> None:
    """Group -1: an update id seen before is ignored entirely."""
    if isinstance(update, Update) and not context.bot_data.first_sight(update.update_id):
        log.info("ignored repeated update %s", update.update_id)
        raise ApplicationHandlerStop


async def command(update: Update, context: CoachContext) -> None:
    """Any /command (also /command@BotName in groups): the coach reads it whole."""
    message = update.effective_message
    assert message is not None and message.text is not None
    name = message.text[1:].split(maxsplit=1)[0].split("@")[0].lower()
    is_admin = name in ADMIN_COMMANDS and await _is_admin(update, context)
    reply = await context.coach.handle(message_of(update, is_admin=is_admin))
    await render.send(message, reply)


async def text(update: Update, context: CoachContext) -> None:
    """A plain message in a private chat: an answer, or a walk in a sentence."""
    message = update.effective_message
    assert message is not None
    await render.send(message, await context.coach.handle(message_of(update)))


async def button(update: Update, context: CoachContext) -> None:
    """A press on an inline button: always answered, one-shot keyboards removed."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    reply = await context.coach.press(message_of(update), query.data)
    message = query.message
    if not isinstance(message, TelegramMessage):  # too old for Telegram to show us
        return
    if query.data.startswith(ONE_SHOT_ACTIONS):
        try:
            await query.edit_message_reply_markup(None)
        except BadRequest as error:  # already edited by an earlier press
            log.info("keyboard not removed: %s", error.message)
    await render.send(message, reply)


async def _is_admin(update: Update, context: CoachContext) -> bool:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    if chat.type == chat.PRIVATE:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in ADMIN_STATUSES


async def on_error(update: object, context: CoachContext) -> None:
    """The one error hook: user errors become replies; anything else is logged and apologised
    for, and the bot carries on with the next update."""
    error = context.error
    if not isinstance(update, Update):
        log.error("error outside an update", exc_info=error)
        return
    if isinstance(error, Forbidden):
        if update.effective_user is not None:
            await context.coach.mark_unreachable(user_ref(update.effective_user))
        log.info("user %s has blocked the bot", getattr(update.effective_user, "id", "?"))
        return
    if isinstance(error, CoachError):
        reply = Reply(str(error))
    else:
        log.error("update %s failed", update.update_id, exc_info=error)
        reply = Reply(texts.APOLOGY)
    message = update.effective_message
    if message is not None:
        try:
            await render.send(message, reply)
        except Exception:
            log.exception("could not send the error reply for update %s", update.update_id)
