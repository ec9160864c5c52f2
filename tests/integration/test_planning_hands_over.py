"""A big planning tick on the coach's one worker hands over to people between batches.

The worker plans batch after batch while no other call waits for it (no trip through the event
loop for each of a fan-out's batches), and stops after the batch in hand when one does: a /log
made in the middle of queueing 20,000 reminders is answered while most are still to be queued,
not after them.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select

from core.api import Message
from core.coach import AsyncCoach, Coach
from core.identity import Platform, UserRef, private_chat
from core.persistence.engine import make_engine, read_only
from core.persistence.models import Account, Delivery, Person
from core.persistence.uow import UnitOfWorkFactory
from core.services.deliveries import PLAN_BATCH
from tests.support import ManualClock

PEOPLE = 20_000
DUE = datetime(2026, 12, 2, 7, 30, tzinfo=UTC)


@pytest.fixture
def database_url(db_path: Path) -> str:
    """SQLite only: what is tested is the worker's turn-taking, the same on either database."""
    return f"sqlite:///{db_path}"


def people_due(engine: Engine, count: int) -> None:
    """People with a Telegram account and a reminder due at DUE, in bulk."""
    with engine.begin() as connection:
        connection.execute(insert(Person), [
            {"id": n, "created_at": DUE - timedelta(days=1), "timezone": "UTC",
             "day_start_hour": 0, "weekly_goal": 150, "remind_at": "07:30", "remind_next": DUE,
             "streak_current": 0, "streak_best": 0, "streak_freezes": 0, "streak_run": 0,
             "streak_score": 0.0} for n in range(1, count + 1)])
        connection.execute(insert(Account), [
            {"person_id": n, "platform": "telegram", "external_id": str(n),
             "display_name": f"walker{n}", "created_at": DUE - timedelta(days=1)}
            for n in range(1, count + 1)])


def queued(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(Delivery)).scalar_one())


async def test_a_log_in_the_middle_of_a_big_tick_is_answered_between_batches(
    engine: Engine, database_url: str
) -> None:
    people_due(engine, PEOPLE)
    # Counts from the side in transactions that only read: they never wait for the writer.
    watcher = read_only(make_engine(database_url))
    clock = ManualClock(DUE + timedelta(seconds=5))
    coach = AsyncCoach(Coach(UnitOfWorkFactory(engine), clock))
    walker = UserRef(Platform.CONSOLE, "ada", "Ada")
    try:
        await coach.handle(Message(walker, private_chat(walker), "/start"))
        planning = asyncio.create_task(coach.plan_deliveries())
        while queued(watcher) < 3 * PLAN_BATCH:  # the batches of one planner are under way
            await asyncio.sleep(0.001)
        reply = await coach.handle(Message(walker, private_chat(walker), "/log 10 min"))
        at_answer = queued(watcher)
        assert "Recorded: 10 min" in reply.text
        assert await planning == PEOPLE
    finally:
        coach.close()
        watcher.dispose()
    assert queued(engine) == PEOPLE
    # Answered after the batch in hand, with most of the fan-out still to come.
    assert at_answer < PEOPLE / 2, f"the /log waited for {at_answer // PLAN_BATCH} batches"
