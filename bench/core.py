"""Benchmark of the coaching core, in-process on a SQLite file (not a test: it prints figures).

/log throughput and p50/p99 latency for a user with no history and for one with 10,000 prior
walks, measured side by side in one run, and the ratio between the two (the cost of a log must
not grow with history); /streak and /stats all latency at 10,000 walks.

    .venv/bin/python bench/core.py [--logs 2000]
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file shares its name with the package it measures: keep its own folder off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from core.api import Message
from core.coach import AsyncCoach, Coach
from core.identity import Platform, UserRef, private_chat
from core.persistence.engine import make_engine
from core.persistence.migrate import upgrade
from core.persistence.models import Walk
from core.persistence.uow import UnitOfWorkFactory

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
HISTORY = 10_000
STEP = timedelta(hours=8)  # the clock moves on between logs: three walks a day


class Clock:
    """The benchmark's clock: moved forward by hand."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def user(name: str) -> UserRef:
    return UserRef(Platform.CONSOLE, name, name)


def message(who: UserRef, text: str, key: str | None = None) -> Message:
    return Message(who, private_chat(who), text, key=key)


async def timed(calls: int, call: Callable[[int], Awaitable[object]]) -> tuple[float, list[float]]:
    """Total seconds and per-call latencies (ms) for `calls` sequential awaits."""
    latencies = []
    start = time.perf_counter()
    for n in range(calls):
        t0 = time.perf_counter()
        await call(n)
        latencies.append((time.perf_counter() - t0) * 1000)
    return time.perf_counter() - start, latencies


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


async def main(logs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        clock = Clock()
        coach = AsyncCoach(Coach(UnitOfWorkFactory(engine), clock))
        fresh, veteran = user("fresh"), user("veteran")
        await coach.handle(message(fresh, "/start"))
        await coach.handle(message(veteran, "/start"))
        # 10,000 prior walks, five a day over 2,000 days, inserted in bulk.
        with engine.begin() as connection:
            connection.execute(insert(Walk), [
                {"person_id": 2, "day": (NOW - timedelta(days=11 + n // 5)).date(),
                 "minutes": 10 + n % 20, "note": "", "recorded_at": NOW}
                for n in range(HISTORY)
            ])
        await coach.handle(message(veteran, "/streak"))  # settles the history once
        for who in (fresh, veteran):  # warm caches and code paths
            for n in range(50):
                await coach.handle(message(who, "/log 1 min", key=f"warm:{who.external_id}:{n}"))

        async def log_as(who: UserRef) -> Callable[[int], Awaitable[object]]:
            async def call(n: int) -> object:
                clock.now = NOW + n * STEP
                text = f"/log {n % 60 + 1} min park"
                return await coach.handle(message(who, text, key=f"{who.external_id}:{n}"))
            return call

        rows = []
        for label, who in (("0 prior walks", fresh), (f"{HISTORY:,} prior walks", veteran)):
            clock.now = NOW
            total, lat = await timed(logs, await log_as(who))
            rows.append((label, logs / total, percentile(lat, 50), percentile(lat, 99)))
        print(f"/log, {logs:,} sequential logs each (three a day, the clock moving on), "
              "SQLite file, one core\n")
        print(f"{'history':<22}{'logs/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
        for label, rate, p50, p99 in rows:
            print(f"{label:<22}{rate:>10,.0f}{p50:>10.2f}{p99:>10.2f}")
        (_, rate0, p50_0, p99_0), (_, rate1, p50_1, p99_1) = rows
        print(f"\nratio 10k/0: p50 {p50_1 / p50_0:.2f}x, p99 {p99_1 / p99_0:.2f}x, "
              f"throughput {rate0 / rate1:.2f}x slower  (target: at most 1.2x)")
        print("targets: at least 500 logs/s, p99 at most 5 ms\n")

        for command in ("/streak", "/stats all"):
            _, lat = await timed(300, lambda n, c=command: coach.handle(message(veteran, c)))
            print(f"{command:<12} at {HISTORY:,}+ walks: p50 {percentile(lat, 50):.2f} ms, "
                  f"p99 {percentile(lat, 99):.2f} ms")
        coach.close()
        engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--logs", type=int, default=2000)
    asyncio.run(main(parser.parse_args().logs))
