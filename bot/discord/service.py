"""The Discord bot's lifecycle: built, started and stopped inside the shared event loop."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
import discord.http
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

from bot import metrics
from bot.discord import commands, contests, group, hooks, render, views
from bot.discord.notifier import DiscordNotifier
from bot.settings import Settings
from core.api import CoachAPI
from core.command_table import COMMANDS

log = logging.getLogger(__name__)
DISCORD_GATEWAY = "wss://gateway.discord.gg/"
# Guilds (not privileged) only to know servers' names; everything else comes in interactions.
INTENTS = discord.Intents(guilds=True)
STOP_TIMEOUT = 10.0


def command_set() -> list[commands.AnyCommand]:
    """Every command of the core, in the core's order: typed where it takes options."""
    typed = {command.name: command
             for command in (*commands.PERSONAL, *group.ADMIN, *contests.CONTESTS)}
    return [typed.get(command.name) or commands.plain(command.name) for command in COMMANDS]


class CoachTree(app_commands.CommandTree["CoachClient"]):
    """The command tree; every command it runs is counted in flight until answered."""

    async def interaction_check(self, interaction: discord.Interaction[CoachClient]) -> bool:
        """Let everything through, counting it in flight."""
        return hooks.track(interaction)


class CoachClient(discord.Client):
    """discord.py's client with the coach at hand and the command tree wired."""

    def __init__(self, coach: CoachAPI, dev_guild: int | None, *, receive: bool = True,
                 **options: Any) -> None:
        # The coach never joins a voice channel: a warning about missing voice libraries at
        # every start would only send readers of the log looking for a problem. These are
        # discord.py's class attributes (process-wide); nothing here ever wants them back on,
        # so they are not restored.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(intents=INTENTS, allowed_mentions=render.NO_MENTIONS, **options)
        self.coach = coach
        self.dev_guild = dev_guild
        self.receive = receive
        self.connected = asyncio.Event()
        # The tasks answering interactions right now (hooks.track).
        self.in_flight: set[asyncio.Task[Any]] = set()
        self.tree: CoachTree = CoachTree(self)
        for command in command_set():
            self.tree.add_command(command)
        self.tree.error(hooks.on_tree_error)

    async def setup_hook(self) -> None:
        """Logged in, not yet connected: route buttons by custom_id and sync the commands (a
        sender, which receives nothing, leaves the commands to whoever does)."""
        self.add_dynamic_items(*views.ITEMS)
        if not self.receive:
            return
        synced = await self.tree.sync()
        log.info("discord: %d slash commands synced globally", len(synced))
        if self.dev_guild:
            # Global commands take up to an hour to appear; a guild's appear at once.
            guild = discord.Object(self.dev_guild)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
            log.info("discord: commands also synced to server %s", self.dev_guild)

    async def on_ready(self) -> None:
        """Connected with a fresh session."""
        log.info("discord: connected as %s", self.user)
        self.connected.set()


class ShardedCoachClient(CoachClient, discord.AutoShardedClient):
    """The same client running the gateway shards it is given (`--role gateway`), so several
    processes share a bot's guilds between them."""

# discord.py waits out (or gives up on) every 429 itself and tells of each only in a warning
# of its HTTP logger: counted from there, the one place all of them pass.
RATE_LIMIT_WARNINGS = ("We are being rate limited.", "Global rate limit has been hit.")


class CountRateLimits(logging.Filter):
    """Counts discord.py's 429 warnings in retrowalk_rate_limited_total; lets every record by."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Count the record if it tells of a 429."""
        if isinstance(record.msg, str) and record.msg.startswith(RATE_LIMIT_WARNINGS):
            metrics.RATE_LIMITED.labels("discord").inc()
        return True


