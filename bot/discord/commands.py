"""The personal slash commands, and what every slash command shares.

Typed options are checked by Discord's client (choices, ranges) and joined back into the
arguments the core reads, so every platform shares one parser and one set of refusals.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.app_commands import Range

from bot.discord import hooks, views
from bot.discord.identity import message_of
from core.api import LogFields
from core.command_table import (
    BY_NAME,
    GROUP_COMMANDS,
    MAX_DAY_START,
    MAX_GOAL,
    MAX_MINUTES,
    MAX_PAIN,
    MAX_PAUSE_DAYS,
    MAX_STEPS,
    MIN_GOAL,
    OPTION_HELP,
    PERIODS,
    PLACES,
)

AnyCommand = app_commands.Command[Any, ..., None]
DESCRIPTION_LIMIT = 100
CHOICES_LIMIT = 25
# Answers to these are group posts: a slow one shows its "thinking..." in the channel too.
PUBLIC_COMMANDS = GROUP_COMMANDS
# A chart or an export takes long enough to defer at once.
SLOW_COMMANDS = frozenset({"progress", "export"})
PLACE_CHOICES = [app_commands.Choice(name=place, value=place) for place in PLACES]
PERIOD_CHOICES = [app_commands.Choice(name=period, value=period) for period in PERIODS]


def summary(name: str) -> str:
    """A command's description: the core's summary, within Discord's limit."""
    return BY_NAME[name].summary[:DESCRIPTION_LIMIT]


def option_help(name: str, option: str) -> str:
    """An option's description, from the core's texts, within Discord's limit."""
    return OPTION_HELP[name][option][:DESCRIPTION_LIMIT]


async def run(interaction: discord.Interaction[Any], name: str, args: str = "", *,
              channel: str | None = None) -> None:
    """Any command but /log: the coach reads the arguments as if typed after /name. `channel`
    stands in for the channel the command was used in (a channel of this server an admin
    chose)."""
    work = hooks.coach_of(interaction).command(message_of(interaction, channel=channel), name,
                                               args)
    await views.answer(interaction, work, public=name in PUBLIC_COMMANDS,
                       defer_now=name in SLOW_COMMANDS)


async def zones(interaction: discord.Interaction[Any],
                current: str) -> list[app_commands.Choice[str]]:
    """Time zone names matching what has been typed so far."""
    names = hooks.coach_of(interaction).timezones(current)
    return [app_commands.Choice(name=zone, value=zone) for zone in names]


@app_commands.command(name="log", description=summary("log"))
@app_commands.describe(minutes=option_help("log", "minutes"),
                       place=option_help("log", "place"),
                       when=option_help("log", "when"),
                       note=option_help("log", "note"),
                       steps=option_help("log", "steps"),
                       pain=option_help("log", "pain"))
@app_commands.choices(place=PLACE_CHOICES)
async def log_walk(interaction: discord.Interaction[Any], minutes: Range[int, 1, MAX_MINUTES],
                   place: str | None = None, when: str | None = None,
                   steps: Range[int, 1, MAX_STEPS] | None = None,
                   pain: Range[int, 0, MAX_PAIN] | None = None,
                   note: str | None = None) -> None:
    """/log with typed options."""
    fields = LogFields(minutes, place, when, steps, pain, note or "")
    work = hooks.coach_of(interaction).log(message_of(interaction), fields)
    await views.answer(interaction, work, public=False)


@app_commands.command(name="stats", description=summary("stats"))
@app_commands.describe(period=option_help("stats", "period"))
@app_commands.choices(period=PERIOD_CHOICES)
async def stats(interaction: discord.Interaction[Any], period: str | None = None) -> None:
    """/stats [period]."""
    await run(interaction, "stats", period or "")


@app_commands.command(name="goal", description=summary("goal"))
@app_commands.describe(minutes=option_help("goal", "minutes"))
async def goal(interaction: discord.Interaction[Any],
               minutes: Range[int, MIN_GOAL, MAX_GOAL] | None = None) -> None:
    """/goal [minutes per week]: without it, the current goal."""
    await run(interaction, "goal", _text(minutes))


@app_commands.command(name="timezone", description=summary("timezone"))
@app_commands.describe(zone=option_help("timezone", "zone"))
@app_commands.autocomplete(zone=zones)
async def timezone(interaction: discord.Interaction[Any], zone: str) -> None:
    """/timezone <Area/City>."""
    await run(interaction, "timezone", zone)


@app_commands.command(name="daystart", description=summary("daystart"))
@app_commands.describe(hour=option_help("daystart", "hour"))
async def daystart(interaction: discord.Interaction[Any],
                   hour: Range[int, 0, MAX_DAY_START] | None = None) -> None:
    """/daystart [hour]."""
    await run(interaction, "daystart", _text(hour))


@app_commands.command(name="pause", description=summary("pause"))
@app_commands.describe(days=option_help("pause", "days"))
async def pause(interaction: discord.Interaction[Any],
                days: Range[int, 1, MAX_PAUSE_DAYS] | None = None) -> None:
    """/pause [days]: without it, until /resume."""
    await run(interaction, "pause", _text(days))


@app_commands.command(name="remind", description=summary("remind"))
@app_commands.describe(time=option_help("remind", "time"))
async def remind(interaction: discord.Interaction[Any], time: str | None = None) -> None:
    """/remind [HH:MM|off]: without it, the current setting."""
    await run(interaction, "remind", time or "")


SUMMARY_CHOICES = [app_commands.Choice(name=state, value=state) for state in ("on", "off")]


@app_commands.command(name="summary", description=summary("summary"))
@app_commands.describe(state=option_help("summary", "state"))
@app_commands.choices(state=SUMMARY_CHOICES)
async def weekly_summary(interaction: discord.Interaction[Any], state: str | None = None) -> None:
    """/summary [on|off]: without it, the current setting."""
    await run(interaction, "summary", state or "")


async def command_names(interaction: discord.Interaction[Any],
                        current: str) -> list[app_commands.Choice[str]]:
    """Command names starting with what has been typed so far."""
    typed = current.strip().lstrip("/").lower()
    names = [name for name in BY_NAME if name.startswith(typed)][:CHOICES_LIMIT]
    return [app_commands.Choice(name=name, value=name) for name in names]


@app_commands.command(name="help", description=summary("help"))
@app_commands.describe(command=option_help("help", "command"))
@app_commands.autocomplete(command=command_names)
async def help_(interaction: discord.Interaction[Any], command: str | None = None) -> None:
    """/help [command]."""
    await run(interaction, "help", command or "")


@app_commands.command(name="link", description=summary("link"))
@app_commands.describe(code=option_help("link", "code"))
async def link(interaction: discord.Interaction[Any], code: str | None = None) -> None:
    """/link [code]: without it, a code to enter on the other platform."""
    await run(interaction, "link", code or "")


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


def plain(name: str) -> AnyCommand:
    """A command without options."""

    async def callback(interaction: discord.Interaction[Any]) -> None:
        await run(interaction, name)

    callback.__doc__ = f"/{name}."
    return app_commands.Command(name=name, description=summary(name), callback=callback)


PERSONAL: tuple[AnyCommand, ...] = (help_, log_walk, stats, goal, timezone, daystart, pause,
                                    remind, link, weekly_summary)
