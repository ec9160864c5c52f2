"""From the core's Reply to Telegram messages: HTML-escaped, split to fit, with inline keyboards.

One path sends every reply, whether it answers an update or comes from the delivery queue.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import (
    CallbackQueryLimit,
    ChatType,
    InlineKeyboardButtonLimit,
    MessageLimit,
    ParseMode,
)
from telegram.error import BadRequest, Forbidden

from core import texts
from core.replies import Reply, refusal

log = logging.getLogger(__name__)
PARSE_MODE = ParseMode.HTML
# Telegram counts these limits after the markup is parsed, in UTF-16 code units (an emoji
# outside the Basic Multilingual Plane counts twice); counting that way is never too long.
TEXT_LIMIT = MessageLimit.MAX_TEXT_LENGTH  # 4096
CAPTION_LIMIT = MessageLimit.CAPTION_LENGTH  # 1024
CALLBACK_DATA_LIMIT = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA  # 64 bytes
ALERT_LIMIT = CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH  # 200 characters


@dataclass(frozen=True)
class Target:
    """Where a reply goes: a chat (an id, or a public channel's @username), the forum topic it
    belongs in, the message it answers."""

    chat_id: int | str
    thread: int | None = None
    quote: int | None = None


def target(update: Update) -> Target | None:
    """Where the answer to `update` goes; in groups it quotes the command it answers, so
    everyone sees whom it is for. None when the update has no chat."""
    chat = update.effective_chat
    if chat is None:
        return None
    message = update.effective_message
    thread = message.message_thread_id if message is not None and message.is_topic_message \
        else None
    quote = None
    if update.message is not None and chat.type != ChatType.PRIVATE:
        quote = update.message.message_id
    return Target(chat.id, thread, quote)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """The reply's buttons as an inline keyboard (callback data is the button's action)."""
    rows = [[InlineKeyboardButton(b.label, callback_data=b.action) for b in row
             if _fits(b.action)] for row in reply.button_rows]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


def _fits(action: str) -> bool:
    if 1 <= len(action.encode("utf-8")) <= CALLBACK_DATA_LIMIT:
        return True
    log.error("button action %r does not fit Telegram's callback data; left out", action[:80])
    return False


def units(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def _cut(line: str, limit: int) -> tuple[str, str]:
    """The longest head of `line` within `limit`, ending at a space when there is one."""
    size = 0
    for end, char in enumerate(line):
        size += 2 if ord(char) > 0xFFFF else 1
        if size > limit:
            space = line.rfind(" ", 0, end + 1)
            if space > 0:
                return line[:space], line[space + 1:]
            return line[:end], line[end:]
    return line, ""


def chunks(text: str, limit: int) -> list[str]:
    """Plain text cut at line ends (or at a space, or hard, for one very long line) into pieces
    within limit; pieces Telegram would find empty are left out."""
    if len(text) * 2 <= limit or units(text) <= limit:
        return [text] if text.strip() else []
    pieces: list[str] = []
    current, size = "", 0
    for line in text.split("\n"):
        length = units(line)
        while length > limit:
            pieces.append(current)
            head, line = _cut(line, limit)
            pieces.append(head)
            current, size, length = "", 0, units(line)
        if not current:
            current, size = line, length
        elif size + 1 + length <= limit:
            current, size = f"{current}\n{line}", size + 1 + length
        else:
            pieces.append(current)
            current, size = line, length
    pieces.append(current)
    return [piece for piece in pieces if piece.strip()]


def as_html(text: str, title: str = "") -> str:
    """Escape user text for HTML parse mode; the title, if any, in bold."""
    body = html.escape(text, quote=False)
    return f"<b>{html.escape(title, quote=False)}</b>\n{body}" if title else body


def messages(reply: Reply, limit: int = TEXT_LIMIT) -> list[str]:
    """The reply as HTML texts, each within Telegram's limit once parsed."""
    room = limit - (units(reply.title) + 1 if reply.title else 0)
    parts = chunks(reply.text, room) or ([""] if reply.title else [])
    return [as_html(part, reply.title if n == 0 else "") for n, part in enumerate(parts)]


def caption_and_rest(reply: Reply) -> tuple[str, list[str]]:
    """For a reply with an image: the caption (HTML) and any texts that follow it."""
    room = CAPTION_LIMIT - (units(reply.title) + 1 if reply.title else 0)
    parts = chunks(reply.text, room)
    caption = as_html(parts[0] if parts else "", reply.title)
    rest = "\n".join(parts[1:])
    return caption, messages(Reply(rest)) if rest else []


