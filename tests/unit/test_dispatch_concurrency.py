"""The dispatcher with a notifier that allows several sends at once: never more in flight, each
message recorded once, and a stop finishes the sends in flight and puts back the untried."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot import dispatch
from bot.dispatch import BATCH, Dispatcher
from core.delivery import REMINDER, Outgoing
from core.identity import Platform
from core.replies import Reply


class Queue:
    """The coach's delivery calls, in memory."""

    def __init__(self, messages: int) -> None:
        self.due = list(range(1, messages + 1))
        self.recorded: list[int] = []
        self.released: list[int] = []

    async def claim(self, platform: str, limit: int = 20) -> list[Outgoing]:
        batch, self.due = self.due[:limit], self.due[limit:]
        return [Outgoing(n, REMINDER, platform, str(n), Reply("walk?"), 0) for n in batch]

    async def delivered(self, delivery_id: int) -> None:
        self.recorded.append(delivery_id)

    async def release(self, delivery_ids: list[int]) -> None:
        self.released.extend(delivery_ids)

    async def retry_delivery(self, *args: Any) -> bool:
        raise AssertionError("nothing fails here")

    async def undeliverable(self, *args: Any) -> None:
        raise AssertionError("nothing fails here")


class SlowNotifier:
    platform = Platform.TELEGRAM
    concurrency = 3

    def __init__(self) -> None:
        self.in_flight = 0
        self.most = 0
        self.sent: list[int] = []

    async def deliver(self, outgoing: Outgoing) -> None:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        await asyncio.sleep(0.01)
        self.sent.append(outgoing.id)
        self.in_flight -= 1


async def test_sends_overlap_up_to_the_notifiers_concurrency_and_each_is_recorded_once() -> None:
    queue, notifier = Queue(2 * BATCH + 5), SlowNotifier()
    dispatcher = Dispatcher(queue, notifier, idle=0.05)  # type: ignore[arg-type]
    while await dispatcher.drain():
        pass
    assert notifier.most == 3
    assert sorted(queue.recorded) == sorted(notifier.sent) == list(range(1, 2 * BATCH + 6))


async def test_a_stop_finishes_the_sends_in_flight_and_puts_back_the_rest() -> None:
    queue, notifier = Queue(BATCH), SlowNotifier()
    dispatcher = Dispatcher(queue, notifier, idle=0.05)  # type: ignore[arg-type]
    dispatcher.start()
    await asyncio.sleep(0.035)
    await dispatcher.stop()
    assert notifier.in_flight == 0 and sorted(queue.recorded) == sorted(notifier.sent)
    assert 0 < len(notifier.sent) < BATCH
    assert sorted(queue.recorded + queue.released) == list(range(1, BATCH + 1))


class StuckNotifier(SlowNotifier):
    async def deliver(self, outgoing: Outgoing) -> None:
        if outgoing.id == 2:
            await asyncio.Event().wait()  # a send that never ends
        await super().deliver(outgoing)


async def test_a_send_that_never_ends_is_cancelled_when_the_stop_runs_out_of_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dispatch, "STOP_SECONDS", 0.2)
    queue, notifier = Queue(BATCH), StuckNotifier()
    dispatcher = Dispatcher(queue, notifier, idle=0.05)  # type: ignore[arg-type]
    dispatcher.start()
    await asyncio.sleep(0.05)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await dispatcher.stop()
    assert loop.time() - started < 1.0
    assert 2 not in queue.recorded and 1 in queue.recorded
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []
