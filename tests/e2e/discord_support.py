"""A running DiscordService on a fake Discord, and small helpers to read what users see."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord

from bot.discord.service import DiscordService
from bot.settings import Settings
from core.coach import AsyncCoach
from tests.fakes.discord import (
    FakeChannel,
    FakeDiscord,
    FakeGuild,
    FakeMember,
    FakeMessage,
    FakeUser,
)
from tests.support import ManualClock

# discord.py waits this long after the last GUILD_CREATE before it is ready (2 s by default).
GUILD_READY_TIMEOUT = 0.05


@dataclass
class World:
    """A fake Discord with a server, two members and the coach's bot connected to it."""

    fake: FakeDiscord
    service: DiscordService
    coach: AsyncCoach
    db: Path
    clock: ManualClock
    guild: FakeGuild
    general: FakeChannel
    posts: FakeChannel
    ada: FakeUser
    ada_m: FakeMember  # a plain member
    bea: FakeUser
    bea_m: FakeMember  # may manage the server

    def settings(self) -> Settings:
        """The settings that point the bot at the fake, syncing instantly to its server."""
        return fake_settings(self.fake, self.guild)

    async def restart(self) -> None:
        """Stop the bot and start a new one on the same fake and database."""
        await self.service.stop()
        self.service = DiscordService(self.settings(), self.fake.token, self.coach,
                                      guild_ready_timeout=GUILD_READY_TIMEOUT)
        await self.service.start()


def fake_settings(fake: FakeDiscord, guild: FakeGuild) -> Settings:
    """Settings as RETROWALK_DISCORD_* would give them, ignoring any .env file."""
    return Settings(_env_file=None, discord_api_url=fake.api_url,  # type: ignore[call-arg]
                    discord_gateway_url=fake.gateway_url, discord_dev_guild=guild.id)


@contextlib.asynccontextmanager
async def discord_world(coach: AsyncCoach, db: Path, clock: ManualClock) -> AsyncIterator[World]:
    """Start a fake Discord and the service on it; stop both after."""
    async with FakeDiscord() as fake:
        guild = fake.guild("Walkers")
        general, posts = fake.text_channel(guild, "general"), fake.text_channel(guild, "posts")
        ada, bea = fake.user("ada"), fake.user("bea")
        ada_m, bea_m = fake.member(guild, ada), fake.member(guild, bea, admin=True)
        service = DiscordService(fake_settings(fake, guild), fake.token, coach,
                                 guild_ready_timeout=GUILD_READY_TIMEOUT)
        await service.start()
        world = World(fake, service, coach, db, clock, guild, general, posts, ada, ada_m,
                      bea, bea_m)
        try:
            yield world
        finally:
            await world.service.stop()


def shown(text: str) -> str:
    """A plain core text as Discord users see it: markdown characters escaped."""
    return "\n".join(discord.utils.escape_markdown(line) for line in text.split("\n"))


def rows(db: Path, table: str) -> list[dict[str, Any]]:
    """Rows of a table with column names, read with the plain sqlite3 module."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(f"SELECT * FROM {table} ORDER BY rowid")]


def sent_by_bot(messages: list[FakeMessage]) -> list[FakeMessage]:
    """Messages the bot posted on its own, not answers to someone's interaction."""
    return [m for m in messages if m.interaction_metadata is None]
