"""Many processes on one PostgreSQL: procrastinate carries the planning and sending work.

* Every tick, a periodic `plan` job is deferred once, whichever schedulers are running
  (procrastinate keeps one defer per periodic id and timestamp), and one scheduler runs it: it
  queues the due deliveries (the deliveries table, as in one process) and defers a `drain` job
  per platform, with a queueing lock so at most one waits at a time.
* The `drain` job sends what is due for its platform with the ordinary dispatcher: claim a
  batch under a lease, send through the platform's notifier, record the outcome.
* Only one process per bot token sends (so the platform's rate limit holds cluster-wide): the
  worker that holds a session-level PostgreSQL advisory lock keyed by the token's hash. Only
  it listens on that platform's send queue; standbys wait on the lock and take over when the
  sender's connection dies with it (a SIGKILL, a lost machine).
* A sender that dies mid-drain leaves its claimed deliveries leased: they come back when the
  lease runs out (core/services/deliveries.py); its `drain` job is found stalled (no worker
  heartbeat) by the periodic `recover` job and put back, or closed when another drain waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import procrastinate
import psycopg
from procrastinate import exceptions as jobs_errors
from procrastinate.jobs import Status
from sqlalchemy.engine import make_url

from bot.dispatch import Dispatcher
from core.api import CoachAPI
from core.delivery import Notifier

log = logging.getLogger(__name__)
JOBS_SCHEMA = "procrastinate"  # where migration 0010 put procrastinate's tables
PLAN_QUEUE = "planning"
PLAN_SECONDS = 30
# Every 15 s (croniter's sixth field is the second): a dead sender's drain job is back within
# STALLED_SECONDS and 15 s; one indexed query each time.
RECOVER_CRON = "* * * * * */15"
PURGE_CRON = "7 * * * *"
KEEP_JOBS_HOURS = 72
# A worker that has not written its heartbeat for this long is taken for dead: its running jobs
# are stalled. Procrastinate's workers write one every HEARTBEAT_SECONDS.
HEARTBEAT_SECONDS = 5.0
STALLED_SECONDS = 20.0
# How often a standby tries the sender lock, and the sender checks it still holds it.
LOCK_POLL_SECONDS = 1.0
# A drain in hand gets this long to finish its sends when the worker stops.
STOP_SECONDS = 40.0


def conninfo(url: str) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def send_queue(platform: str) -> str:
    """The procrastinate queue a platform's drains go to."""
    return f"send-{platform}"


def sender_key(token: str) -> int:
    """The advisory lock key of a bot token: a signed 64-bit hash, never the token itself."""
    digest = hashlib.sha256(b"retrowalk-sender:" + token.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class Jobs:
    """The procrastinate app with the coach's tasks: plan, drain, recover and purge."""

    def __init__(self, url: str, coach: CoachAPI, platforms: Sequence[str], *,
                 plan_seconds: int = PLAN_SECONDS) -> None:
        self.url = url
        self.coach = coach
        self.platforms = list(platforms)
        self.senders: dict[str, Dispatcher] = {}
        self.stopping = False
        connector = procrastinate.PsycopgConnector(
            conninfo=conninfo(url), kwargs={"options": f"-c search_path={JOBS_SCHEMA}"},
            min_size=1, max_size=4)
        self.app = procrastinate.App(connector=connector)
        if not log.isEnabledFor(logging.DEBUG):
            # Procrastinate logs every job's start and end at INFO: several lines a tick.
            logging.getLogger("procrastinate").setLevel(logging.WARNING)
        self._register(max(1, min(59, plan_seconds)))

    def _register(self, plan_seconds: int) -> None:
        app = self.app

        @app.periodic(cron=f"* * * * * */{plan_seconds}", periodic_id="plan")
        @app.task(name="plan", queue=PLAN_QUEUE, queueing_lock="plan", pass_context=False)
        async def plan(timestamp: int) -> None:
            queued = await self.coach.plan_deliveries()
            if queued:
                log.info("queued %d messages", queued)
            # Every tick, not only when something was queued: retries and expired leases
            # fall due without planning.
            for platform in self.platforms:
                await self.defer_drain(platform)

        @app.task(name="drain", pass_context=False)
        async def drain(platform: str) -> None:
            sender = self.senders.get(platform)
            if sender is None:
                # Not this process's platform any more (it lost the lock): for the next sender.
                raise RuntimeError(f"no sender for {platform} here")
            while not self.stopping and await sender.drain():
                pass

        @app.periodic(cron=RECOVER_CRON, periodic_id="recover")
        @app.task(name="recover", queue=PLAN_QUEUE, queueing_lock="recover", pass_context=False)
        async def recover(timestamp: int) -> None:
            await self.recover_stalled()

        @app.periodic(cron=PURGE_CRON, periodic_id="purge")
        @app.task(name="purge", queue=PLAN_QUEUE, queueing_lock="purge", pass_context=False)
        async def purge(timestamp: int) -> None:
            purged = await self.coach.purge_deliveries()
            if purged:
                log.info("purged %d finished deliveries", purged)
            # Failed and closed jobs are kept a while for a look, then go too.
            await self.app.job_manager.delete_old_jobs(
                nb_hours=KEEP_JOBS_HOURS, include_failed=True, include_cancelled=True,
                include_aborted=True)

    async def defer_drain(self, platform: str) -> None:
        """Ask the platform's sender to send what is due (a no-op when a drain already waits)."""
        with contextlib.suppress(jobs_errors.AlreadyEnqueued):
            await self.app.configure_task(
                name="drain", queue=send_queue(platform),
                queueing_lock=f"drain-{platform}").defer_async(platform=platform)

    async def recover_stalled(self) -> int:
        """Jobs left running by a worker that stopped beating: back in the queue (a drain is
        closed instead when another one already waits). How many."""
        manager = self.app.job_manager
        stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_SECONDS))
        for job in stalled:
            log.warning("job %s (%s) stalled: its worker died; queued again", job.id,
                        job.task_name)
            try:
                await manager.retry_job(job)
            except (jobs_errors.AlreadyEnqueued, jobs_errors.UniqueViolation):
                await manager.finish_job(job, status=Status.FAILED, delete_job=False)
        return len(stalled)

    def worker(self, queues: list[str], name: str) -> Any:
        """A procrastinate worker's run on these queues (a coroutine), stopped by cancelling."""
        return self.app.run_worker_async(
            queues=queues, name=name, concurrency=1, install_signal_handlers=False,
            update_heartbeat_interval=HEARTBEAT_SECONDS, stalled_worker_timeout=STALLED_SECONDS,
            delete_jobs="successful", shutdown_graceful_timeout=STOP_SECONDS,
            fetch_job_polling_interval=LOCK_POLL_SECONDS * 5)


