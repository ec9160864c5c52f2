"""Benchmark of the Telegram adapter (not a test: it prints figures).

Updates per second through the real python-telegram-bot stack against the fake Telegram Bot API
(tests/fakes/telegram): each update is a /log from one of many users in their private chats, and
the bot answers each. The coach's bot (TelegramService on a real Coach and a temporary SQLite
file) runs next to a bare python-telegram-bot echo bot on the same fake, in the same run, with
the same number of updates and the same settings, in interleaved rounds; it prints both rates
(medians) and their ratio, sequential and with concurrent updates, and once more with the core
left out (a canned reply) to tell the adapter's cost from the core's. The fake runs in a child
process so that its own work is charged to neither bot. Neither bot has AIORateLimiter, which
would hold both at Telegram's 30 messages a second. It takes about four minutes:

    .venv/bin/python bench/telegram.py [--updates 2000] [--users 200] [--rounds 3]
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
import multiprocessing
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
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

# ---------------------------------------------------------------- the fake, in its own process


@dataclass(frozen=True)
class FakeInfo:
    """How to reach the fake."""

    base_url: str
    file_url: str
    token: str


def serve_fake(conn: Connection, users: int) -> None:
    """Child process: run the fake Telegram; on request, queue updates and time the replies."""
    asyncio.run(_serve(conn, users))


async def _serve(conn: Connection, users: int) -> None:
    from tests.fakes.telegram import FakeTelegram

    async with FakeTelegram() as fake:
        people = [fake.user(f"walker{n}") for n in range(users)]
        chats = [fake.private_chat(person) for person in people]
        conn.send(FakeInfo(fake.base_url, fake.base_file_url, fake.token))
        loop = asyncio.get_running_loop()
        while True:
            request = await loop.run_in_executor(None, conn.recv)
            if request is None:
                return
            await fake.wait_until_polling()
            start, begin = fake.checkpoint(), time.monotonic()
            for n in range(request):
                fake.send_text(people[n % users], chats[n % users], f"/log {n % 30 + 1} min")
            conn.send(await _replies(fake, start, request) - begin)


async def _replies(fake: Any, start: int, count: int) -> float:
    """When the `count`-th reply since `start` was sent (monotonic seconds)."""
    index, got, last = start, 0, 0.0
    while got < count:
        calls = fake.calls
        for call in calls[index:]:
            if call.ok and call.method == "sendMessage":
                got, last = got + 1, call.at
        index = len(calls)
        await asyncio.sleep(0.002)
    return float(last)


# ---------------------------------------------------------------- the two bots


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bare bot: echoes the command."""
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(update.effective_message.text)


def echo_application(info: FakeInfo, concurrency: int) -> Application[Any, Any, Any, Any, Any,
                                                                      Any]:
    """A plain python-telegram-bot echo bot with the service's timeouts and concurrency."""
    builder = (ApplicationBuilder().token(info.token).base_url(info.base_url)
               .base_file_url(info.file_url).connect_timeout(10).read_timeout(15)
               .write_timeout(30).get_updates_read_timeout(42).job_queue(None)
               .concurrent_updates(concurrency if concurrency > 1 else False))
    application = builder.build()
    application.add_handler(CommandHandler("log", echo))
    return application


@asynccontextmanager
async def echo_bot(info: FakeInfo, concurrency: int) -> AsyncIterator[None]:
    """The echo bot polling, as run_polling would start it."""
    application = echo_application(info, concurrency)
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
async def coach_bot(info: FakeInfo, concurrency: int, coach: Any) -> AsyncIterator[None]:
    """The coach's TelegramService polling."""
    settings = Settings(_env_file=None, telegram_api_url=info.base_url,  # type: ignore[call-arg]
                        telegram_file_url=info.file_url)
    service = TelegramService(settings, info.token, coach, rate_limited=False,
                              concurrent_updates=concurrency)
    await service.start()
    try:
        yield
    finally:
        await service.stop()


# ---------------------------------------------------------------- measuring


async def rate(conn: Connection, updates: int, bot: Callable[[], Any]) -> float:
    """Updates per second for one round: the bot started, the fake fed, the bot stopped."""
    async with bot():
        conn.send(updates)
        elapsed = await asyncio.get_running_loop().run_in_executor(None, conn.recv)
    return updates / float(elapsed)


async def main(updates: int, users: int, rounds: int, levels: list[int]) -> None:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=serve_fake, args=(theirs, users), daemon=True)
    child.start()
    info: FakeInfo = ours.recv()
    rates: dict[tuple[str, int], list[float]] = {}
    try:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            engine = open_database(url)
            coach = build_coach(engine)
            bots: dict[str, Callable[[int], Any]] = {
                "echo": lambda c: echo_bot(info, c),
                "coach": lambda c: coach_bot(info, c, coach),
                "canned": lambda c: coach_bot(info, c, CannedCoach()),
            }
            for bot in bots.values():  # warm up every code path once, not counted
                await rate(ours, updates // 4, lambda bot=bot: bot(1))
            # Rounds interleave settings and bots, so that a machine getting slower or faster
            # during the run does not favour one of them.
            for _ in range(rounds):
                for concurrency in levels:
                    for name, bot in bots.items():
                        rates.setdefault((name, concurrency), []).append(
                            await rate(ours, updates, lambda b=bot, c=concurrency: b(c)))
            coach.close()
            engine.dispose()
    finally:
        ours.send(None)
        child.join(10)
    print(f"{updates:,} updates per round (/log from {users} users in private chats), median of "
          f"{rounds} rounds; fake Telegram in a child process; no rate limiter\n")
    print(f"{'concurrent updates':<20}{'echo bot /s':>12}{'coach /s':>12}{'ratio':>7}"
          f"{'core left out /s':>18}{'ratio':>7}")
    for concurrency in levels:
        echo_rate, coach_rate, canned_rate = (
            statistics.median(rates[(name, concurrency)]) for name in ("echo", "coach", "canned"))
        label = "1 (sequential)" if concurrency == 1 else str(concurrency)
        print(f"{label:<20}{echo_rate:>12,.0f}{coach_rate:>12,.0f}{coach_rate / echo_rate:>7.2f}"
              f"{canned_rate:>18,.0f}{canned_rate / echo_rate:>7.2f}")
    print("\n'coach': the coach as `retrowalk run` runs it, on a worker thread of the bot's "
          "process.\n'core left out': the same service with a canned /log reply, to tell the "
          "adapter's cost\nfrom the core's.")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", default=f"1,{CONCURRENT_UPDATES},32",
                        help="concurrent updates to compare (1: sequential; default: %(default)s)")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.updates, arguments.users, arguments.rounds,
                     [int(n) for n in arguments.concurrency.split(",")]))