class DiscordService:
    """The bot as a task on the shared loop: start() returns once it is ready.

    With `receive=False` (a sender only: `retrowalk run --role worker`) it logs in over HTTP
    and never connects to the gateway: DMs, channel posts and edits are all REST calls."""

    def __init__(self, settings: Settings, token: str, coach: CoachAPI, *,
                 guild_ready_timeout: float = 2.0, receive: bool = True) -> None:
        self.settings = settings
        self._token = token
        self.receive = receive
        shards = settings.discord_shards() if receive else None
        if shards is None:
            self.client = CoachClient(coach, settings.discord_dev_guild, receive=receive,
                                      guild_ready_timeout=guild_ready_timeout)
        else:
            self.client = ShardedCoachClient(coach, settings.discord_dev_guild,
                                             guild_ready_timeout=guild_ready_timeout,
                                             shard_ids=shards[0], shard_count=shards[1])
        self._runner: asyncio.Task[None] | None = None
        self._previous: tuple[str, yarl.URL] | None = None
        self._count = CountRateLimits()
        logging.getLogger("discord.http").addFilter(self._count)

    async def start(self) -> None:
        """Point discord.py at the configured endpoints, log in, sync, connect, wait for ready."""
        self._previous = _point_at(self.settings.discord_api_url,
                                   self.settings.discord_gateway_url or DISCORD_GATEWAY)
        if not self.receive:
            try:
                await self.client.login(self._token)
            except BaseException:
                await self._close()
                raise
            log.info("discord: logged in as %s to send (no gateway connection)",
                     self.client.user)
            return
        runner = self._runner = asyncio.create_task(self.client.start(self._token),
                                                    name="discord")
        ready = asyncio.create_task(self.client.connected.wait())
        try:
            await asyncio.wait({runner, ready}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:  # shut down while connecting: leave nothing running
            await self.stop()
            raise
        finally:
            ready.cancel()
        if not self.client.connected.is_set():
            self._runner = None
            await self._close()
            runner.result()  # raises what stopped the client (a bad token, say)
            raise RuntimeError("the Discord client stopped before it was ready")

    def ready(self) -> bool:
        """Connected to the gateway with a session (discord.py resumes on its own after a
        drop; until then this is False); a sender only: logged in and not closed."""
        if not self.receive:
            return self.client.user is not None and not self.client.is_closed()
        return self.client.is_ready() and not self.client.is_closed()

    def notifier(self) -> DiscordNotifier:
        """Sends queued messages (reminders, challenge posts) with this client."""
        return DiscordNotifier(self.client)

    async def stop(self) -> None:
        """Answer the interactions in flight, then disconnect, close the HTTP session, and wait
        for the client task to end."""
        runner, self._runner = self._runner, None
        await self._answer_in_flight()
        await self._close()
        if runner is None:
            return
        done, _ = await asyncio.wait({runner}, timeout=STOP_TIMEOUT)
        if not done:
            runner.cancel()
        elif not runner.cancelled() and runner.exception() is not None:
            log.warning("discord: the client ended with %r", runner.exception())

    async def _answer_in_flight(self) -> None:
        """Wait (a bounded time) until no interaction is being answered."""
        deadline = asyncio.get_running_loop().time() + STOP_TIMEOUT
        while self.client.in_flight:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                log.warning("discord: %d interactions still unanswered at stop",
                            len(self.client.in_flight))
                return
            await asyncio.wait(set(self.client.in_flight), timeout=left)

    async def _close(self) -> None:
        logging.getLogger("discord.http").removeFilter(self._count)
        await self.client.close()
        if self._previous is not None:
            _point_at(*self._previous)
            self._previous = None


def _point_at(api_url: str | yarl.URL, gateway_url: str | yarl.URL) -> tuple[str, yarl.URL]:
    """Set discord.py's process-wide REST and gateway endpoints; returns the previous ones.

    discord.py reads them from class attributes only; `DiscordService._close` puts the previous
    ones back, so nothing outlives the service."""
    previous = (discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    discord.http.Route.BASE = str(api_url).rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(str(gateway_url))
    return previous
