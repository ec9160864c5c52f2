"""Streak, freeze and habit-strength rules, folded day by day."""

from __future__ import annotations

from datetime import date, timedelta

from core.domain.streaks import DayStatus, EventKind, StreakState, fold

W, P, M = DayStatus.WALKED, DayStatus.PAUSED, DayStatus.MISSED
FIRST = date(2026, 1, 1)


def run(pattern: str, state: StreakState | None = None) -> tuple[StreakState, list]:
    """Fold a pattern such as 'WWWMW' (walked, missed, paused) from FIRST."""
    statuses = {"W": W, "P": P, "M": M}
    days = [(FIRST + timedelta(days=n), statuses[c]) for n, c in enumerate(pattern)]
    return fold(state or StreakState(), days)


def test_consecutive_walked_days_make_a_streak() -> None:
    state, _ = run("WWWW")
    assert (state.current, state.best) == (4, 4)


def test_a_missed_day_without_a_freeze_breaks_the_streak_but_keeps_the_best() -> None:
    state, _ = run("WWWMWW")
    assert (state.current, state.best) == (2, 3)


def test_seven_days_in_a_row_earn_a_freeze_that_a_missed_day_spends() -> None:
    state, events = run("WWWWWWW")
    assert state.freezes == 1
    assert events == [type(events[0])(FIRST + timedelta(days=6), EventKind.FREEZE_EARNED)]
    state, events = run("WWWWWWWMW")
    assert (state.current, state.freezes) == (8, 0)
    assert events[-1].kind is EventKind.FREEZE_USED
    assert events[-1].day == FIRST + timedelta(days=7)


def test_freezes_are_capped_at_two() -> None:
    state, events = run("W" * 28)
    assert state.freezes == 2
    assert sum(e.kind is EventKind.FREEZE_EARNED for e in events) == 2


def test_two_freezes_cover_two_missed_days_and_a_third_breaks() -> None:
    state, _ = run("W" * 14 + "MM" + "W")
    assert (state.current, state.freezes) == (15, 0)
    state, _ = run("W" * 14 + "MMM" + "W")
    assert (state.current, state.best) == (1, 14)


def test_paused_days_neither_break_nor_extend() -> None:
    state, _ = run("WWW" + "P" * 10 + "WW")
    assert (state.current, state.freezes) == (5, 0)


def test_days_before_the_first_walk_do_not_count() -> None:
    state, events = run("MMMMW")
    assert (state.current, state.through) == (1, FIRST + timedelta(days=4))
    assert events == []


def test_habit_strength_after_30_done_days_and_3_misses_reads_about_68_percent() -> None:
    state, _ = run("W" * 30 + "MMM")
    assert round(state.score * 100) == 68


def test_a_missed_day_lowers_the_score_instead_of_wiping_it() -> None:
    before, _ = run("W" * 10)
    after, _ = run("M", before)
    assert 0 < after.score < before.score
    assert after.score > before.score * 0.9


def test_folding_in_two_parts_equals_folding_at_once() -> None:
    whole, whole_events = run("WWMWWWWWWWWMPPWMMW")
    first, first_events = run("WWMWWWWW")
    rest = [(FIRST + timedelta(days=8 + n), {"W": W, "P": P, "M": M}[c])
            for n, c in enumerate("WWWMPPWMMW")]
    second, second_events = fold(first, rest)
    assert second == whole
    assert first_events + second_events == whole_events
