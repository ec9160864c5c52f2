"""Arbitrary text at the coach: only CoachError escapes, and a refusal writes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from core.coach import Coach
from core.errors import CoachError
from tests.conftest import START
from tests.support import ManualClock, Person, make_coach, person, sqlite_engine, table_rows

COMMAND_WORDS = ["/log", "/timezone", "/remind", "/goal", "/daystart", "/pause", "/stats",
                 "/undo", "/resume", "/forget", "yes", "no", "/join", "/plan", "/start", ""]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Person, Engine]]:
    engine = sqlite_engine(tmp_path_factory.mktemp("any") / "coach.db")
    coach: Coach = make_coach(engine, ManualClock(START))
    someone = person(coach, "fuzz")
    someone.say("/log 10 min")
    yield someone, engine
    engine.dispose()


texts = st.one_of(
    st.text(max_size=300),
    st.builds(lambda w, t: f"{w} {t}", st.sampled_from(COMMAND_WORDS), st.text(max_size=80)),
    st.text(alphabet=st.characters(categories=["Nd", "Zs", "P", "Ll"]), max_size=40),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_any_text_gets_a_reply_or_a_refusal_that_writes_nothing(
    shared: tuple[Person, Engine], text: str
) -> None:
    someone, engine = shared
    before = table_rows(engine)
    try:
        reply = someone.say(text)
    except CoachError as error:
        assert str(error).strip()
        assert table_rows(engine) == before
        return
    assert reply.text.strip()