@contextlib.asynccontextmanager
async def opened(jobs: Jobs) -> AsyncIterator[Jobs]:
    """The procrastinate app connected (its pool open) for the duration."""
    async with jobs.app.open_async():
        yield jobs


async def run_scheduler(jobs: Jobs, stop: asyncio.Event) -> None:
    """Plan (and recover, and purge) until `stop` is set."""
    async with opened(jobs):
        await _until(stop, jobs.worker([PLAN_QUEUE], "scheduler"))


async def run_sender(jobs: Jobs, platform: str, token: str, notifier: Notifier,
                     stop: asyncio.Event,
                     on_sending: Callable[[str], None] | None = None) -> None:
    """Wait for the platform's sender lock, then drain its queue until `stop` is set or the
    lock is lost (then raise: the process exits and its supervisor restarts it as a
    standby)."""
    key = sender_key(token)
    async with await psycopg.AsyncConnection.connect(conninfo(jobs.url),
                                                     autocommit=True) as lock:
        while not stop.is_set():
            cursor = await lock.execute("SELECT pg_try_advisory_lock(%s)", (key,))
            held = await cursor.fetchone()
            if held is not None and held[0]:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), LOCK_POLL_SECONDS)
        if stop.is_set():
            return
        log.info("this worker is now the %s sender", platform)
        if on_sending is not None:
            on_sending(platform)
        sender = jobs.senders[platform] = Dispatcher(jobs.coach, notifier)

        async def stopping() -> None:
            # The drain in hand puts back what it claimed and has not tried yet.
            jobs.stopping = True
            await sender.stop()

        try:
            async with opened(jobs):
                await jobs.defer_drain(platform)  # what the last sender left, at once
                await _until(stop, jobs.worker([send_queue(platform)], f"sender-{platform}"),
                             _holding(lock), stopping)
        finally:
            jobs.senders.pop(platform, None)


async def _holding(lock: psycopg.AsyncConnection[Any]) -> None:
    """Returns when the lock's connection is gone (and the lock with it)."""
    while True:
        await asyncio.sleep(LOCK_POLL_SECONDS)
        try:
            await lock.execute("SELECT 1")
        except psycopg.Error:
            log.error("lost the connection that holds the sender lock; stopping")
            return


async def _until(stop: asyncio.Event, work: Any, lost: Any = None,
                 stopping: Callable[[], Awaitable[None]] | None = None) -> None:
    """Run `work` until it ends, `stop` is set or `lost` returns (which is an error); then
    `stopping`, then a graceful stop of `work`."""
    working = asyncio.ensure_future(work)
    waiters = {working, asyncio.ensure_future(stop.wait())}
    watch = asyncio.ensure_future(lost) if lost is not None else None
    if watch is not None:
        waiters.add(watch)
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            if waiter is not working:
                waiter.cancel()
        if stopping is not None:
            await stopping()
        if not working.done():
            working.cancel()  # procrastinate's graceful stop: the job in hand finishes
            with contextlib.suppress(asyncio.CancelledError):
                await working
    failure = working.exception() if working.done() and not working.cancelled() else None
    if failure is not None:
        raise failure
    if watch is not None and watch.done() and not stop.is_set():
        raise ConnectionError("the sender lock was lost")
