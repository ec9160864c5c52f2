"""FakeDiscord: the test-facing driver that owns the server, the world and the helpers."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import secrets
from collections.abc import Callable, Coroutine, Iterator, Mapping
from types import TracebackType
from typing import Any, TypeVar

from aiohttp import web

from .config import (
    ADMINISTRATOR,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    INTENT_GUILD_MEMBERS,
    INTENT_GUILDS,
    JSON,
    MANAGE_GUILD,
    PRIVILEGED_INTENTS,
    TEXT_CHANNEL,
    Settings,
)
from .gateway import Connection, Frame, Gateway
from .interactions import AUTOCOMPLETE, MESSAGE_COMPONENT, MODAL_SUBMIT, InteractionFactory
from .rest import Call, RestApi, bucket_hash, too_many_requests
from .routes import DiscordRoutes
from .state import (
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeMessage,
    FakeRole,
    FakeUser,
    Notifier,
    Snowflakes,
)
from .store import APPLICATION_COMMAND, FakeInteraction, Store

T = TypeVar("T")
Who = FakeUser | FakeMember


class FakeDiscord:
    """An in-process Discord (REST + gateway) that the real discord.py talks to."""

    def __init__(self, *, bot_name: str = "RetroWalk Coach", application_id: int | None = None,
                 host: str = "127.0.0.1", **settings: Any) -> None:
        self.ids = Snowflakes()
        app_id = application_id or self.ids.next()
        encoded = base64.urlsafe_b64encode(str(app_id).encode()).decode().rstrip("=")
        token = f"{encoded}.{secrets.token_urlsafe(4)}.{secrets.token_urlsafe(27)}"
        self.settings = Settings(token=token, application_id=app_id, **settings)
        self.bot_user = FakeUser(app_id, bot_name, bot=True)
        self.notifier = Notifier()
        self.store = Store(self.bot_user, self.ids)
        self.gateway = Gateway(self.store, self.settings, self.notifier)
        self.api = RestApi(self.settings, self.notifier)
        self.routes = DiscordRoutes(self.store, self.settings, self.gateway)
        self.routes.install(self.api)
        self.factory = InteractionFactory(self.store, self.settings, self.notifier)
        self.notifier.describe = self._recent_calls
        self.host = host
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        """Start the HTTP/websocket server on an ephemeral port."""
        app = web.Application()
        app.router.add_route("*", "/api/v10/{tail:.*}", self.api.handle)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/resume", self.gateway.handle)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}",
                           self.routes.cdn)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self.store.base_url = f"http://{self.host}:{self.port}"
        self.gateway.resume_url = f"ws://{self.host}:{self.port}/resume"
        self.routes.gateway_url = self.gateway_url
        return self

    async def stop(self) -> None:
        """Close websockets and stop the server."""
        for task in list(self._tasks):
            task.cancel()
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.stop()

    @property
    def token(self) -> str:
        """The bot token the fake accepts."""
        return self.settings.token

    @property
    def application_id(self) -> int:
        """Application id (also the bot user's id)."""
        return self.settings.application_id

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """REST base to put in discord.http.Route.BASE."""
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        """Gateway URL to put in DiscordWebSocket.DEFAULT_GATEWAY (as a yarl.URL)."""
        return f"ws://{self.host}:{self.port}/gateway"

    @contextlib.contextmanager
    def patch_discord_py(self) -> Iterator[None]:
        """Point discord.py (process-wide) at this fake for the duration of the block."""
        import discord.gateway
        import discord.http
        import yarl

        old_base = discord.http.Route.BASE
        old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.api_url
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    def _recent_calls(self) -> str:
        recent = [f"{c.method} {c.path} -> {c.status}" for c in self.api.calls[-5:]]
        return "; last REST calls: " + ", ".join(recent) if recent else "; no REST calls yet"

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- world builders ---------------------------------------------------------------------

    def user(self, username: str, *, global_name: str | None = None, locale: str = "en-US",
             bot: bool = False) -> FakeUser:
        """Create a user."""
        user = FakeUser(self.ids.next(), username, global_name, bot, locale)
        self.store.users[user.id] = user
        return user

    def guild(self, name: str, *, owner: FakeUser | None = None, locale: str = "en-US",
              bot_permissions: int = DEFAULT_BOT_PERMISSIONS) -> FakeGuild:
        """Create a guild the bot is in (owner defaults to a new '<name> owner' user)."""
        owner = owner or self.user(f"{name.lower().replace(' ', '_')}_owner")
        gid = self.ids.next()
        guild = FakeGuild(gid, name, owner.id, locale=locale,
                          roles=[FakeRole(gid, "@everyone", DEFAULT_EVERYONE_PERMISSIONS)])
        bot_role = FakeRole(self.ids.next(), self.bot_user.username, bot_permissions, 1, True)
        guild.roles.append(bot_role)
        guild.members[self.bot_user.id] = FakeMember(guild, self.bot_user, [bot_role])
        guild.members[owner.id] = FakeMember(guild, owner)
        self.store.guilds[gid] = guild
        if self.gateway.ready:
            self._spawn(self.gateway.dispatch("GUILD_CREATE", self.gateway.guild_payload(guild)))
        return guild

    def role(self, guild: FakeGuild, name: str, permissions: int) -> FakeRole:
        """Create a role in a guild."""
        role = FakeRole(self.ids.next(), name, permissions, len(guild.roles))
        guild.roles.append(role)
        return role

    def member(self, guild: FakeGuild, user: FakeUser, *, admin: bool = False,
               roles: tuple[FakeRole, ...] = (), nick: str | None = None,
               permissions: int | None = None) -> FakeMember:
        """Add a user to a guild; admin=True grants a role with ADMINISTRATOR|MANAGE_GUILD."""
        granted = list(roles)
        if admin:
            role = guild.role_named("Admin") or self.role(guild, "Admin",
                                                          ADMINISTRATOR | MANAGE_GUILD)
            granted.append(role)
        member = FakeMember(guild, user, granted, nick, permissions_override=permissions)
        guild.members[user.id] = member
        if self.gateway.ready:
            data = member.to_dict() | {"guild_id": str(guild.id)}
            self._spawn(self.gateway.dispatch("GUILD_MEMBER_ADD", data,
                                              intent=INTENT_GUILD_MEMBERS))
        return member

    def text_channel(self, guild: FakeGuild, name: str) -> FakeChannel:
        """Create a text channel in a guild."""
        channel = FakeChannel(self.ids.next(), TEXT_CHANNEL, name, guild,
                              position=len(guild.channels))
        guild.channels.append(channel)
        self.store.channels[channel.id] = channel
        if self.gateway.ready:
            self._spawn(self.gateway.dispatch("CHANNEL_CREATE", channel.to_dict(),
                                              intent=INTENT_GUILDS))
        return channel

    def dm_channel(self, user: FakeUser) -> FakeChannel:
        """The DM channel between the bot and a user."""
        return self.store.dm_channel_for(user)

    def allow_command(self, guild: FakeGuild, command: str, who: FakeMember) -> None:
        """Let a member use a command whatever its default_member_permissions, as a server's
        admins can in Server Settings > Integrations; interactions still carry the member's own
        permissions."""
        self.store.command_grants.setdefault((guild.id, command), set()).add(who.id)

    def block_dms(self, user: FakeUser, blocked: bool = True) -> None:
        """Make DMs to this user fail with 403/50007 (user blocked the bot or closed DMs)."""
        (self.store.blocked_dms.add if blocked else self.store.blocked_dms.discard)(user.id)

    # -- waiting ----------------------------------------------------------------------------

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float = 5.0,
                       what: str = "the condition") -> T:
        """Wait until predicate() is truthy (re-checked on every request/event) and return it."""
        return await self.notifier.wait_for(predicate, timeout, what)

    async def wait_until_ready(self, timeout: float = 10.0) -> None:
        """Wait until the bot identified and got READY plus every GUILD_CREATE."""
        await self.wait_for(lambda: self.gateway.ready, timeout, "the bot to identify")

    async def wait_until_resumed(self, count: int = 1, timeout: float = 10.0) -> None:
        """Wait until the bot has RESUMEd `count` times in total."""
        await self.wait_for(lambda: self.gateway.resumes >= count and self.gateway.ready,
                            timeout, f"{count} RESUME(s)")

    # -- interactions -----------------------------------------------------------------------

    async def _inject(self, ix: FakeInteraction) -> FakeInteraction:
        await self.gateway.dispatch("INTERACTION_CREATE", ix.payload)
        return ix

    async def slash(self, who: Who, command: str, options: Mapping[str, Any] | None = None, *,
                    guild: FakeGuild | None = None, channel: FakeChannel | None = None,
                    locale: str | None = None) -> FakeInteraction:
        """Invoke a synced slash command ('log' or 'plan start' for subcommands)."""
        data = self.factory.command_data(command, options or {}, who, guild, channel)
        return await self._inject(self.factory.create(APPLICATION_COMMAND, data, who, guild,
                                                      channel, locale=locale))

    async def autocomplete(self, who: Who, command: str, options: Mapping[str, Any], *,
                           focused: str, guild: FakeGuild | None = None,
                           channel: FakeChannel | None = None) -> FakeInteraction:
        """Type into an autocomplete option; `await ix.choices()` gives the bot's answer."""
        data = self.factory.command_data(command, options, who, guild, channel, focused=focused)
        return await self._inject(self.factory.create(AUTOCOMPLETE, data, who, guild, channel))

    async def click(self, who: Who, message: FakeMessage, custom_id: str) -> FakeInteraction:
        """Click a button on a message the bot sent."""
        return await self.select(who, message, custom_id, None)

    async def select(self, who: Who, message: FakeMessage, custom_id: str,
                     values: list[Any] | None) -> FakeInteraction:
        """Choose values in a select menu on a message the bot sent."""
        data = self.factory.component_data(who, message, custom_id, values)
        return await self._inject(self.factory.create(
            MESSAGE_COMPONENT, data, who, message.channel.guild, message.channel,
            message=message))

    async def submit_modal(self, who: Who, opened_by: FakeInteraction,
                           values: Mapping[str, Any], timeout: float = 5.0) -> FakeInteraction:
        """Fill in and submit the modal the bot opened in answer to `opened_by`."""
        modal = await opened_by.modal(timeout)
        data = self.factory.modal_data(modal, values)
        return await self._inject(self.factory.create(
            MODAL_SUBMIT, data, who, opened_by.guild, opened_by.channel,
            message=opened_by.source_message))

    # -- what users see and what the bot did ------------------------------------------------

    def dms(self, user: FakeUser) -> list[FakeMessage]:
        """Messages in the DM channel between the bot and this user."""
        channel = self.store.dm_channels.get(user.id)
        return self.store.messages_in(channel) if channel else []

    def channel_messages(self, channel: FakeChannel, *,
                         include_ephemeral: bool = False) -> list[FakeMessage]:
        """Messages in a channel (ephemeral ones only on request)."""
        return [m for m in self.store.messages_in(channel) if include_ephemeral or not m.ephemeral]

    def synced_commands(self, guild: FakeGuild | None = None) -> list[JSON]:
        """Commands synced to a guild, or the global ones."""
        return list(self.store.commands_for(guild.id if guild else None))

    @property
    def sync_log(self) -> list[tuple[int | None, list[str]]]:
        """Every bulk sync in order: (guild id or None for global, command names)."""
        return self.store.sync_log

    @property
    def calls(self) -> list[Call]:
        """Every REST request: method, path, route, query, json, files, status, response."""
        return self.api.calls

    def calls_to(self, method: str, route: str) -> list[Call]:
        """REST requests matching a method and a route template (or concrete path)."""
        return [c for c in self.api.calls if c.method == method.upper()
                and route in (c.route, c.path)]

    @property
    def intents(self) -> int | None:
        """Intents of the last IDENTIFY (accepted or not), or None before any."""
        payloads = self.gateway.identify_payloads
        value = payloads[-1].get("intents") if payloads else None
        return value if isinstance(value, int) else None

    @property
    def privileged_intents_requested(self) -> int:
        """Privileged intent bits (members 1<<1, presences 1<<8, message content 1<<15)."""
        return (self.intents or 0) & PRIVILEGED_INTENTS

    @property
    def identifies(self) -> int:
        """How many IDENTIFYs were accepted."""
        return self.gateway.identifies

    @property
    def resumes(self) -> int:
        """How many RESUMEs were accepted."""
        return self.gateway.resumes

    @property
    def connections(self) -> list[Connection]:
        """Every gateway websocket (path, query incl. compress, resumed, close_code)."""
        return self.gateway.connections

    @property
    def frames(self) -> list[Frame]:
        """Every gateway payload sent or received."""
        return self.gateway.frames

    # -- failure injection ------------------------------------------------------------------

    def rate_limit(self, method: str, route: str, *, times: int = 1, retry_after: float = 0.3,
                   is_global: bool = False, scope: str = "user", via: bool = True) -> None:
        """Answer the next `times` matching requests with 429 (via=False: 'Cloudflare ban')."""
        body, headers = too_many_requests(retry_after, bucket=bucket_hash(method.upper(), route),
                                          limit=self.settings.rate_limit, is_global=is_global,
                                          scope=scope, via=via)
        self.api.inject(method, route, times=times, status=429, body=body, headers=headers)

    def fail(self, method: str, route: str, *, status: int, code: int = 0,
             message: str = "Injected failure", times: int = 1) -> None:
        """Answer the next `times` matching requests with an error in Discord's shape."""
        self.api.inject(method, route, times=times, status=status,
                        body={"message": message, "code": code})

    async def drop_gateway(self, code: int | None = 4000) -> None:
        """Close the bot's websocket (code None = abrupt TCP reset); the bot should RESUME."""
        await self.gateway.drop(code)

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT."""
        await self.gateway.send_reconnect()

    async def invalidate_session(self, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION."""
        await self.gateway.invalidate_session(resumable)

