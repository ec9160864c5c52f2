"""A reminder fan-out against a fake Telegram that enforces the real flood limits: paced, not
bursty, so no 429 at all; each reminder once; a person writing meanwhile is answered promptly.
(bench/fanout_telegram.py runs the same with 2,000 reminders and prints the rate.) And a 429
storm in the middle of one, with 5% of the walkers having blocked the bot: nothing lost, nothing
twice, every wait kept, each blocked walker tried once and never again."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import running
from core.coach import AsyncCoach
from core.identity import Platform, UserRef, private_chat
from tests.e2e.fanout_support import TICK, fan_out
from tests.e2e.telegram_support import rows, telegram_world
from tests.support import ManualClock, Person

pytestmark = pytest.mark.filterwarnings("error")
REMINDERS = 300


async def test_a_fan_out_gets_no_429_sends_each_reminder_once_and_replies_stay_prompt(
        coach: AsyncCoach, db_path: Path, clock: ManualClock) -> None:
    result = await fan_out(coach, db_path, clock, REMINDERS)
    assert result.floods == []
    assert result.undelivered == 0 and result.duplicates == 0
    assert len(result.sent) == REMINDERS
    assert result.reply_latencies and max(result.reply_latencies) < 2.0


STORM = 10  # 429s answered in a row once the fan-out is under way (each pauses it 1 s)
WALKERS = 100
BLOCKED_EVERY = 20  # one walker in twenty (5%) has blocked the bot


async def until(condition: Callable[[], bool], seconds: float, clock: ManualClock) -> None:
    """Wait for `condition`, the coach's clock moving with real time meanwhile (a send put
    back for later after the storm falls due by it)."""
    loop = asyncio.get_running_loop()
    deadline = last = loop.time()
    deadline += seconds
    while not condition():
        assert loop.time() < deadline, "it never happened"
        await asyncio.sleep(0.05)
        clock.advance(seconds=loop.time() - last)
        last = loop.time()


async def test_a_429_storm_loses_nothing_and_blocked_walkers_are_tried_once_then_never_again(
        coach: AsyncCoach, db_path: Path, clock: ManualClock) -> None:
    async with telegram_world(coach, db_path, clock, start=False, strict_limits=True) as world:
        fake = world.fake
        walkers = [fake.user(f"Walker{n}") for n in range(WALKERS)]
        chats = [fake.private_chat(w) for w in walkers]
        blocked = {c.id for n, c in enumerate(chats) if n % BLOCKED_EVERY == 0}
        due = clock.now + timedelta(minutes=5)
        for walker in walkers:
            ref = UserRef(Platform.TELEGRAM, str(walker.id), walker.first_name)
            Person(coach.coach, ref, private_chat(ref)).say(f"/remind {due:%H:%M}")
        for chat in chats:
            if chat.id in blocked:
                fake.block_bot(chat)

        def tries() -> Counter[int]:
            return Counter(int(c.chat_id) for c in fake.calls_to("sendMessage")
                           if isinstance(c.chat_id, int) and c.chat_id in {x.id for x in chats})

        def received() -> Counter[int]:
            return Counter(int(c.chat_id) for c in fake.calls_to("sendMessage")
                           if c.ok and isinstance(c.chat_id, int))

        async with running(coach, [world.service], tick=TICK, idle=0.1) as dispatchers:
            clock.advance(minutes=5)
            assert await coach.plan_deliveries() == WALKERS
            for dispatcher in dispatchers:
                dispatcher.wake()
            await until(lambda: sum(received().values()) >= 20, 30, clock)
            fake.flood("sendMessage", times=STORM, retry_after=1)
            reachable = {c.id for c in chats} - blocked
            await until(lambda: reachable <= set(received()), 60, clock)
            await until(lambda: blocked <= set(tries()), 30, clock)
            first_day = tries()
            # The next day: the blocked are not even queued, the others get their reminder.
            clock.advance(days=1)
            queued = await coach.plan_deliveries()
            for dispatcher in dispatchers:
                dispatcher.wake()
            await until(lambda: all(received()[c] == 2 for c in reachable), 60, clock)
        storm = [f for f in fake.floods if f.injected]
        assert len(storm) == STORM  # the storm happened, on reminders being sent
        assert fake.backoff_violations() == []  # each 429's wait was kept
        assert queued == len(reachable)
        assert all(received()[c] == 2 for c in reachable)  # nothing lost, nothing twice
        assert all(first_day[c] == 1 and tries()[c] == 1 for c in blocked)  # tried once, ever
        states = Counter(r["status"] for r in rows(db_path, "deliveries"))
        assert states == {"sent": 2 * len(reachable), "dead": len(blocked)}
