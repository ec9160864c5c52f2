"""The group's weekly board from kept totals: each member's points and active days of a week,
recounted from their walks of that week whenever one is logged or undone, and for every week
when they join a board or their history changes (/link, /unlink). The board reads the best few
by index order and the caller's place by one count.

The week is the group's (Monday in its time zone) while a walk counts for the walker's own day:
as before, the current board counts the days from Monday through the group's today, so a walker
ahead of the group (whose day is already tomorrow there) shows on it from that day on."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from core import texts
from core.domain import days as local
from core.domain.challenges import DAILY_CAP_MINUTES, Standing, points, ranked
from core.persistence.uow import UnitOfWork
from core.persistence.weekly import WEEKDAYS


@dataclass(frozen=True)
class WeekBoard:
    """The best of a weekly board with their places (equal points share one), how many are on
    it, and the caller's own place when further down."""

    top: list[Standing] = field(default_factory=list)
    ranks: list[int] = field(default_factory=list)
    count: int = 0
    mine: tuple[int, Standing] | None = None

    @property
    def anyone_walked(self) -> bool:
        return bool(self.top) and self.top[0].points > 0


def week_totals(by_day: Mapping[date, int]) -> dict[str, Any]:
    """What is kept of a week from its minutes per day: points (each day capped), active days,
    the latest day, and each day's points by weekday."""
    each = dict.fromkeys(WEEKDAYS, 0)
    for day, minutes in by_day.items():
        each[WEEKDAYS[day.weekday()]] = min(minutes, DAILY_CAP_MINUTES)
    return {"points": points(by_day, DAILY_CAP_MINUTES), "days": len(by_day),
            "last_day": max(by_day, default=None), **each}


def walked(uow: UnitOfWork, person_id: int, day: date) -> None:
    """A walk on `day` was logged or undone: recount the person's week on every board."""
    week = local.week_start(day)
    by_day = uow.walks.minutes_by_day(person_id, week, week + timedelta(days=6))
    uow.weeks.keep(person_id, week, week_totals(by_day))


def recount(uow: UnitOfWork, person_id: int, chat_id: int | None = None) -> None:
    """Count the person's rows afresh from all their walks: on one chat's board (they joined
    it) or on all of theirs (their history was joined with another's, or parted)."""
    chats = [chat_id] if chat_id is not None else uow.weeks.memberships(person_id)
    every_day = uow.walks.minutes_by_day(person_id, date.min, date.max)
    uow.weeks.replace(person_id, chats, by_week(every_day.items()), everywhere=chat_id is None)


def by_week(days: Iterable[tuple[date, int]]) -> list[tuple[date, dict[str, Any]]]:
    """Each week with walks, and what is kept of it."""
    weeks: dict[date, dict[date, int]] = {}
    for day, minutes in days:
        weeks.setdefault(local.week_start(day), {})[day] = minutes
    return [(week, week_totals(walks)) for week, walks in sorted(weeks.items())]


def board(uow: UnitOfWork, chat_id: int, start: date, through: date | None = None, *,
          caller: int | None = None, top: int = 10) -> WeekBoard:
    """The board of the week from Monday `start`, counting days through `through` (default its
    Sunday), best first: by points, then days, then name."""
    through = min(through or start + timedelta(days=6), start + timedelta(days=6))
    count = uow.weeks.members(chat_id)
    if count == 0:
        return WeekBoard()
    # Walkers ahead of the group, who walked on days it has not reached: those days are left
    # out (their rows are read apart, counted through the group's today).
    ahead = uow.weeks.ahead(chat_id, start, through) if through.weekday() < 6 else 0
    if ahead:
        least = uow.weeks.nth_best(chat_id, start, top - 1, through=through)
        rows = uow.weeks.at_least(chat_id, start, least, through=through)
        least = uow.weeks.nth_best(chat_id, start, top - 1, through=through, ahead=True)
        rows += uow.weeks.at_least(chat_id, start, least, through=through, ahead=True)
    else:
        rows = uow.weeks.at_least(chat_id, start, uow.weeks.nth_best(chat_id, start, top - 1))
    best = _named(rows)
    if len(best) < top:  # fewer walkers than places: members without walks, by name
        walkers = {s.person_id for s in best}
        rest = ((name or texts.SOMEONE, person) for person, name in uow.weeks.names(chat_id)
                if person not in walkers)
        first = heapq.nsmallest(top - len(best), rest, key=lambda r: (r[0].lower(), r[1]))
        best += [Standing(name, 0, 0, person) for name, person in first]
    best = best[:top]
    ranks: list[int] = []
    for n, s in enumerate(best):
        ranks.append(ranks[-1] if n and best[n - 1].points == s.points else n + 1)
    mine = None
    if caller is not None and count > top and all(s.person_id != caller for s in best):
        mine = _place(uow, chat_id, start, through, caller, ahead)
    return WeekBoard(best, ranks, count, mine)


def _named(rows: Iterable[tuple[int, str, int, int]]) -> list[Standing]:
    return ranked((person, name or texts.SOMEONE, pts, days) for person, name, pts, days in rows)


def _place(uow: UnitOfWork, chat_id: int, start: date, through: date, caller: int,
           ahead: int) -> tuple[int, Standing] | None:
    """The caller's place: one more than how many have more points."""
    found = uow.weeks.member(chat_id, caller, start, through)
    if found is None:
        return None
    name, pts, days = found
    better = uow.weeks.better_than(chat_id, start, pts)
    if ahead:  # those ahead count as through the group's today
        kept, counted = uow.weeks.ahead_better(chat_id, start, through, pts)
        better += counted - kept
    return better + 1, Standing(name or texts.SOMEONE, pts, days, caller)


def anyone_walked(uow: UnitOfWork, chat_id: int, start: date) -> bool:
    """Whether anyone on the board earned points in the (finished) week from `start`."""
    best = uow.weeks.nth_best(chat_id, start, 0)
    return best is not None and best[0] > 0
