"""Benchmark of planning reminders and daily posts at scale (not a test: it prints figures).

100,000 people with a reminder in the same local minute and 1,000 groups with a daily post, on
a SQLite file, planned by the coach as `retrowalk run` plans them (AsyncCoach, one worker
thread, batches of 100, the write-ahead log folded in the background every 2 s). Prints, from
one run: the cost of a planning tick when nothing is due (it must not grow with the number of
people), the time to queue all 101,000 messages and the peak memory of the process; then, on a
fresh copy, a person logging walks one after another (a /log every 5 ms or so, far more than
anyone types) for `--log-seconds` with nothing due and then while everything is queued on the
same worker: both /log p99s, and how long the queueing took sharing the worker with them.
Sending through the platform's limits is measured by bench/fanout_telegram.py.

    .venv/bin/python bench/fanout.py [--people 100000] [--groups 1000] [--log-seconds 6]
                                     [--modes together,apart]

`--modes together,stepwise,apart` measures planning as it was (every kind of message in each
step; then each batch its own call to the worker) and as it is (the worker plans batch after
batch while no other call waits) one after another in one run, each on its own copies of the
data.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file shares no name with a package, but keep the repository first on the import path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import resource
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert, text

from bot.scheduler import FOLD_SECONDS
from core.api import Message
from core.coach import AsyncCoach, Coach
from core.identity import Platform, UserRef, private_chat
from core.persistence.engine import make_engine
from core.persistence.migrate import upgrade
from core.persistence.models import Account, Chat, Person
from core.persistence.uow import UnitOfWorkFactory

# A Wednesday; every reminder and post is at 07:30 in its own zone.
NOW = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
DUE = datetime(2026, 12, 2, 7, 30, tzinfo=UTC)


class Clock:
    """The benchmark's clock: moved by hand."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def populate(url: str, people: int, groups: int) -> None:
    """People with a Telegram account and a 07:30 reminder, and groups with a 07:30 post, in
    bulk (creating them one conversation at a time would take longer than the benchmark)."""
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as connection:
        for first in range(0, people, 10_000):
            ids = range(first + 1, min(first + 10_000, people) + 1)
            connection.execute(insert(Person), [
                {"id": n, "created_at": NOW, "timezone": "UTC", "day_start_hour": 0,
                 "weekly_goal": 150, "remind_at": "07:30", "remind_next": DUE,
                 "streak_current": 0, "streak_best": 0, "streak_freezes": 0, "streak_run": 0,
                 "streak_score": 0.0} for n in ids])
            connection.execute(insert(Account), [
                {"person_id": n, "platform": "telegram", "external_id": str(n),
                 "display_name": f"walker{n}", "created_at": NOW} for n in ids])
        connection.execute(insert(Chat), [
            {"platform": "telegram", "external_id": str(-1000 - n), "kind": "group",
             "title": f"group {n}", "created_at": NOW, "challenge_on": True,
             "challenge_time": "07:30", "timezone": "UTC", "daily_goal": 10,
             "post_next": DUE} for n in range(groups)])
    engine.dispose()


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


async def log_latencies(coach: AsyncCoach, clock: Clock, who: UserRef, stop: asyncio.Event,
                        start: int) -> list[float]:
    """A person logging walks one after another until told to stop; each latency in ms."""
    latencies = []
    n = start
    while not stop.is_set():
        n += 1
        t0 = time.perf_counter()
        await coach.handle(Message(who, private_chat(who), "/log 10 min", key=f"log:{n}"))
        latencies.append((time.perf_counter() - t0) * 1000)
        await asyncio.sleep(0.005)
    return latencies


async def fold_log_every(coach: AsyncCoach, seconds: float) -> None:
    """The running coach's housekeeping job (bot/scheduler.py): the write-ahead log folded into
    the database file every few seconds, off the coach's worker."""
    while True:
        await asyncio.sleep(seconds)
        await coach.fold_log()


async def plan_together(coach: AsyncCoach) -> int:
    """Planning as before: every step one batch of each kind (reminders, nudges, summaries,
    posts) in one unit of work on the worker."""
    queued, more = 0, True
    while more:
        step = await coach._call(coach.coach.plan_step, None)
        queued, more = queued + step.queued, step.more
    return queued


async def plan_stepwise(coach: AsyncCoach) -> int:
    """Planning one kind at a time as before 7 December: every batch its own call to the
    worker, through the event loop and back."""
    first = await coach._call(coach.coach.plan_step, None)
    queued = first.queued
    for planner in first.pending:
        more = True
        while more:
            step = await coach._call(coach.coach.plan_step, planner)
            queued, more = queued + step.queued, step.more
    return queued


async def plan(coach: AsyncCoach, mode: str) -> int:
    """Queue everything due: the coach's way now (`apart`), or as before."""
    if mode == "apart":
        return await coach.plan_deliveries()
    return await (plan_stepwise(coach) if mode == "stepwise" else plan_together(coach))


