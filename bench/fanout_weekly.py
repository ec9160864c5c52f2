"""Benchmark of a weekly summary fan-out with charts (not a test: it prints figures).

People with a reminder and walks last week all have their weekly summary due at the same minute
on a Monday. The coach plans them (AsyncCoach, one worker), the real dispatcher claims them and
draws each chart at send time in the composition root's process pool (`bot.app.picture_pool`),
and a notifier that only checks the PNG takes them (no platform limits: bench/fanout_telegram.py
measures Telegram's pacing; this measures the charts). One more person sends /log every 50 ms,
first alone (the baseline), then throughout the fan-out. Prints the time to queue and to send
them all, charts a second, and the /log p50 and p99 during the fan-out against without it, from
one run on a temporary SQLite file:

    .venv/bin/python bench/fanout_weekly.py [--people 5000] [--workers N]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/telegram.py would shadow the telegram package: keep this folder off the import path, and
# the repository on it.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from bot.app import PICTURE_WORKERS, picture_pool
from bot.dispatch import Dispatcher
from core.api import Message
from core.coach import AsyncCoach, Coach
from core.delivery import WEEKLY, Outgoing
from core.identity import Platform, UserRef, private_chat
from core.persistence.engine import make_engine
from core.persistence.migrate import upgrade
from core.persistence.models import Account, Person, Walk
from core.persistence.uow import UnitOfWorkFactory

# Monday 30 November 2026; every summary is due at 12:05 UTC.
DUE = datetime(2026, 11, 30, 12, 5, tzinfo=UTC)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class Clock:
    """The benchmark's clock: moved by hand."""

    def __init__(self) -> None:
        self.now = DUE - timedelta(hours=1)

    def __call__(self) -> datetime:
        return self.now


class CountingNotifier:
    """Takes every summary at once and checks it carries its chart."""

    platform = Platform.TELEGRAM

    def __init__(self, concurrency: int) -> None:
        self.concurrency = concurrency
        self.sent: list[float] = []
        self.charts = 0

    async def deliver(self, outgoing: Outgoing) -> None:
        """Count it."""
        assert outgoing.kind == WEEKLY
        if outgoing.reply.image is not None and outgoing.reply.image.data.startswith(PNG_MAGIC):
            self.charts += 1
        self.sent.append(time.perf_counter())


def populate(url: str, people: int) -> None:
    """People with a 12:05 reminder whose summary is due now (their daily reminder is not, so
    only summaries are sent) and three walks each last week, in bulk."""
    engine = make_engine(url)
    upgrade(engine)
    created = DUE - timedelta(days=30)
    with engine.begin() as connection:
        for first in range(0, people, 5_000):
            ids = range(first + 1, min(first + 5_000, people) + 1)
            connection.execute(insert(Person), [
                {"id": n, "created_at": created, "timezone": "UTC", "day_start_hour": 0,
                 "weekly_goal": 150, "remind_at": "12:05", "remind_next": DUE + timedelta(days=1),
                 "summary_next": DUE, "streak_current": 0, "streak_best": 0,
                 "streak_freezes": 0, "streak_run": 0, "streak_score": 0.0} for n in ids])
            connection.execute(insert(Account), [
                {"person_id": n, "platform": "telegram", "external_id": str(n),
                 "display_name": f"walker{n}", "created_at": created} for n in ids])
            connection.execute(insert(Walk), [
                {"person_id": n, "day": (DUE - timedelta(days=back)).date(),
                 "minutes": 5 + (n + back) % 20, "note": "", "recorded_at": created}
                for n in ids for back in (2, 4, 6, 9)])
    engine.dispose()


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


async def log_latencies(coach: AsyncCoach, who: UserRef, stop: asyncio.Event,
                        start: int) -> list[float]:
    """A person logging walks one after another until told to stop; each latency in ms."""
    latencies = []
    n = start
    while not stop.is_set():
        n += 1
        t0 = time.perf_counter()
        await coach.handle(Message(who, private_chat(who), "/log 10 min", key=f"log:{n}"))
        latencies.append((time.perf_counter() - t0) * 1000)
        await asyncio.sleep(0.05)
    return latencies


async def main(people: int, workers: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'weekly.db'}"
        t0 = time.perf_counter()
        populate(url, people)
        print(f"{people:,} people with a weekly summary due at 12:05 on a Monday and walks last "
              f"week (made in {time.perf_counter() - t0:.0f} s), SQLite file, "
              f"{workers} chart process(es)\n")
        engine = make_engine(url)
        clock = Clock()
        coach = AsyncCoach(Coach(UnitOfWorkFactory(engine), clock))
        walker = UserRef(Platform.CONSOLE, "logger", "logger")
        await coach.handle(Message(walker, private_chat(walker), "/start"))

        stop = asyncio.Event()
        alone = asyncio.create_task(log_latencies(coach, walker, stop, 0))
        await asyncio.sleep(5)
        stop.set()
        without = await alone

        pictures = picture_pool(workers)
        notifier = CountingNotifier(concurrency=2 * workers)
        dispatcher = Dispatcher(coach, notifier, idle=0.05, pictures=pictures)
        try:
            # Start the pool's processes first: their start is not the fan-out's cost.
            await asyncio.gather(*(asyncio.get_running_loop().run_in_executor(pictures, abs, 1)
                                   for _ in range(workers)))
            clock.now = DUE + timedelta(seconds=10)
            stop = asyncio.Event()
            beside = asyncio.create_task(log_latencies(coach, walker, stop, 100_000))
            t0 = time.perf_counter()
            queued = await coach.plan_deliveries()
            planned = time.perf_counter() - t0
            dispatcher.start()
            while len(notifier.sent) < queued:
                await asyncio.sleep(0.1)
            sending = time.perf_counter() - t0
            stop.set()
            during = await beside
            await dispatcher.stop()
        finally:
            pictures.shutdown(wait=True, cancel_futures=True)
        print(f"queued                  {queued:,} summaries in {planned:.2f} s")
        print(f"sent                    {len(notifier.sent):,} with {notifier.charts:,} charts "
              f"in {sending:.1f} s = {len(notifier.sent) / sending:.1f} a second")
        for name, values in (("/log without fan-out", without), ("/log during fan-out", during)):
            print(f"{name:<23} p50 {percentile(values, 50):.1f} ms, "
                  f"p99 {percentile(values, 99):.1f} ms  ({len(values)} logs)")
        print(f"p99 ratio               {percentile(during, 99) / percentile(without, 99):.2f}"
              f"   (target at most 2x)")
        coach.close()
        engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=PICTURE_WORKERS)
    args = parser.parse_args()
    asyncio.run(main(args.people, args.workers))
