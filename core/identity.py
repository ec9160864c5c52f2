"""How platform identities enter the core: a person's account and the chat a message came from."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Platform(StrEnum):
    """A place people talk to the coach."""

    TELEGRAM = "telegram"
    DISCORD = "discord"
    CONSOLE = "console"


class ChatKind(StrEnum):
    """A one-to-one conversation or a shared room (Telegram group, Discord server channel)."""

    PRIVATE = "private"
    GROUP = "group"


@dataclass(frozen=True)
class UserRef:
    """A platform account: who wrote, as the platform names them."""

    platform: Platform
    external_id: str
    display_name: str = ""


@dataclass(frozen=True)
class ChatRef:
    """Where a message came from; `external_id` is the platform's id for the chat or server."""

    platform: Platform
    external_id: str
    kind: ChatKind = ChatKind.PRIVATE
    title: str = ""

    @property
    def is_group(self) -> bool:
        """True for shared rooms, where the coach answers commands only."""
        return self.kind is ChatKind.GROUP


def private_chat(user: UserRef) -> ChatRef:
    """The private conversation with `user` (its id is the user's own id, as on Telegram)."""
    return ChatRef(user.platform, user.external_id, ChatKind.PRIVATE, user.display_name)
