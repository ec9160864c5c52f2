"""From Telegram's update to the core's neutral identity: who, where, which message."""

from __future__ import annotations

from telegram import Chat, Update, User

from core.handlers import Message
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
    text, key = "", None
    if update.callback_query is not None:
        key = f"telegram:callback:{update.callback_query.id}"
    elif update.effective_message is not None:
        text = update.effective_message.text or update.effective_message.caption or ""
        key = f"telegram:{chat.id}:{update.effective_message.message_id}"
    return Message(user_ref(user), chat_ref(chat), text, key=key, is_admin=is_admin)
