"""The composition root: the only place that builds things and wires them together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator
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
                      tick: float = TICK_SECONDS, idle: float = IDLE_SECONDS,
                      group: str | None = None, admin: bool = False) -> None:
    """The terminal chat until end of input, with the scheduler and a dispatcher that prints
    the person's reminders when they are due (and, playing a group, its daily post)."""
    from bot.console.chat import ConsoleChat, run_chat
    from bot.console.service import ConsoleService

    chat = ConsoleChat(coach, user, output_dir, out=out, group=group, admin=admin)
    async with running(coach, [ConsoleService(chat)], tick=tick, idle=idle):
        await run_chat(chat, source)


class PlatformService(Protocol):
    """A platform adapter's lifecycle, and how it sends queued messages."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def notifier(self) -> Notifier: ...


def platform_services(settings: Settings, coach: CoachAPI,
                      role: str = "all") -> list[PlatformService]:
    """The adapters whose tokens are set (for `role` web only Telegram, for gateway only
    Discord)."""
    services: list[PlatformService] = []
    telegram_token = settings.telegram_secret()
    discord_token = settings.discord_secret()
    if telegram_token and role in ("all", "web"):
        # python-telegram-bot 22 warns each time it builds a RetryAfter unless its next major's
        # time periods (timedelta, not int) are opted into, and an environment variable is its
        # only switch. Set for this process, which serves the bot until it exits, and never
        # undone; the adapter reads retry_after in either form (bot/telegram/notifier.py).
        os.environ.setdefault("PTB_TIMEDELTA", "true")
        from bot.telegram.service import TelegramService

        services.append(TelegramService(settings, telegram_token, coach,
                                        shared_updates=role == "web"))
    if discord_token and role in ("all", "gateway"):
        from bot.discord.service import DiscordService

        services.append(DiscordService(settings, discord_token, coach))
    return services


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
    try:
        for service in services:
            await service.start()
            started.append(service)
        dispatchers = [Dispatcher(coach, s.notifier(), idle=idle) for s in started]
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


def _stop_on_signals() -> asyncio.Event:
    """Set by SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(stop_signal, stop.set)
    return stop


async def run_platforms(settings: Settings, coach: CoachAPI) -> None:
    """Telegram and/or Discord on one event loop, sharing one coach, until SIGTERM or SIGINT,
    which stop everything gracefully."""
    stop = _stop_on_signals()
    async with running(coach, platform_services(settings, coach)):
        log.info("running; stop with SIGTERM or Ctrl-C")
        await stop.wait()
    log.info("stopped")


# `retrowalk run --role`: `all` is one process doing everything (the in-process dispatcher and
# APScheduler, on SQLite or PostgreSQL); the others split it over processes on PostgreSQL, with
# procrastinate carrying the planning and sending (bot/cluster.py).
ROLES = ("all", "web", "gateway", "worker", "scheduler")


# The platforms a cluster's workers send for (Discord's deliveries need `--role all` for now).
CLUSTER_PLATFORMS = ["telegram"]


async def run_role(settings: Settings, coach: CoachAPI, url: str, role: str) -> None:
    """One role of a cluster until SIGTERM or SIGINT: `web` receives Telegram updates (its
    webhook), `gateway` Discord's, `worker` sends deliveries (one sender per bot token, the
    others stand by), `scheduler` plans them."""
    if role == "all":
        await run_platforms(settings, coach)
        return
    from bot import cluster

    stop = _stop_on_signals()
    if role == "scheduler":
        await cluster.run_scheduler(
            cluster.Jobs(url, coach, CLUSTER_PLATFORMS, plan_seconds=settings.plan_seconds),
            stop)
    elif role == "worker":
        await _run_senders(settings, coach, url, stop)
    else:
        services = platform_services(settings, coach, role)
        started: list[PlatformService] = []
        try:
            for service in services:
                await service.start()
                started.append(service)
            log.info("running as %s; stop with SIGTERM or Ctrl-C", role)
            await stop.wait()
        finally:
            for service in reversed(started):
                await service.stop()
    log.info("stopped")


async def _run_senders(settings: Settings, coach: CoachAPI, url: str,
                       stop: asyncio.Event) -> None:
    from bot import cluster
    from bot.telegram.service import TelegramService

    token = settings.telegram_secret()
    if not token:
        await stop.wait()
        return
    os.environ.setdefault("PTB_TIMEDELTA", "true")  # as in platform_services
    service = TelegramService(settings, token, coach, receive=False)
    await service.start()
    try:
        jobs = cluster.Jobs(url, coach, CLUSTER_PLATFORMS, plan_seconds=settings.plan_seconds)
        await cluster.run_sender(jobs, "telegram", token, service.notifier(), stop)
    finally:
        await service.stop()
