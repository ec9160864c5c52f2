"""Everything the fake Telegram server knows, shared by the method handlers and the driver."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .media import FileStore
from .model import JSON, CallbackAnswer, Chat, User
from .spec import ApiSpec
from .state import ChatState, UpdateQueue
from .validation import ApiError, bad_request

_ADMIN_RIGHTS_DEFAULT = True
_FORBIDDEN_PREFIXES = ("send", "copy", "forward", "edit")


@dataclass(slots=True)
class Webhook:
    """The webhook the bot set with setWebhook."""

    url: str
    secret_token: str | None
    max_connections: int
    has_custom_certificate: bool
    ip_address: str | None
    allowed_updates: list[str] | None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass(slots=True)
class PendingCallback:
    """A callback query sent to the bot and not answered yet."""

    query: JSON
    answered: bool = False


@dataclass(slots=True)
class Options:
    """Behaviour switches (see FakeTelegram's constructor)."""

    strict_html_ampersand: bool = True
    allow_insecure_webhooks: bool = True
    can_read_all_group_messages: bool = True  # every group message is delivered


@dataclass(slots=True)
class World:
    """The server-side state: the bot, chats, files, updates, webhook, commands, callbacks."""

    bot: User
    spec: ApiSpec
    queue: UpdateQueue
    files: FileStore
    clock: Callable[[], float | datetime] = time.time
    options: Options = field(default_factory=Options)
    chats: dict[int, ChatState] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    webhook: Webhook | None = None
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    callbacks: dict[str, PendingCallback] = field(default_factory=dict)
    answered: list[CallbackAnswer] = field(default_factory=list)
    settings: dict[tuple[str, str], Any] = field(default_factory=dict)
    photo_sets: dict[str, list[JSON]] = field(default_factory=dict)
    on_webhook_change: Callable[[], None] | None = None

    def now(self) -> int:
        """Unix time, as Telegram puts it in `date` fields."""
        value = self.clock()
        return int(value.timestamp() if isinstance(value, datetime) else value)

    def add_chat(self, chat: Chat) -> ChatState:
        """Register a chat (idempotent)."""
        state = self.chats.get(chat.id)
        if state is None:
            state = self.chats[chat.id] = ChatState(chat)
        return state

    def resolve_chat(self, chat_id: Any) -> ChatState:
        """The chat a `chat_id` parameter names; "chat not found" like Telegram otherwise."""
        state: ChatState | None = None
        if isinstance(chat_id, int):
            state = self.chats.get(chat_id)
        elif isinstance(chat_id, str) and chat_id.startswith("@"):
            wanted = chat_id[1:].lower()
            for candidate in self.chats.values():
                username = candidate.chat.username
                if not candidate.chat.is_private and username and username.lower() == wanted:
                    state = candidate
                    break
        if state is None and isinstance(chat_id, int) and chat_id in self.users:
            # A user who never opened a private chat with the bot cannot be written to.
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        if state is None or state.not_found:
            raise bad_request("chat not found")
        return state

    def check_reachable(self, method: str, state: ChatState) -> None:
        """403 for sends and edits to a chat whose user blocked the bot (or kicked it)."""
        if not state.blocked or not method.startswith(_FORBIDDEN_PREFIXES):
            return
        if state.chat.is_private:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        kind = "supergroup chat" if state.chat.type == "supergroup" else "group chat"
        raise ApiError(403, f"Forbidden: bot was kicked from the {kind}")

    def member(self, state: ChatState, user: User) -> JSON:
        """The ChatMember object for `user` in `state`, its required fields filled from the spec."""
        status = state.status_of(user.id)
        if status == "creator":
            return {"status": "creator", "user": user.to_dict(), "is_anonymous": False}
        if status == "administrator":
            out: JSON = {"status": "administrator", "user": user.to_dict()}
            type_spec = self.spec.types.get("ChatMemberAdministrator")
            for spec in type_spec.fields if type_spec else ():
                if spec.types == ("Boolean",) and (spec.required or spec.name.startswith("can_")):
                    out[spec.name] = _ADMIN_RIGHTS_DEFAULT
            out["can_be_edited"] = False
            out["is_anonymous"] = False
            return out
        if status in ("member", "left"):
            return {"status": status, "user": user.to_dict()}
        if status == "kicked":
            return {"status": "kicked", "user": user.to_dict(), "until_date": 0}
        return {"status": status, "user": user.to_dict()}

    def user_by_id(self, user_id: int) -> User:
        """A known user (or the bot); "user not found" otherwise."""
        if user_id == self.bot.id:
            return self.bot
        user = self.users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        return user

    def full_chat(self, state: ChatState) -> JSON:
        """The ChatFullInfo object getChat returns."""
        chat = state.chat
        out = chat.to_dict()
        out.update({
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": chat.is_private, "limited_gifts": chat.is_private,
                "unique_gifts": chat.is_private, "premium_subscription": chat.is_private,
                "gifts_from_channels": chat.is_private,
            },
        })
        if not chat.is_private:
            out["permissions"] = {"can_send_messages": True}
        return out
