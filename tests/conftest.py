"""Fixtures: a real SQLite file per test, a manual clock, a coach on both."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.coach import Coach
from tests.support import ManualClock, Person, make_coach, person, sqlite_engine

# A Tuesday at noon UTC.
START = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "coach.db"


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    engine = sqlite_engine(db_path)
    yield engine
    engine.dispose()


@pytest.fixture
def coach(engine: Engine, clock: ManualClock) -> Iterator[Coach]:
    coach = make_coach(engine, clock)
    yield coach
    coach.close()


@pytest.fixture
def ada(coach: Coach) -> Person:
    return person(coach, "ada")
