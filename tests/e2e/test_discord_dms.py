"""Reminders by Discord DM keep well under the limits that get bots flagged: evenly paced, given
up on for a user who cannot be written to (50007), and all paused on 40003 ("opening direct
messages too fast"). The real discord.py on the fake Discord."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.discord.notifier import DiscordNotifier
from core.coach import AsyncCoach
from core.delivery import REMINDER, Outgoing, RetryLater, Undeliverable
from core.replies import Reply
from tests.e2e.discord_support import World, discord_world, sent_by_bot
from tests.support import ManualClock

MESSAGES = "/channels/{channel_id}/messages"
OPEN_DM = "/users/@me/channels"


@pytest.fixture
async def world(coach: AsyncCoach, db_path: Path, clock: ManualClock) -> AsyncIterator[World]:
    async with discord_world(coach, db_path, clock) as running:
        yield running


def reminder(world: World, n: int = 1) -> Outgoing:
    return Outgoing(n, REMINDER, "discord", str(world.ada.id), Reply(f"Walk? ({n})"), 0)


async def test_dms_go_out_evenly_at_most_five_a_second(world: World) -> None:
    notifier = DiscordNotifier(world.service.client)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for n in range(6):
        await notifier.deliver(reminder(world, n))
    assert loop.time() - started >= 5 * 0.2 - 0.01
    assert len(sent_by_bot(world.fake.dms(world.ada))) == 6


async def test_opening_dms_too_fast_pauses_every_dm_and_gives_up_on_nobody(
        world: World) -> None:
    notifier = DiscordNotifier(world.service.client, dm_backoff=0.6)
    world.fake.fail("POST", OPEN_DM, status=403, code=40003,
                    message="You are opening direct messages too fast.")
    with pytest.raises(RetryLater) as wait:
        await notifier.deliver(reminder(world))
    assert wait.value.seconds == 0.6
    loop = asyncio.get_running_loop()
    started = loop.time()
    await notifier.deliver(replace(reminder(world, 2), recipient=str(world.bea.id)))
    assert loop.time() - started >= 0.55  # everyone's DMs waited out the pause
    (dm,) = sent_by_bot(world.fake.dms(world.bea))
    assert dm.content == "Walk? (2)"


async def test_a_user_who_cannot_be_written_to_is_given_up_on(world: World) -> None:
    notifier = DiscordNotifier(world.service.client)
    world.fake.fail("POST", OPEN_DM, status=400, code=50007,
                    message="Cannot send messages to this user")
    with pytest.raises(Undeliverable, match="50007"):
        await notifier.deliver(reminder(world))
    world.fake.block_dms(world.bea)
    with pytest.raises(Undeliverable, match="50007"):
        await notifier.deliver(replace(reminder(world), recipient=str(world.bea.id)))
