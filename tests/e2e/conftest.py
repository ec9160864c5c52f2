"""End-to-end tests drive the adapters, which call the coach as `CoachAPI`: here `coach` is the
AsyncCoach the composition root builds, on a SQLite file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from core.coach import AsyncCoach
from core.persistence.engine import make_engine
from core.persistence.migrate import upgrade
from tests import postgres
from tests.support import ManualClock, make_coach


@pytest.fixture
def coach(engine: Engine, clock: ManualClock) -> Iterator[AsyncCoach]:
    coach = AsyncCoach(make_coach(engine, clock))
    yield coach
    coach.close()


@pytest.fixture
def cluster_db(postgres_admin: str) -> Iterator[tuple[str, Engine]]:
    """A fresh PostgreSQL database of its own (procrastinate's jobs included), migrated: what
    the processes of a cluster share."""
    with postgres.database(postgres_admin) as url:
        engine = make_engine(url)
        upgrade(engine)
        try:
            yield url, engine
        finally:
            engine.dispose()
