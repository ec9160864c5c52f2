"""One dispatcher per platform drains the delivery queue through that platform's notifier."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from concurrent.futures import Executor
from dataclasses import replace

from bot import logs, metrics
from core.api import CoachAPI
from core.delivery import Notifier, Outgoing, RetryLater, Undeliverable

log = logging.getLogger(__name__)
# Messages claimed at once. Claiming words each message on the coach's one worker (its streak,
# whether it is still wanted), so a claim holds up people's requests for as long as its batch
# takes: twice the sends in flight keeps the pipeline full and that wait short (20 made a /log
# during a Telegram fan-out wait 2.5 times as long as without one; bench/fanout_telegram.py).
BATCH = 8
IDLE_SECONDS = 5.0
FIRST_BACKOFF = 15.0
# A send in hand gets this long to finish when stopping (the platforms' own timeouts are 30 s).
STOP_SECONDS = 40.0


def backoff(attempts: int) -> float:
    """Seconds before another try after an unexpected failure: 15 s, 30 s, 1 min, ... 1 h."""
    return float(min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), 3600))


class Dispatcher:
    """Sends due messages for one platform and records what happened to each."""

    def __init__(
        self, coach: CoachAPI, notifier: Notifier, *, idle: float = IDLE_SECONDS,
        pictures: Executor | None = None,
    ) -> None:
        self.coach = coach
        self.notifier = notifier
        self.idle = idle
        # Where charts are drawn at send time: a process pool owned by whoever started this
        # dispatcher (None: the loop's default threads, for a dispatcher on its own).
        self.pictures = pictures
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        # Sends in flight at once: the notifier's `concurrency` (its platform's limiter paces
        # them); while one waits for the platform the next is on its way.
        self._turns = asyncio.Semaphore(getattr(notifier, "concurrency", 1))
        self._sending: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        """Run in the background on the current loop."""
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name=f"dispatch-{self.notifier.platform}")

    async def stop(self) -> None:
        """Finish the messages in hand and record what became of them; put back the messages
        claimed but not yet tried; then stop."""
        self._stopping = True
        self._wake.set()
        task, self._task = self._task, None
        if task is None:
            return
        deadline = asyncio.get_running_loop().time() + STOP_SECONDS
        _, pending = await asyncio.wait({task}, timeout=STOP_SECONDS)
        if not pending and self._sending:
            left = deadline - asyncio.get_running_loop().time()
            _, pending = await asyncio.wait(self._sending, timeout=max(left, 0.1))
        if pending:
            log.warning("dispatcher for %s did not finish its send in time", self.notifier.platform)
            for running in (task, *self._sending):
                running.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await running

    def wake(self) -> None:
        """New messages were queued: look now rather than after the idle wait."""
        self._wake.set()

    async def drain(self) -> int:
        """Send one batch of due messages; returns how many were handled. After a full batch
        the last sends may still be in flight (the next claim overlaps them)."""
        batch = await self.coach.claim(self.notifier.platform.value, BATCH)
        # The batch's pictures start drawing at once, side by side in the pool, rather than
        # each when its message's turn to send comes (a turn held while drawing is a turn
        # other messages wait for).
        drawing = [asyncio.ensure_future(self._drawn(o)) if o.picture is not None else None
                   for o in batch]
        for n, outgoing in enumerate(batch):
            await self._turns.acquire()
            if self._stopping:
                self._turns.release()
                for unsent in drawing[n:]:
                    if unsent is not None:
                        unsent.cancel()
                await self.coach.release(batch[n:])
                return n
            sending = asyncio.create_task(self._send_in_turn(outgoing, drawing[n]))
            self._sending.add(sending)
            sending.add_done_callback(self._sending.discard)
        if len(batch) < BATCH and self._sending:
            await asyncio.wait(self._sending)
        return len(batch)

    async def _send_in_turn(self, outgoing: Outgoing,
                            drawn: asyncio.Future[Outgoing] | None = None) -> None:
        try:
            await self._send(await drawn if drawn is not None else outgoing)
        except Exception:
            log.exception("dispatcher for %s failed; carrying on", self.notifier.platform)
        finally:
            self._turns.release()

    async def _run(self) -> None:
        while not self._stopping:
            try:
                handled = await self.drain()
            except Exception:
                log.exception("dispatcher for %s failed; carrying on", self.notifier.platform)
                handled = 0
            if handled:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.idle)
            self._wake.clear()

    async def _drawn(self, outgoing: Outgoing) -> Outgoing:
        """The message with its picture drawn (in the pool, off the loop and off the coach's
        worker); without it when drawing fails, since the words are worth sending alone."""
        if outgoing.picture is None:
            return outgoing
        try:
            image = await asyncio.get_running_loop().run_in_executor(
                self.pictures, outgoing.picture)
        except Exception:
            log.exception("drawing the picture for delivery %s failed; sending the words",
                          outgoing.id)
            return replace(outgoing, picture=None)
        return replace(outgoing, reply=replace(outgoing.reply, image=image), picture=None)

    async def _send(self, outgoing: Outgoing) -> None:
        platform = self.notifier.platform.value
        with logs.context(platform=platform, delivery=outgoing.id):
            state = await self._try(outgoing)
        metrics.DELIVERIES.labels(platform, state).inc()

    async def _try(self, outgoing: Outgoing) -> str:
        """One try of one message, recorded; which outcome it was (for the metric)."""
        started = time.perf_counter()
        try:
            try:
                message_id = await self.notifier.deliver(outgoing)
            finally:
                metrics.SEND_SECONDS.labels(self.notifier.platform.value).observe(
                    time.perf_counter() - started)
        except Undeliverable as refusal:
            log.info("delivery %s refused for good: %s", outgoing.id, refusal)
            await self.coach.undeliverable(outgoing, str(refusal))
            return "dead"
        except RetryLater as wait:
            kept = await self.coach.retry_delivery(outgoing, wait.seconds, str(wait))
            return "retry" if kept else "dead"
        except Exception as error:
            log.exception("delivery %s failed", outgoing.id)
            kept = await self.coach.retry_delivery(outgoing, backoff(outgoing.attempts),
                                                   repr(error))
            return "failed" if kept else "dead"
        await self.coach.delivered(outgoing, message_id)
        return "sent"
