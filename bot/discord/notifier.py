"""Messages the coach starts on its own: reminders by DM, daily challenge posts in a channel."""

from __future__ import annotations

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


async def _direct(client: discord.Client, user_id: str, reply: Reply) -> None:
    channel = await client.create_dm(discord.Object(int(user_id)))
    await render.send(channel, reply, view_for(reply))


class DiscordNotifier:
    """Delivers queued messages for the dispatcher: a reminder to a user id by DM, a challenge
    post to the channel of that server an admin chose, else to its system channel or first
    writable one."""

    platform = Platform.DISCORD

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def deliver(self, outgoing: Outgoing) -> None:
        """Send, translating Discord's refusals into the queue's outcomes."""
        try:
            if outgoing.kind == REMINDER:
                await _direct(self.client, outgoing.recipient, outgoing.reply)
            else:
                channel = await self._channel(outgoing.recipient, outgoing.channel)
                await render.send(channel, outgoing.reply, view_for(outgoing.reply))
        except (discord.Forbidden, discord.NotFound) as error:
            raise Undeliverable(f"{error.status} {error.code} {error.text}") from error
        except discord.HTTPException as error:
            if error.status == 429:  # only when discord.py could not wait it out itself
                after = error.response.headers.get("Retry-After")
                raise RetryLater(float(after or CLOUDFLARE_RETRY_SECONDS), "429") from error
            if error.status >= 500:
                raise RetryLater(NETWORK_RETRY_SECONDS, f"{error.status}") from error
            raise
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RetryLater(NETWORK_RETRY_SECONDS, repr(error)) from error

    async def _channel(self, server: str, chosen: str | None) -> discord.abc.Messageable:
        """The chosen channel of a server (only ever one of that server's), else wherever the
        server lets the bot post."""
        if chosen is None:
            guild = self.client.get_guild(int(server)) or await self.client.fetch_guild(
                int(server))
            return _default_channel(guild)
        channel = self.client.get_channel(int(chosen)) or await self.client.fetch_channel(
            int(chosen))
        if getattr(channel, "guild", None) is None or channel.guild.id != int(server):  # type: ignore[union-attr]
            raise Undeliverable(f"channel {chosen} is not in server {server}")
        if not isinstance(channel, discord.abc.Messageable):
            raise Undeliverable(f"channel {chosen} takes no messages")
        return channel


def _default_channel(guild: discord.Guild) -> discord.TextChannel:
    candidates = [guild.system_channel, *guild.text_channels]
    for channel in candidates:
        if channel is not None and channel.permissions_for(guild.me).send_messages:
            return channel
    raise Undeliverable(f"no channel of server {guild.id} lets the bot post")
