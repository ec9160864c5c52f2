"""What observing the coach costs (not a test: it prints figures), measured side by side in one
run, interleaved in rounds so a busy machine weighs on both alike:

* `/log` through `AsyncCoach` as it is and through `MeasuredCoach` (counter, histogram, log
  context, private-text registry): p50 per call and the ratio;
* one log record through the handler `retrowalk run` installs, text and JSON, with 128 private
  texts remembered, against a bare `logging.Formatter` handler: microseconds per record.

    .venv/bin/python bench/observe.py [--logs 1000] [--records 20000]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/core.py shares its name with the package measured: keep this folder off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import asyncio
import io
import logging
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from bot import logs
from bot.metrics import MeasuredCoach
from core.api import CoachAPI, Message
from core.coach import AsyncCoach, Coach
from core.identity import Platform, UserRef, private_chat
from core.persistence.engine import make_engine
from core.persistence.migrate import upgrade
from core.persistence.uow import UnitOfWorkFactory

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
ROUNDS = 5


class Clock:
    """Moved forward by hand, three walks a day."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


async def log_p50(coach: CoachAPI, clock: Clock, who: UserRef, start: int, count: int) -> float:
    """p50 ms of `count` sequential /logs."""
    latencies = []
    for n in range(start, start + count):
        clock.now = NOW + n * timedelta(hours=8)
        message = Message(who, private_chat(who), f"/log {n % 60 + 1} min park felt fine",
                          key=f"{who.external_id}:{n}")
        began = time.perf_counter()
        await coach.handle(message)
        latencies.append((time.perf_counter() - began) * 1000)
    return statistics.median(latencies)


async def coach_overhead(count: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        clock = Clock()
        plain = AsyncCoach(Coach(UnitOfWorkFactory(engine), clock))
        measured = MeasuredCoach(plain)
        ada, bea = (UserRef(Platform.TELEGRAM, str(n), name) for n, name in ((1, "ada"),
                                                                             (2, "bea")))
        for coach, who in ((plain, ada), (measured, bea)):
            await coach.handle(Message(who, private_chat(who), "/start"))
            await log_p50(coach, clock, who, 10_000, 50)  # warm up
        bare, wrapped = [], []
        per_round = max(1, count // ROUNDS)
        for r in range(ROUNDS):
            bare.append(await log_p50(plain, clock, ada, r * per_round, per_round))
            wrapped.append(await log_p50(measured, clock, bea, r * per_round, per_round))
        plain.close()
        engine.dispose()
        return statistics.median(bare), statistics.median(wrapped)


def record_cost(handler: logging.Handler, records: int) -> float:
    """Microseconds per record handled (filtered, formatted, written to memory)."""
    began = time.perf_counter()
    for n in range(records):
        handler.handle(logging.LogRecord(
            "bot.dispatch", logging.INFO, __file__, 1, "delivery %s refused for good: %s",
            (n, "Forbidden: bot was blocked by the user"), None))
    return (time.perf_counter() - began) / records * 1e6


def logging_costs(records: int) -> dict[str, float]:
    for n in range(logs.PRIVATE_TEXTS):
        logs.remember_private(f"/log {n} min park felt fine today, walk number {n}")
    bare = logging.StreamHandler(io.StringIO())
    bare.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handlers = {"bare Formatter": bare,
                "text + filter": logs.handler(["123456:ABCDEF"], "text", io.StringIO()),
                "json + filter": logs.handler(["123456:ABCDEF"], "json", io.StringIO())}
    costs: dict[str, list[float]] = {name: [] for name in handlers}
    for _ in range(ROUNDS):
        for name, handler in handlers.items():
            costs[name].append(record_cost(handler, max(1, records // ROUNDS)))
    return {name: statistics.median(values) for name, values in costs.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--logs", type=int, default=1000)
    parser.add_argument("--records", type=int, default=20_000)
    args = parser.parse_args()
    bare, wrapped = asyncio.run(coach_overhead(args.logs))
    print(f"/log through the coach, {args.logs:,} each, SQLite file, {ROUNDS} interleaved rounds")
    print(f"  AsyncCoach       p50 {bare:.3f} ms")
    print(f"  MeasuredCoach    p50 {wrapped:.3f} ms   ratio {wrapped / bare:.3f}x")
    costs = logging_costs(args.records)
    base = costs["bare Formatter"]
    print(f"\none log record, {args.records:,} records, {logs.PRIVATE_TEXTS} private texts "
          "remembered")
    for name, cost in costs.items():
        print(f"  {name:<16} {cost:7.1f} us/record   ratio {cost / base:.2f}x")


if __name__ == "__main__":
    main()
