"""One dispatcher per platform drains the delivery queue through that platform's notifier."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from core.api import CoachAPI
from core.delivery import Notifier, Outgoing, RetryLater, Undeliverable

log = logging.getLogger(__name__)
BATCH = 20
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
        self, coach: CoachAPI, notifier: Notifier, *, idle: float = IDLE_SECONDS
    ) -> None:
        self.coach = coach
        self.notifier = notifier
        self.idle = idle
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
        for n, outgoing in enumerate(batch):
            await self._turns.acquire()
            if self._stopping:
                self._turns.release()
                await self.coach.release(batch[n:])
                return n
            sending = asyncio.create_task(self._send_in_turn(outgoing))
            self._sending.add(sending)
            sending.add_done_callback(self._sending.discard)
        if len(batch) < BATCH and self._sending:
            await asyncio.wait(self._sending)
        return len(batch)

    async def _send_in_turn(self, outgoing: Outgoing) -> None:
        try:
            await self._send(outgoing)
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

    async def _send(self, outgoing: Outgoing) -> None:
        try:
            message_id = await self.notifier.deliver(outgoing)
        except Undeliverable as refusal:
            log.info("delivery %s refused for good: %s", outgoing.id, refusal)
            await self.coach.undeliverable(outgoing, str(refusal))
        except RetryLater as wait:
            await self.coach.retry_delivery(outgoing, wait.seconds, str(wait))
        except Exception as error:
            log.exception("delivery %s failed", outgoing.id)
            await self.coach.retry_delivery(outgoing, backoff(outgoing.attempts), repr(error))
        else:
            await self.coach.delivered(outgoing, message_id)