def started(url: str) -> tuple[Engine, Clock, AsyncCoach, asyncio.Task[None]]:
    """The coach as `retrowalk run` has it: one worker, the log folded in the background."""
    engine = make_engine(url)
    clock = Clock()
    coach = AsyncCoach(Coach(UnitOfWorkFactory(engine), clock))
    return engine, clock, coach, asyncio.create_task(fold_log_every(coach, FOLD_SECONDS))


async def measure_alone(url: str, mode: str) -> None:
    """The planning tick with nothing due, then queueing all that is due with nothing else to
    do: what was queued, how long it took, the memory it needed."""
    engine, clock, coach, folding = started(url)
    quiet = []
    for _ in range(50):  # 05:00: nothing is due
        t0 = time.perf_counter()
        assert await coach.plan_deliveries() == 0
        quiet.append((time.perf_counter() - t0) * 1000)
    print(f"planning tick, nothing due:  p50 {percentile(quiet, 50):.2f} ms, "
          f"max {max(quiet):.2f} ms   (target at most 50 ms)")
    clock.now = DUE + timedelta(seconds=10)
    t0 = time.perf_counter()
    queued = await plan(coach, mode)
    planning = time.perf_counter() - t0
    print(f"queueing all that is due:    {queued:,} messages in {planning:.2f} s   "
          f"(target at most 5 s)")
    with engine.connect() as connection:
        rows, accounts, chats = connection.execute(text(
            "SELECT count(*), count(DISTINCT account_id), count(DISTINCT chat_id) "
            "FROM deliveries")).one()
    print(f"in the delivery queue:       {rows:,} rows, for {accounts:,} people and "
          f"{chats:,} groups")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process:  {peak:.0f} MB   (target at most 300 MB)")
    folding.cancel()
    coach.close()
    engine.dispose()


async def measure_beside(url: str, mode: str, seconds: float) -> None:
    """On a fresh copy: a person logging walks one after another, first for `seconds` with
    nothing due, then while everything due is queued on the same worker; the p99 of each and
    how long the queueing took with them."""
    engine, clock, coach, folding = started(url)
    walker = UserRef(Platform.CONSOLE, "logger", "logger")
    await coach.handle(Message(walker, private_chat(walker), "/start"))
    stop = asyncio.Event()
    alone = asyncio.create_task(log_latencies(coach, clock, walker, stop, 0))
    await asyncio.sleep(seconds)
    stop.set()
    without = await alone

    clock.now = DUE + timedelta(seconds=10)
    stop = asyncio.Event()
    beside = asyncio.create_task(log_latencies(coach, clock, walker, stop, 100_000))
    t0 = time.perf_counter()
    queued = await plan(coach, mode)
    planning = time.perf_counter() - t0
    stop.set()
    during = await beside
    print(f"queueing beside the /logs:   {queued:,} messages in {planning:.2f} s "
          f"(the worker answered {len(during)} /logs meanwhile)")
    p99_alone, p99_during = percentile(without, 99), percentile(during, 99)
    print(f"/log p99 without planning:   {p99_alone:.2f} ms ({len(without)} logs)")
    print(f"/log p99 while planning:     {p99_during:.2f} ms ({len(during)} logs), "
          f"{p99_during / p99_alone:.2f}x   (target at most 2x)")
    folding.cancel()
    coach.close()
    engine.dispose()


async def main(people: int, groups: int, modes: list[str], log_seconds: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "template.db"
        t0 = time.perf_counter()
        populate(f"sqlite:///{template}", people, groups)
        print(f"{people:,} people with a 07:30 reminder and {groups:,} groups with a 07:30 "
              f"post (made in {time.perf_counter() - t0:.0f} s), SQLite file\n")
        for n, mode in enumerate(modes):
            print(f"--- planning {MODES[mode]}")
            for measured, how in ((measure_alone, ()), (measure_beside, (log_seconds,))):
                copy = Path(folder) / f"fanout-{n}.db"
                shutil.copyfile(template, copy)
                await measured(f"sqlite:///{copy}", mode, *how)
                copy.unlink()
            print()


MODES = {"apart": "one kind of message per step, batches while nobody waits (now)",
         "stepwise": "one kind of message per step, each batch its own call (before 7 Dec)",
         "together": "every kind in each step (before 2 Dec)"}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=1_000)
    parser.add_argument("--log-seconds", type=float, default=6.0,
                        help="how long /log is timed with nothing due (the baseline)")
    parser.add_argument("--modes", default="apart",
                        help="comma-separated, run one after another: apart (now), stepwise, "
                             "together (before), e.g. stepwise,apart")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.people, arguments.groups, arguments.modes.split(","),
                     arguments.log_seconds))
