"""Prometheus metrics, and the coach as adapters call it, measured. The core knows nothing of
them: everything is counted here in bot/, around the calls."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from prometheus_client import Counter, Gauge, Histogram

from bot import logs
from core import command_table
from core.api import CoachAPI, LogFields, Message
from core.delivery import Outgoing, Schedule
from core.identity import UserRef
from core.replies import Reply

T = TypeVar("T")
# Replies are a few ms to a few hundred; sends wait on the platform and its pacing.
REPLY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0)
SEND_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
TICK_BUCKETS = (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0)

UPDATES = Counter("retrowalk_updates", "Updates handled, by platform and command",
                  ["platform", "command"])
REPLY_SECONDS = Histogram("retrowalk_reply_seconds",
                          "Time the coach took to answer an update, by platform",
                          ["platform"], buckets=REPLY_BUCKETS)
DELIVERIES = Counter("retrowalk_deliveries",
                     "Queued messages the dispatcher finished a try of, by platform and outcome "
                     "(sent, retry, dead, failed)", ["platform", "state"])
SEND_SECONDS = Histogram("retrowalk_send_seconds",
                         "Time to hand a queued message to the platform, by platform",
                         ["platform"], buckets=SEND_BUCKETS)
RATE_LIMITED = Counter("retrowalk_rate_limited",
                       "429 (flood control) answers received from a platform", ["platform"])
PLANNING_SECONDS = Histogram("retrowalk_planning_seconds",
                             "Duration of one planning tick (queueing what is due)",
                             buckets=TICK_BUCKETS)
QUEUE_DEPTH = Gauge("retrowalk_queue_depth", "Rows in the delivery queue, by status",
                    ["status"])

# Shown even at 0, so a dashboard's series do not come and go (the queue's statuses).
QUEUE_STATUSES = ("pending", "sending", "sent", "dead", "missed", "skipped")
TEXT = "text"  # a sentence, not a command
BUTTON = "button"
OTHER = "other"  # a /word that is no command of ours


def command_of(text: str) -> str:
    """The command label of a typed message: its command's name, `text` or `other` (a
    bounded set, so the metric's series stay few)."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return TEXT
    found = command_table.find(stripped.split(maxsplit=1)[0])
    return found.name if found else OTHER


def record_queue(schedule: Schedule) -> None:
    """Set the queue-depth gauge from the coach's counts (statuses gone from it read 0)."""
    QUEUE_DEPTH.clear()
    for status in QUEUE_STATUSES:
        QUEUE_DEPTH.labels(status).set(0)
    for status, count in schedule.queue.items():
        QUEUE_DEPTH.labels(status).set(count)


class MeasuredCoach:
    """The coach, with each update counted and timed, its platform and command put on the
    log lines written meanwhile, and what the person wrote kept out of the logs."""

    def __init__(self, coach: CoachAPI) -> None:
        self.coach = coach

    async def _measured(self, message: Message, command: str,
                        call: Callable[[], Awaitable[T]]) -> T:
        platform = message.user.platform.value
        # Set for the rest of the adapter's handling too (its error handler logs after us).
        logs.platform_var.set(platform)
        logs.command_var.set(command)
        UPDATES.labels(platform, command).inc()
        started = time.perf_counter()
        try:
            return await call()
        finally:
            REPLY_SECONDS.labels(platform).observe(time.perf_counter() - started)

    async def handle(self, message: Message) -> Reply:
        """Anything typed, measured."""
        logs.remember_private(message.text)
        return await self._measured(message, command_of(message.text),
                                    lambda: self.coach.handle(message))

    async def command(self, message: Message, name: str, args: str = "") -> Reply:
        """A split-out command, measured."""
        logs.remember_private(message.text, args)
        found = command_table.find(name)
        return await self._measured(message, found.name if found else OTHER,
                                    lambda: self.coach.command(message, name, args))

    async def log(self, message: Message, fields: LogFields) -> Reply:
        """/log with typed options, measured."""
        logs.remember_private(message.text, fields.note)
        return await self._measured(message, "log", lambda: self.coach.log(message, fields))

    async def press(self, message: Message, action: str) -> Reply:
        """A button, measured."""
        return await self._measured(message, BUTTON, lambda: self.coach.press(message, action))

    async def mark_unreachable(self, user: UserRef) -> None:
        """Passed through."""
        await self.coach.mark_unreachable(user)

    async def plan_deliveries(self) -> int:
        """Passed through (the scheduler times its tick)."""
        return await self.coach.plan_deliveries()

    async def claim(self, platform: str, limit: int = 20) -> list[Outgoing]:
        """Passed through."""
        return await self.coach.claim(platform, limit)

    async def delivered(self, sent: Outgoing, message_id: str | None = None) -> None:
        """Passed through (the dispatcher counts outcomes)."""
        await self.coach.delivered(sent, message_id)

    async def retry_delivery(self, failed: Outgoing, after: float, error: str) -> bool:
        """Passed through."""
        return await self.coach.retry_delivery(failed, after, error)

    async def undeliverable(self, refused: Outgoing, error: str) -> None:
        """Passed through."""
        await self.coach.undeliverable(refused, error)

    async def release(self, untried: list[Outgoing]) -> None:
        """Passed through."""
        await self.coach.release(untried)

    async def schedule(self, limit: int = 20) -> Schedule:
        """Passed through, and the queue-depth gauge set from the counts."""
        schedule = await self.coach.schedule(limit)
        record_queue(schedule)
        return schedule

    async def purge_deliveries(self) -> int:
        """Passed through."""
        return await self.coach.purge_deliveries()

    async def fold_log(self) -> None:
        """Passed through."""
        await self.coach.fold_log()

    def timezones(self, typed: str) -> list[str]:
        """Passed through."""
        return self.coach.timezones(typed)

    async def first_sight(self, bot: str, update_id: int) -> bool:
        """Passed through."""
        return await self.coach.first_sight(bot, update_id)
