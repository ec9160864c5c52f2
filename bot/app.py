"""The composition root: the only place that builds things and wires them together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Protocol, TextIO

from sqlalchemy import Engine

from bot.dispatch import IDLE_SECONDS, Dispatcher
from bot.scheduler import TICK_SECONDS, build_scheduler
from bot.settings import Settings
from core.api import CoachAPI
from core.clock import Clock, system_clock
from core.coach import AsyncCoach, Coach
from core.delivery import Notifier
from core.persistence.engine import default_database_url, describe, make_engine, sqlite_url
from core.persistence.migrate import upgrade
from core.persistence.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)


def database_url(settings: Settings, override: str | None = None) -> str:
    """--db, then RETROWALK_DATABASE_URL, then retrowalk.db in the working directory; a plain
    file path (no scheme://) is a SQLite file."""
    chosen = override or settings.database_url
    if not chosen:
        return default_database_url()
    return chosen if "://" in chosen else sqlite_url(chosen)


def open_database(url: str) -> Engine:
    """An engine on `url`, migrated to the newest schema."""
    engine = make_engine(url)
    upgrade(engine)
    log.info("database ready: %s", describe(url))
    return engine


def build_coach(engine: Engine, clock: Clock = system_clock) -> AsyncCoach:
    """The coach on a database, as adapters call it: on one worker thread of this process."""
    return AsyncCoach(Coach(UnitOfWorkFactory(engine), clock))


async def run_console(coach: CoachAPI, user: str, output_dir: Path, *,
                      source: TextIO | None = sys.stdin, out: TextIO = sys.stdout,
                      tick: float = TICK_SECONDS, idle: float = IDLE_SECONDS) -> None:
    """The terminal chat until end of input, with the scheduler and a dispatcher that prints
    the person's reminders when they are due."""
    from bot.console.chat import ConsoleChat, run_chat
    from bot.console.service import ConsoleService

    chat = ConsoleChat(coach, user, output_dir, out=out)
    async with running(coach, [ConsoleService(chat)], tick=tick, idle=idle):
        await run_chat(chat, source)


class PlatformService(Protocol):
    """A platform adapter's lifecycle, and how it sends queued messages."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def notifier(self) -> Notifier: ...


def platform_services(settings: Settings, coach: CoachAPI) -> list[PlatformService]:
    """The adapters whose tokens are set."""
    services: list[PlatformService] = []
    telegram_token = settings.telegram_secret()
    discord_token = settings.discord_secret()
    if telegram_token:
        # python-telegram-bot 22 warns each time it builds a RetryAfter unless its next major's
        # time periods (timedelta, not int) are opted into, and an environment variable is its
        # only switch. Set for this process, which serves the bot until it exits, and never
        # undone; the adapter reads retry_after in either form (bot/telegram/notifier.py).
        os.environ.setdefault("PTB_TIMEDELTA", "true")
        from bot.telegram.service import TelegramService

        services.append(TelegramService(settings, telegram_token, coach))
    if discord_token:
        from bot.discord.service import DiscordService

        services.append(DiscordService(settings, discord_token, coach))
    return services


# Processes that draw the charts of weekly summaries at send time. One fewer than the cores (the
# loop and the coach's worker keep one), at least one; niced, so a fan-out of charts yields the
# CPU to people's requests.
PICTURE_WORKERS = max(1, (os.cpu_count() or 2) - 1)
PICTURE_NICENESS = 10


def _lower_priority() -> None:
    os.nice(PICTURE_NICENESS)


def picture_pool(workers: int = PICTURE_WORKERS) -> ProcessPoolExecutor:
    """A process pool for drawing charts; processes start when the first chart is asked for.
    Spawned, not forked: this process has threads (the coach's worker) and open databases."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_lower_priority)


@contextlib.asynccontextmanager
async def running(
    coach: CoachAPI, services: list[PlatformService], *, tick: float = TICK_SECONDS,
    idle: float = IDLE_SECONDS,
) -> AsyncIterator[list[Dispatcher]]:
    """Adapters started, a dispatcher per platform and the scheduler running; all stopped after,
    each by what started it."""
    started: list[PlatformService] = []
    dispatchers: list[Dispatcher] = []
    scheduler = None
    pictures = picture_pool()
    try:
        for service in services:
            await service.start()
            started.append(service)
        dispatchers = [Dispatcher(coach, s.notifier(), idle=idle, pictures=pictures)
                       for s in started]
        for dispatcher in dispatchers:
            dispatcher.start()
        scheduler = build_scheduler(coach, dispatchers, tick=tick)
        scheduler.start()
        yield dispatchers
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        for dispatcher in dispatchers:
            await dispatcher.stop()
        for service in reversed(started):
            await service.stop()
        # The dispatchers have finished their sends: no chart is wanted any more.
        await asyncio.to_thread(pictures.shutdown, wait=True, cancel_futures=True)


async def run_platforms(settings: Settings, coach: CoachAPI) -> None:
    """Telegram and/or Discord on one event loop, sharing one coach, until SIGTERM or SIGINT,
    which stop everything gracefully."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(stop_signal, stop.set)
    async with running(coach, platform_services(settings, coach)):
        log.info("running; stop with SIGTERM or Ctrl-C")
        await stop.wait()
    log.info("stopped")
