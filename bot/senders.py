"""A cluster's senders (`retrowalk run --role worker`): one per platform whose token is set.

Each platform's sender waits for its own lock (bot/cluster.py `run_sender`, keyed by its token)
and drains its own queue; a platform's service here only sends: Telegram's bot receives no
updates, Discord's client logs in over HTTP and never connects to the gateway."""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING

from bot import cluster
from bot.settings import Settings
from core.api import CoachAPI

if TYPE_CHECKING:
    from bot.app import PlatformService

# The platforms a cluster sends on, in order: each has its drain queue and its sender lock.
CLUSTER_PLATFORMS = ("telegram", "discord")


def cluster_tokens(settings: Settings) -> dict[str, str]:
    """The platforms whose tokens the settings hold, with the token: a worker sends for each."""
    tokens = {"telegram": settings.telegram_secret(), "discord": settings.discord_secret()}
    return {platform: token for platform, token in tokens.items() if token}


def cluster_platforms(settings: Settings) -> list[str]:
    """The platforms a scheduler defers drains for: those whose tokens it holds (it is given
    the workers' settings); with neither token, every platform (a drain no sender takes only
    waits, one at a time)."""
    return list(cluster_tokens(settings)) or list(CLUSTER_PLATFORMS)


async def run_senders(settings: Settings, coach: CoachAPI, url: str,
                      stop: asyncio.Event) -> None:
    """A sender (or standby) per platform whose token is set, each with its own lock and jobs
    app; when one fails (its lock lost), the others stop too and the failure is raised."""
    services = sender_services(settings, coach)
    if not services:  # `retrowalk run` refuses this; nothing to send with
        await stop.wait()
        return
    started: list[tuple[str, str, PlatformService]] = []
    try:
        for platform, token, service in services:
            await service.start()
            started.append((platform, token, service))
        senders = [asyncio.create_task(cluster.run_sender(
            cluster.Jobs(url, coach, [platform], plan_seconds=settings.plan_seconds),
            platform, token, service.notifier(), stop), name=f"sender-{platform}")
            for platform, token, service in started]
        try:
            for sender in asyncio.as_completed(senders):
                await sender
        finally:
            stop.set()  # one ended (failed, or stopped): all stop
            await asyncio.gather(*senders, return_exceptions=True)
    finally:
        for _, _, service in reversed(started):
            await service.stop()


def sender_services(settings: Settings,
                    coach: CoachAPI) -> list[tuple[str, str, PlatformService]]:
    """Per platform whose token is set: its name, token and a service that only sends."""
    services: list[tuple[str, str, PlatformService]] = []
    for platform, token in cluster_tokens(settings).items():
        if platform == "telegram":
            os.environ.setdefault("PTB_TIMEDELTA", "true")  # as in platform_services
            from bot.telegram.service import TelegramService

            services.append((platform, token,
                             TelegramService(settings, token, coach, receive=False)))
        else:
            from bot.discord.service import DiscordService

            services.append((platform, token,
                             DiscordService(settings, token, coach, receive=False)))
    return services
