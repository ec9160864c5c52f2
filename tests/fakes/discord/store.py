"""Registry of everything the fake knows, plus interaction records that tests await on."""

from __future__ import annotations

import copy
import mimetypes
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from .config import (
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    JSON,
    FakeDiscordError,
)
from .state import (
    Callback,
    FakeAttachment,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeMessage,
    FakeUser,
    Notifier,
    Snowflakes,
)

# Interaction types.
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5


@dataclass
class Upload:
    """A file part (files[n]) of a multipart request."""

    index: int
    filename: str
    data: bytes
    content_type: str | None


@dataclass(eq=False)
class FakeInteraction:
    """An interaction the fake injected; await its outcome from a test."""

    id: int
    token: str
    type: int
    payload: JSON
    user: FakeUser
    member: FakeMember | None
    channel: FakeChannel
    guild: FakeGuild | None
    notifier: Notifier
    created_at: float
    source_message: FakeMessage | None = None
    callback: Callback | None = None
    original_message: FakeMessage | None = None
    followup_messages: list[FakeMessage] = field(default_factory=list)
    acked_at: float | None = None
    source_edits_at_ack: int = 0

    @property
    def name(self) -> str:
        """Command name (with subcommands) or component custom_id."""
        data = self.payload.get("data") or {}
        if "custom_id" in data:
            return str(data["custom_id"])
        parts = [str(data.get("name", ""))]
        options = data.get("options") or []
        while options and options[0].get("type") in (1, 2):
            parts.append(options[0]["name"])
            options = options[0].get("options") or []
        return " ".join(parts)

    async def response(self, timeout: float = 5.0) -> Callback:
        """Wait for the first interaction callback (what the user saw first)."""
        return await self.notifier.wait_for(
            lambda: self.callback, timeout, f"a callback to interaction {self.name!r}")

    async def original(self, timeout: float = 5.0) -> FakeMessage:
        """Wait for the original response in its final form (deferrals resolved by an edit)."""
        callback = await self.response(timeout)
        if callback.type not in (4, 5, 6, 7):
            raise FakeDiscordError(f"callback type {callback.type} has no original message")

        def ready() -> FakeMessage | None:
            """The original message once it is final, else None."""
            msg = self.original_message
            if msg is None:
                return None
            if callback.type == 5 and msg.loading:
                return None
            if callback.type == 6 and msg.edits <= self.source_edits_at_ack:
                return None
            return msg

        return await self.notifier.wait_for(
            ready, timeout, f"the final original response of {self.name!r}")

    async def followups(self, count: int = 1, timeout: float = 5.0) -> list[FakeMessage]:
        """Wait until at least `count` followup messages were sent and return them all."""
        return await self.notifier.wait_for(
            lambda: list(self.followup_messages) if len(self.followup_messages) >= count else [],
            timeout, f"{count} followup(s) to {self.name!r}")

    async def choices(self, timeout: float = 5.0) -> list[JSON]:
        """Wait for an autocomplete result (callback type 8) and return its choices."""
        callback = await self.response(timeout)
        if callback.type != 8:
            raise FakeDiscordError(f"expected autocomplete result, got callback {callback.type}")
        return callback.choices

    async def modal(self, timeout: float = 5.0) -> JSON:
        """Wait for a MODAL callback (type 9) and return its data."""
        callback = await self.response(timeout)
        if callback.type != 9:
            raise FakeDiscordError(f"expected a modal, got callback type {callback.type}")
        return callback.data


def _resolve_attachment_urls(embeds: list[JSON], attachments: list[FakeAttachment]) -> list[JSON]:
    by_name = {a.filename: a.url for a in attachments}
    out = copy.deepcopy(embeds)
    for embed in out:
        for key, url_key in (("image", "url"), ("thumbnail", "url"),
                             ("author", "icon_url"), ("footer", "icon_url")):
            part = embed.get(key)
            if isinstance(part, dict):
                url = str(part.get(url_key) or "")
                if url.startswith("attachment://") and url[13:] in by_name:
                    part[url_key] = by_name[url[13:]]
    return out