async def deliver(bot: Bot, to: Target, reply: Reply) -> list[Message]:
    """Send `reply` to a chat: the image with its caption or the text (split if long), then the
    documents. The keyboard goes under the last message that can carry it."""
    markup = keyboard(reply)
    quote = ReplyParameters(to.quote, allow_sending_without_reply=True) if to.quote else None
    sent: list[Message] = []
    if reply.image is not None:
        caption, texts = caption_and_rest(reply)
        photo = InputFile(reply.image.data, filename=reply.image.filename)
        sent.append(await bot.send_photo(
            to.chat_id, photo, caption=caption or None, parse_mode=PARSE_MODE,
            reply_markup=markup if not texts else None, message_thread_id=to.thread,
            reply_parameters=quote, disable_notification=reply.quiet or None))
        quote = None
    else:
        texts = messages(reply)
    for n, text in enumerate(texts):
        sent.append(await bot.send_message(
            to.chat_id, text, parse_mode=PARSE_MODE,
            reply_markup=markup if n == len(texts) - 1 else None, message_thread_id=to.thread,
            reply_parameters=quote, disable_notification=reply.quiet or None))
        quote = None
    for attachment in reply.files:
        document = InputFile(attachment.data, filename=attachment.filename)
        sent.append(await bot.send_document(to.chat_id, document, message_thread_id=to.thread,
                                            reply_parameters=quote))
        quote = None
    return sent


async def edit(bot: Bot, chat_id: int, message_id: int, reply: Reply) -> bool:
    """Change an earlier message in place (no one is notified); False when it cannot be (gone,
    too long for one message, or Telegram refuses)."""
    texts = messages(reply)
    if len(texts) != 1 or reply.image is not None or reply.files:
        return False
    try:
        await bot.edit_message_text(texts[0], chat_id=chat_id, message_id=message_id,
                                    parse_mode=PARSE_MODE, reply_markup=keyboard(reply))
    except BadRequest:
        return False
    return True


async def send(bot: Bot, update: Update, reply: Reply) -> None:
    """Answer `update` in its chat. Telegram has no messages only one member of a group can
    see, so in a group a personal reply goes to the sender privately and the group sees one
    short line saying so (or, while the bot may not write to them, where to start a chat)."""
    to, chat, user = target(update), update.effective_chat, update.effective_user
    if to is None:
        return
    if reply.personal and chat is not None and chat.type != ChatType.PRIVATE and user is not None:
        reply = await _privately(bot, user, reply)
    await deliver(bot, to, reply)


async def _privately(bot: Bot, user: User, reply: Reply) -> Reply:
    """Send `reply` to the user's private chat; the line to post in the group instead."""
    try:
        await deliver(bot, Target(user.id), reply)
    except Forbidden:  # they have not started a chat with the bot, or blocked it
        link = f"https://t.me/{bot.username}"
        return Reply(texts.OPEN_PRIVATE_CHAT.format(name=user.first_name, link=link),
                     personal=False)
    return Reply(texts.SENT_PRIVATELY.format(name=user.first_name), personal=False)


async def refuse_privately(bot: Bot, update: Update, text: str) -> None:
    """A refusal meant for the sender alone. Telegram has no message only one member of a group
    sees, so it goes to the sender's private chat; while the bot may not write to them (they
    never pressed Start), it is answered in the group, where it names no one and holds nothing
    but the rule."""
    to, user, message = target(update), update.effective_user, update.effective_message
    if to is None:
        return
    anonymous = message is not None and message.sender_chat is not None
    if user is not None and not anonymous:
        try:
            await deliver(bot, Target(user.id), refusal(text))
            return
        except Forbidden:
            log.info("refusal for user %s told in the group: no private chat", user.id)
    await deliver(bot, to, refusal(text))


async def redraw(message: Message, reply: Reply) -> None:
    """Replace a panel (text and buttons) with its new state; an unchanged one stays."""
    try:
        await message.edit_text(messages(reply)[0], parse_mode=PARSE_MODE,
                                reply_markup=keyboard(reply))
    except BadRequest as error:  # "message is not modified": pressed the current choice
        log.info("panel not redrawn: %s", error.message)
