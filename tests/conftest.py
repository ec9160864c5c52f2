"""Fixtures: a manual clock, a real SQLite file per test, a real PostgreSQL server when the
tests ask for one, and a coach on them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.coach import Coach
from core.persistence.engine import make_engine
from core.persistence.migrate import upgrade
from tests import postgres
from tests.support import ManualClock, Person, make_coach, person

# A Tuesday at noon UTC.
START = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session", autouse=True)
def ptb_time_periods() -> Iterator[None]:
    """What the composition root sets before starting Telegram (see bot/app.py), for the tests
    that start the Telegram adapter themselves."""
    before = os.environ.get("PTB_TIMEDELTA")
    os.environ["PTB_TIMEDELTA"] = "true"
    yield
    if before is None:
        del os.environ["PTB_TIMEDELTA"]
    else:
        os.environ["PTB_TIMEDELTA"] = before


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[str]:
    """An admin URL of a running PostgreSQL server (skipped without one, but never in CI)."""
    with postgres.server() as url:
        if url is None:
            message = "no PostgreSQL server reachable, and no PostgreSQL binaries to start one"
            if postgres.required():
                pytest.fail(message)
            pytest.skip(message)
        yield url


@pytest.fixture(scope="session")
def postgres_url(postgres_admin: str) -> Iterator[str]:
    """One migrated database for the session; each test empties it first (see `engine`)."""
    with postgres.database(postgres_admin) as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "coach.db"


@pytest.fixture
def database_url(db_path: Path) -> str:
    """SQLite here; tests/integration runs each test on PostgreSQL as well."""
    return f"sqlite:///{db_path}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    if engine.dialect.name == "postgresql":
        postgres.empty(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def coach(engine: Engine, clock: ManualClock) -> Coach:
    return make_coach(engine, clock)


@pytest.fixture
def ada(coach: Coach) -> Person:
    return person(coach, "ada")
