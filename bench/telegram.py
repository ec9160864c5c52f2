"""Latency benchmark of the Telegram adapter (not a test: it prints figures).

Telegram lets a bot send about 30 messages a second, so throughput beyond that buys nothing; what
users feel is how long a reply takes. The fake Telegram Bot API (tests/fakes/telegram) feeds
`/log N min` updates from many users' private chats at a fixed arrival rate, open loop: arrival
times are scheduled up front and kept whatever the bot does, without waiting for replies. For
each update it measures the reply latency, from when the update was made available to
getUpdates to when the bot's sendMessage reply for it reached the fake (replies are matched to
updates by chat and order), and prints p50, p95, p99 and max, the achieved reply rate, and how
much of the latency was spent before a getUpdates returned the update.

Three bots run against the same fake in the same run, in interleaved rounds so that a machine
getting slower or faster does not favour one: a bare python-telegram-bot echo bot; the coach
(TelegramService on `build_coach` and a temporary SQLite file, as `retrowalk run` runs it); and
the same service with the core left out (a canned reply), to tell the adapter's cost from the
core's. All handle the service's 4 updates at once. The fake runs in a child process so that its
work is charged to neither bot; it answers a parked getUpdates as soon as an update arrives (an
event, no timer), so the only polling floor is the bot's own gap between two getUpdates. Neither
bot has AIORateLimiter, which would hold both at 30 messages a second.

Defaults: 30, 100 and 300 updates/s, each bot 12 s of load per rate in 3 rounds of 4 s, from 200
users. It takes about two minutes on an idle machine; longer on a busy one, where a bot that
falls behind the arrivals (at 300/s) has a backlog to work off before its round ends:

    .venv/bin/python bench/telegram.py [--rates 30,100,300] [--seconds 15] [--rounds 3]
                                       [--users 200]
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file shares its name with the package it measures: keep its own folder off the import
# path, and the repository (for the fake in tests/) on it.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

import argparse
import asyncio
import math
import multiprocessing
import os
import tempfile
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CommandHandler, ContextTypes

from bot.app import build_coach, open_database
from bot.settings import Settings
from bot.telegram.service import CONCURRENT_UPDATES, TelegramService
from core import texts
from core.api import Message
from core.replies import Button, Reply

TARGET_RATE = 100  # updates/s
TARGET_P99 = 0.050  # seconds
DRAIN_SECONDS = 10.0  # a round ends when no reply has come for this long after the last update

# ---------------------------------------------------------------- the fake, in its own process


@dataclass(frozen=True)
class FakeInfo:
    """How to reach the fake."""

    base_url: str
    file_url: str
    token: str


@dataclass(frozen=True)
class Load:
    """One round's load: `count` updates arriving `rate` a second."""

    rate: float
    count: int


@dataclass
class Measured:
    """What the fake saw in one or more rounds (all times in seconds)."""

    updates: int = 0
    replies: list[float] = field(default_factory=list)  # made available -> reply reached fake
    polled: list[float] = field(default_factory=list)  # made available -> getUpdates returned it
    lag: list[float] = field(default_factory=list)  # made available - its scheduled arrival
    span: float = 0.0  # first arrival to last reply, summed over rounds

    def add(self, other: Measured) -> None:
        """Pool another round's figures with these."""
        self.updates += other.updates
        self.replies += other.replies
        self.polled += other.polled
        self.lag += other.lag
        self.span += other.span


def serve_fake(conn: Connection, users: int) -> None:
    """Child process: run the fake Telegram; on request, feed a load and time the replies."""
    asyncio.run(_serve(conn, users))


async def _serve(conn: Connection, users: int) -> None:
    from tests.fakes.telegram import FakeTelegram

    # Updates are built by the fake itself; checking each against the spec would only slow the
    # feeder down.
    async with FakeTelegram(validate_updates=False) as fake:
        people = [fake.user(f"walker{n}") for n in range(users)]
        chats = [fake.private_chat(person) for person in people]
        conn.send(FakeInfo(fake.base_url, fake.base_file_url, fake.token))
        loop = asyncio.get_running_loop()
        sent = 0
        while True:
            load = await loop.run_in_executor(None, conn.recv)
            if load is None:
                return
            conn.send(await _round(fake, people, chats, load, sent))
            sent += load.count


