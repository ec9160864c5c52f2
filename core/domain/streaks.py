"""Streaks, freezes and the habit-strength score, folded forward one local day at a time.

A day is walked (at least one walk), paused (the user paused; it neither breaks nor extends) or
missed. Folding is incremental so its cost follows the days folded, never the length of history.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

DAYS_PER_FREEZE = 7
MAX_FREEZES = 2
# Loop Habit Tracker's score: each day score = prev * m + v * (1 - m), m = 0.5 ** (sqrt(f) / 13),
# with f = 1 repetition a day (the streak is daily).
TARGET_PER_DAY = 1.0
SCORE_MULTIPLIER = 0.5 ** (math.sqrt(TARGET_PER_DAY) / 13)


class DayStatus(StrEnum):
    """What a finished (or, for today, a walked) local day was."""

    WALKED = "walked"
    PAUSED = "paused"
    MISSED = "missed"


class EventKind(StrEnum):
    """Moments worth showing in a user's streak history."""

    FREEZE_EARNED = "freeze_earned"
    FREEZE_USED = "freeze_used"


@dataclass(frozen=True)
class StreakEvent:
    """A freeze earned or spent on a given day."""

    day: date
    kind: EventKind


@dataclass(frozen=True)
class StreakState:
    """The streak as it stood at the end of day `through` (None: nothing folded yet)."""

    through: date | None = None
    current: int = 0
    best: int = 0
    freezes: int = 0
    run: int = 0
    score: float = 0.0


def fold_day(
    state: StreakState, day: date, status: DayStatus
) -> tuple[StreakState, StreakEvent | None]:
    """The state after one more day, and the freeze event that day caused, if any."""
    if status is DayStatus.PAUSED or (state.through is None and status is DayStatus.MISSED):
        return replace(state, through=day if state.through else None), None
    if status is DayStatus.WALKED:
        return _walked(state, day)
    score = state.score * SCORE_MULTIPLIER
    if state.current == 0:
        return replace(state, through=day, run=0, score=score), None
    if state.freezes > 0:
        spent = replace(state, through=day, freezes=state.freezes - 1, run=0, score=score)
        return spent, StreakEvent(day, EventKind.FREEZE_USED)
    return replace(state, through=day, current=0, run=0, score=score), None


def _walked(state: StreakState, day: date) -> tuple[StreakState, StreakEvent | None]:
    current, run = state.current + 1, state.run + 1
    event = None
    freezes = state.freezes
    if run >= DAYS_PER_FREEZE:
        run = 0
        if freezes < MAX_FREEZES:
            freezes += 1
            event = StreakEvent(day, EventKind.FREEZE_EARNED)
    score = state.score * SCORE_MULTIPLIER + (1 - SCORE_MULTIPLIER)
    new = StreakState(day, current, max(state.best, current), freezes, run, score)
    return new, event


def fold(
    state: StreakState, days: Iterable[tuple[date, DayStatus]]
) -> tuple[StreakState, list[StreakEvent]]:
    """Fold consecutive days into the state; returns the new state and the events on the way."""
    events: list[StreakEvent] = []
    for day, status in days:
        state, event = fold_day(state, day, status)
        if event:
            events.append(event)
    return state, events


@dataclass(frozen=True)
class StreakView:
    """What a user sees: the streak through today, with today still open if not yet walked."""

    current: int
    best: int
    freezes: int
    score: float
    walked_today: bool
    freezes_used: tuple[date, ...]

    @property
    def strength_percent(self) -> int:
        """The habit-strength score as a whole percentage."""
        return round(self.score * 100)
