"""In-memory world of the fake Discord: users, guilds, channels, messages and interactions."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from .config import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    DM_CHANNEL,
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    JSON,
    FakeDiscordTimeout,
)

T = TypeVar("T")

DISCORD_EPOCH_MS = 1_420_070_400_000


def iso(ts: float) -> str:
    """Format a UNIX timestamp the way Discord does (ISO 8601, UTC)."""
    return datetime.fromtimestamp(ts, UTC).isoformat()


class Snowflakes:
    """Generates realistic, strictly increasing Discord snowflakes."""

    def __init__(self) -> None:
        self._last = 0
        self._counter = itertools.count()

    def next(self) -> int:
        """Return a fresh snowflake."""
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        candidate = (ms << 22) | (1 << 17) | (next(self._counter) & 0xFFF)
        self._last = max(candidate, self._last + 1)
        return self._last


class Notifier:
    """Lets tests wait for a condition that becomes true as the fake processes traffic."""

    POLL = 0.05

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()
        self.describe: Callable[[], str] = lambda: ""

    def notify(self) -> None:
        """Wake every waiter so it re-checks its predicate."""
        for fut in self._waiters:
            if not fut.done():
                fut.set_result(None)
        self._waiters.clear()

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float,
                       what: str) -> T:
        """Wait until predicate() is truthy and return its value, or raise FakeDiscordTimeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise FakeDiscordTimeout(
                    f"timed out after {timeout}s waiting for {what}{self.describe()}")
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.add(fut)
            try:
                # Re-check at least every POLL seconds so outside predicates work too.
                await asyncio.wait_for(fut, min(remaining, self.POLL))
            except TimeoutError:
                pass
            finally:
                self._waiters.discard(fut)


