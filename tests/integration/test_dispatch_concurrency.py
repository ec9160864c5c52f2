"""The dispatcher with a notifier that allows several sends at once, on the real coach and
queue: never more in flight than allowed, each message recorded once, and a stop finishes the
sends in flight and puts back the untried."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import Engine

from bot import dispatch
from bot.dispatch import BATCH, Dispatcher
from core.coach import AsyncCoach, Coach
from core.delivery import Outgoing
from core.identity import Platform
from tests.support import ManualClock, person, table_rows


class SlowNotifier:
    """Telegram as far as the dispatcher can tell: each send takes 10 ms."""

    platform = Platform.TELEGRAM
    concurrency = 3

    def __init__(self) -> None:
        self.in_flight = 0
        self.most = 0
        self.sent: list[str] = []

    async def deliver(self, outgoing: Outgoing) -> None:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        await asyncio.sleep(0.01)
        self.sent.append(outgoing.recipient)
        self.in_flight -= 1


class StuckNotifier(SlowNotifier):
    """One send never ends."""

    async def deliver(self, outgoing: Outgoing) -> None:
        if outgoing.recipient == "walker1":
            await asyncio.Event().wait()
        await super().deliver(outgoing)


def queued(coach: Coach, clock: ManualClock, reminders: int) -> AsyncCoach:
    """`reminders` people whose reminder is due now, queued."""
    for n in range(reminders):
        person(coach, f"walker{n}", Platform.TELEGRAM).say("/remind 12:30")
    clock.advance(minutes=30)
    assert coach.plan_deliveries() == reminders
    return AsyncCoach(coach)


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("it never happened")


def statuses(engine: Engine) -> Counter[object]:
    return Counter(row["status"] for row in table_rows(engine)["deliveries"])


async def test_sends_overlap_up_to_the_notifiers_concurrency_and_each_is_recorded_once(
    coach: Coach, clock: ManualClock, engine: Engine
) -> None:
    sender, notifier = queued(coach, clock, 2 * BATCH + 5), SlowNotifier()
    dispatcher = Dispatcher(sender, notifier, idle=0.05)
    try:
        while await dispatcher.drain():
            pass
    finally:
        sender.close()
    assert notifier.most == 3
    assert sorted(notifier.sent) == sorted(f"walker{n}" for n in range(2 * BATCH + 5))
    assert statuses(engine) == {"sent": 2 * BATCH + 5}


async def test_a_stop_finishes_the_sends_in_flight_and_puts_back_the_rest(
    coach: Coach, clock: ManualClock, engine: Engine
) -> None:
    sender, notifier = queued(coach, clock, BATCH), SlowNotifier()
    dispatcher = Dispatcher(sender, notifier, idle=0.05)
    dispatcher.start()
    await until(lambda: bool(notifier.sent))
    await dispatcher.stop()
    sender.close()
    assert notifier.in_flight == 0 and 0 < len(notifier.sent) < BATCH
    assert statuses(engine) == {"sent": len(notifier.sent), "pending": BATCH - len(notifier.sent)}


async def test_a_send_that_never_ends_is_cancelled_when_the_stop_runs_out_of_time(
    coach: Coach, clock: ManualClock, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dispatch, "STOP_SECONDS", 0.3)
    sender, notifier = queued(coach, clock, BATCH), StuckNotifier()
    dispatcher = Dispatcher(sender, notifier, idle=0.05)
    dispatcher.start()
    await until(lambda: "walker0" in notifier.sent)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await dispatcher.stop()
    sender.close()
    assert loop.time() - started < 1.5
    assert "walker1" not in notifier.sent and "walker0" in notifier.sent
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []


class WatchedPictures(ThreadPoolExecutor):
    """A pool of threads for the charts that notes when each drawing was handed to it."""

    def __init__(self, notifier: SlowNotifier) -> None:
        super().__init__(max_workers=4)
        self.notifier = notifier
        self.sent_before: list[int] = []  # messages sent before each drawing was asked for

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.sent_before.append(len(self.notifier.sent))
        return super().submit(fn, *args, **kwargs)


async def test_a_batchs_charts_start_drawing_at_once_not_each_in_its_send_turn(
    coach: Coach, clock: ManualClock
) -> None:
    """On a Monday at the reminder time each person gets a reminder and a weekly summary with a
    chart: every chart of the claimed batch is asked for before the first message goes, so no
    send turn waits for a drawing that could have been done meanwhile."""
    clock.set_local("UTC", 2026, 11, 29, 12)  # Sunday
    for n in range(4):
        walker = person(coach, f"walker{n}", Platform.TELEGRAM)
        walker.say("/log 20 min")
        walker.say("/remind 08:00")
    clock.set_local("UTC", 2026, 11, 30, 8)
    assert coach.plan_deliveries() == 8
    sender, notifier = AsyncCoach(coach), SlowNotifier()
    notifier.concurrency = 1
    pictures = WatchedPictures(notifier)
    dispatcher = Dispatcher(sender, notifier, idle=0.05, pictures=pictures)
    try:
        assert await dispatcher.drain() == 8
        await until(lambda: len(notifier.sent) == 8)  # a full batch's last send may be going
    finally:
        sender.close()
        pictures.shutdown()
    assert pictures.sent_before == [0, 0, 0, 0]
