"""APScheduler decides *when* to look for due messages; it only enqueues, never sends."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.dispatch import Dispatcher
from core.api import CoachAPI

log = logging.getLogger(__name__)
PLAN_JOB = "plan-deliveries"
TICK_SECONDS = 30.0


async def plan(
    coach: CoachAPI, platforms: list[str], dispatchers: Sequence[Dispatcher]
) -> None:
    """The job: queue whatever is due (idempotently) and wake the senders."""
    try:
        queued = await coach.plan_deliveries(platforms)
    except Exception:
        log.exception("planning deliveries failed")
        return
    if queued:
        log.info("queued %d messages", queued)
        for dispatcher in dispatchers:
            dispatcher.wake()


def build_scheduler(
    coach: CoachAPI, dispatchers: Sequence[Dispatcher], *, tick: float = TICK_SECONDS
) -> AsyncIOScheduler:
    """One scheduler, one deterministic job; running it twice or restarting never doubles a
    message because deliveries are unique per (kind, recipient, occurrence)."""
    platforms = [d.notifier.platform.value for d in dispatchers]
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(
        plan, IntervalTrigger(seconds=tick, timezone=UTC), args=(coach, platforms, dispatchers),
        id=PLAN_JOB, replace_existing=True, coalesce=True, max_instances=1,
        misfire_grace_time=max(1, math.ceil(tick)),
    )
    return scheduler
