"""Two schedulers planning at the same moment on one PostgreSQL (a cluster's `plan` jobs can
overlap: procrastinate keeps one waiting, not one running) queue every message once and lose
none.

A planning step queues a batch and moves the batch's next instant on in two statements. They
must act on the same people: when the second statement picked its batch afresh, a planner
that waited for the other's batch took the next one for its second statement and moved those
people on without queueing them (the cluster test lost exactly one batch of 100 that way).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import Engine, text

from core.coach import Coach
from core.persistence.uow import UnitOfWork, UnitOfWorkFactory
from core.services import deliveries
from tests.support import ManualClock, in_group, person

BATCH = 3
PEOPLE = 3 * BATCH


@pytest.fixture
def database_url(postgres_url: str) -> str:
    """PostgreSQL only: SQLite has one writer at a time, so its planners cannot overlap."""
    return postgres_url


def blocked_on_a_lock(engine: Engine) -> bool:
    """Some session of this database waits for a lock another holds."""
    with engine.connect() as connection:
        return bool(connection.execute(text(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE NOT l.granted AND a.datname = current_database()")).scalar())


def overlapping(engine: Engine, step: Callable[[UnitOfWork, datetime], object],
                now: datetime) -> None:
    """One planner's step holds its batch uncommitted while a second planner's step runs; the
    first commits once the second has finished or is waiting for it."""
    uows = UnitOfWorkFactory(engine)
    with uows() as first:
        step(first, now)
        second_done = threading.Event()

        def second() -> None:
            with uows() as uow:
                step(uow, now)
                uow.commit()
            second_done.set()

        other = threading.Thread(target=second)
        other.start()
        deadline = time.monotonic() + 10
        while not second_done.is_set() and not blocked_on_a_lock(engine):
            assert time.monotonic() < deadline, "the second planner neither finished nor waited"
            time.sleep(0.01)
        first.commit()
    other.join(10)
    assert second_done.is_set()


def queued(engine: Engine, kind: str) -> dict[int, int]:
    """Messages of a kind per recipient (account or chat)."""
    with engine.connect() as connection:
        return {int(r[0]): int(r[1]) for r in connection.execute(text(
            "SELECT coalesce(account_id, chat_id), count(*) FROM deliveries "
            "WHERE kind = :kind GROUP BY 1"), {"kind": kind})}


def test_overlapping_planners_queue_every_reminder_once(
    coach: Coach, clock: ManualClock, engine: Engine
) -> None:
    for n in range(PEOPLE):
        person(coach, f"walker{n}").say("/remind 07:30")
    clock.set_local("UTC", 2026, 11, 25, 7, 30)

    overlapping(engine, lambda uow, now: deliveries.plan_reminders(uow, now, BATCH), clock())
    coach.plan_deliveries()  # a later tick: whatever is still due

    counts = queued(engine, "reminder")
    assert len(counts) == PEOPLE, f"{PEOPLE - len(counts)} reminders were never queued"
    assert set(counts.values()) == {1}


def test_overlapping_planners_queue_every_weekly_summary_once(
    coach: Coach, clock: ManualClock, engine: Engine
) -> None:
    for n in range(PEOPLE):
        person(coach, f"walker{n}").say("/remind 07:30")
    clock.set_local("UTC", 2026, 11, 30, 7, 30)  # a Monday
    overlapping(engine, lambda uow, now: deliveries.plan_summaries(uow, now, BATCH), clock())
    coach.plan_deliveries()

    counts = queued(engine, "weekly")
    assert len(counts) == PEOPLE, f"{PEOPLE - len(counts)} summaries were never queued"
    assert set(counts.values()) == {1}


def test_overlapping_planners_queue_every_daily_post_once(
    coach: Coach, clock: ManualClock, engine: Engine
) -> None:
    for n in range(PEOPLE):
        admin = in_group(person(coach, f"admin{n}"), f"g{n}", f"Walkers {n}", admin=True)
        admin.say("/challenge_time 07:30")
    clock.set_local("UTC", 2026, 11, 25, 7, 30)

    overlapping(engine, lambda uow, now: deliveries.plan_posts(uow, now, BATCH), clock())
    coach.plan_deliveries()

    counts = queued(engine, "challenge")
    assert len(counts) == PEOPLE, f"{PEOPLE - len(counts)} posts were never queued"
    assert set(counts.values()) == {1}
