"""From the core's Reply to Telegram messages: HTML-escaped, split to fit, with inline keyboards."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message
from telegram.constants import MessageLimit, ParseMode

from core.replies import Reply

PARSE_MODE = ParseMode.HTML
TEXT_LIMIT = MessageLimit.MAX_TEXT_LENGTH  # 4096, counted after entities are parsed
CAPTION_LIMIT = MessageLimit.CAPTION_LENGTH  # 1024


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """The reply's buttons as an inline keyboard (callback data is the button's action)."""
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.action) for b in row]
         for row in reply.button_rows]
    )


def chunks(text: str, limit: int) -> list[str]:
    """Plain text cut at line ends (or hard, for one very long line) into pieces within limit."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current or not pieces:
        pieces.append(current)
    return pieces


def as_html(text: str, title: str = "") -> str:
    """Escape user text for HTML parse mode; the title, if any, in bold."""
    body = html.escape(text, quote=False)
    return f"<b>{html.escape(title, quote=False)}</b>\n{body}" if title else body


def messages(reply: Reply, limit: int = TEXT_LIMIT) -> list[str]:
    """The reply as HTML texts, each within Telegram's limit once parsed."""
    room = limit - (len(reply.title) + 1 if reply.title else 0)
    parts = chunks(reply.text, room)
    return [as_html(part, reply.title if n == 0 else "") for n, part in enumerate(parts)]


async def send(message: Message, reply: Reply) -> None:
    """Answer `message` in its chat: text (split if long), photo with caption, then documents."""
    chat = message.chat
    markup = keyboard(reply)
    thread = message.message_thread_id if message.is_topic_message else None
    if reply.image is not None:
        caption, *rest = chunks(reply.text, CAPTION_LIMIT)
        photo = InputFile(reply.image.data, filename=reply.image.filename)
        await chat.send_photo(photo, caption=as_html(caption), parse_mode=PARSE_MODE,
                              reply_markup=markup if not rest else None,
                              message_thread_id=thread)
        texts = [as_html(part) for part in rest]
    else:
        texts = messages(reply)
    for n, text in enumerate(texts):
        last = n == len(texts) - 1
        await chat.send_message(text, parse_mode=PARSE_MODE,
                                reply_markup=markup if last else None,
                                message_thread_id=thread)
    for attachment in reply.files:
        document = InputFile(attachment.data, filename=attachment.filename)
        await chat.send_document(document, message_thread_id=thread)
