"""Telegram handlers: identify the sender, call the coach once, render the reply.

All wiring is in `service.py`; every failure ends in `on_error`, the one error hook.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from telegram import CallbackQuery, Chat, ChatMember, Update
from telegram import Message as TelegramMessage
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import Application, ApplicationHandlerStop, CallbackContext, ExtBot

from bot.telegram import render
from bot.telegram.identity import message_of, user_ref
from core import texts
from core.api import CoachAPI
from core.command_table import ADMIN_COMMANDS, COMMANDS, PRIVATE_REFUSALS
from core.errors import CoachError, NotAllowed
from core.replies import on_panel, refusal, spent_when_pressed

log = logging.getLogger(__name__)
SEEN_UPDATES = 10_000
ADMIN_STATUSES = frozenset({ChatMember.OWNER, ChatMember.ADMINISTRATOR})
COMMAND = re.compile(r"^/(?P<name>[^\s@]+)(?:@(?P<mention>\S*))?")
COMMAND_NAMES = frozenset(c.name for c in COMMANDS)


@dataclass
class BotData:
    """What every handler shares: the coach (set when the application is built), and the update
    ids seen lately."""

    coach: CoachAPI = field(init=False)
    seen: dict[int, None] = field(default_factory=dict)
    # Webhook replicas (`--role web`): update ids are also checked in the shared database.
    shared: bool = False

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
    def coach(self) -> CoachAPI:
        """The shared coach."""
        return self.bot_data.coach


# ExtBot[int]: the rate limiter takes a retry count per call; no JobQueue (APScheduler schedules).
CoachApplication = Application[ExtBot[int], CoachContext, dict[Any, Any], dict[Any, Any], BotData,
                               None]


async def drop_repeats(update: object, context: CoachContext) -> None:
    """Group -1: an update id seen before (by this process, or by any replica when shared) is
    ignored entirely."""
    if not isinstance(update, Update):
        return
    data = context.bot_data
    if not data.first_sight(update.update_id) or (data.shared and not await data.coach.first_sight(
            f"telegram-{context.bot.id}", update.update_id)):
        log.info("ignored repeated update %s", update.update_id)
        raise ApplicationHandlerStop


async def command(update: Update, context: CoachContext) -> None:
    """Any /command: the coach reads it whole. In groups, only commands for this bot: ours
    with no @mention, or any addressed @ThisBot."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and message.text is not None and chat is not None
    match = COMMAND.match(message.text)
    if match is None:
        return
    name, mention = match["name"].lower(), match["mention"]
    if chat.type != Chat.PRIVATE:
        if mention is not None and mention.lower() != (context.bot.username or "").lower():
            return
        if mention is None and name not in COMMAND_NAMES:
            return
    is_admin = name in ADMIN_COMMANDS and await _is_admin(update, context)
    try:
        reply = await context.coach.handle(message_of(update, is_admin=is_admin))
    except NotAllowed as refused:
        if name not in PRIVATE_REFUSALS or chat.type == Chat.PRIVATE:
            raise
        await render.refuse_privately(context.bot, update, str(refused))
        return
    await render.send(context.bot, update, reply)


async def text(update: Update, context: CoachContext) -> None:
    """A plain message (or a caption) in a private chat: an answer, or a walk in a sentence."""
    await render.send(context.bot, update, await context.coach.handle(message_of(update)))


async def button(update: Update, context: CoachContext) -> None:
    """A press on an inline button: always answered, one-shot keyboards removed."""
    query = update.callback_query
    assert query is not None
    if query.data is not None and on_panel(query.data):
        await _panel_press(update, context, query.data)
        return
    try:
        await query.answer()
    except BadRequest as error:  # too old to answer (e.g. pressed before a restart): act anyway
        log.info("callback query not answered: %s", error.message)
    if query.data is None:
        return
    reply = await context.coach.press(message_of(update), query.data)
    if spent_when_pressed(query.data) and isinstance(query.message, TelegramMessage):
        try:
            await query.edit_message_reply_markup(None)
        except BadRequest as error:  # already edited by an earlier press, or too old
            log.info("keyboard not removed: %s", error.message)
    await render.send(context.bot, update, reply)


async def _panel_press(update: Update, context: CoachContext, action: str) -> None:
    """A press on an admins' settings panel: the presser's rights are asked of Telegram on
    every press; a refusal is an alert only the presser sees, a change redraws the panel."""
    query = update.callback_query
    assert query is not None
    is_admin = await _is_admin(update, context)
    try:
        reply = await context.coach.press(message_of(update, is_admin=is_admin), action)
    except CoachError as refused:
        await _answer(query, str(refused)[:render.ALERT_LIMIT], alert=True)
        return
    await _answer(query)
    if reply.buttons and isinstance(query.message, TelegramMessage):
        await render.redraw(query.message, reply)
    else:  # not a panel (e.g. "already acted on that"): an answer of its own
        await render.send(context.bot, update, reply)


async def _answer(query: CallbackQuery, text: str | None = None, *, alert: bool = False) -> None:
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as error:  # too old to answer (pressed before a restart)
        log.info("callback query not answered: %s", error.message)


async def membership(update: Update, context: CoachContext) -> None:
    """The bot's own membership changed: a user who blocks it in private is unreachable now,
    not only after the next message to them fails."""
    change = update.my_chat_member
    assert change is not None
    if change.chat.type == Chat.PRIVATE and change.new_chat_member.status == ChatMember.BANNED:
        await context.coach.mark_unreachable(user_ref(change.from_user))
        log.info("user %s blocked the bot", change.from_user.id)


async def _is_admin(update: Update, context: CoachContext) -> bool:
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    assert chat is not None and user is not None and message is not None
    if chat.type == Chat.PRIVATE:
        return False
    if message.sender_chat is not None:
        # An anonymous admin writes as the group itself. A linked channel (or another chat)
        # writing here is no admin, and its "from" is a placeholder not worth asking about.
        return message.sender_chat.id == chat.id
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in ADMIN_STATUSES


async def on_error(update: object, context: CoachContext) -> None:
    """The one error hook: user errors become replies; anything else is logged and apologised
    for, and the bot carries on with the next update."""
    error = context.error
    if not isinstance(update, Update):
        log.error("error outside an update", exc_info=error)
        return
    chat, user = update.effective_chat, update.effective_user
    if isinstance(error, Forbidden):  # blocked by the user, or removed from the group
        if chat is not None and chat.type == Chat.PRIVATE and user is not None:
            await context.coach.mark_unreachable(user_ref(user))
        log.info("not allowed to write to chat %s: %s", getattr(chat, "id", "?"), error.message)
        return
    if isinstance(error, RetryAfter):  # flood control outlasted the retries: so would an apology
        log.warning("update %s not answered: %s", update.update_id, error.message)
        return
    if isinstance(error, CoachError):
        reply = refusal(str(error))
    else:
        log.error("update %s failed", update.update_id, exc_info=error)
        reply = refusal(texts.APOLOGY)
    try:
        await render.send(context.bot, update, reply)
    except Exception:
        log.exception("could not send the error reply for update %s", update.update_id)
