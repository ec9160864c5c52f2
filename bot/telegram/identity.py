"""From Telegram's update to the core's neutral identity: who, where, which message."""

from __future__ import annotations

from telegram import Chat, Update, User

from core.api import Message
from core.identity import ChatKind, ChatRef, Platform, UserRef


def user_ref(user: User) -> UserRef:
    """A Telegram user as the core knows them."""
    return UserRef(Platform.TELEGRAM, str(user.id), user.full_name or user.username or "")


def chat_ref(chat: Chat) -> ChatRef:
    """A Telegram chat: private, or a group (groups, supergroups and channels)."""
    kind = ChatKind.PRIVATE if chat.type == Chat.PRIVATE else ChatKind.GROUP
    return ChatRef(Platform.TELEGRAM, str(chat.id), kind, chat.title or chat.full_name or "")


def message_of(update: Update, *, is_admin: bool = False) -> Message:
    """The core's message for an update; its key makes a redelivered update harmless."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    text, key, topic = "", None, None
    message = update.effective_message
    if message is not None and message.is_topic_message and message.message_thread_id:
        topic = str(message.message_thread_id)
    if update.callback_query is not None:
        key = f"telegram:callback:{update.callback_query.id}"
    elif message is not None:
        text = message.text or message.caption or ""
        key = f"telegram:{chat.id}:{message.message_id}"
    return Message(user_ref(user), chat_ref(chat), text, key=key, is_admin=is_admin,
                   channel=topic)
