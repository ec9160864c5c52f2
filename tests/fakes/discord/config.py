"""Constants, settings and error types shared by the fake Discord modules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

JSON = dict[str, Any]

# Permission bits (https://discord.com/developers/docs/topics/permissions).
CREATE_INSTANT_INVITE = 1 << 0
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_EXTERNAL_EMOJIS = 1 << 18
CONNECT = 1 << 20
SPEAK = 1 << 21
CHANGE_NICKNAME = 1 << 26
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 51) - 1

DEFAULT_EVERYONE_PERMISSIONS = (
    CREATE_INSTANT_INVITE | ADD_REACTIONS | VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS
    | ATTACH_FILES | READ_MESSAGE_HISTORY | USE_EXTERNAL_EMOJIS | CONNECT | SPEAK
    | CHANGE_NICKNAME | USE_APPLICATION_COMMANDS | SEND_MESSAGES_IN_THREADS
)
DEFAULT_BOT_PERMISSIONS = (
    VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY
    | ADD_REACTIONS | USE_APPLICATION_COMMANDS | SEND_MESSAGES_IN_THREADS
)

# Message flags.
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_COMPONENTS_V2 = 1 << 15

TEXT_CHANNEL = 0
DM_CHANNEL = 1


class FakeDiscordError(AssertionError):
    """The test used the fake in a way real Discord would not allow (fails loudly)."""


class FakeDiscordTimeout(TimeoutError):
    """Something the test waited for did not happen in time."""


class HttpError(Exception):
    """An error response in Discord's shape: {"message", "code"[, "errors"]}."""

    def __init__(self, status: int, code: int, message: str, errors: JSON | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.body: JSON = {"message": message, "code": code}
        if errors is not None:
            self.body["errors"] = errors
        self.headers = headers or {}


# Gateway intents.
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT


@dataclass
class Settings:
    """Knobs of the fake; change them on `fake.settings` at any time."""

    token: str
    application_id: int
    heartbeat_interval_ms: int = 1000
    interaction_timeout: float = 3.0
    token_ttl: float = 900.0
    rate_limit: int = 50
    rate_limit_window: float = 1.0
    enforce_rate_limits: bool = True
    privileged_intents: int = 0
    validate_bodies: bool = True

    @property
    def application_flags(self) -> int:
        """Application flags matching the privileged intents enabled 'in the portal'."""
        flags = 0
        if self.privileged_intents & INTENT_GUILD_PRESENCES:
            flags |= 1 << 13
        if self.privileged_intents & INTENT_GUILD_MEMBERS:
            flags |= 1 << 15
        if self.privileged_intents & INTENT_MESSAGE_CONTENT:
            flags |= 1 << 19
        return flags
