"""Group challenges: a weekly board with daily points capped, so nobody wins by overdoing it, and
the catalogue of daily challenges a group is offered."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from core.domain.plan import plan_week

DAILY_CAP_MINUTES = 30
DEFAULT_DAILY_GOAL = 10


@dataclass(frozen=True)
class Standing:
    """One member's place on the weekly board."""

    name: str
    points: int
    days: int
    person_id: int = 0


def points(day_minutes: Mapping[date, int], cap: int = DAILY_CAP_MINUTES) -> int:
    """Minutes this week, each day counting at most `cap`."""
    return sum(min(minutes, cap) for minutes in day_minutes.values())


def board(members: Iterable[tuple[str, Mapping[date, int]]]) -> list[Standing]:
    """Members ranked by capped points, then by active days, then by name."""
    rows = [Standing(name, points(days), sum(1 for m in days.values() if m > 0))
            for name, days in members]
    return sorted(rows, key=lambda s: (-s.points, -s.days, s.name.lower()))


def ranked(rows: Iterable[tuple[int, str, int, int]]) -> list[Standing]:
    """(person id, name, points, days) ranked like `board`."""
    standings = [Standing(name, points, days, person) for person, name, points, days in rows]
    return sorted(standings, key=lambda s: (-s.points, -s.days, s.name.lower(), s.person_id))


# --- the daily challenge -----------------------------------------------------------------------
# Places COACHING.md names, each shown with its own safety cue (core.texts.CHALLENGE_PLACES), and
# focus cues taken from its safety tips and technique advice (core.texts.CHALLENGE_FOCUS).
PLACES = ("park", "track", "hallway", "treadmill")
FOCUSES = ("shoulder", "toe_heel", "steady_speed", "easy_pace", "buddy", "check_in")
# Looking over the shoulder guards against what comes from behind on a path; on a belt nothing
# does, and turning the head there only unsettles the balance.
UNSUITED = frozenset({("treadmill", "shoulder")})
NO_REPEAT_DAYS = 14


@dataclass(frozen=True)
class Challenge:
    """One day's group challenge: where to walk, what to focus on and for how long.

    `minutes` is the group's daily goal; `starter_minutes` is what a newcomer does instead: the
    first week of the plan (supported), never more than the goal."""

    place: str
    focus: str
    minutes: int
    starter_minutes: int

    @property
    def key(self) -> tuple[str, str]:
        """What makes two days' challenges the same: the place and the focus."""
        return (self.place, self.focus)


CATALOGUE: tuple[tuple[str, str], ...] = tuple(
    (place, focus) for place in PLACES for focus in FOCUSES if (place, focus) not in UNSUITED)
assert len(CATALOGUE) >= NO_REPEAT_DAYS, "too few challenges to go two weeks without a repeat"


def _mix(*parts: object) -> bytes:
    """A stable digest: the same on every machine and Python version (unlike hash() of a str)."""
    return hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()


@lru_cache(maxsize=4096)
def _order(chat_key: int) -> tuple[tuple[str, str], ...]:
    """The group's own shuffle of the catalogue."""
    return tuple(sorted(CATALOGUE, key=lambda item: _mix("challenge", chat_key, *item)))


def daily_challenge(chat_key: int, day: date, goal_minutes: int) -> Challenge:
    """The challenge a group gets on its local `day`: the same all day, different from its
    previous len(CATALOGUE) - 1 days (so never repeated within two weeks), and shuffled per group
    so that groups get different challenges on the same day."""
    order = _order(chat_key)
    place, focus = order[day.toordinal() % len(order)]
    minutes = max(1, goal_minutes)
    return Challenge(place, focus, minutes, min(minutes, plan_week(1).minutes))
