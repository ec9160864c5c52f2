"""Slash commands of the group challenges people join: /newchallenge, /endchallenge and
/cancelchallenge for members with Manage Server (the core checks Message.is_admin again), and
/join, /leave, /leaderboard with an optional challenge. Typed options are joined back into the
line the core reads, so every platform shares one parser and one set of refusals."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.app_commands import Range

from bot.discord.commands import AnyCommand, option_help, run, summary

FORMAT_CHOICES = [app_commands.Choice(name=name, value=name) for name in ("capped", "goal", "team")]
_QUOTES = "\"“”'‘’«»"


def new_line(format: str, days: int, name: str | None, start: str | None, minutes: int | None,
             goal_days: int | None) -> str:
    """The typed /newchallenge line for Discord's options."""
    parts = [format]
    if name:
        parts.append('"' + "".join(c for c in name if c not in _QUOTES).strip() + '"')
    parts.append(f"{days} days")
    if start:
        parts.append(f"from {start.strip()}")
    if format == "capped" and minutes is not None:
        parts.append(f"cap {minutes}")
    elif format == "goal" and minutes is not None and goal_days is not None:
        parts.append(f"{minutes} min on {goal_days} days")
    elif format == "team" and minutes is not None:
        parts.append(f"{minutes} min")
    return " ".join(parts)


@app_commands.command(name="newchallenge", description=summary("newchallenge"))
@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
@app_commands.describe(format=option_help("newchallenge", "format"),
                       days=option_help("newchallenge", "days"),
                       name=option_help("newchallenge", "name"),
                       start=option_help("newchallenge", "start"),
                       minutes=option_help("newchallenge", "minutes"),
                       goal_days=option_help("newchallenge", "goal_days"))
@app_commands.choices(format=FORMAT_CHOICES)
async def newchallenge(interaction: discord.Interaction[Any], format: str,
                       days: Range[int, 3, 30], name: str | None = None,
                       start: str | None = None,
                       minutes: Range[int, 1, 1_000_000] | None = None,
                       goal_days: Range[int, 1, 30] | None = None) -> None:
    """/newchallenge with typed options."""
    await run(interaction, "newchallenge",
              new_line(format, days, name, start, minutes, goal_days))


def _named(command: str, *, admin: bool) -> AnyCommand:
    """A command taking one optional challenge (a name or number)."""

    async def callback(interaction: discord.Interaction[Any],
                       challenge: str | None = None) -> None:
        await run(interaction, command, challenge or "")

    callback.__doc__ = f"/{command} [challenge]."
    made: AnyCommand = app_commands.Command(name=command, description=summary(command),
                                            callback=callback)
    made = app_commands.describe(challenge=option_help(command, "challenge"))(made)
    if admin:
        made = app_commands.guild_only()(app_commands.default_permissions(manage_guild=True)(made))
    return made


CONTESTS: tuple[AnyCommand, ...] = (
    newchallenge, _named("endchallenge", admin=True), _named("cancelchallenge", admin=True),
    _named("join", admin=False), _named("leave", admin=False),
    _named("leaderboard", admin=False))
