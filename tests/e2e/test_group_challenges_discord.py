"""Group challenges on Discord: the real discord.py client, slash commands, buttons and
dispatcher on the fake Discord, a real coach on a SQLite file and a clock moved by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.dispatch import Dispatcher
from core.coach import AsyncCoach
from core.command_table import ADMIN_COMMANDS
from tests.e2e.discord_support import World, discord_world, rows, sent_by_bot, shown
from tests.fakes.discord import FakeDiscordError
from tests.support import ManualClock

SILENT = 1 << 12  # SUPPRESS_NOTIFICATIONS


@pytest.fixture
async def world(coach: AsyncCoach, db_path: Path, clock: ManualClock) -> AsyncIterator[World]:
    clock.set_local("UTC", 2026, 11, 30, 8)  # a Monday, before the server's 09:00 post time
    async with discord_world(coach, db_path, clock) as running_world:
        yield running_world


async def posts(world: World) -> int:
    """Plan what is due and send it through the real dispatcher and notifier."""
    await world.coach.plan_deliveries()
    return await Dispatcher(world.coach, world.service.notifier()).drain()


async def test_a_goal_days_challenge_from_setup_to_results_on_discord(world: World) -> None:
    fake = world.fake
    cy = fake.user("cy", global_name="@everyone <@1>")
    cy_m = fake.member(world.guild, cy)
    assert {"newchallenge", "endchallenge", "cancelchallenge"} <= ADMIN_COMMANDS
    with pytest.raises(FakeDiscordError, match="cannot see /newchallenge"):
        await fake.slash(world.ada_m, "newchallenge", {"format": "goal", "days": 5})
    await (await fake.slash(world.bea_m, "challenge_channel",
                            {"channel": world.posts})).response()
    needs = await (await fake.slash(world.bea_m, "newchallenge",
                                    {"format": "goal", "days": 5})).response()
    assert needs.ephemeral and needs.content.startswith(
        shown("A goal-days challenge needs minutes and days"))
    created = await (await fake.slash(world.bea_m, "newchallenge", {
        "format": "goal", "days": 5, "name": "Five easy", "minutes": 10,
        "goal_days": 2})).original()
    assert not created.ephemeral and "Challenge #1" in created.content
    assert created.custom_ids == ["rw:join:1"]
    joined = await (await fake.click(world.ada_m, created, "rw:join:1")).response()
    assert not joined.ephemeral and "ada\u2069 joined" in joined.content
    await (await fake.slash(cy_m, "join", {"challenge": "five"})).response()
    await (await fake.slash(world.bea_m, "join", {"challenge": "1"})).response()
    for who, minutes in ((world.ada_m, 10), (cy_m, 12), (world.bea_m, 5)):
        await (await fake.slash(who, "log", {"minutes": minutes})).response()
    world.clock.set_local("UTC", 2026, 11, 30, 9)
    assert await posts(world) == 2  # the challenge's start and the daily post
    start = next(m for m in sent_by_bot(fake.channel_messages(world.posts))
                 if "starts today" in m.content)
    assert start.custom_ids == ["rw:join:1"]
    world.clock.set_local("UTC", 2026, 12, 1, 12)
    for who in (world.ada_m, cy_m):
        await (await fake.slash(who, "log", {"minutes": 15})).response()
    board = await (await fake.slash(world.bea_m, "leaderboard", {"challenge": "1"})).original()
    assert not board.ephemeral
    assert "1. \u2068ada\u2069: 2/2 days \u2713" in board.content
    assert "3. \u2068bea\u2069: 0/2 days" in board.content
    start.deleted = True  # someone removed the start post: the update comes as a silent post
    world.clock.set_local("UTC", 2026, 12, 2, 9)
    assert await posts(world) == 2  # the mid-way update and the daily post
    [middle] = [m for m in sent_by_bot(fake.channel_messages(world.posts))
                if m.content.startswith("Halfway")]
    assert middle.flags & SILENT
    world.clock.set_local("UTC", 2026, 12, 5, 9)
    await posts(world)
    [results] = [m for m in sent_by_bot(fake.channel_messages(world.posts))
                 if "is over" in m.content]
    assert "Made it: \u2068@\u2060everyone <@\u20601>\u2069, \u2068ada\u2069." in results.content
    assert "bea" not in results.content.split("\n")[0]
    assert await posts(world) == 0
    assert len(rows(world.db, "challenge_entries")) == 3
