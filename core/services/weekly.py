"""The group's weekly board from kept totals: each member's points and active days of a week,
recounted from their walks of that week whenever one is logged or undone, and for every week
when they join a board or their history changes (/link, /unlink). The board reads the best few
by index order and the caller's place by one count.

The week is the group's (Monday in its time zone) while a walk counts for the walker's own day:
as before, the current board counts the days from Monday through the group's today, so a walker
ahead of the group (whose day is already tomorrow there) shows on it from that day on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from core import texts
from core.domain import days as local
from core.domain.challenges import DAILY_CAP_MINUTES, Standing, points, ranked
from core.persistence.uow import UnitOfWork

WEEK = timedelta(days=7)


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


def week_totals(by_day: Mapping[date, int]) -> tuple[int, int, date | None]:
    """Points (each day capped), active days and the latest day, from minutes per day."""
    return points(by_day, DAILY_CAP_MINUTES), len(by_day), max(by_day, default=None)


def walked(uow: UnitOfWork, person_id: int, day: date) -> None:
    """A walk on `day` was logged or undone: recount the person's week on every board."""
    week = local.week_start(day)
    by_day = uow.walks.minutes_by_day(person_id, week, week + timedelta(days=6))
    uow.weeks.keep(person_id, week, *week_totals(by_day))


def recount(uow: UnitOfWork, person_id: int, chat_id: int | None = None) -> None:
    """Count the person's rows afresh from all their walks: on one chat's board (they joined
    it) or on all of theirs (their history was joined with another's, or parted)."""
    chats = [chat_id] if chat_id is not None else uow.weeks.memberships(person_id)
    uow.weeks.replace(person_id, chats, by_week(uow.weeks.walked_days(person_id)),
                      everywhere=chat_id is None)


def by_week(days: Iterable[tuple[date, int]]) -> list[tuple[date, int, int, date | None]]:
    """(week, points, days, latest day) of each week with walks."""
    weeks: dict[date, dict[date, int]] = {}
    for day, minutes in days:
        weeks.setdefault(local.week_start(day), {})[day] = minutes
    return [(week, *week_totals(walks)) for week, walks in sorted(weeks.items())]


def board(uow: UnitOfWork, chat_id: int, start: date, through: date | None = None, *,
          caller: int | None = None, top: int = 10) -> WeekBoard:
    """The board of the week from Monday `start`, counting days through `through` (default its
    Sunday), best first: by points, then days, then name."""
    through = min(through or start + timedelta(days=6), start + timedelta(days=6))
    count = uow.weeks.members(chat_id)
    if count == 0:
        return WeekBoard()
    # Walkers ahead of the group, who walked on days it has not reached: counted from walks.
    ahead = uow.weeks.ahead(chat_id, start, through)
    fixed = {person: (name, *week_totals(by_day)[:2]) for person, (name, by_day) in
             uow.weeks.counted_through(chat_id, list(ahead), start, through).items()
             } if ahead else {}
    least = uow.weeks.nth_best(chat_id, start, top - 1 + len(ahead))
    rows = [r for r in uow.weeks.at_least(chat_id, start, least) if r[0] not in ahead]
    rows += [(person, name, pts, days) for person, (name, pts, days) in fixed.items() if days]
    best = _named(rows)
    if len(best) < top:  # fewer walkers than places: members without walks, by name
        walkers = {s.person_id for s in best}
        best += _named((person, name, 0, 0) for person, name in uow.weeks.names(chat_id)
                       if person not in walkers)
    best = best[:top]
    ranks: list[int] = []
    for n, s in enumerate(best):
        ranks.append(ranks[-1] if n and best[n - 1].points == s.points else n + 1)
    mine = None
    if caller is not None and count > top and all(s.person_id != caller for s in best):
        mine = _place(uow, chat_id, start, caller, ahead, fixed)
    return WeekBoard(best, ranks, count, mine)


def _named(rows: Iterable[tuple[int, str, int, int]]) -> list[Standing]:
    return ranked((person, name or texts.SOMEONE, pts, days) for person, name, pts, days in rows)


def _place(uow: UnitOfWork, chat_id: int, start: date, caller: int, ahead: dict[int, int],
           fixed: dict[int, tuple[str, int, int]]) -> tuple[int, Standing] | None:
    """The caller's place: one more than how many have more points."""
    found = uow.weeks.member(chat_id, caller, start)
    if found is None:
        return None
    name, pts, days = fixed.get(caller, found)
    better = uow.weeks.better_than(chat_id, start, pts)
    better -= sum(1 for kept in ahead.values() if kept > pts)
    better += sum(1 for _, counted, _ in fixed.values() if counted > pts)
    return better + 1, Standing(name or texts.SOMEONE, pts, days, caller)


def anyone_walked(uow: UnitOfWork, chat_id: int, start: date) -> bool:
    """Whether anyone on the board earned points in the (finished) week from `start`."""
    best = uow.weeks.nth_best(chat_id, start, 0)
    return best is not None and best[0] > 0
