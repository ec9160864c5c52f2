"""The composition root: the only place that builds things and wires them together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import AsyncIterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from sqlalchemy import Engine, text

from bot.dispatch import IDLE_SECONDS, Dispatcher
from bot.health import Check, HealthServer
from bot.metrics import MeasuredCoach
from bot.scheduler import TICK_SECONDS, build_scheduler
from bot.settings import Settings
from core.api import CoachAPI
from core.clock import Clock, system_clock
from core.coach import AsyncCoach, Coach
from core.delivery import Notifier
from core.persistence.engine import default_database_url, describe, make_engine, sqlite_url
from core.persistence.migrate import current_revision, head_revision, upgrade
from core.persistence.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)


def database_url(settings: Settings, override: str | None = None) -> str:
    """--db, then RETROWALK_DATABASE_URL, then retrowalk.db in the working directory; a plain
    file path (no scheme://) is a SQLite file."""
    chosen = override or settings.database_url
    if not chosen:
        return default_database_url()
    return chosen if "://" in chosen else sqlite_url(chosen)


class SchemaBehind(Exception):
    """The database is not at this version's schema and this process may not migrate it."""

    def __init__(self, current: str | None, head: str | None) -> None:
        super().__init__(f"{current} < {head}")
        self.current, self.head = current, head


def open_database(url: str, *, migrate: bool = True) -> Engine:
    """An engine on `url`, migrated to the newest schema; with `migrate` off (a migration
    service runs `retrowalk db upgrade` instead) it must already be there."""
    engine = make_engine(url)
    try:
        if migrate:
            upgrade(engine)
        else:
            current, head = current_revision(engine), head_revision()
            if current != head:
                raise SchemaBehind(current, head)
    except BaseException:
        engine.dispose()
        raise
    log.info("database ready: %s", describe(url))
    return engine


def build_coach(engine: Engine, clock: Clock = system_clock) -> AsyncCoach:
    """The coach on a database, as adapters call it: on one worker thread of this process."""
    return AsyncCoach(Coach(UnitOfWorkFactory(engine), clock))


class HealthPortUnavailable(Exception):
    """The health port cannot be listened on (taken, or a privileged port)."""

    def __init__(self, listen: str, port: int, error: OSError) -> None:
        super().__init__(f"{listen}:{port}: {error.strerror or error}")
        self.listen, self.port, self.problem = listen, port, error.strerror or str(error)


@dataclass(frozen=True)
class HealthConfig:
    """Where /healthz, /readyz and /metrics are served, and the database /readyz asks."""

    listen: str
    port: int
    engine: Engine


def database_check(engine: Engine) -> Check:
    """SELECT 1 on a connection of the pool, off the event loop."""

    def select_one() -> bool:
        with engine.connect() as connection:
            return connection.execute(text("SELECT 1")).scalar() == 1

    async def check() -> bool:
        return await asyncio.to_thread(select_one)

    return check


def service_checks(services: list[PlatformService]) -> dict[str, Check]:
    """One readiness check per platform: connected and receiving."""

    def check_of(service: PlatformService) -> Check:
        async def check() -> bool:
            return service.ready()

        return check

    return {service.notifier().platform.value: check_of(service) for service in services}


@contextlib.asynccontextmanager
async def serving_health(health: HealthConfig | None, coach: CoachAPI,
                         checks: Mapping[str, Check]) -> AsyncIterator[HealthServer | None]:
    """The health and metrics server while inside, if one is configured."""
    if health is None:
        yield None
        return

    async def sample() -> None:
        await coach.schedule(1)  # a MeasuredCoach sets the queue-depth gauge from it

    server = HealthServer(health.listen, health.port,
                          {"database": database_check(health.engine), **checks}, sample)
    try:
        await server.start()
    except OSError as error:
        await server.stop()
        raise HealthPortUnavailable(health.listen, health.port, error) from None
    try:
        yield server
    finally:
        await server.stop()


async def run_console(coach: CoachAPI, user: str, output_dir: Path, *,
                      source: TextIO | None = sys.stdin, out: TextIO = sys.stdout,
                      tick: float = TICK_SECONDS, idle: float = IDLE_SECONDS,
                      group: str | None = None, admin: bool = False,
                      health: HealthConfig | None = None) -> None:
    """The terminal chat until end of input, with the scheduler and a dispatcher that prints
    the person's reminders when they are due (and, playing a group, its daily post)."""
    from bot.console.chat import ConsoleChat, run_chat
    from bot.console.service import ConsoleService

    measured = MeasuredCoach(coach)
    chat = ConsoleChat(measured, user, output_dir, out=out, group=group, admin=admin)
    async with (serving_health(health, measured, {}),
                running(measured, [ConsoleService(chat)], tick=tick, idle=idle)):
        await run_chat(chat, source)


class PlatformService(Protocol):
    """A platform adapter's lifecycle, and how it sends queued messages."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def ready(self) -> bool: ...
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


def _stop_on_signals() -> asyncio.Event:
    """Set by SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(stop_signal, stop.set)
    return stop


async def run_platforms(settings: Settings, coach: CoachAPI,
                        health: HealthConfig | None = None) -> None:
    """Telegram and/or Discord on one event loop, sharing one coach, until SIGTERM or SIGINT,
    which stop everything gracefully. /healthz answers from the start; /readyz once the
    platforms are connected."""
    stop = _stop_on_signals()
    measured = MeasuredCoach(coach)
    services = platform_services(settings, measured)
    async with (serving_health(health, measured, service_checks(services)),
                running(measured, services)):
        log.info("running; stop with SIGTERM or Ctrl-C")
        await stop.wait()
    log.info("stopped")


# `retrowalk run --role`: `all` is one process doing everything (the in-process dispatcher and
# APScheduler, on SQLite or PostgreSQL); the others split it over processes on PostgreSQL, with
# procrastinate carrying the planning and sending (bot/cluster.py).
ROLES = ("all", "web", "gateway", "worker", "scheduler")


async def run_role(settings: Settings, coach: CoachAPI, url: str, role: str,
                   health: HealthConfig | None = None) -> None:
    """One role of a cluster until SIGTERM or SIGINT: `web` receives Telegram updates (its
    webhook), `gateway` Discord's, `worker` sends deliveries (one sender per bot token, the
    others stand by), `scheduler` plans them."""
    if role == "all":
        await run_platforms(settings, coach, health)
        return
    async with serving_health(health, MeasuredCoach(coach), {}):
        await _run_cluster_role(settings, coach, url, role)


async def _run_cluster_role(settings: Settings, coach: CoachAPI, url: str, role: str) -> None:
    from bot import cluster, senders

    stop = _stop_on_signals()
    if role == "scheduler":
        await cluster.run_scheduler(
            cluster.Jobs(url, coach, senders.cluster_platforms(settings),
                         plan_seconds=settings.plan_seconds),
            stop)
    elif role == "worker":
        await senders.run_senders(settings, coach, url, stop)
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
