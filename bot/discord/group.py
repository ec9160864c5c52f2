"""The server's challenge settings: slash commands for members with Manage Server.

Discord shows them only to such members (default permissions) and only in servers; the core
checks Message.is_admin again, because a server can let others use them in its settings.
/challenge, /join, /leave and /leaderboard take no options and are plain commands; /setup
answers with a panel of buttons (bot/discord/views.py: Panel).
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.app_commands import Range

from bot.discord.commands import AnyCommand, option_help, run, summary, zones
from core import texts
from core.command_table import MAX_DAILY_GOAL
from core.errors import BadInput


@app_commands.command(name="challenge_time", description=summary("challenge_time"))
@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
@app_commands.describe(time=option_help("challenge_time", "time"))
async def challenge_time(interaction: discord.Interaction[Any], time: str) -> None:
    """/challenge_time <HH:MM|off>."""
    await run(interaction, "challenge_time", time)


@app_commands.command(name="challenge_timezone", description=summary("challenge_timezone"))
@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
@app_commands.describe(zone=option_help("challenge_timezone", "zone"))
@app_commands.autocomplete(zone=zones)
async def challenge_timezone(interaction: discord.Interaction[Any], zone: str) -> None:
    """/challenge_timezone <Area/City>."""
    await run(interaction, "challenge_timezone", zone)


@app_commands.command(name="challenge_goal", description=summary("challenge_goal"))
@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
@app_commands.describe(minutes=option_help("challenge_goal", "minutes"))
async def challenge_goal(interaction: discord.Interaction[Any],
                         minutes: Range[int, 1, MAX_DAILY_GOAL]) -> None:
    """/challenge_goal <minutes>."""
    await run(interaction, "challenge_goal", str(minutes))


@app_commands.command(name="challenge_channel", description=summary("challenge_channel"))
@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
@app_commands.describe(channel=option_help("challenge_channel", "channel"))
async def challenge_channel(interaction: discord.Interaction[Any],
                            channel: discord.TextChannel | None = None) -> None:
    """/challenge_channel [channel]: without it, the channel it is used in. Discord offers only
    this server's channels; one from elsewhere is refused all the same."""
    if channel is not None and channel.guild.id != interaction.guild_id:
        raise BadInput(texts.CHALLENGE_CHANNEL_OTHER_SERVER)
    await run(interaction, "challenge_channel", channel=str(channel.id) if channel else None)


@app_commands.command(name="setup", description=summary("setup"))
@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
async def setup(interaction: discord.Interaction[Any]) -> None:
    """/setup: the daily post's settings with buttons, for members with Manage Server."""
    await run(interaction, "setup")


ADMIN: tuple[AnyCommand, ...] = (challenge_time, challenge_timezone, challenge_goal,
                                 challenge_channel, setup)
