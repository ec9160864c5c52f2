"""End-to-end tests drive the adapters, which call the coach as `CoachAPI`: here `coach` is the
AsyncCoach the composition root builds, on a SQLite file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from core.coach import AsyncCoach
from tests.support import ManualClock, make_coach


@pytest.fixture
def coach(engine: Engine, clock: ManualClock) -> Iterator[AsyncCoach]:
    coach = AsyncCoach(make_coach(engine, clock))
    yield coach
    coach.close()