async def _round(fake: Any, people: list[Any], chats: list[Any], load: Load,
                 sent: int) -> Measured:
    """Feed `load` open loop, then wait for the replies; `sent` updates came in earlier rounds
    (so that one user's successive /log differ)."""
    await fake.wait_until_polling()
    fake.world.queue.drop_pending()
    start = fake.checkpoint()
    users = len(people)
    waiting: dict[int, deque[tuple[int, float]]] = {chat.id: deque() for chat in chats}
    available: dict[int, float] = {}
    measured = Measured(updates=load.count)
    clock = time.monotonic
    # Arrivals are fixed up front: update n is due at begin + n / rate, however the bot is doing.
    begin = clock() + 0.02
    n = 0
    while n < load.count:
        now = clock()
        while n < load.count and begin + n / load.rate <= now:
            k = sent + n
            user, chat = people[k % users], chats[k % users]
            update_id = fake.send_text(user, chat, f"/log {k // users % 30 + 1} min")
            at = clock()
            waiting[chat.id].append((int(update_id), at))
            available[int(update_id)] = at
            measured.lag.append(at - (begin + n / load.rate))
            n += 1
        if n < load.count:
            # The loop serves the bot's requests meanwhile. Its timers have about a millisecond
            # of resolution; latencies count from when an update was actually made available.
            await asyncio.sleep(max(begin + n / load.rate - clock(), 0))
    first = begin
    last_reply = first
    index, answered, progress = start, 0, clock()
    calls = fake.recorder.calls
    while answered < load.count and clock() - progress < DRAIN_SECONDS:
        for call in calls[index:]:
            if not call.ok:
                continue
            if call.method == "getUpdates":
                for update in call.result:
                    update_id = update["update_id"]
                    if update_id in available:
                        measured.polled.append(call.at - available.pop(update_id))
            elif call.method == "sendMessage" and waiting.get(call.chat_id):
                _, at = waiting[call.chat_id].popleft()
                measured.replies.append(call.at - at)
                last_reply = max(last_reply, call.at)
                answered += 1
                progress = clock()
        index = len(calls)
        await asyncio.sleep(0.02)
    measured.span = last_reply - first
    return measured


# ---------------------------------------------------------------- the three bots


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bare bot: echoes the command."""
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(update.effective_message.text)


def echo_application(info: FakeInfo) -> Application[Any, Any, Any, Any, Any, Any]:
    """A plain python-telegram-bot echo bot with the service's timeouts and concurrency."""
    builder = (ApplicationBuilder().token(info.token).base_url(info.base_url)
               .base_file_url(info.file_url).connect_timeout(10).read_timeout(15)
               .write_timeout(30).get_updates_read_timeout(42).job_queue(None)
               .concurrent_updates(CONCURRENT_UPDATES if CONCURRENT_UPDATES > 1 else False))
    application = builder.build()
    application.add_handler(CommandHandler("log", echo))
    return application


@asynccontextmanager
async def echo_bot(info: FakeInfo) -> AsyncIterator[None]:
    """The echo bot polling, as run_polling would start it."""
    application = echo_application(info)
    await application.initialize()
    assert application.updater is not None
    await application.updater.start_polling()
    await application.start()
    try:
        yield
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


class CannedCoach:
    """The core left out: every message gets the same /log-like reply, with its Undo button. It
    shows what the adapter and python-telegram-bot cost without the core's work."""

    reply = Reply(texts.LOGGED.format(minutes=10, place="", day=texts.TODAY, extras="")
                  + "\nStreak: 1 day.\nThis week: 10 of 150 min (7%).",
                  buttons=(Button(texts.BUTTON_UNDO, "undo:1"),))

    async def handle(self, message: Message) -> Reply:
        """The canned reply."""
        return self.reply


@asynccontextmanager
async def coach_bot(info: FakeInfo, coach: Any) -> AsyncIterator[None]:
    """The coach's TelegramService polling (with its default concurrency, without the rate
    limiter)."""
    settings = Settings(_env_file=None, telegram_api_url=info.base_url,  # type: ignore[call-arg]
                        telegram_file_url=info.file_url)
    service = TelegramService(settings, info.token, coach, rate_limited=False)
    await service.start()
    try:
        yield
    finally:
        await service.stop()


# ---------------------------------------------------------------- measuring and reporting

Bot = Callable[[], AbstractAsyncContextManager[None]]


async def measure(conn: Connection, load: Load, bot: Bot) -> Measured:
    """One round: the bot started, the load fed and answered, the bot stopped."""
    async with bot():
        conn.send(load)
        result: Measured = await asyncio.get_running_loop().run_in_executor(None, conn.recv)
    return result


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of `values`; NaN if there are none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


def ms(seconds: float) -> str:
    """Seconds as milliseconds, for a table cell."""
    return f"{seconds * 1000:.1f}"


