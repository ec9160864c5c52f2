"""The pure parts of group challenges: reading /newchallenge, ranking with shared places,
winners and the team's total."""

from __future__ import annotations

from datetime import date

import pytest

from core.domain.contests import (
    CAPPED,
    GOAL,
    TEAM,
    Plan,
    Score,
    parse_new,
    rank,
    team_total,
    winners,
)
from core.errors import BadInput

TODAY = date(2026, 12, 2)  # a Wednesday


@pytest.mark.parametrize(("typed", "plan"), [
    ('capped "Spring steps" 14 days from 2026-12-07 cap 30',
     Plan(CAPPED, "Spring steps", date(2026, 12, 7), 14, cap=30)),
    ("capped 7 days", Plan(CAPPED, "Capped minutes from 2026-12-02", TODAY, 7, cap=30)),
    ("capped Winter Warmup 10 days cap 45 from tomorrow",
     Plan(CAPPED, "Winter Warmup", date(2026, 12, 3), 10, cap=45)),
    ("goal 10 min on 5 days over 7 days",
     Plan(GOAL, "Goal days from 2026-12-02", TODAY, 7, min_minutes=10, min_days=5)),
    ("goal 15 minutes a day on 3 days for 5 days from monday",
     Plan(GOAL, "Goal days from 2026-12-07", date(2026, 12, 7), 5, min_minutes=15,
          min_days=3)),
    ("team 1000 min 14 days", Plan(TEAM, "Team total from 2026-12-02", TODAY, 14, target=1000)),
    ("team “Big walk” 1,500 minutes 30 days from wednesday",
     Plan(TEAM, "Big walk", TODAY, 30, target=1500)),
])
def test_newchallenge_reads_each_format_in_a_few_forms(typed: str, plan: Plan) -> None:
    assert parse_new(typed, TODAY) == plan


@pytest.mark.parametrize(("typed", "answer"), [
    ("", "Start a group challenge in one line"),
    ("race 7 days", "Which kind of challenge?"),
    ("capped", "How many days should it last?"),
    ("capped 2 days", "3 to 30 days, not 2"),
    ("team 1000 min 31 days", "3 to 30 days, not 31"),
    ("capped 7 days from 2026-12-01", "today or later, not on 2026-12-01"),
    ("capped 7 days from someday", "can't read \u2068someday\u2069 as a start day"),
    ("capped 7 days cap 2", "daily cap is 5 to 300 minutes, not 2"),
    ("goal 7 days", "needs minutes and days"),
    ("goal 10 min on 9 days over 7 days", "1 to 7 days (the challenge's length), not 9"),
    ("team 7 days", "needs a shared target in minutes"),
    ("team 5 min 7 days", "10 to 1,000,000 minutes, not 5"),
    ('capped "A name far too long to fit on any board at all" 7 days', "40 characters"),
    ('capped "Dawn" 7 days extra words', "couldn't read \u2068extra words\u2069"),
])
def test_bad_newchallenge_input_gets_a_specific_answer_with_an_example(
        typed: str, answer: str) -> None:
    with pytest.raises(BadInput) as refused:
        parse_new(typed, TODAY)
    assert answer in str(refused.value)


def _score(n: int, name: str, points: int = 0, minutes: int = 0, days: int = 0) -> Score:
    return Score(n, name, points, minutes, days)


def test_equal_scores_share_a_place_and_the_next_place_is_skipped() -> None:
    scores = [_score(1, "dee", 10), _score(2, "Ben", 50), _score(3, "cai", 50),
              _score(4, "ann", 40)]
    ranked = rank(CAPPED, scores)
    assert [(r.rank, r.score.name) for r in ranked] == [
        (1, "Ben"), (1, "cai"), (3, "ann"), (4, "dee")]
    assert [s.name for s in winners(CAPPED, ranked)] == ["Ben", "cai"]


def test_nobody_wins_a_capped_challenge_without_a_minute() -> None:
    assert winners(CAPPED, rank(CAPPED, [_score(1, "a"), _score(2, "b")])) == []


def test_goal_days_rank_by_days_reached_and_everyone_reaching_the_goal_succeeds() -> None:
    ranked = rank(GOAL, [_score(1, "a", days=2), _score(2, "b", days=5), _score(3, "c", days=5)])
    assert [r.rank for r in ranked] == [1, 1, 3]
    assert [s.name for s in winners(GOAL, ranked, min_days=2)] == ["b", "c", "a"]
    assert [s.name for s in winners(GOAL, ranked, min_days=3)] == ["b", "c"]


def test_the_team_total_adds_everyones_minutes_uncapped() -> None:
    scores = [_score(1, "a", points=30, minutes=45), _score(2, "b", points=20, minutes=20)]
    assert team_total(scores) == 65
    assert [r.score.name for r in rank(TEAM, scores)] == ["a", "b"]
