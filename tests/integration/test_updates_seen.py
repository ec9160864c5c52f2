"""Webhook updates seen, shared by every process through the database: the first process to
take an update_id wins, the others skip it; remembered for a day, then purged."""

from __future__ import annotations

from sqlalchemy import Engine

from core.coach import Coach
from tests.support import ManualClock, make_coach, table_rows


def test_an_update_taken_by_one_replica_is_skipped_by_another(
    coach: Coach, engine: Engine, clock: ManualClock
) -> None:
    other_replica = make_coach(engine, clock)  # another process on the same database
    assert coach.first_sight("telegram-1", 500) is True
    assert other_replica.first_sight("telegram-1", 500) is False
    assert coach.first_sight("telegram-1", 500) is False
    assert other_replica.first_sight("telegram-2", 500) is True  # another bot's update 500


def test_updates_seen_are_purged_after_a_day(
    coach: Coach, engine: Engine, clock: ManualClock
) -> None:
    coach.first_sight("telegram-1", 1)
    clock.advance(hours=23)
    coach.first_sight("telegram-1", 2)
    clock.advance(hours=2)
    coach.purge_deliveries()
    assert [row["update_id"] for row in table_rows(engine)["updates_seen"]] == [2]
    assert coach.first_sight("telegram-1", 2) is False
