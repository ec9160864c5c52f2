"""Handlers for the REST routes a slash-command bot uses (paths as in Discord's OpenAPI spec).

Interaction rules enforced: the first callback must arrive within
`settings.interaction_timeout` seconds (else 404/10062 Unknown interaction), a second
callback answers 400/40060, callback types must suit the interaction type, followups need
an acknowledged interaction (else 404/10015 Unknown Webhook), tokens expire after
`settings.token_ttl` (401/50027). After a DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE the first
followup replaces the "thinking" original, as on Discord.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from .config import (
    DM_CHANNEL,
    FLAG_COMPONENTS_V2,
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_MESSAGES,
    JSON,
    HttpError,
    Settings,
)
from .gateway import Gateway
from .rest import ApiRequest, Reply, RestApi
from .state import (
    Callback,
    FakeGuild,
    FakeMessage,
)
from .store import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    PING,
    FakeInteraction,
    Store,
)
from .validation import ensure_not_empty, validate

ALLOWED_CALLBACKS = {PING: {1}, APPLICATION_COMMAND: {4, 5, 9}, MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
                     AUTOCOMPLETE: {8}, MODAL_SUBMIT: {4, 5, 6, 7}}
SENDABLE_FLAGS = FLAG_EPHEMERAL | (1 << 2) | (1 << 12) | FLAG_COMPONENTS_V2
UNKNOWN_MESSAGE = (404, 10008, "Unknown Message")


def _body(req: ApiRequest) -> JSON:
    if not isinstance(req.json, dict):
        raise HttpError(400, 50035, "Invalid Form Body",
                        {"_errors": [{"code": "DICT_TYPE_CONVERT",
                                      "message": "Only dictionaries may be used in a DictType"}]})
    return req.json


class DiscordRoutes:
    """The route handlers, wired to the shared store and gateway."""

    def __init__(self, store: Store, settings: Settings, gateway: Gateway) -> None:
        self.store = store
        self.settings = settings
        self.gateway = gateway
        self.gateway_url = ""

    def install(self, api: RestApi) -> None:
        """Register every route on the REST API (literal segments before parameters)."""
        hook = "/webhooks/{webhook_id}/{webhook_token}"
        app = "/applications/{application_id}"
        for method, path, handler, auth in [
            ("GET", "/gateway", self.get_gateway, False),
            ("GET", "/gateway/bot", self.get_gateway_bot, True),
            ("GET", "/users/@me", self.get_me, True),
            ("POST", "/users/@me/channels", self.create_dm, True),
            ("GET", "/users/{user_id}", self.get_user, True),
            ("GET", "/oauth2/applications/@me", self.get_application, True),
            ("GET", app + "/commands", self.get_commands, True),
            ("PUT", app + "/commands", self.put_commands, True),
            ("POST", app + "/commands", self.post_command, True),
            ("DELETE", app + "/commands/{command_id}", self.delete_command, True),
            ("GET", app + "/guilds/{guild_id}/commands", self.get_commands, True),
            ("PUT", app + "/guilds/{guild_id}/commands", self.put_commands, True),
            ("POST", app + "/guilds/{guild_id}/commands", self.post_command, True),
            ("DELETE", app + "/guilds/{guild_id}/commands/{command_id}", self.delete_command,
             True),
            ("POST", "/interactions/{interaction_id}/{interaction_token}/callback",
             self.callback, False),
            ("GET", hook + "/messages/@original", self.get_hook_message, False),
            ("PATCH", hook + "/messages/@original", self.edit_hook_message, False),
            ("DELETE", hook + "/messages/@original", self.delete_hook_message, False),
            ("GET", hook + "/messages/{message_id}", self.get_hook_message, False),
            ("PATCH", hook + "/messages/{message_id}", self.edit_hook_message, False),
            ("DELETE", hook + "/messages/{message_id}", self.delete_hook_message, False),
            ("POST", hook, self.followup, False),
            ("GET", "/guilds/{guild_id}", self.get_guild, True),
            ("GET", "/guilds/{guild_id}/channels", self.get_guild_channels, True),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member, True),
            ("GET", "/channels/{channel_id}", self.get_channel, True),
            ("POST", "/channels/{channel_id}/messages", self.post_message, True),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message, True),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message, True),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message,
             True),
        ]:
            api.add(method, path, handler, auth=auth)

    def _validate(self, req: ApiRequest) -> None:
        if self.settings.validate_bodies:
            validate(req.route, req.method, req.json)

    async def _announce(self, msg: FakeMessage, event: str) -> None:
        """MESSAGE_CREATE/UPDATE/DELETE on the gateway (never for ephemeral messages)."""
        if msg.ephemeral or self.gateway.session is None:
            return
        intent = INTENT_DIRECT_MESSAGES if msg.channel.type == DM_CHANNEL \
            else INTENT_GUILD_MESSAGES
        data = msg.to_dict(gateway=True)
        if event == "MESSAGE_DELETE":
            data = {k: data[k] for k in ("id", "channel_id", "guild_id") if k in data}
        await self.gateway.dispatch(event, data, intent=intent)

    # -- identity -------------------------------------------------------------------------

    async def get_gateway(self, req: ApiRequest) -> Reply:
        """GET /gateway."""
        return Reply(body={"url": self.gateway_url})

    async def get_gateway_bot(self, req: ApiRequest) -> Reply:
        """GET /gateway/bot."""
        limit = {"total": 1000, "remaining": 999, "reset_after": 86_400_000,
                 "max_concurrency": 1}
        return Reply(body={"url": self.gateway_url, "shards": 1, "session_start_limit": limit})

    async def get_me(self, req: ApiRequest) -> Reply:
        """GET /users/@me."""
        me = self.store.bot_user.to_dict()
        return Reply(body=me | {"verified": True, "mfa_enabled": False, "email": None,
                                "locale": "en-US"})

    async def get_user(self, req: ApiRequest) -> Reply:
        """GET /users/{user_id}."""
        user = self.store.users.get(req.snowflake("user_id"))
        if user is None:
            raise HttpError(404, 10013, "Unknown User")
        return Reply(body=user.to_dict())

    async def get_application(self, req: ApiRequest) -> Reply:
        """GET /oauth2/applications/@me."""
        bot = self.store.bot_user
        owner = next(iter(self.store.users.values()))
        for user in self.store.users.values():
            if not user.bot:
                owner = user
                break
        return Reply(body={
            "id": str(self.settings.application_id), "name": bot.username, "icon": None,
            "description": "", "summary": "", "type": None, "bot_public": True,
            "bot_require_code_grant": False, "verify_key": "0" * 64, "team": None,
            "owner": owner.to_dict(), "bot": bot.to_dict(), "hook": True,
            "flags": self.settings.application_flags, "interactions_endpoint_url": None,
            "redirect_uris": [], "tags": [], "approximate_guild_count": len(self.store.guilds),
            "integration_types_config": {"0": {}, "1": {}},
        })

    # -- application commands -------------------------------------------------------------

    def _command_scope(self, req: ApiRequest) -> int | None:
        if req.snowflake("application_id") != self.settings.application_id:
            raise HttpError(403, 50001, "Missing Access")
        if "guild_id" not in req.params:
            return None
        guild = self.store.guilds.get(req.snowflake("guild_id"))
        if guild is None or self.store.bot_user.id not in guild.members:
            raise HttpError(403, 50001, "Missing Access")
        return guild.id

    async def get_commands(self, req: ApiRequest) -> Reply:
        """GET global or guild commands."""
        return Reply(body=self.store.commands_for(self._command_scope(req)))

    async def put_commands(self, req: ApiRequest) -> Reply:
        """PUT (bulk overwrite) global or guild commands: what tree.sync() calls."""
        guild_id = self._command_scope(req)
        self._validate(req)
        if not isinstance(req.json, list):
            raise HttpError(400, 50035, "Invalid Form Body")
        existing = self.store.commands_for(guild_id)
        stored = [self.store.upsert_command(self.settings.application_id, guild_id, body,
                                            existing) for body in req.json]
        existing[:] = stored
        self.store.sync_log.append((guild_id, [c["name"] for c in stored]))
        return Reply(body=stored)

    async def post_command(self, req: ApiRequest) -> Reply:
        """POST (create or replace) one command."""
        guild_id = self._command_scope(req)
        self._validate(req)
        existing = self.store.commands_for(guild_id)
        cmd = self.store.upsert_command(self.settings.application_id, guild_id, _body(req),
                                        existing)
        replaced = [i for i, c in enumerate(existing) if c["id"] == cmd["id"]]
        if replaced:
            existing[replaced[0]] = cmd
        else:
            existing.append(cmd)
        return Reply(200 if replaced else 201, cmd)

    async def delete_command(self, req: ApiRequest) -> Reply:
        """DELETE one command."""
        existing = self.store.commands_for(self._command_scope(req))
        before = len(existing)
        existing[:] = [c for c in existing if c["id"] != req.params["command_id"]]
        if len(existing) == before:
            raise HttpError(404, 10063, "Unknown application command")
        return Reply(204)

    # -- interactions ---------------------------------------------------------------------

    async def callback(self, req: ApiRequest) -> Reply:
        """POST /interactions/{id}/{token}/callback: the first response to an interaction."""
        ix = self.store.interactions.get(req.snowflake("interaction_id"))
        if ix is None or ix.token != req.params["interaction_token"]:
            raise HttpError(404, 10062, "Unknown interaction")
        if ix.callback is not None:
            raise HttpError(400, 40060, "Interaction has already been acknowledged.")
        now = asyncio.get_running_loop().time()
        if now - ix.created_at > self.settings.interaction_timeout:
            raise HttpError(404, 10062, "Unknown interaction")
        body = _body(req)
        self._validate(req)
        ctype, data = int(body["type"]), dict(body.get("data") or {})
        needs_source = ctype in (6, 7) and ix.source_message is None
        if ctype not in ALLOWED_CALLBACKS.get(ix.type, set()) or needs_source:
            raise HttpError(400, 50035, "Invalid Form Body", {"type": {"_errors": [{
                "code": "INTERACTION_CALLBACK_TYPE_INVALID",
                "message": f"Callback type {ctype} is not valid for interaction type {ix.type}"}]}})
        if ctype == 4:
            ensure_not_empty(data, len(req.uploads))
        flags = int(data.get("flags") or 0)
        resource: FakeMessage | None = None
        new_files = []
        if ctype in (4, 5):
            kind = 20 if ix.type == APPLICATION_COMMAND else 0
            mflags = flags & SENDABLE_FLAGS if ctype == 4 else (flags & FLAG_EPHEMERAL
                                                                | FLAG_LOADING)
            resource = self.store.create_message(
                ix.channel, data if ctype == 4 else {}, req.uploads, flags=mflags, type=kind,
                webhook_id=self.settings.application_id, interaction=ix)
            ix.original_message, new_files = resource, list(resource.attachments)
        elif ctype in (6, 7):
            assert ix.source_message is not None
            resource = ix.original_message = ix.source_message
            ix.source_edits_at_ack = resource.edits
            if ctype == 7:
                before = {a.id for a in resource.attachments}
                self.store.edit_message(resource, data, req.uploads)
                new_files = [a for a in resource.attachments if a.id not in before]
        ix.callback = Callback(ctype, data, new_files, now)
        ix.acked_at = now
        if resource is not None and ctype in (4, 5):
            await self._announce(resource, "MESSAGE_CREATE")
        elif resource is not None and ctype == 7:
            await self._announce(resource, "MESSAGE_UPDATE")
        if not req.flag("with_response"):
            return Reply(204)
        inter: JSON = {"id": str(ix.id), "type": ix.type, "channel_id": str(ix.channel.id)}
        if ix.guild is not None:
            inter["guild_id"] = str(ix.guild.id)
        out: JSON = {"interaction": inter}
        if resource is not None and ctype in (4, 5, 7):
            inter.update(response_message_id=str(resource.id),
                         response_message_loading=ctype == 5,
                         response_message_ephemeral=resource.ephemeral)
            out["resource"] = {"type": ctype, "message": resource.to_dict()}
        return Reply(200, out)

    def _hook_interaction(self, req: ApiRequest) -> FakeInteraction:
        ix = self.store.interaction_by_token(req.params["webhook_token"])
        if ix is None or req.params["webhook_id"] != str(self.settings.application_id):
            raise HttpError(404, 10015, "Unknown Webhook")
        if asyncio.get_running_loop().time() - ix.created_at > self.settings.token_ttl:
            raise HttpError(401, 50027, "Invalid Webhook Token")
        return ix

    def _hook_message(self, req: ApiRequest) -> tuple[FakeInteraction, FakeMessage]:
        ix = self._hook_interaction(req)
        msg: FakeMessage | None
        if req.path.endswith("/@original"):
            msg = ix.original_message
        else:
            wanted = req.snowflake("message_id")
            owned = [ix.original_message, *ix.followup_messages]
            msg = next((m for m in owned if m is not None and m.id == wanted), None)
        if msg is None or msg.deleted:
            raise HttpError(*UNKNOWN_MESSAGE)
        return ix, msg

    async def get_hook_message(self, req: ApiRequest) -> Reply:
        """GET the original response or a followup."""
        return Reply(body=self._hook_message(req)[1].to_dict())

    async def edit_hook_message(self, req: ApiRequest) -> Reply:
        """PATCH the original response (e.g. after a deferral) or a followup."""
        _, msg = self._hook_message(req)
        self._validate(req)
        self.store.edit_message(msg, _body(req), req.uploads)
        await self._announce(msg, "MESSAGE_UPDATE")
        return Reply(body=msg.to_dict())

    async def delete_hook_message(self, req: ApiRequest) -> Reply:
        """DELETE the original response or a followup."""
        _, msg = self._hook_message(req)
        msg.deleted = True
        await self._announce(msg, "MESSAGE_DELETE")
        return Reply(204)

    async def followup(self, req: ApiRequest) -> Reply:
        """POST /webhooks/{app}/{token}: a followup message (flags 64 = ephemeral)."""
        ix = self._hook_interaction(req)
        if ix.callback is None:
            raise HttpError(404, 10015, "Unknown Webhook")
        self._validate(req)
        body = _body(req)
        ensure_not_empty(body, len(req.uploads))
        original = ix.original_message
        if (ix.callback.type == 5 and original is not None and original.loading
                and not original.deleted and not ix.followup_messages):
            msg = original
            self.store.edit_message(msg, body, req.uploads)
            event = "MESSAGE_UPDATE"
        else:
            flags = int(body.get("flags") or 0) & SENDABLE_FLAGS
            msg = self.store.create_message(ix.channel, body, req.uploads, flags=flags,
                                            webhook_id=self.settings.application_id,
                                            interaction=ix)
            event = "MESSAGE_CREATE"
        ix.followup_messages.append(msg)
        await self._announce(msg, event)
        return Reply(body=msg.to_dict()) if req.flag("wait") else Reply(204)

    # -- channels and messages ------------------------------------------------------------

    def _guild(self, req: ApiRequest) -> FakeGuild:
        guild = self.store.guilds.get(req.snowflake("guild_id"))
        if guild is None:
            raise HttpError(404, 10004, "Unknown Guild")
        return guild

    async def get_guild(self, req: ApiRequest) -> Reply:
        """GET /guilds/{id} (REST shape: no members, channels or gateway-only fields)."""
        data = self._guild(req).to_dict([])
        for key in ("members", "channels", "threads", "presences", "voice_states", "joined_at",
                    "large", "member_count", "lazy", "stage_instances",
                    "guild_scheduled_events", "soundboard_sounds"):
            data.pop(key, None)
        return Reply(body=data)

    async def get_guild_channels(self, req: ApiRequest) -> Reply:
        """GET /guilds/{id}/channels."""
        return Reply(body=[c.to_dict() for c in self._guild(req).channels])

    async def get_member(self, req: ApiRequest) -> Reply:
        """GET /guilds/{id}/members/{user_id}."""
        member = self._guild(req).members.get(req.snowflake("user_id"))
        if member is None:
            raise HttpError(404, 10007, "Unknown Member")
        return Reply(body=member.to_dict())

    async def get_channel(self, req: ApiRequest) -> Reply:
        """GET /channels/{id}."""
        channel = self.store.channels.get(req.snowflake("channel_id"))
        if channel is None:
            raise HttpError(404, 10003, "Unknown Channel")
        return Reply(body=channel.to_dict())

    async def create_dm(self, req: ApiRequest) -> Reply:
        """POST /users/@me/channels: open (or reuse) the DM channel with a user."""
        self._validate(req)
        body = _body(req)
        try:
            user = self.store.users.get(int(body.get("recipient_id") or 0))
        except (TypeError, ValueError):
            user = None
        if user is None or user is self.store.bot_user:
            raise HttpError(400, 50033, "Invalid Recipient(s)")
        return Reply(body=self.store.dm_channel_for(user).to_dict())

    def _channel_message(self, req: ApiRequest) -> FakeMessage:
        channel = self.store.channels.get(req.snowflake("channel_id"))
        if channel is None:
            raise HttpError(404, 10003, "Unknown Channel")
        msg = self.store.messages.get(req.snowflake("message_id"))
        if msg is None or msg.deleted or msg.channel is not channel or msg.ephemeral:
            raise HttpError(*UNKNOWN_MESSAGE)
        return msg

    async def post_message(self, req: ApiRequest) -> Reply:
        """POST /channels/{id}/messages (JSON or multipart)."""
        channel = self.store.channels.get(req.snowflake("channel_id"))
        if channel is None:
            raise HttpError(404, 10003, "Unknown Channel")
        if channel.recipient is not None and channel.recipient.id in self.store.blocked_dms:
            raise HttpError(403, 50007, "Cannot send messages to this user")
        self._validate(req)
        body = _body(req)
        ensure_not_empty(body, len(req.uploads))
        flags = int(body.get("flags") or 0) & SENDABLE_FLAGS & ~FLAG_EPHEMERAL
        kind = 19 if body.get("message_reference") else 0
        msg = self.store.create_message(channel, body, req.uploads, flags=flags, type=kind)
        await self._announce(msg, "MESSAGE_CREATE")
        return Reply(body=msg.to_dict())

    async def get_message(self, req: ApiRequest) -> Reply:
        """GET /channels/{id}/messages/{id}."""
        return Reply(body=self._channel_message(req).to_dict())

    async def edit_message(self, req: ApiRequest) -> Reply:
        """PATCH /channels/{id}/messages/{id} (only the bot's own messages)."""
        msg = self._channel_message(req)
        if msg.author is not self.store.bot_user:
            raise HttpError(403, 50005, "Cannot edit a message authored by another user")
        self._validate(req)
        self.store.edit_message(msg, _body(req), req.uploads)
        await self._announce(msg, "MESSAGE_UPDATE")
        return Reply(body=msg.to_dict())

    async def delete_message(self, req: ApiRequest) -> Reply:
        """DELETE /channels/{id}/messages/{id}."""
        msg = self._channel_message(req)
        msg.deleted = True
        await self._announce(msg, "MESSAGE_DELETE")
        return Reply(204)

    async def cdn(self, request: web.Request) -> web.Response:
        """Serve uploaded attachment bytes at their `url`."""
        att_id: Any = request.match_info["attachment_id"]
        att = self.store.attachments.get(int(att_id)) if str(att_id).isdigit() else None
        if att is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=att.data,
                            content_type=att.content_type or "application/octet-stream")