async def main(rates: list[float], seconds: float, rounds: int, users: int) -> None:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=serve_fake, args=(theirs, users), daemon=True)
    child.start()
    info: FakeInfo = ours.recv()
    names = {"echo": "echo bot", "coach": "coach", "canned": "core left out"}
    results: dict[tuple[float, str], Measured] = {}
    clock, load_before = time.monotonic(), os.getloadavg()[0]
    try:
        with tempfile.TemporaryDirectory() as folder:
            engine = open_database(f"sqlite:///{Path(folder) / 'bench.db'}")
            coach = build_coach(engine)
            bots: dict[str, Bot] = {
                "echo": lambda: echo_bot(info),
                "coach": lambda: coach_bot(info, coach),
                "canned": lambda: coach_bot(info, CannedCoach()),
            }
            # Warm every code path up once, not counted; each user logs once, so that no
            # first contact falls into the measured rounds.
            for bot in bots.values():
                await measure(ours, Load(TARGET_RATE, users), bot)
            for _ in range(rounds):
                for rate in rates:
                    load = Load(rate, max(round(rate * seconds / rounds), 1))
                    for name, bot in bots.items():
                        results.setdefault((rate, name), Measured()).add(
                            await measure(ours, load, bot))
            coach.close()
            engine.dispose()
    finally:
        ours.send(None)
        child.join(10)
    elapsed = time.monotonic() - clock
    machine = (f"Load average (1 min) of this machine: {load_before:.1f} at the start, "
               f"{os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} CPUs (other work skews "
               "latencies).")
    report(results, rates, seconds, rounds, users, names, f"Total run time {elapsed:.0f} s. "
           + machine)


def report(results: dict[tuple[float, str], Measured], rates: list[float], seconds: float,
           rounds: int, users: int, names: dict[str, str], note: str) -> None:
    """Print the table, the ratios and the target."""
    print(f"Open-loop /log updates from {users} users in private chats; per bot and rate "
          f"{seconds:g} s of load in {rounds} interleaved rounds;\nfake Telegram in a child "
          f"process; no rate limiter; {CONCURRENT_UPDATES} updates handled at once.\n"
          "Reply latency: update made available to getUpdates -> the bot's sendMessage for it "
          "reached the fake.\n'until polled': the part of it before a getUpdates returned the "
          "update.\n")
    print(f"{'rate /s':>8}  {'bot':<14}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>9}"
          f"{'replies/s':>11}{'missing':>9}{'until polled p50/p99 ms':>26}")
    for rate in rates:
        for name, label in names.items():
            m = results[(rate, name)]
            reply_rate = len(m.replies) / m.span if m.span > 0 else math.nan
            polled = f"{ms(percentile(m.polled, 50))} / {ms(percentile(m.polled, 99))}"
            print(f"{rate:>8g}  {label:<14}{ms(percentile(m.replies, 50)):>8}"
                  f"{ms(percentile(m.replies, 95)):>8}{ms(percentile(m.replies, 99)):>8}"
                  f"{ms(max(m.replies, default=math.nan)):>9}{reply_rate:>11.1f}"
                  f"{m.updates - len(m.replies):>9}{polled:>26}")
        echo_p99 = percentile(results[(rate, "echo")].replies, 99)
        print(f"{'':>10}p99 ratio coach/echo "
              f"{percentile(results[(rate, 'coach')].replies, 99) / echo_p99:.2f}, "
              f"core left out/echo "
              f"{percentile(results[(rate, 'canned')].replies, 99) / echo_p99:.2f}\n")
    lag = [x for m in results.values() for x in m.lag]
    print(f"The fake's feeder: updates made available {ms(percentile(lag, 50))} ms (p50), "
          f"{ms(percentile(lag, 99))} ms (p99), {ms(max(lag, default=math.nan))} ms (max) "
          "after their scheduled arrival.\nA parked getUpdates is answered as soon as an update "
          "arrives; 'until polled' above is the time the update\nwaited for the bot's next "
          "getUpdates (while it handled the previous batch) plus the fake's answer.")
    print(f"\n{note}\n")
    print(f"target: coach p99 reply latency at most {TARGET_P99 * 1000:.0f} ms at "
          f"{TARGET_RATE} updates/s")
    coach = results.get((TARGET_RATE, "coach"))
    if coach is None:
        print(f"not measured: {TARGET_RATE} updates/s is not among --rates")
        return
    p99 = percentile(coach.replies, 99)
    met = p99 <= TARGET_P99 and len(coach.replies) == coach.updates
    print(f"{'met' if met else 'NOT met'}: coach p99 {ms(p99)} ms at {TARGET_RATE} updates/s, "
          f"{coach.updates - len(coach.replies)} of {coach.updates} updates unanswered")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", default=f"30,{TARGET_RATE},300",
                        help="arrival rates in updates/s (default: %(default)s)")
    parser.add_argument("--seconds", type=float, default=12.0,
                        help="seconds of load per bot and rate, over all rounds "
                             "(default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--users", type=int, default=200)
    arguments = parser.parse_args()
    asyncio.run(main([float(r) for r in arguments.rates.split(",")], arguments.seconds,
                     arguments.rounds, arguments.users))
