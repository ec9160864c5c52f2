"""The platform-side metrics: every 429 a platform sends is counted, whether the library waited
it out or gave up (python-telegram-bot through our rate limiter, discord.py through the warning
it logs for each); each delivery's outcome and send time, and each planning tick, are counted
where the dispatcher and the scheduler record them. Real libraries on the fake servers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from bot.app import running
from bot.discord.notifier import DiscordNotifier
from core.coach import AsyncCoach
from core.delivery import REMINDER, Outgoing
from core.replies import Reply
from tests.e2e import discord_support, telegram_support
from tests.e2e.discord_support import sent_by_bot
from tests.support import ManualClock


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def rate_limited(platform: str) -> float:
    return value("retrowalk_rate_limited_total", platform=platform)


@pytest.fixture
async def telegram(coach: AsyncCoach, db_path: Path,
                   clock: ManualClock) -> AsyncIterator[telegram_support.World]:
    async with telegram_support.telegram_world(coach, db_path, clock) as world:
        yield world


@pytest.fixture
async def discord(coach: AsyncCoach, db_path: Path,
                  clock: ManualClock) -> AsyncIterator[discord_support.World]:
    async with discord_support.discord_world(coach, db_path, clock) as world:
        yield world


async def test_a_telegram_flood_wait_is_counted_once(telegram: telegram_support.World) -> None:
    before = rate_limited("telegram")
    telegram.fake.flood("sendMessage", chat=telegram.ada_chat, retry_after=1)
    reply = await telegram.say(telegram.ada, telegram.ada_chat, "/streak")
    assert reply.text is not None and reply.text.startswith("Current streak")
    assert rate_limited("telegram") - before == 1


async def test_two_discord_429s_waited_out_by_discord_py_are_counted(
    discord: discord_support.World,
) -> None:
    before = rate_limited("discord")
    discord.fake.rate_limit("POST", "/channels/{channel_id}/messages", times=2, retry_after=0.2)
    notifier = DiscordNotifier(discord.service.client)
    await notifier.deliver(Outgoing(1, REMINDER, "discord", str(discord.ada.id),
                                    Reply("Walk?"), 0))
    assert len(sent_by_bot(discord.fake.dms(discord.ada))) == 1
    assert rate_limited("discord") - before == 2


async def test_deliveries_are_counted_by_outcome_with_their_send_time_and_planning_ticks(
    coach: AsyncCoach, db_path: Path, clock: ManualClock
) -> None:
    sent = value("retrowalk_deliveries_total", platform="telegram", state="sent")
    dead = value("retrowalk_deliveries_total", platform="telegram", state="dead")
    sends = value("retrowalk_send_seconds_count", platform="telegram")
    ticks = value("retrowalk_planning_seconds_count")
    async with telegram_support.telegram_world(coach, db_path, clock, start=False) as world, \
            running(coach, [world.service], tick=1.0, idle=0.1):
        for user, chat in ((world.ada, world.ada_chat), (world.bob, world.bob_chat)):
            await world.say(user, chat, "/remind 12:05")
        world.fake.block_bot(world.bob_chat)
        clock.advance(minutes=5)
        await world.fake.next_reply(world.ada_chat)
        for _ in range(50):
            if value("retrowalk_deliveries_total", platform="telegram", state="dead") > dead:
                break
            await asyncio.sleep(0.1)
    assert value("retrowalk_deliveries_total", platform="telegram", state="sent") - sent == 1
    assert value("retrowalk_deliveries_total", platform="telegram", state="dead") - dead == 1
    assert value("retrowalk_send_seconds_count", platform="telegram") - sends == 2
    assert value("retrowalk_planning_seconds_count") - ticks >= 1
