"""Arbitrary text at the coach: only CoachError escapes, and a refusal writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.coach import Coach
from core.errors import CoachError
from tests.conftest import START
from tests.support import ManualClock, Person, make_coach, person, sqlite_engine, table_rows

COMMAND_WORDS = ["/log", "/timezone", "/remind", "/goal", "/daystart", "/pause", "/stats",
                 "/undo", "/resume", "/forget", "yes", "no", "/join", "/plan", "/start", ""]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Person, Path]]:
    path: Path = tmp_path_factory.mktemp("any") / "coach.db"
    engine = sqlite_engine(path)
    coach: Coach = make_coach(engine, ManualClock(START))
    someone = person(coach, "fuzz")
    someone.say("/log 10 min")
    yield someone, path
    coach.close()
    engine.dispose()


texts = st.one_of(
    st.text(max_size=300),
    st.builds(lambda w, t: f"{w} {t}", st.sampled_from(COMMAND_WORDS), st.text(max_size=80)),
    st.text(alphabet=st.characters(categories=["Nd", "Zs", "P", "Ll"]), max_size=40),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_any_text_gets_a_reply_or_a_refusal_that_writes_nothing(
    shared: tuple[Person, Path], text: str
) -> None:
    someone, path = shared
    before = table_rows(path)
    try:
        reply = someone.say(text)
    except CoachError as error:
        assert str(error).strip()
        assert table_rows(path) == before
        return
    assert reply.text.strip()
