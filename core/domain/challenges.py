"""Group challenges: a weekly board with daily points capped, so nobody wins by overdoing it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

DAILY_CAP_MINUTES = 30
DEFAULT_DAILY_GOAL = 10


@dataclass(frozen=True)
class Standing:
    """One member's place on the weekly board."""

    name: str
    points: int
    days: int


def points(day_minutes: Mapping[date, int], cap: int = DAILY_CAP_MINUTES) -> int:
    """Minutes this week, each day counting at most `cap`."""
    return sum(min(minutes, cap) for minutes in day_minutes.values())


def board(members: Iterable[tuple[str, Mapping[date, int]]]) -> list[Standing]:
    """Members ranked by capped points, then by active days, then by name."""
    rows = [Standing(name, points(days), sum(1 for m in days.values() if m > 0))
            for name, days in members]
    return sorted(rows, key=lambda s: (-s.points, -s.days, s.name.lower()))
