"""/setup on Discord as server admins and members use it: the real discord.py and DiscordService
on a fake Discord, a real coach on a SQLite file, and a clock that stands still."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.dispatch import Dispatcher
from core.coach import AsyncCoach
from core.texts import setup as words
from tests.e2e.discord_support import World, discord_world, rows, sent_by_bot, shown
from tests.fakes.discord import FakeDiscordError, FakeMember, FakeMessage
from tests.support import ManualClock


@pytest.fixture
async def world(coach: AsyncCoach, db_path: Path, clock: ManualClock,
                caplog: pytest.LogCaptureFixture) -> AsyncIterator[World]:
    """The bot running on a fake Discord; afterwards no unclosed sessions and no token logged."""
    caplog.set_level(logging.DEBUG)
    async with discord_world(coach, db_path, clock) as running:
        token = running.fake.token
        yield running
    gc.collect()
    messages = [r.getMessage() + (r.exc_text or "") for r in caplog.records]
    assert not [m for m in messages if "Unclosed" in m]
    assert not [m for m in messages if token in m]


def server_row(world: World) -> dict[str, Any]:
    (row,) = rows(world.db, "chats")
    return row


async def click(world: World, who: FakeMember, panel: FakeMessage, custom_id: str) -> str:
    """Click a panel button as `who`; the panel's text afterwards (redrawn in place)."""
    answer = await (await world.fake.click(who, panel, custom_id)).response()
    assert answer.type == 7, answer  # UPDATE_MESSAGE: the clicked panel itself changes
    return panel.content


async def test_an_admin_changes_every_setting_with_the_panel_buttons_in_place(
        world: World) -> None:
    fake, bea = world.fake, world.bea_m
    panel = await (await fake.slash(bea, "setup", channel=world.posts)).original()
    assert not panel.ephemeral and panel.content.startswith(shown("Daily challenge settings"))
    assert panel.custom_ids == [
        "rw:setup:off", "rw:setup:time:0700", "rw:setup:time:0900", "rw:setup:time:1200",
        "rw:setup:time:1800", "rw:setup:tz:UTC", "rw:setup:tz:Europe/London",
        "rw:setup:tz:Europe/Berlin", "rw:setup:tz:America/New_York", "rw:setup:here"]
    assert "Time: 18:00 (UTC)" in await click(world, bea, panel, "rw:setup:time:1800")
    assert "Time: 18:00 (Europe/Berlin)" in await click(world, bea, panel,
                                                        "rw:setup:tz:Europe/Berlin")
    assert "Posted in: here, where /setup was used" in await click(world, bea, panel,
                                                                   "rw:setup:here")
    assert "Daily post: off" in await click(world, bea, panel, "rw:setup:off")
    assert panel.custom_ids[0] == "rw:setup:on"
    assert server_row(world)["post_next"] is None
    assert "Daily post: on" in await click(world, bea, panel, "rw:setup:on")
    row = server_row(world)
    assert (row["challenge_on"], row["challenge_time"], row["timezone"], row["post_channel"]) \
        == (1, "18:00", "Europe/Berlin", str(world.posts.id))
    assert len(fake.channel_messages(world.posts)) == 1  # one panel, redrawn in place


async def test_the_daily_post_goes_out_at_the_new_local_time_in_the_chosen_channel(
        world: World) -> None:
    fake, bea, coach, clock = world.fake, world.bea_m, world.coach, world.clock
    panel = await (await fake.slash(bea, "setup", channel=world.posts)).original()
    await click(world, bea, panel, "rw:setup:tz:America/New_York")
    await click(world, bea, panel, "rw:setup:time:0700")
    await click(world, bea, panel, "rw:setup:here")
    clock.set_local("America/New_York", 2026, 11, 25, 6, 59)
    assert await coach.plan_deliveries() == 0
    clock.set_local("America/New_York", 2026, 11, 25, 7, 0)  # 12:00 UTC
    assert await coach.plan_deliveries() == 1
    assert await Dispatcher(coach, world.service.notifier()).drain() == 1
    (post,) = sent_by_bot(fake.channel_messages(world.posts))
    assert post.content.startswith("Today's walk challenge in Walkers")
    assert sent_by_bot(fake.channel_messages(world.general)) == []


async def test_a_member_without_manage_server_is_refused_privately(world: World) -> None:
    fake, ada = world.fake, world.ada_m
    with pytest.raises(FakeDiscordError, match="cannot see /setup"):
        await fake.slash(ada, "setup")  # hidden from members by default
    fake.allow_command(world.guild, "setup", ada)  # a server may unhide it
    refused = await (await fake.slash(ada, "setup")).response()
    assert refused.ephemeral and refused.content == shown(words.ADMINS_ONLY)
    panel = await (await fake.slash(world.bea_m, "setup")).original()
    pressed = await (await fake.click(ada, panel, "rw:setup:off")).response()
    assert pressed.type == 4 and pressed.ephemeral
    assert pressed.content == shown(words.ADMINS_ONLY)
    assert server_row(world)["challenge_on"] == 1
    assert "Daily post: on" in panel.content and panel.custom_ids[0] == "rw:setup:off"
