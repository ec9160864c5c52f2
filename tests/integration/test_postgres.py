"""The same coach on a real PostgreSQL server: migrations, a conversation, forget."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text

from core.persistence.engine import make_engine
from core.persistence.migrate import upgrade
from tests.integration.test_migrations import differences
from tests.support import ManualClock, make_coach, person

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            name = f"retrowalk_test_{uuid.uuid4().hex[:8]}"
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        admin.dispose()
        pytest.skip(f"no PostgreSQL server reachable at 127.0.0.1:5432 ({type(error).__name__})")
    engine = make_engine(SERVER.rsplit("/", 1)[0] + f"/{name}")
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrations_match_the_models_on_postgresql(pg_engine: Engine) -> None:
    upgrade(pg_engine)
    assert differences(pg_engine) == []


def test_a_conversation_on_postgresql(pg_engine: Engine, clock: ManualClock) -> None:
    upgrade(pg_engine)
    coach = make_coach(pg_engine, clock)
    try:
        ada = person(coach, "ada")
        ada.say("/timezone Asia/Tokyo")
        assert "Streak: 1 day." in ada.say("/log 10 min park", key="t:1").text
        assert "Already recorded" in ada.say("/log 10 min park", key="t:1").text
        assert "Streak: 2 days." in ada.say("/log 5 min yesterday").text
        assert "Minutes: 15\nWalks: 2" in ada.say("/stats").text
        ada.say("/forget")
        ada.say("yes")
        with pg_engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM walks")).scalar() == 0
    finally:
        coach.close()
