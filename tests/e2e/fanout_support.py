"""A reminder fan-out on Telegram, for the e2e test and bench/fanout_telegram.py.

`reminders` people each have a reminder due at the same minute; the coach's own planner queues
them, and the real TelegramService, dispatcher and scheduler (`bot.app.running`) send them through
a fake Telegram that enforces Telegram's flood limits (`strict_limits`). Meanwhile one more person
keeps sending /log and times each reply.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bot.app import running
from core.coach import AsyncCoach
from core.identity import Platform, UserRef, private_chat
from tests.e2e.telegram_support import telegram_world
from tests.fakes.telegram import FloodEvent
from tests.support import ManualClock, Person

# The planning job's period: the reminders are queued before the bot starts, and the planner (the
# core's business, not measured here) stays out of the dispatcher's way.
TICK = 3600.0


@dataclass
class FanOut:
    """What the fake saw."""

    reminders: int
    sent: Counter[int] = field(default_factory=Counter)  # reminders per recipient chat
    seconds: float = 0.0  # from the first reminder sent to the last
    reply_latencies: list[float] = field(default_factory=list)  # /log during the fan-out
    baseline_latencies: list[float] = field(default_factory=list)  # /log before it
    undelivered: int = 0
    floods: list[FloodEvent] = field(default_factory=list)  # the 429s given

    @property
    def duplicates(self) -> int:
        """Reminders sent more than once to the same person."""
        return sum(n - 1 for n in self.sent.values() if n > 1)

    @property
    def rate(self) -> float:
        """Reminders a second, over the fan-out."""
        return (len(self.sent) - 1) / self.seconds if self.seconds else 0.0


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ranked = sorted(values)
    return ranked[min(len(ranked) - 1, max(0, round(p / 100 * len(ranked)) - 1))]


async def fan_out(coach: AsyncCoach, db: Path, clock: ManualClock, reminders: int, *,
                  log_every: float = 1.5, logs_without_fan_out: int = 0,
                  timeout: float | None = None) -> FanOut:
    """Run the scenario; with `logs_without_fan_out`, time that many /log replies before the
    reminders fall due as well (the baseline)."""
    result = FanOut(reminders)
    async with telegram_world(coach, db, clock, start=False, strict_limits=True) as world:
        fake = world.fake
        due = clock.now + timedelta(minutes=5)
        chats: set[int] = set()
        for n in range(reminders):  # set up on the coach directly, before anything runs
            user = fake.user(f"Walker{n}")
            chats.add(fake.private_chat(user).id)
            ref = UserRef(Platform.TELEGRAM, str(user.id), user.first_name)
            Person(coach.coach, ref, private_chat(ref)).say(f"/remind {due:%H:%M}")
        async with running(coach, [world.service], tick=TICK, idle=0.1) as dispatchers:

            async def log_once(minutes: int) -> float:
                started = time.monotonic()
                fake.send_text(world.ada, world.ada_chat, f"/log {minutes} min")
                reply = await fake.next_reply(world.ada_chat, timeout=30)
                assert reply.text is not None and reply.text.startswith("Recorded")
                return time.monotonic() - started

            for n in range(logs_without_fan_out):
                result.baseline_latencies.append(await log_once(1 + n % 60))
                await asyncio.sleep(log_every)
            clock.advance(minutes=5)
            assert await coach.plan_deliveries() == reminders
            for dispatcher in dispatchers:
                dispatcher.wake()

            def reminders_sent() -> list[float]:
                return [c.at for c in fake.calls_to("sendMessage")
                        if c.ok and c.chat_id in chats]

            deadline = time.monotonic() + (timeout or 20 + reminders / 20)
            during = result.reply_latencies
            while len(reminders_sent()) < reminders and time.monotonic() < deadline:
                if reminders_sent():  # the fan-out is under way
                    during.append(await log_once(1 + len(during) % 60))
                await asyncio.sleep(log_every)
            for call in fake.calls_to("sendMessage"):
                if call.ok and isinstance(call.chat_id, int) and call.chat_id in chats:
                    result.sent[call.chat_id] += 1
            times = reminders_sent()
            result.seconds = max(times) - min(times) if times else 0.0
            result.floods = list(fake.floods)
            result.undelivered = len(chats - set(result.sent))
    return result
