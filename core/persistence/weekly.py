"""The weekly board's kept totals: one row per (chat, week, member) who walked that week, kept in
step with the person's walks, so a board of thousands is read by index order (the best few, and
the caller's place by one count)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, case, delete, func, literal, or_
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from core.persistence.models import Member, WeekTotal
from core.persistence.repositories import Repository

_TOTALS = WeekTotal.__table__  # type: ignore[attr-defined]
_KEY = ["chat_id", "week_start", "person_id"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# What is kept of a person's week, the same on every board they are on.
KEPT = ("points", "days", "last_day", *WEEKDAYS)


def _keep(dialect: Any) -> Any:
    """The person's totals of one week, written on every chat board they are on (one
    statement, whether they are on none or many)."""
    rows = sa_select(col(Member.chat_id), bindparam("week", type_=_TOTALS.c.week_start.type),
                     col(Member.person_id),
                     *(bindparam(name, type_=_TOTALS.c[name].type) for name in KEPT)
                     ).where(col(Member.person_id) == bindparam("person"))
    statement = dialect.insert(_TOTALS).from_select(
        ["chat_id", "week_start", "person_id", *KEPT], rows)
    return statement.on_conflict_do_update(
        index_elements=_KEY, set_={name: statement.excluded[name] for name in KEPT})


_KEEP = {"sqlite": _keep(sqlite), "postgresql": _keep(postgresql)}
_DROP_WEEK = delete(WeekTotal).where(col(WeekTotal.person_id) == bindparam("person"),
                                     col(WeekTotal.week_start) == bindparam("week"))
_ON_BOARD = (col(WeekTotal.chat_id) == bindparam("chat"),
             col(WeekTotal.week_start) == bindparam("week"))
_BEST = (
    sa_select(col(WeekTotal.points), col(WeekTotal.days)).where(*_ON_BOARD)
    .order_by(col(WeekTotal.points).desc(), col(WeekTotal.days).desc())
    .limit(1).offset(bindparam("nth"))
)
_BETTER = sa_select(func.count()).select_from(WeekTotal).where(
    *_ON_BOARD, col(WeekTotal.points) > bindparam("points"))
_MEMBERS = sa_select(func.count()).select_from(Member).where(
    col(Member.chat_id) == bindparam("chat"))


def _counted(week: date, through: date | None) -> tuple[Any, Any]:
    """Points and days counted from Monday `week` through `through` (all the week's: None)."""
    cut = 7 if through is None else (through - week).days + 1
    later = [_TOTALS.c[name] for name in WEEKDAYS[cut:]]
    if not later:
        return _TOTALS.c.points, _TOTALS.c.days
    return (_TOTALS.c.points - sum(later[1:], later[0]),
            _TOTALS.c.days - sum((case((c > 0, 1), else_=0) for c in later), literal(0)))


def _walked_by(through: date, ahead: bool) -> Any:
    """Rows whose latest day is after `through` (`ahead`), or not."""
    last = col(WeekTotal.last_day)
    return last > through if ahead else last <= through


def _rows(session: Any, query: Any, params: dict[str, Any]) -> list[tuple[int, str, int, int]]:
    return [(int(p), str(n), int(pts), int(d))
            for p, n, pts, d in session.execute(query, params)]


class Weeks(Repository):
    """Kept weekly totals of chat members."""

    def keep(self, person_id: int, week: date, kept: dict[str, Any]) -> None:
        """Set the person's totals of the week from Monday `week` on every board they are on
        (`KEPT`: points, days, last day, each day's points; none walked: their rows of that
        week go)."""
        params = {"person": person_id, "week": week}
        if not kept["days"]:
            self.session.execute(_DROP_WEEK, params)
            return
        self.session.execute(_KEEP[self.session.get_bind().dialect.name], {**params, **kept})

    def replace(self, person_id: int, chat_ids: Sequence[int],
                weeks: Sequence[tuple[date, dict[str, Any]]], *,
                everywhere: bool = False) -> None:
        """The person's rows on the given chats' boards, counted afresh: the `KEPT` totals of
        every week they walked. `everywhere`: their rows on other boards go (boards they are
        no longer on)."""
        drop = delete(WeekTotal).where(col(WeekTotal.person_id) == person_id)
        if not everywhere:
            drop = drop.where(col(WeekTotal.chat_id).in_(chat_ids))
        self.session.execute(drop)
        rows = [{"chat_id": chat, "week_start": week, "person_id": person_id, **kept}
                for chat in chat_ids for week, kept in weeks if kept["days"]]
        if rows:
            self.session.execute(_TOTALS.insert(), rows)

    def drop(self, chat_id: int, person_id: int) -> None:
        """Take the person off the chat's boards, every week."""
        self.session.execute(delete(WeekTotal).where(col(WeekTotal.chat_id) == chat_id,
                                                     col(WeekTotal.person_id) == person_id))

    def members(self, chat_id: int) -> int:
        """How many people are on the chat's board."""
        return int(self.session.execute(_MEMBERS, {"chat": chat_id}).scalar() or 0)

    def nth_best(self, chat_id: int, week: date, nth: int, *, through: date | None = None,
                 ahead: bool = False) -> tuple[int, int] | None:
        """The (points, days) of the `nth` best row (from 0) by points then days: of every row,
        or (`through` the group's today) of the rows walked only by then, or, `ahead`, of the
        others counted through that day."""
        if through is None:
            row = self.session.execute(_BEST, {"chat": chat_id, "week": week, "nth": nth}).first()
        else:
            pts, days = _counted(week, through if ahead else None)
            row = self.session.execute(
                sa_select(pts, days).where(*_ON_BOARD, _walked_by(through, ahead), days > 0)
                .order_by(pts.desc(), days.desc()).limit(1).offset(nth),
                {"chat": chat_id, "week": week}).first()
        return (int(row[0]), int(row[1])) if row is not None else None

    def at_least(self, chat_id: int, week: date, least: tuple[int, int] | None, *,
                 through: date | None = None,
                 ahead: bool = False) -> list[tuple[int, str, int, int]]:
        """(person, name, points, days) of every row at or above (points, days) `least`
        (every row when None); of the rows `nth_best` reads with the same `through` and
        `ahead`."""
        pts, days = _counted(week, through if ahead else None)
        query = (
            sa_select(col(WeekTotal.person_id), col(Member.display_name), pts, days)
            .join(Member, and_(col(Member.chat_id) == col(WeekTotal.chat_id),
                               col(Member.person_id) == col(WeekTotal.person_id)))
            .where(*_ON_BOARD, days > 0))
        if through is not None:
            query = query.where(_walked_by(through, ahead))
        if least is not None:
            query = query.where(or_(pts > least[0], and_(pts == least[0], days >= least[1])))
        return _rows(self.session, query, {"chat": chat_id, "week": week})

    def better_than(self, chat_id: int, week: date, points: int) -> int:
        """How many rows have more than `points`."""
        return int(self.session.execute(
            _BETTER, {"chat": chat_id, "week": week, "points": points}).scalar() or 0)

    def ahead(self, chat_id: int, week: date, through: date) -> int:
        """How many walked on days after `through` (the group's today)."""
        return int(self.session.execute(
            sa_select(func.count()).select_from(WeekTotal)
            .where(*_ON_BOARD, _walked_by(through, True)),
            {"chat": chat_id, "week": week}).scalar() or 0)

    def ahead_better(self, chat_id: int, week: date, through: date,
                     points: int) -> tuple[int, int]:
        """Of those: how many have more than `points` kept, and counted through `through`."""
        pts, _ = _counted(week, through)
        kept, counted = self.session.execute(
            sa_select(func.count().filter(col(WeekTotal.points) > points),
                      func.count().filter(pts > points))
            .where(*_ON_BOARD, _walked_by(through, True)),
            {"chat": chat_id, "week": week}).one()
        return int(kept or 0), int(counted or 0)

    def member(self, chat_id: int, person_id: int, week: date,
               through: date | None = None) -> tuple[str, int, int] | None:
        """A member's name and (points, days) of the week counted through `through` (0, 0
        without walks); None when not on the board."""
        pts, days = _counted(week, through)
        row = self.session.execute(
            sa_select(col(Member.display_name), func.coalesce(pts, 0), func.coalesce(days, 0))
            .outerjoin(WeekTotal, and_(col(WeekTotal.chat_id) == col(Member.chat_id),
                                       col(WeekTotal.person_id) == col(Member.person_id),
                                       col(WeekTotal.week_start) == week))
            .where(col(Member.chat_id) == chat_id, col(Member.person_id) == person_id)).first()
        return (str(row[0]), int(row[1]), int(row[2])) if row is not None else None

    def names(self, chat_id: int) -> list[tuple[int, str]]:
        """Every member's (person, name): for a board with fewer walkers than places."""
        return [(int(p), str(n)) for p, n in self.session.execute(
            sa_select(col(Member.person_id), col(Member.display_name))
            .where(col(Member.chat_id) == chat_id))]

    def memberships(self, person_id: int) -> list[int]:
        """The chats whose boards the person is on."""
        return [int(c) for c in self.session.scalars(
            sa_select(col(Member.chat_id)).where(col(Member.person_id) == person_id))]
