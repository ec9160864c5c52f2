"""The fake server's mutable world: chats with their messages, and the pending update queue."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .model import JSON, Chat, User

#: Update kinds delivered when allowed_updates is empty or was never set.
DEFAULT_UPDATE_KINDS = frozenset(
    {"message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
     "business_message", "edited_business_message", "deleted_business_messages",
     "inline_query", "chosen_inline_result", "callback_query", "shipping_query",
     "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer", "my_chat_member",
     "chat_join_request", "chat_boost", "removed_chat_boost"}
)
CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


@dataclass(slots=True)
class ChatState:
    """A chat as the server knows it: members, stored messages and injected misbehaviour."""

    chat: Chat
    next_message_id: int = 1
    messages: dict[int, JSON] = field(default_factory=dict)
    bot_message_ids: list[int] = field(default_factory=list)
    deleted: set[int] = field(default_factory=set)
    members: dict[int, str] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    blocked: bool = False
    not_found: bool = False

    def new_message_id(self) -> int:
        """The next message id in this chat (shared by users' and the bot's messages)."""
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def status_of(self, user_id: int) -> str:
        """creator / administrator / member / left for `user_id`."""
        return self.members.get(user_id, "member" if self.chat.is_private else "left")


def update_kind(update: JSON) -> str:
    """The update's type: the one key besides update_id."""
    for key in update:
        if key != "update_id":
            return key
    return ""


@dataclass(slots=True)
class _Pending:
    update_id: int
    update: JSON
    forced: bool = False
    returned: bool = False


class UpdateQueue:
    """Updates waiting for the bot, confirmed by getUpdates offsets, with real long polling."""

    def __init__(self, first_update_id: int) -> None:
        self._next_id = first_update_id
        self._pending: deque[_Pending] = deque()
        self._redelivered: list[_Pending] = []
        self.by_id: dict[int, JSON] = {}
        self.allowed: frozenset[str] = DEFAULT_UPDATE_KINDS
        self._event = asyncio.Event()
        self._poll_generation = 0
        self.closing = False

    def next_id(self) -> int:
        """Reserve the next update_id."""
        update_id = self._next_id
        self._next_id += 1
        return update_id

    def push(self, update: JSON) -> None:
        """Queue an update (it must carry its update_id) and wake long polls and the webhook."""
        self.by_id[update["update_id"]] = update
        self._pending.append(_Pending(update["update_id"], update))
        self.wake()

    def redeliver(self, update_id: int) -> None:
        """Queue an already delivered update again, regardless of confirmed offsets."""
        self._redelivered.append(_Pending(update_id, self.by_id[update_id], forced=True))
        self.wake()

    def wake(self) -> None:
        """Wake everything waiting for updates."""
        self._event.set()
        self._event = asyncio.Event()

    @property
    def pending_count(self) -> int:
        """Updates not yet confirmed."""
        return len(self._pending) + len(self._redelivered)

    def drop_pending(self) -> None:
        """Forget all unconfirmed updates (drop_pending_updates)."""
        self._pending.clear()
        self._redelivered.clear()

    def confirm(self, offset: int) -> None:
        """Apply a getUpdates offset: positive confirms lower ids, negative keeps the last -N."""
        self._redelivered = [p for p in self._redelivered if not p.returned]
        if offset > 0:
            while self._pending and self._pending[0].update_id < offset:
                self._pending.popleft()
        elif offset < 0:
            keep = -offset
            while len(self._pending) > keep:
                self._pending.popleft()

    def set_allowed(self, kinds: Iterable[str] | None) -> None:
        """Remember allowed_updates (None keeps the previous setting, empty means the default)."""
        if kinds is None:
            return
        chosen = frozenset(kinds)
        self.allowed = chosen or DEFAULT_UPDATE_KINDS

    def take(self, limit: int) -> list[JSON]:
        """Up to `limit` deliverable updates (kept until confirmed); drops disallowed kinds."""
        out: list[JSON] = []
        for item in self._redelivered:
            if len(out) >= limit:
                return out
            item.returned = True
            out.append(item.update)
        filtered = False
        for item in self._pending:
            if len(out) >= limit:
                break
            if update_kind(item.update) not in self.allowed:
                filtered = True
                continue
            out.append(item.update)
        if filtered:
            allowed = self.allowed
            self._pending = deque(p for p in self._pending if update_kind(p.update) in allowed)
        return out

    def first(self) -> _Pending | None:
        """The next update to push to a webhook."""
        if self._redelivered:
            return self._redelivered[0]
        while self._pending and update_kind(self._pending[0].update) not in self.allowed:
            self._pending.popleft()
        return self._pending[0] if self._pending else None

    def delivered(self, item: _Pending) -> None:
        """A webhook accepted `item`: remove it."""
        if item in self._redelivered:
            self._redelivered.remove(item)
        elif self._pending and self._pending[0] is item:
            self._pending.popleft()

    async def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for new updates; False on timeout."""
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def start_poll(self) -> int:
        """A getUpdates begins: older long polls must end with a Conflict."""
        self._poll_generation += 1
        self.wake()
        return self._poll_generation

    def poll_superseded(self, generation: int) -> bool:
        """True if another getUpdates started after the one holding `generation`."""
        return generation != self._poll_generation

    async def long_poll(
        self, limit: int, timeout: float, generation: int, alive: Callable[[], bool]
    ) -> list[JSON] | None:
        """Updates as soon as there are any, [] after `timeout`, None if superseded."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self.poll_superseded(generation):
                return None
            if not alive():
                return []
            updates = self.take(limit)
            remaining = deadline - loop.time()
            if updates or remaining <= 0 or self.closing:
                return updates
            await self.wait(remaining)


def make_callback_chat_instance(chat_id: int, bot_id: int) -> str:
    """A stable chat_instance string for callback queries from `chat_id`."""
    return str((chat_id * 2654435761 + bot_id) % (1 << 63))


def strip_reply(message: JSON) -> dict[str, Any]:
    """A message as it appears inside reply_to_message (no nested reply)."""
    out = dict(message)
    out.pop("reply_to_message", None)
    return out
