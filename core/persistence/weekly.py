"""The weekly board's kept totals: one row per (chat, week, member) who walked that week, kept in
step with the person's walks, so a board of thousands is read by index order (the best few, and
the caller's place by one count)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from core.persistence.models import Member, Walk, WeekTotal
from core.persistence.repositories import Repository

_TOTALS = WeekTotal.__table__  # type: ignore[attr-defined]
_KEY = ["chat_id", "week_start", "person_id"]


def _keep(dialect: Any) -> Any:
    """The person's totals of one week, written on every chat board they are on (one
    statement, whether they are on none or many)."""
    rows = sa_select(col(Member.chat_id), bindparam("week", type_=_TOTALS.c.week_start.type),
                     col(Member.person_id), bindparam("points"), bindparam("days"),
                     bindparam("last", type_=_TOTALS.c.last_day.type)
                     ).where(col(Member.person_id) == bindparam("person"))
    statement = dialect.insert(_TOTALS).from_select(
        ["chat_id", "week_start", "person_id", "points", "days", "last_day"], rows)
    return statement.on_conflict_do_update(
        index_elements=_KEY, set_={"points": statement.excluded.points,
                                   "days": statement.excluded.days,
                                   "last_day": statement.excluded.last_day})


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
_AHEAD = sa_select(col(WeekTotal.person_id), col(WeekTotal.points)).where(
    *_ON_BOARD, col(WeekTotal.last_day) > bindparam("through"))
_MEMBERS = sa_select(func.count()).select_from(Member).where(
    col(Member.chat_id) == bindparam("chat"))


def _rows(session: Any, query: Any, params: dict[str, Any]) -> list[tuple[int, str, int, int]]:
    return [(int(p), str(n), int(pts), int(d))
            for p, n, pts, d in session.execute(query, params)]


class Weeks(Repository):
    """Kept weekly totals of chat members."""

    def keep(self, person_id: int, week: date, points: int, days: int,
             last_day: date | None) -> None:
        """Set the person's totals of the week from Monday `week` on every board they are on
        (none walked: their rows of that week go)."""
        params = {"person": person_id, "week": week}
        if days == 0:
            self.session.execute(_DROP_WEEK, params)
            return
        statement = _KEEP[self.session.get_bind().dialect.name]
        self.session.execute(statement, {**params, "points": points, "days": days,
                                         "last": last_day})

    def replace(self, person_id: int, chat_ids: Sequence[int],
                weeks: Sequence[tuple[date, int, int, date | None]], *,
                everywhere: bool = False) -> None:
        """The person's rows on the given chats' boards, counted afresh: (week, points, days,
        last day) for every week they walked. `everywhere`: their rows on other boards go
        (boards they are no longer on)."""
        drop = delete(WeekTotal).where(col(WeekTotal.person_id) == person_id)
        if not everywhere:
            drop = drop.where(col(WeekTotal.chat_id).in_(chat_ids))
        self.session.execute(drop)
        rows = [{"chat_id": chat, "week_start": week, "person_id": person_id, "points": points,
                 "days": days, "last_day": last} for chat in chat_ids
                for week, points, days, last in weeks if days > 0]
        if rows:
            self.session.execute(_TOTALS.insert(), rows)

    def drop(self, chat_id: int, person_id: int) -> None:
        """Take the person off the chat's boards, every week."""
        self.session.execute(delete(WeekTotal).where(col(WeekTotal.chat_id) == chat_id,
                                                     col(WeekTotal.person_id) == person_id))

    def members(self, chat_id: int) -> int:
        """How many people are on the chat's board."""
        return int(self.session.execute(_MEMBERS, {"chat": chat_id}).scalar() or 0)

    def nth_best(self, chat_id: int, week: date, nth: int) -> tuple[int, int] | None:
        """The (points, days) of the `nth` best row (from 0) by points then days."""
        row = self.session.execute(_BEST, {"chat": chat_id, "week": week, "nth": nth}).first()
        return (int(row[0]), int(row[1])) if row is not None else None

    def at_least(self, chat_id: int, week: date,
                 least: tuple[int, int] | None) -> list[tuple[int, str, int, int]]:
        """(person, name, points, days) of every row at or above (points, days) `least`
        (every row when None)."""
        query = (
            sa_select(col(WeekTotal.person_id), col(Member.display_name),
                      col(WeekTotal.points), col(WeekTotal.days))
            .join(Member, and_(col(Member.chat_id) == col(WeekTotal.chat_id),
                               col(Member.person_id) == col(WeekTotal.person_id)))
            .where(*_ON_BOARD))
        if least is not None:
            points, days = least
            query = query.where(or_(col(WeekTotal.points) > points, and_(
                col(WeekTotal.points) == points, col(WeekTotal.days) >= days)))
        return _rows(self.session, query, {"chat": chat_id, "week": week})

    def better_than(self, chat_id: int, week: date, points: int) -> int:
        """How many rows have more than `points`."""
        return int(self.session.execute(
            _BETTER, {"chat": chat_id, "week": week, "points": points}).scalar() or 0)

    def ahead(self, chat_id: int, week: date, through: date) -> dict[int, int]:
        """Rows with walks after `through` (the group's today): person -> kept points."""
        rows = self.session.execute(_AHEAD, {"chat": chat_id, "week": week, "through": through})
        return {int(p): int(pts) for p, pts in rows}

    def counted_through(self, chat_id: int, person_ids: Sequence[int], first: date,
                        through: date) -> dict[int, tuple[str, dict[date, int]]]:
        """The members' names and minutes per day from `first` to `through`, from their walks
        (for the few who walked on days the group has not reached)."""
        names = dict(self.session.execute(
            sa_select(col(Member.person_id), col(Member.display_name))
            .where(col(Member.chat_id) == chat_id, col(Member.person_id).in_(person_ids))).all())
        found: dict[int, tuple[str, dict[date, int]]] = {
            int(p): (str(n), {}) for p, n in names.items()}
        rows = self.session.execute(
            sa_select(col(Walk.person_id), col(Walk.day), func.sum(Walk.minutes))
            .where(col(Walk.person_id).in_(list(found)), col(Walk.day) >= first,
                   col(Walk.day) <= through)
            .group_by(col(Walk.person_id), col(Walk.day)))
        for person, day, minutes in rows:
            found[int(person)][1][day] = int(minutes)
        return found

    def member(self, chat_id: int, person_id: int, week: date) -> tuple[str, int, int] | None:
        """A member's name and kept (points, days) of the week (0, 0 without walks); None when
        not on the board."""
        row = self.session.execute(
            sa_select(col(Member.display_name), func.coalesce(WeekTotal.points, 0),
                      func.coalesce(WeekTotal.days, 0))
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

    def walked_days(self, person_id: int) -> list[tuple[date, int]]:
        """Every day the person walked, with its minutes."""
        return [(day, int(m)) for day, m in self.session.execute(
            sa_select(col(Walk.day), func.sum(Walk.minutes))
            .where(col(Walk.person_id) == person_id).group_by(col(Walk.day)))]

