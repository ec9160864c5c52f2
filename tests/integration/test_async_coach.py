"""AsyncCoach, the way adapters call the coach: bursts never freeze the event loop, the calls in
flight are bounded, and a call that takes too long gives up instead of hanging its caller."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.api import Message
from core.coach import AsyncCoach, Coach
from core.identity import Platform, UserRef, private_chat
from core.persistence.uow import UnitOfWorkFactory
from tests.support import ManualClock, sqlite_engine


class WatchedClock(ManualClock):
    """The injected clock, read once at the start of every request on the coach's thread: it
    counts how many requests were handed to the coach and not yet finished, and can be slowed
    down to stand for a slow database."""

    def __init__(self, start: datetime) -> None:
        super().__init__(start)
        self.delay = 0.0
        self.most_waiting = 0
        self.executor_queue: object | None = None

    def __call__(self) -> datetime:
        queue = self.executor_queue
        if queue is not None:
            self.most_waiting = max(self.most_waiting, queue.qsize())  # type: ignore[attr-defined]
        if self.delay:
            time.sleep(self.delay)
        return self.now


def user(n: int) -> UserRef:
    return UserRef(Platform.TELEGRAM, str(1000 + n), f"walker{n}")


def message(n: int, text: str) -> Message:
    who = user(n)
    return Message(who, private_chat(who), text, key=f"burst:{n}:{text}")


@pytest.fixture
def watched(clock: ManualClock) -> WatchedClock:
    return WatchedClock(clock.now)


async def test_a_burst_of_400_calls_is_answered_while_the_event_loop_stays_free(
    engine: Engine, watched: WatchedClock
) -> None:
    coach = AsyncCoach(Coach(UnitOfWorkFactory(engine), watched), in_flight=16)
    watched.executor_queue = coach._executor._work_queue
    ticks = 0
    stop = asyncio.Event()

    async def heartbeat() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0.005)

    beating = asyncio.create_task(heartbeat())
    try:
        replies = await asyncio.gather(
            *(coach.handle(message(n, f"/log {n % 30 + 1} min")) for n in range(400)))
    finally:
        stop.set()
        await beating
        coach.close()
    assert all("Recorded" in reply.text for reply in replies), replies[0].text
    # At most 16 handed to the worker thread at once: one running, the rest queued behind it.
    assert 0 < watched.most_waiting <= 15
    assert ticks > 10  # the loop went on running other tasks during the burst


async def test_a_call_that_takes_too_long_gives_up_and_the_next_one_is_served(
    engine: Engine, watched: WatchedClock
) -> None:
    coach = AsyncCoach(Coach(UnitOfWorkFactory(engine), watched), timeout=0.2)
    try:
        watched.delay = 0.5
        with pytest.raises(TimeoutError):
            await coach.handle(message(1, "/streak"))
        watched.delay = 0.0
        await asyncio.sleep(0.4)  # the slow call still holds the thread until it ends
        reply = await coach.handle(message(2, "/log 10 min"))
        assert "Recorded: 10 min" in reply.text
    finally:
        coach.close()
    assert threading.active_count() < 50


async def test_the_log_is_folded_into_the_file_off_the_worker_and_commits_leave_it_alone(
    tmp_path: Path, watched: WatchedClock
) -> None:
    """People's commits do not fold SQLite's write-ahead log into the file (the threshold is far
    above a fan-out's worth of writes); the housekeeping call does, without waiting for the
    coach's worker, which may be busy with someone's request."""
    db = tmp_path / "walks.db"
    engine = sqlite_engine(db)
    coach = AsyncCoach(Coach(UnitOfWorkFactory(engine), watched))
    try:
        await coach.fold_log()
        before = db.stat().st_size
        for n in range(300):
            await coach.handle(message(n, "/log 10 min"))
        assert frames_in_log(db) > 1000  # past SQLite's default threshold...
        assert db.stat().st_size == before  # ...and yet no commit folded anything
        watched.delay = 1.0  # the worker is busy with a slow request meanwhile
        slow = asyncio.create_task(coach.handle(message(0, "/streak")))
        await asyncio.sleep(0.1)
        await asyncio.wait_for(coach.fold_log(), 0.8)
        assert not slow.done()
        watched.delay = 0.0
        await slow
        assert db.stat().st_size > before  # the pages went into the file
        with sqlite3.connect(db) as connection:  # and the log has nothing left to fold
            busy, logged, folded = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert busy == 0 and logged == folded
    finally:
        coach.close()
        engine.dispose()


def frames_in_log(db: Path) -> int:
    """Pages the write-ahead log file holds (its header is 32 bytes; a frame, 24 and a page)."""
    wal = db.with_name(db.name + "-wal")
    return (wal.stat().st_size - 32) // (24 + 4096) if wal.exists() else 0
