"""APScheduler decides *when* to look for due messages; it only enqueues, never sends."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot import metrics
from bot.dispatch import Dispatcher
from core.api import CoachAPI

log = logging.getLogger(__name__)
PLAN_JOB = "plan-deliveries"
PURGE_JOB = "purge-deliveries"
FOLD_JOB = "fold-log"
TICK_SECONDS = 30.0
FOLD_SECONDS = 2.0


async def plan(coach: CoachAPI, dispatchers: Sequence[Dispatcher]) -> None:
    """The job: queue whatever is due (idempotently) and wake the senders."""
    started = time.perf_counter()
    try:
        queued = await coach.plan_deliveries()
    except Exception:
        log.exception("planning deliveries failed")
        return
    finally:
        metrics.PLANNING_SECONDS.observe(time.perf_counter() - started)
    if queued:
        log.info("queued %d messages", queued)
        for dispatcher in dispatchers:
            dispatcher.wake()


async def purge(coach: CoachAPI) -> None:
    """The hourly job: delete finished deliveries older than two weeks."""
    try:
        purged = await coach.purge_deliveries()
    except Exception:
        log.exception("purging deliveries failed")
        return
    if purged:
        log.info("purged %d finished deliveries", purged)


async def fold_log(coach: CoachAPI) -> None:
    """Every few seconds: the embedded database's write-ahead log folded into its file, off the
    coach's worker (core/persistence/engine.py says why)."""
    try:
        await coach.fold_log()
    except Exception:
        log.exception("folding the database's log failed")


def build_scheduler(
    coach: CoachAPI, dispatchers: Sequence[Dispatcher], *, tick: float = TICK_SECONDS
) -> AsyncIOScheduler:
    """One scheduler, one deterministic job; running it twice or restarting never doubles a
    message because deliveries are unique per (kind, recipient, occurrence)."""
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(
        plan, IntervalTrigger(seconds=tick, timezone=UTC), args=(coach, dispatchers),
        id=PLAN_JOB, replace_existing=True, coalesce=True, max_instances=1,
        misfire_grace_time=max(1, math.ceil(tick)),
    )
    scheduler.add_job(
        purge, IntervalTrigger(hours=1, timezone=UTC), args=(coach,), id=PURGE_JOB,
        replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=3600,
    )
    scheduler.add_job(
        fold_log, IntervalTrigger(seconds=FOLD_SECONDS, timezone=UTC), args=(coach,),
        id=FOLD_JOB, replace_existing=True, coalesce=True, max_instances=1,
        misfire_grace_time=math.ceil(FOLD_SECONDS),
    )
    return scheduler