@dataclass(eq=False)
class FakeUser:
    """A Discord user (human or bot)."""

    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    locale: str = "en-US"

    @property
    def mention(self) -> str:
        """The <@id> mention string."""
        return f"<@{self.id}>"

    def to_dict(self) -> JSON:
        """Serialise as a Discord user object."""
        data: JSON = {
            "id": str(self.id), "username": self.username, "discriminator": "0",
            "global_name": self.global_name, "avatar": None, "banner": None,
            "accent_color": None, "public_flags": 0, "flags": 0, "avatar_decoration_data": None,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass(eq=False)
class FakeRole:
    """A guild role."""

    id: int
    name: str
    permissions: int
    position: int = 0
    managed: bool = False

    def to_dict(self) -> JSON:
        """Serialise as a Discord role object."""
        return {
            "id": str(self.id), "name": self.name, "color": 0, "hoist": False, "icon": None,
            "unicode_emoji": None, "position": self.position, "permissions": str(self.permissions),
            "managed": self.managed, "mentionable": False, "flags": 0,
        }


@dataclass(eq=False)
class FakeChannel:
    """A guild text channel or a DM channel."""

    id: int
    type: int
    name: str | None = None
    guild: FakeGuild | None = None
    recipient: FakeUser | None = None
    position: int = 0

    @property
    def mention(self) -> str:
        """The <#id> mention string."""
        return f"<#{self.id}>"

    def to_dict(self) -> JSON:
        """Serialise as a Discord channel object."""
        if self.type == DM_CHANNEL:
            recipients = [self.recipient.to_dict()] if self.recipient else []
            return {"id": str(self.id), "type": DM_CHANNEL, "last_message_id": None,
                    "flags": 0, "recipients": recipients}
        assert self.guild is not None
        return {
            "id": str(self.id), "type": self.type, "guild_id": str(self.guild.id),
            "name": self.name, "position": self.position, "permission_overwrites": [],
            "topic": None, "nsfw": False, "last_message_id": None, "rate_limit_per_user": 0,
            "parent_id": None, "flags": 0,
        }


@dataclass(eq=False)
class FakeMember:
    """A user's membership in a guild."""

    guild: FakeGuild
    user: FakeUser
    roles: list[FakeRole] = field(default_factory=list)
    nick: str | None = None
    joined_at: float = field(default_factory=time.time)
    permissions_override: int | None = None

    @property
    def id(self) -> int:
        """The member's user id."""
        return self.user.id

    @property
    def permissions(self) -> int:
        """Guild-level permission bitfield (ALL permissions when ADMINISTRATOR is held)."""
        if self.permissions_override is not None:
            return self.permissions_override
        if self.user.id == self.guild.owner_id:
            return ALL_PERMISSIONS
        perms = self.guild.everyone_role.permissions
        for role in self.roles:
            perms |= role.permissions
        return ALL_PERMISSIONS if perms & ADMINISTRATOR else perms

    @property
    def is_admin(self) -> bool:
        """Whether the member holds ADMINISTRATOR."""
        return bool(self.permissions & ADMINISTRATOR)

    def to_dict(self, *, with_permissions: bool = False) -> JSON:
        """Serialise as a Discord guild member object (interactions carry `permissions`)."""
        data: JSON = {
            "user": self.user.to_dict(), "nick": self.nick, "avatar": None, "banner": None,
            "roles": [str(r.id) for r in self.roles], "joined_at": iso(self.joined_at),
            "premium_since": None, "deaf": False, "mute": False, "pending": False, "flags": 0,
            "communication_disabled_until": None,
        }
        if with_permissions:
            data["permissions"] = str(self.permissions)
        return data


@dataclass(eq=False)
class FakeGuild:
    """A guild (server)."""

    id: int
    name: str
    owner_id: int
    roles: list[FakeRole] = field(default_factory=list)
    channels: list[FakeChannel] = field(default_factory=list)
    members: dict[int, FakeMember] = field(default_factory=dict)
    joined_at: float = field(default_factory=time.time)
    locale: str = "en-US"

    @property
    def everyone_role(self) -> FakeRole:
        """The @everyone role (its id is the guild id)."""
        return self.roles[0]

    def role_named(self, name: str) -> FakeRole | None:
        """Find a role by name."""
        return next((r for r in self.roles if r.name == name), None)

    def to_dict(self, members: list[FakeMember]) -> JSON:
        """Serialise as a GUILD_CREATE payload."""
        return {
            "id": str(self.id), "name": self.name, "icon": None, "splash": None,
            "discovery_splash": None, "banner": None, "description": None,
            "owner_id": str(self.owner_id), "afk_channel_id": None, "afk_timeout": 300,
            "verification_level": 0, "default_message_notifications": 0,
            "explicit_content_filter": 0, "mfa_level": 0, "nsfw_level": 0, "premium_tier": 0,
            "premium_subscription_count": 0, "premium_progress_bar_enabled": False,
            "preferred_locale": self.locale, "features": [], "emojis": [], "stickers": [],
            "system_channel_id": None, "system_channel_flags": 0, "rules_channel_id": None,
            "public_updates_channel_id": None, "safety_alerts_channel_id": None,
            "vanity_url_code": None, "max_members": 500000, "application_id": None,
            "roles": [r.to_dict() for r in self.roles], "joined_at": iso(self.joined_at),
            "large": False, "member_count": len(self.members),
            "members": [m.to_dict() for m in members],
            "channels": [{k: v for k, v in c.to_dict().items() if k != "guild_id"}
                         for c in self.channels],
            "threads": [], "presences": [], "voice_states": [], "stage_instances": [],
            "guild_scheduled_events": [], "soundboard_sounds": [], "lazy": True,
        }


@dataclass(eq=False)
class FakeAttachment:
    """A file uploaded with a message; `data` holds the exact bytes received."""

    id: int
    filename: str
    data: bytes
    content_type: str | None
    url: str
    description: str | None = None
    ephemeral: bool = False

    def to_dict(self) -> JSON:
        """Serialise as a Discord attachment object."""
        out: JSON = {
            "id": str(self.id), "filename": self.filename, "size": len(self.data),
            "url": self.url, "proxy_url": self.url, "content_type": self.content_type,
            "description": self.description,
        }
        if self.ephemeral:
            out["ephemeral"] = True
        return out


def iter_components(components: list[JSON]) -> Iterator[JSON]:
    """Yield every component in a (possibly nested) component tree."""
    for comp in components:
        yield comp
        yield from iter_components(comp.get("components") or [])
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                yield from iter_components([comp[key]])


@dataclass(eq=False)
class FakeMessage:
    """A message as the fake stores it (what users would see)."""

    id: int
    channel: FakeChannel
    author: FakeUser
    content: str = ""
    embeds: list[JSON] = field(default_factory=list)
    components: list[JSON] = field(default_factory=list)
    attachments: list[FakeAttachment] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    timestamp: float = field(default_factory=time.time)
    edited_timestamp: float | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: JSON | None = None
    deleted: bool = False
    edits: int = 0

    @property
    def ephemeral(self) -> bool:
        """Whether only the invoking user can see the message."""
        return bool(self.flags & FLAG_EPHEMERAL)

    @property
    def loading(self) -> bool:
        """Whether this is a deferred 'Bot is thinking...' placeholder."""
        return bool(self.flags & FLAG_LOADING)

    @property
    def custom_ids(self) -> list[str]:
        """Custom ids of every interactive component on the message."""
        return [c["custom_id"] for c in iter_components(self.components) if "custom_id" in c]

    def find_component(self, custom_id: str) -> JSON | None:
        """Return the component with this custom_id, if any."""
        return next((c for c in iter_components(self.components)
                     if c.get("custom_id") == custom_id), None)

    def to_dict(self, *, gateway: bool = False) -> JSON:
        """Serialise as a Discord message object (gateway events also carry guild_id)."""
        data: JSON = {
            "id": str(self.id), "channel_id": str(self.channel.id), "type": self.type,
            "author": self.author.to_dict(), "content": self.content,
            "timestamp": iso(self.timestamp),
            "edited_timestamp": iso(self.edited_timestamp) if self.edited_timestamp else None,
            "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [],
            "attachments": [a.to_dict() for a in self.attachments], "embeds": self.embeds,
            "pinned": False, "flags": self.flags, "components": self.components,
        }
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.interaction_metadata is not None:
            data["interaction_metadata"] = self.interaction_metadata
        if gateway and self.channel.guild is not None:
            data["guild_id"] = str(self.channel.guild.id)
        return data


@dataclass(eq=False)
class Callback:
    """The first (accepted) interaction callback: what Discord showed the user first."""

    type: int
    data: JSON
    attachments: list[FakeAttachment]
    at: float

    @property
    def content(self) -> str:
        """Message content of the callback, '' if none."""
        return str(self.data.get("content") or "")

    @property
    def embeds(self) -> list[JSON]:
        """Embeds as sent by the bot."""
        return list(self.data.get("embeds") or [])

    @property
    def components(self) -> list[JSON]:
        """Components as sent by the bot."""
        return list(self.data.get("components") or [])

    @property
    def flags(self) -> int:
        """Message flags as sent by the bot."""
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        """Whether the response (or the deferral) is ephemeral (flag 64)."""
        return bool(self.flags & FLAG_EPHEMERAL)

    @property
    def choices(self) -> list[JSON]:
        """Autocomplete choices (type 8)."""
        return list(self.data.get("choices") or [])

    @property
    def deferred(self) -> bool:
        """Whether this callback deferred the real answer (types 5 and 6)."""
        return self.type in (5, 6)
