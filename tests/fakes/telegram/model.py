"""What tests see of the fake: people, chats and the records of what the bot did."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]

#: Methods that post a new message into a chat (they count against Telegram's send limits).
SEND_METHODS = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "sendAudio", "sendVideo", "sendAnimation",
     "sendVoice", "sendVideoNote", "sendSticker", "sendLocation", "sendVenue", "sendContact",
     "sendPoll", "sendDice", "sendMediaGroup", "copyMessage", "forwardMessage", "sendInvoice"}
)


@dataclass(frozen=True, slots=True)
class User:
    """A Telegram account acting in tests (`is_bot` only for the bot itself)."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = "en"
    is_bot: bool = False

    def to_dict(self) -> JSON:
        """The Bot API `User` object."""
        out: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            out["last_name"] = self.last_name
        if self.username:
            out["username"] = self.username
        if self.language_code and not self.is_bot:
            out["language_code"] = self.language_code
        return out

    @property
    def full_name(self) -> str:
        """First and last name, as Telegram clients show them."""
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


@dataclass(frozen=True, slots=True)
class Chat:
    """A conversation: `private` (id = the user's id), `group` or `supergroup` (negative ids)."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_forum: bool = False

    def to_dict(self) -> JSON:
        """The Bot API `Chat` object."""
        out: JSON = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name", "is_forum"):
            value = getattr(self, key)
            if value:
                out[key] = value
        return out

    @property
    def is_private(self) -> bool:
        """True for a one-to-one chat with the bot."""
        return self.type == "private"


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file part of a multipart request, byte-exact."""

    field: str
    filename: str | None
    content_type: str
    data: bytes


@dataclass(slots=True)
class Call:
    """One request the bot made: parsed parameters, uploads, and what the fake answered."""

    seq: int
    method: str
    params: JSON
    files: dict[str, UploadedFile]
    status: int
    result: Any = None
    error: str | None = None
    retry_after: int | None = None
    at: float = 0.0
    http_method: str = "POST"
    content_type: str = ""

    @property
    def ok(self) -> bool:
        """True when Telegram would have answered {"ok": true}."""
        return self.status == 200

    @property
    def chat_id(self) -> int | str | None:
        """The `chat_id` parameter, if the call had one."""
        value = self.params.get("chat_id")
        return value if isinstance(value, int | str) else None

    @property
    def text(self) -> str | None:
        """The visible text of the sent or edited message (text or caption), if any."""
        if isinstance(self.result, dict):
            value = self.result.get("text", self.result.get("caption"))
            if isinstance(value, str):
                return value
        value = self.params.get("text", self.params.get("caption"))
        return value if isinstance(value, str) else None

    @property
    def message(self) -> JSON | None:
        """The Message the fake returned, for calls that send or edit a message."""
        if isinstance(self.result, dict) and "message_id" in self.result:
            return self.result
        return None

    @property
    def reply_markup(self) -> JSON | None:
        """The parsed `reply_markup` parameter, if any."""
        value = self.params.get("reply_markup")
        return value if isinstance(value, dict) else None

    def buttons(self) -> list[JSON]:
        """All inline keyboard buttons of this call's reply_markup, row by row."""
        markup = self.reply_markup or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]

    def __repr__(self) -> str:
        outcome = "ok" if self.ok else f"{self.status} {self.error}"
        return f"<Call #{self.seq} {self.method} chat={self.chat_id} {outcome} text={self.text!r}>"


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """An answerCallbackQuery the bot made, with the query it answered."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None
    data: str | None
    user_id: int
    chat_id: int | None
    message_id: int | None


@dataclass(frozen=True, slots=True)
class FloodEvent:
    """A 429 the fake gave: on demand (`injected`) or because a limit was exceeded."""

    method: str
    chat_id: int | None
    retry_after: int
    at: float
    injected: bool
    call_seq: int = 0


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """One POST of an update to the bot's webhook and the HTTP status the bot answered."""

    update_id: int | None
    url: str
    status: int
    secret_sent: str | None
    at: float
    error: str | None = None


@dataclass(slots=True)
class Failure:
    """An error to answer instead of running the method (see FakeTelegram.fail_next)."""

    method: str | None
    chat_id: int | None
    remaining: int
    code: int
    description: str
    parameters: JSON | None = None
    matched: list[int] = field(default_factory=list)

    def matches(self, method: str, chat_id: int | None) -> bool:
        """True if this failure applies to a call of `method` about `chat_id`."""
        if self.remaining <= 0:
            return False
        if self.method is None and method == "getUpdates":
            return False
        if self.method is not None and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or self.chat_id == chat_id
