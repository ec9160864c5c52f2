"""Messages the coach starts on its own: reminders by DM, daily challenge posts in a channel.

Direct messages to many users are what gets a bot flagged as spam, so reminders go out evenly
paced, at most `DM_PER_SECOND` a second (Discord allows 50 requests a second, and each DM is two:
open the channel, send). A user who cannot be written to (50007: DMs closed, the bot blocked, no
shared server) is given up on, which marks the account unreachable until they write again. 40003
("you are opening direct messages too fast") pauses every DM for `DM_BACKOFF_SECONDS`, and that
reminder is tried again after it.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import discord

from bot.discord import render
from bot.discord.views import view_for
from core.delivery import REMINDER, Outgoing, RetryLater, Undeliverable
from core.identity import Platform
from core.replies import Reply

log = logging.getLogger(__name__)
NETWORK_RETRY_SECONDS = 30.0
CLOUDFLARE_RETRY_SECONDS = 60.0
DM_PER_SECOND = 5.0
DM_BACKOFF_SECONDS = 60.0
CANNOT_MESSAGE_USER = 50007
OPENING_DMS_TOO_FAST = 40003


async def _direct(client: discord.Client, user_id: str, reply: Reply) -> None:
    channel = await client.create_dm(discord.Object(int(user_id)))
    await render.send(channel, reply, view_for(reply))


class DiscordNotifier:
    """Delivers queued messages for the dispatcher: a reminder to a user id by DM, a challenge
    post to the channel of that server an admin chose, else to its system channel or first
    writable one."""

    platform = Platform.DISCORD

    def __init__(self, client: discord.Client, *, dm_per_second: float = DM_PER_SECOND,
                 dm_backoff: float = DM_BACKOFF_SECONDS) -> None:
        self.client = client
        self.dm_interval = 1.0 / dm_per_second
        self.dm_backoff = dm_backoff
        self._next_dm = 0.0  # loop time the next DM may go

    async def deliver(self, outgoing: Outgoing) -> str | None:
        """Send, translating Discord's refusals into the queue's outcomes; the id of the (last)
        message posted in a channel. An update to an earlier post edits it where it still
        exists, else goes out as a new (silent, when quiet) message."""
        try:
            if outgoing.kind == REMINDER:
                await self._dm_turn()
                await _direct(self.client, outgoing.recipient, outgoing.reply)
                return None
            channel = await self._channel(outgoing.recipient, outgoing.channel)
            view = view_for(outgoing.reply)
            if outgoing.edit is not None and outgoing.edit.isdigit() and await render.edit(
                    channel, int(outgoing.edit), outgoing.reply, view):
                return outgoing.edit
            sent = await render.send(channel, outgoing.reply, view)
            return str(sent[-1].id) if sent else None
        except discord.HTTPException as error:
            if error.code == OPENING_DMS_TOO_FAST:
                self._pause_dms(self.dm_backoff)
                log.warning("Discord says DMs are opened too fast; none for %.0f s",
                            self.dm_backoff)
                raise RetryLater(self.dm_backoff, _describe(error)) from error
            if isinstance(error, discord.Forbidden | discord.NotFound) or (
                    error.code == CANNOT_MESSAGE_USER):
                raise Undeliverable(_describe(error)) from error
            if error.status == 429:  # only when discord.py could not wait it out itself
                after = error.response.headers.get("Retry-After")
                raise RetryLater(float(after or CLOUDFLARE_RETRY_SECONDS), "429") from error
            if error.status >= 500:
                raise RetryLater(NETWORK_RETRY_SECONDS, f"{error.status}") from error
            raise
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RetryLater(NETWORK_RETRY_SECONDS, repr(error)) from error

    async def _dm_turn(self) -> None:
        """Wait for the next DM slot: evenly spaced, and none while paused."""
        loop = asyncio.get_running_loop()
        while (wait := self._next_dm - loop.time()) > 0:
            await asyncio.sleep(wait)
        self._next_dm = loop.time() + self.dm_interval

    def _pause_dms(self, seconds: float) -> None:
        self._next_dm = max(self._next_dm, asyncio.get_running_loop().time() + seconds)

    async def _channel(self, server: str, chosen: str | None) -> discord.abc.Messageable:
        """The chosen channel of a server (only ever one of that server's), else wherever the
        server lets the bot post."""
        if chosen is None:
            guild = self.client.get_guild(int(server))
            if guild is not None:
                return _default_channel(guild.me, [guild.system_channel, *guild.text_channels])
            return await self._fetched_default_channel(int(server))
        channel = self.client.get_channel(int(chosen)) or await self.client.fetch_channel(
            int(chosen))
        if getattr(channel, "guild", None) is None or channel.guild.id != int(server):  # type: ignore[union-attr]
            raise Undeliverable(f"channel {chosen} is not in server {server}")
        if not isinstance(channel, discord.abc.Messageable):
            raise Undeliverable(f"channel {chosen} takes no messages")
        return channel

    async def _fetched_default_channel(self, server: int) -> discord.TextChannel:
        """The default channel of a server this client has no gateway copy of (a cluster's
        sender never connects): the server, its channels and the bot's roles over HTTP."""
        if self.client.user is None:
            raise RetryLater(NETWORK_RETRY_SECONDS, "not logged in to Discord")
        guild = await self.client.fetch_guild(server)
        channels = [c for c in await guild.fetch_channels() if isinstance(c, discord.TextChannel)]
        channels.sort(key=lambda c: (c.position, c.id))
        me = await guild.fetch_member(self.client.user.id)
        # A fetched server holds no channels, so its `system_channel` (a lookup in them) is
        # None: found by id among those fetched.
        system = next((c for c in channels if c.id == guild._system_channel_id), None)
        return _default_channel(me, [system, *channels])


def _describe(error: discord.HTTPException) -> str:
    return f"{error.status} {error.code} {error.text}"


def _default_channel(me: discord.Member,
                     candidates: list[discord.TextChannel | None]) -> discord.TextChannel:
    for channel in candidates:
        if channel is not None and channel.permissions_for(me).send_messages:
            return channel
    raise Undeliverable(f"no channel of server {me.guild.id} lets the bot post")
