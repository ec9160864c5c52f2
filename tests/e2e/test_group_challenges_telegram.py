"""Group challenges on Telegram: the real python-telegram-bot stack and dispatcher on the fake
Bot API, a real coach on a SQLite file and a clock moved by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.dispatch import Dispatcher
from core.coach import AsyncCoach
from tests.e2e.telegram_support import World, data_of, rows, telegram_world
from tests.support import ManualClock

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture
async def world(coach: AsyncCoach, db_path: Path, clock: ManualClock) -> AsyncIterator[World]:
    clock.set_local("UTC", 2026, 11, 30, 8)  # a Monday, before the group's 09:00 post time
    async with telegram_world(coach, db_path, clock) as running_world:
        yield running_world


async def posts(world: World) -> int:
    """Plan what is due and send it through the real dispatcher and notifier."""
    await world.coach.plan_deliveries()
    return await Dispatcher(world.coach, world.service.notifier()).drain()


async def test_a_capped_challenge_from_setup_to_results_on_telegram(world: World) -> None:
    fake, group = world.fake, world.group
    cy = fake.user("@cyclone_fan", username="cyclone_fan")
    fake.set_status(group, cy, "member")
    fake.world.chats[group.id].users[cy.id] = cy
    cy_chat = fake.private_chat(cy)
    refused = await world.command(world.bob, group, "newchallenge", "capped 7 days")
    assert refused.text == "Only group admins can start, end or cancel challenges."
    wrong = await world.command(world.ada, group, "newchallenge", "capped 2 days")
    assert wrong.text == "A challenge lasts 3 to 30 days, not 2. For example: 14 days"
    created = await world.command(world.ada, group, "newchallenge",
                                  'capped "Spring steps" 7 days cap 30')
    assert created.text is not None and "Challenge #1" in created.text
    assert data_of(created) == ["join:1"]
    joined = await world.press(world.bob, group, created, "join:1")
    assert joined.text is not None and "Bob Stone\u2069 joined \u2068Spring steps" in joined.text
    await world.command(cy, group, "join")
    await world.command(world.ada, group, "join", "spring")
    await world.say(cy, cy_chat, "/timezone Pacific/Auckland")
    await world.say(world.bob, world.bob_chat, "/log 45 min")   # capped at 30
    await world.say(cy, cy_chat, "/log 20 min")
    await world.say(world.ada, world.ada_chat, "/log 20 min")
    board = await world.command(world.bob, group, "leaderboard")
    assert board.text is not None
    assert "1. \u2068Bob Stone\u2069: 30 min" in board.text
    assert "2. \u2068Ada\u2069: 20 min" in board.text
    assert "2. \u2068@\u2060cyclone_fan\u2069: 20 min" in board.text
    assert not [e for e in board.result.get("entities", []) if e["type"] == "mention"]
    world.clock.set_local("UTC", 2026, 11, 30, 9)
    assert await posts(world) == 2  # the challenge's start and the daily post
    start = next(m for m in fake.sent_to(group) if "starts today" in m.get("text", ""))
    assert [b["callback_data"] for row in start["reply_markup"]["inline_keyboard"]
            for b in row] == ["join:1"]
    world.clock.set_local("UTC", 2026, 12, 3, 9)
    assert await posts(world) == 2  # the mid-way update and the daily post
    [edit] = fake.calls_to("editMessageText")
    assert edit.params["message_id"] == start["message_id"]
    edited = fake.message(group, start["message_id"])
    assert edited is not None and edited["text"].startswith("Halfway through")
    assert "1. Bob Stone: 30 min" in edited["text"].replace("\u2068", "").replace("\u2069", "")
    await world.command(world.ada, group, "leave", "1")
    world.clock.set_local("UTC", 2026, 12, 7, 9)
    assert await posts(world) == 3  # results, the weekly board and the daily post
    texts = [m.get("text", "") for m in fake.sent_to(group)]
    [results] = [t for t in texts if "is over" in t]
    assert "Winner: \u2068Bob Stone\u2069, with 30 min." in results and "Ada" not in results
    [week] = [t for t in texts if "the week of" in t]
    assert "Bob Stone" in week
    world.clock.advance(minutes=5)
    assert await posts(world) == 0
    kinds = sorted(d["kind"] for d in rows(world.db, "deliveries"))
    assert kinds.count("challenge_start") == kinds.count("challenge_mid") == 1
    assert kinds.count("challenge_end") == kinds.count("season") == 1


async def test_members_cannot_end_or_cancel_and_admins_can(world: World) -> None:
    group = world.group
    await world.command(world.ada, group, "newchallenge", "team 500 min 10 days")
    for name in ("endchallenge", "cancelchallenge"):
        refused = await world.command(world.bob, group, name, "1")
        assert refused.text == "Only group admins can start, end or cancel challenges."
    cancelled = await world.command(world.ada, group, "cancelchallenge", "1")
    assert cancelled.text is not None and "cancelled" in cancelled.text
    assert rows(world.db, "challenges") == []