class Store:
    """All state of the fake Discord world."""

    def __init__(self, bot_user: FakeUser, ids: Snowflakes) -> None:
        self.ids = ids
        self.bot_user = bot_user
        self.base_url = ""
        self.users: dict[int, FakeUser] = {bot_user.id: bot_user}
        self.guilds: dict[int, FakeGuild] = {}
        self.channels: dict[int, FakeChannel] = {}
        self.messages: dict[int, FakeMessage] = {}
        self.attachments: dict[int, FakeAttachment] = {}
        self.interactions: dict[int, FakeInteraction] = {}
        self.dm_channels: dict[int, FakeChannel] = {}
        self.blocked_dms: set[int] = set()
        self.global_commands: list[JSON] = []
        self.guild_commands: dict[int, list[JSON]] = {}
        self.sync_log: list[tuple[int | None, list[str]]] = []
        # (guild id, command name) -> user ids a server let use it (Server Settings > Integrations)
        self.command_grants: dict[tuple[int, str], set[int]] = {}

    def interaction_by_token(self, token: str) -> FakeInteraction | None:
        """Find an interaction by its token."""
        return next((ix for ix in self.interactions.values() if ix.token == token), None)

    def new_token(self) -> str:
        """A fresh interaction token."""
        return "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48)

    def dm_channel_for(self, user: FakeUser) -> FakeChannel:
        """Get or create the DM channel between the bot and a user."""
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = FakeChannel(id=self.ids.next(), type=1, recipient=user)
            self.dm_channels[user.id] = channel
            self.channels[channel.id] = channel
        return channel

    def messages_in(self, channel: FakeChannel) -> list[FakeMessage]:
        """All non-deleted messages of a channel, oldest first."""
        return [m for m in self.messages.values() if m.channel is channel and not m.deleted]

    # -- messages -------------------------------------------------------------------------

    def make_attachment(self, channel_id: int, filename: str, data: bytes,
                        content_type: str | None = None, description: str | None = None,
                        ephemeral: bool = False) -> FakeAttachment:
        """Store an uploaded file; it is then served at its `url`."""
        att_id = self.ids.next()
        att = FakeAttachment(
            id=att_id, filename=filename, data=data,
            content_type=mimetypes.guess_type(filename)[0] or content_type,
            url=f"{self.base_url}/attachments/{channel_id}/{att_id}/{filename}",
            description=description, ephemeral=ephemeral)
        self.attachments[att_id] = att
        return att

    def _attachments(self, channel: FakeChannel, payload: JSON, uploads: list[Upload],
                     ephemeral: bool) -> list[FakeAttachment]:
        by_index = {u.index: u for u in uploads}
        described: dict[int, JSON] = {}
        for item in payload.get("attachments") or []:
            try:
                idx = int(item.get("id"))
            except (TypeError, ValueError):
                continue
            if idx in by_index:
                described[idx] = item
        out = []
        for upload in sorted(uploads, key=lambda u: u.index):
            meta = described.get(upload.index, {})
            out.append(self.make_attachment(
                channel.id, str(meta.get("filename") or upload.filename), upload.data,
                upload.content_type, meta.get("description"), ephemeral))
        return out

    def create_message(self, channel: FakeChannel, payload: JSON, uploads: list[Upload], *,
                       flags: int = 0, type: int = 0, webhook_id: int | None = None,
                       interaction: FakeInteraction | None = None) -> FakeMessage:
        """Store a message the bot sent."""
        ephemeral = bool(flags & FLAG_EPHEMERAL)
        attachments = self._attachments(channel, payload, uploads, ephemeral)
        meta = None
        if interaction is not None:
            meta = {"id": str(interaction.id), "type": interaction.type,
                    "user": interaction.user.to_dict(), "authorizing_integration_owners":
                    interaction.payload.get("authorizing_integration_owners", {})}
            if interaction.source_message is not None:
                meta["interacted_message_id"] = str(interaction.source_message.id)
        msg = FakeMessage(
            id=self.ids.next(), channel=channel, author=self.bot_user,
            content=str(payload.get("content") or ""),
            embeds=_resolve_attachment_urls(list(payload.get("embeds") or []), attachments),
            components=list(payload.get("components") or []), attachments=attachments,
            flags=flags, type=type, webhook_id=webhook_id,
            application_id=webhook_id, interaction_metadata=meta)
        self.messages[msg.id] = msg
        return msg

    def edit_message(self, msg: FakeMessage, payload: JSON, uploads: list[Upload]) -> None:
        """Apply an edit (PATCH) to a stored message."""
        if "content" in payload:
            msg.content = str(payload["content"] or "")
        new_files = self._attachments(msg.channel, payload, uploads, msg.ephemeral)
        if "attachments" in payload:
            keep = {str(a.get("id")) for a in payload["attachments"] or []}
            msg.attachments = [a for a in msg.attachments if str(a.id) in keep] + new_files
        else:
            msg.attachments = msg.attachments + new_files
        if "embeds" in payload:
            msg.embeds = _resolve_attachment_urls(list(payload["embeds"] or []), msg.attachments)
        if "components" in payload:
            msg.components = list(payload["components"] or [])
        if payload.get("flags") is not None:
            keep_bits = FLAG_EPHEMERAL
            msg.flags = (msg.flags & keep_bits) | (int(payload["flags"]) & ~keep_bits)
        msg.flags &= ~FLAG_LOADING
        msg.edited_timestamp = time.time()
        msg.edits += 1

    # -- application commands ------------------------------------------------------------

    def commands_for(self, guild_id: int | None) -> list[JSON]:
        """Synced commands of a guild, or the global ones when guild_id is None."""
        if guild_id is None:
            return self.global_commands
        return self.guild_commands.setdefault(guild_id, [])

    def upsert_command(self, app_id: int, guild_id: int | None, body: JSON,
                       existing: list[JSON]) -> JSON:
        """Turn a command create/update body into a stored command object."""
        ctype = int(body.get("type") or 1)
        old = next((c for c in existing if c["name"] == body["name"] and c["type"] == ctype),
                   None)
        perms: Any = body.get("default_member_permissions")
        cmd: JSON = {
            "id": old["id"] if old else str(self.ids.next()),
            "application_id": str(app_id), "version": str(self.ids.next()),
            "type": ctype, "name": body["name"],
            "description": body.get("description") or "",
            "default_member_permissions": None if perms is None else str(perms),
            "dm_permission": body.get("dm_permission", True) if guild_id is None else None,
            "nsfw": bool(body.get("nsfw", False)),
            "contexts": body.get("contexts"), "integration_types": body.get("integration_types")
            or [0], "options": copy.deepcopy(body.get("options") or []),
        }
        for key in ("name_localizations", "description_localizations"):
            if body.get(key):
                cmd[key] = body[key]
        if guild_id is not None:
            cmd["guild_id"] = str(guild_id)
            del cmd["dm_permission"]
        return cmd
