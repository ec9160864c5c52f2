"""Benchmark of a Telegram reminder fan-out (not a test: it prints figures).

2,000 people have a reminder due at the same minute; the coach's planner queues them and the real
TelegramService, dispatcher and scheduler send them through the fake Telegram Bot API
(tests/fakes/telegram) enforcing Telegram's flood limits: 30 messages in any rolling second, one a
second per private chat after a short burst, 20 a minute per group. One more person sends /log
every 1.5 s, first for a while before the reminders fall due (the baseline), then throughout the
fan-out. Everything runs in one process and one event loop, as `retrowalk run` does, on a
temporary SQLite file. It prints the 429s received (target 0), duplicates (0), reminders not
delivered (0), the achieved send rate over Telegram's 30 a second (at least 0.95), and the /log
reply latency p50 and p99 during the fan-out against without it:

    .venv/bin/python bench/fanout_telegram.py [--reminders 2000] [--baseline 20] [--batches 20,8]
                                              [--reply-recent 60,1]

`--batches` runs the whole scenario once per dispatcher claim size, and `--reply-recent` once
per time a reply's place is kept free after an answer, one after another in the same process,
so an old and a new setting are measured side by side.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/telegram.py would shadow the telegram package: keep this folder off the import path, and
# the repository (for the fake in tests/) on it.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime

from bot import dispatch
from bot.telegram import limits
from core.coach import AsyncCoach
from tests.e2e.fanout_support import fan_out, percentile
from tests.support import ManualClock, make_coach, sqlite_engine

TELEGRAM_RATE = 30.0


async def main(reminders: int, baseline: int, batches: list[int],
               recents: list[float]) -> None:
    for batch in batches:
        for recent in recents:
            dispatch.BATCH = batch
            limits.REPLY_RECENT = recent
            print(f"--- dispatcher claiming {batch} at a time; a reply reserved for {recent:g} s "
                  f"after each answer")
            await one_run(reminders, baseline)
            print()


async def one_run(reminders: int, baseline: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "coach.db"
        engine = sqlite_engine(db)
        clock = ManualClock(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
        coach = AsyncCoach(make_coach(engine, clock))
        started = time.monotonic()
        try:
            result = await fan_out(coach, db, clock, reminders, logs_without_fan_out=baseline,
                                   timeout=60 + reminders / 10)
        finally:
            coach.close()
            engine.dispose()
    during, before = result.reply_latencies, result.baseline_latencies
    print(f"reminders               {reminders}  (whole run {time.monotonic() - started:.0f} s)")
    print(f"429s received           {len(result.floods)}")
    for flood in result.floods:
        print(f"    {flood}")
    print(f"duplicates              {result.duplicates}")
    print(f"not delivered           {result.undelivered}")
    print(f"achieved rate           {result.rate:.2f}/s over {result.seconds:.1f} s = "
          f"{result.rate / TELEGRAM_RATE:.3f} of {TELEGRAM_RATE:g}/s")
    for name, values in (("/log without fan-out", before), ("/log during fan-out", during)):
        if values:
            print(f"{name:<23} p50 {percentile(values, 50) * 1000:.0f} ms, "
                  f"p99 {percentile(values, 99) * 1000:.0f} ms  ({len(values)} replies)")
    if before and during:
        print(f"p99 ratio               {percentile(during, 99) / percentile(before, 99):.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reminders", type=int, default=2000)
    parser.add_argument("--baseline", type=int, default=20, help="/log replies timed before")
    parser.add_argument("--batches", default=str(dispatch.BATCH),
                        help="claim sizes to run one after another, e.g. 20,8 (old, new)")
    parser.add_argument("--reply-recent", default=f"{limits.REPLY_RECENT:g}",
                        help="seconds after an answer that broadcasts leave a place for the "
                             "next reply, to run one after another, e.g. 60,1")
    args = parser.parse_args()
    asyncio.run(main(args.reminders, args.baseline, [int(b) for b in args.batches.split(",")],
                     [float(r) for r in args.reply_recent.split(",")]))
