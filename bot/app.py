"""The composition root: the only place that builds things and wires them together."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from sqlalchemy import Engine

from bot.settings import Settings
from core.clock import Clock, system_clock
from core.coach import Coach
from core.persistence.engine import default_database_url, describe, make_engine
from core.persistence.migrate import upgrade
from core.persistence.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)


def database_url(settings: Settings, override: str | None = None) -> str:
    """--db, then RETROWALK_DATABASE_URL, then retrowalk.db in the working directory."""
    return override or settings.database_url or default_database_url()


def open_database(url: str) -> Engine:
    """An engine on `url`, migrated to the newest schema."""
    engine = make_engine(url)
    upgrade(engine)
    log.info("database ready: %s", describe(url))
    return engine


def build_coach(engine: Engine, clock: Clock = system_clock) -> Coach:
    """The coach on a database."""
    return Coach(UnitOfWorkFactory(engine), clock)


async def run_console(coach: Coach, user: str, output_dir: Path) -> None:
    """The terminal chat until end of input."""
    from bot.console.chat import ConsoleChat, run_chat

    await run_chat(ConsoleChat(coach, user, output_dir))


async def run_platforms(settings: Settings, coach: Coach) -> None:
    """Telegram and/or Discord on one event loop, sharing one coach, until cancelled."""
    services = []
    telegram_token = settings.telegram_secret()
    discord_token = settings.discord_secret()
    if telegram_token:
        from bot.telegram.service import TelegramService

        services.append(TelegramService(settings, telegram_token, coach))
    if discord_token:
        from bot.discord.service import DiscordService

        services.append(DiscordService(settings, discord_token, coach))
    for service in services:
        await service.start()
    try:
        await asyncio.Event().wait()
    finally:
        for service in reversed(services):
            await service.stop()
