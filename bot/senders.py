"""A cluster's senders (`retrowalk run --role worker`): one per platform whose token is set.

Each platform's sender waits for its own lock (bot/cluster.py `run_sender`, keyed by its token)
and drains its own queue; a platform's service here only sends: Telegram's bot receives no
updates, Discord's client logs in over HTTP and never connects to the gateway."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from typing import TYPE_CHECKING

from bot import cluster
from bot.settings import Settings
from core.api import CoachAPI

if TYPE_CHECKING:
    from bot.app import PlatformService

# The platforms a cluster sends on, in order: each has its drain queue and its sender lock.
CLUSTER_PLATFORMS = ("telegram", "discord")
# A platform's service that cannot start is tried again after this long, doubling to at most
# START_RETRY_MOST.
START_RETRY_FIRST = 5.0
START_RETRY_MOST = 300.0
log = logging.getLogger(__name__)


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
    app. A platform that cannot start (its API down, its token refused) is tried again on its
    own while the others send; when one sender fails (its lock lost), the others stop too and
    the failure is raised."""
    tokens = cluster_tokens(settings)
    if not tokens:  # `retrowalk run` refuses this; nothing to send with
        await stop.wait()
        return
    senders = [asyncio.create_task(_send_for(settings, coach, url, platform, token, stop),
                                   name=f"sender-{platform}")
               for platform, token in tokens.items()]
    try:
        for sender in asyncio.as_completed(senders):
            await sender
    finally:
        stop.set()  # one ended (failed, or stopped): all stop
        await asyncio.gather(*senders, return_exceptions=True)


async def _send_for(settings: Settings, coach: CoachAPI, url: str, platform: str, token: str,
                    stop: asyncio.Event) -> None:
    """Start a service for one platform (a new one each time, further apart, while it fails),
    then send or stand by for it until `stop`; the service stopped after."""
    pause = START_RETRY_FIRST
    while True:
        service = sender_service(settings, coach, platform, token)
        try:
            await service.start()
            break
        except Exception as error:
            log.error("the %s sender could not start (%s: %s); trying again in %.0f s; the "
                      "other platforms send meanwhile", platform, type(error).__name__, error,
                      pause)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), pause)
        if stop.is_set():
            return
        pause = min(pause * 2, START_RETRY_MOST)
    try:
        await cluster.run_sender(
            cluster.Jobs(url, coach, [platform], plan_seconds=settings.plan_seconds),
            platform, token, service.notifier(), stop)
    finally:
        await service.stop()


def sender_service(settings: Settings, coach: CoachAPI, platform: str,
                   token: str) -> PlatformService:
    """A new service for the platform that only sends."""
    if platform == "telegram":
        os.environ.setdefault("PTB_TIMEDELTA", "true")  # as in platform_services
        from bot.telegram.service import TelegramService

        return TelegramService(settings, token, coach, receive=False)
    from bot.discord.service import DiscordService

    return DiscordService(settings, token, coach, receive=False)
