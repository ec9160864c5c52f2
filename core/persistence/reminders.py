"""Planning reminders in the database: a batch of people whose reminder is due, alike in time,
zone and day start, queued and moved on in two set-based statements.

The batch is picked first (people due now with that reminder time, zone and day start,
earliest first, at most `limit`), and on PostgreSQL locked, skipping people another planner
holds; both statements then act on exactly those people. Picking it afresh in each statement
let a planner that had waited for another's batch move the next batch on without queueing it.
Only their ids travel through Python, so a batch costs about the same whether it holds 1
person or 200.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    String,
    Table,
    and_,
    bindparam,
    exists,
    literal,
    or_,
    update,
)
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from sqlmodel import SQLModel, col

from core.persistence.models import Account, Delivery, Pause, Person, Walk
from core.persistence.repositories import Repository
from core.persistence.types import UTCDateTime

_NOW = bindparam("now", type_=UTCDateTime())
_IDS: Any = bindparam("ids", expanding=True)


def _table(model: type[SQLModel]) -> Table:
    """The table itself: statements on an ORM class executed with parameters would be taken
    for the ORM's bulk INSERT or UPDATE by primary key."""
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


def _batch() -> Any:
    return (
        sa_select(col(Person.id))
        .where(col(Person.remind_next) <= _NOW,
               col(Person.remind_at) == bindparam("at", type_=String()),
               col(Person.timezone) == bindparam("zone", type_=String()),
               col(Person.day_start_hour) == bindparam("day_start", type_=Integer()))
        .order_by(col(Person.remind_next), col(Person.id))
        .limit(bindparam("limit", type_=Integer()))
        .with_for_update(skip_locked=True)
    )


_BATCH = _batch()
_FIRST_DUE = (
    sa_select(col(Person.remind_at), col(Person.timezone), col(Person.day_start_hour))
    .where(col(Person.remind_next) <= _NOW)
    .order_by(col(Person.remind_next)).limit(1)
)
_DAY = bindparam("day", type_=Date())
_OTHER = aliased(Account)
# A walker with accounts on two platforms (/link) is reminded once, on the first of them that
# can still be reached (the one they started with; the other if that one blocked the bot).
_FIRST_REACHABLE = ~exists().where(col(_OTHER.person_id) == col(Account.person_id),
                                   col(_OTHER.unreachable_since).is_(None),
                                   col(_OTHER.id) < col(Account.id))


def _queue(dialect: Any) -> Any:
    walked = exists().where(col(Walk.person_id) == col(Person.id), col(Walk.day) == _DAY)
    paused = exists().where(col(Pause.person_id) == col(Person.id), col(Pause.start_day) <= _DAY,
                            or_(col(Pause.end_day).is_(None), col(Pause.end_day) >= _DAY))
    accounts = (
        sa_select(bindparam("kind", type_=String()), col(Account.platform), col(Account.id),
                  bindparam("occurrence", type_=String()), literal(""), literal("pending"),
                  literal(0), _NOW, bindparam("expires", type_=UTCDateTime()), _NOW,
                  literal(""))
        .join(Person, col(Person.id) == col(Account.person_id))
        .where(col(Person.id).in_(_IDS),
               col(Person.remind_next) <= bindparam("latest", type_=UTCDateTime()),
               col(Account.unreachable_since).is_(None), _FIRST_REACHABLE, ~walked, ~paused)
    )
    return dialect.insert(_table(Delivery)).from_select(
        ["kind", "platform", "account_id", "occurrence", "payload", "status", "attempts",
         "not_before", "expires_at", "created_at", "last_error"], accounts,
    ).on_conflict_do_nothing().returning(literal(1))


_QUEUE = {"sqlite": _queue(sqlite), "postgresql": _queue(postgresql)}
_ADVANCE = (
    update(_table(Person)).where(col(Person.id).in_(_IDS))
    .values(remind_next=bindparam("following", type_=UTCDateTime()))
)


def _nudge_batch() -> Any:
    return (
        sa_select(col(Person.id))
        .where(col(Person.nudge_next) <= _NOW,
               col(Person.timezone) == bindparam("zone", type_=String()),
               col(Person.day_start_hour) == bindparam("day_start", type_=Integer()))
        .order_by(col(Person.nudge_next), col(Person.id))
        .limit(bindparam("limit", type_=Integer()))
        .with_for_update(skip_locked=True)
    )


_NUDGE_BATCH = _nudge_batch()


def _walked_on(day: Any) -> Any:
    return exists().where(col(Walk.person_id) == col(Person.id), col(Walk.day) == day)


def _queue_nudges(dialect: Any, wraps: bool) -> Any:
    """A nudge for each reachable account of the batch with a streak of three days or more
    (walks on each of the three days before: freezes are not counted, so it errs towards
    silence), who has not walked or paused today, and whose own reminder comes earlier in the
    day than the nudge (`wraps`: the day start lies between them on the clock)."""
    paused = exists().where(col(Pause.person_id) == col(Person.id), col(Pause.start_day) <= _DAY,
                            or_(col(Pause.end_day).is_(None), col(Pause.end_day) >= _DAY))
    lower, upper = bindparam("day_begins", type_=String()), bindparam("nudge_at", type_=String())
    reminder = col(Person.remind_at)
    earlier = or_(reminder >= lower, reminder < upper) if wraps else and_(
        reminder >= lower, reminder < upper)
    accounts = (
        sa_select(literal("nudge"), col(Account.platform), col(Account.id),
                  bindparam("occurrence", type_=String()), literal(""), literal("pending"),
                  literal(0), _NOW, bindparam("expires", type_=UTCDateTime()), _NOW,
                  literal(""))
        .join(Person, col(Person.id) == col(Account.person_id))
        .where(col(Person.id).in_(_IDS), col(Account.unreachable_since).is_(None),
               _FIRST_REACHABLE,
               earlier, ~_walked_on(_DAY), ~paused,
               _walked_on(bindparam("back1", type_=Date())),
               _walked_on(bindparam("back2", type_=Date())),
               _walked_on(bindparam("back3", type_=Date())))
    )
    return dialect.insert(_table(Delivery)).from_select(
        ["kind", "platform", "account_id", "occurrence", "payload", "status", "attempts",
         "not_before", "expires_at", "created_at", "last_error"], accounts,
    ).on_conflict_do_nothing().returning(literal(1))


_QUEUE_NUDGES = {(name, wraps): _queue_nudges(dialect, wraps)
                 for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
                 for wraps in (False, True)}
_FIRST_NUDGE = (
    sa_select(col(Person.timezone), col(Person.day_start_hour))
    .where(col(Person.nudge_next) <= _NOW)
    .order_by(col(Person.nudge_next)).limit(1)
)
_ADVANCE_NUDGES = (
    update(_table(Person)).where(col(Person.id).in_(_IDS))
    .values(nudge_next=bindparam("following", type_=UTCDateTime()))
)


def _summary_batch() -> Any:
    return (
        sa_select(col(Person.id))
        .where(col(Person.summary_next) <= _NOW,
               col(Person.remind_at) == bindparam("at", type_=String()),
               col(Person.timezone) == bindparam("zone", type_=String()),
               col(Person.day_start_hour) == bindparam("day_start", type_=Integer()))
        .order_by(col(Person.summary_next), col(Person.id))
        .limit(bindparam("limit", type_=Integer()))
        .with_for_update(skip_locked=True)
    )


_SUMMARY_BATCH = _summary_batch()


def _queue_summaries(dialect: Any) -> Any:
    """A weekly summary for each reachable account of the batch not paused on the Monday (the
    words, and whether to send at all, are settled when it is claimed)."""
    paused = exists().where(col(Pause.person_id) == col(Person.id), col(Pause.start_day) <= _DAY,
                            or_(col(Pause.end_day).is_(None), col(Pause.end_day) >= _DAY))
    accounts = (
        sa_select(literal("weekly"), col(Account.platform), col(Account.id),
                  bindparam("occurrence", type_=String()), literal(""), literal("pending"),
                  literal(0), _NOW, bindparam("expires", type_=UTCDateTime()), _NOW,
                  literal(""))
        .join(Person, col(Person.id) == col(Account.person_id))
        .where(col(Person.id).in_(_IDS),
               col(Person.summary_next) <= bindparam("latest", type_=UTCDateTime()),
               col(Account.unreachable_since).is_(None), _FIRST_REACHABLE, ~paused)
    )
    return dialect.insert(_table(Delivery)).from_select(
        ["kind", "platform", "account_id", "occurrence", "payload", "status", "attempts",
         "not_before", "expires_at", "created_at", "last_error"], accounts,
    ).on_conflict_do_nothing().returning(literal(1))


_QUEUE_SUMMARIES = {"sqlite": _queue_summaries(sqlite), "postgresql": _queue_summaries(postgresql)}
_FIRST_SUMMARY = (
    sa_select(col(Person.remind_at), col(Person.timezone), col(Person.day_start_hour))
    .where(col(Person.summary_next) <= _NOW)
    .order_by(col(Person.summary_next)).limit(1)
)
_ADVANCE_SUMMARIES = (
    update(_table(Person)).where(col(Person.id).in_(_IDS))
    .values(summary_next=bindparam("following", type_=UTCDateTime()))
)


class Reminders(Repository):
    """Due reminders, a batch at a time."""

    def _ids(self, statement: Any, values: dict[str, Any]) -> list[int]:
        return [int(i) for i in self.session.scalars(statement, values)]

    def _count(self, statement: Any, values: dict[str, Any]) -> int:
        return len(self.session.execute(statement, values).all())

    def _move(self, statement: Any, ids: list[int], following: datetime) -> None:
        if ids:
            self.session.execute(statement, {"ids": ids, "following": following})

    def first_due(self, now: datetime) -> tuple[str, str, int] | None:
        """The reminder time, zone and day start of the earliest due reminder, if any."""
        row = self.session.execute(_FIRST_DUE, {"now": now}).first()
        if row is None or row[0] is None:
            return None
        return str(row[0]), str(row[1]), int(row[2])

    def batch(self, *, now: datetime, at: str, zone: str, day_start: int,
              limit: int) -> list[int]:
        """The people (ids) whose reminder at `at` in `zone` with `day_start` is due, earliest
        first, at most `limit`; on PostgreSQL locked for this unit of work, skipping those
        another planner holds."""
        return self._ids(_BATCH, {"now": now, "at": at, "zone": zone, "day_start": day_start,
                                  "limit": limit})

    def queue(self, ids: list[int], *, kind: str, now: datetime, latest: datetime, day: date,
              expires: datetime) -> int:
        """Queue one message for every reachable account of these people whose reminder was
        due by `latest`, unless they walked or paused on `day`; how many were new."""
        if not ids:
            return 0
        statement = _QUEUE.get(self.session.get_bind().dialect.name, _QUEUE["sqlite"])
        return self._count(statement, {
            "ids": ids, "kind": kind, "now": now, "latest": latest, "day": day,
            "occurrence": day.isoformat(), "expires": expires})

    def advance(self, ids: list[int], following: datetime) -> None:
        """Move these people's next reminder instant on to `following`."""
        self._move(_ADVANCE, ids, following)

    def first_nudge_due(self, now: datetime) -> tuple[str, int] | None:
        """The zone and day start of the earliest due streak nudge, if any."""
        row = self.session.execute(_FIRST_NUDGE, {"now": now}).first()
        return None if row is None else (str(row[0]), int(row[1]))

    def nudge_batch(self, *, now: datetime, zone: str, day_start: int,
                    limit: int) -> list[int]:
        """The people whose streak nudge in `zone` with `day_start` is due (as `batch`)."""
        return self._ids(_NUDGE_BATCH, {"now": now, "zone": zone, "day_start": day_start,
                                        "limit": limit})

    def queue_nudges(self, ids: list[int], *, now: datetime, day_start: int, day: date,
                     nudge_at: str, expires: datetime) -> int:
        """Queue these people's streak nudges for walk day `day`; how many were new."""
        if not ids:
            return 0
        day_begins = f"{day_start:02d}:00"
        wraps = nudge_at < day_begins
        statement = _QUEUE_NUDGES.get((self.session.get_bind().dialect.name, wraps),
                                      _QUEUE_NUDGES[("sqlite", wraps)])
        return self._count(statement, {
            "ids": ids, "now": now, "day": day, "occurrence": day.isoformat(),
            "expires": expires, "day_begins": day_begins, "nudge_at": nudge_at,
            "back1": day - timedelta(days=1), "back2": day - timedelta(days=2),
            "back3": day - timedelta(days=3)})

    def advance_nudges(self, ids: list[int], following: datetime) -> None:
        """Move these people's next nudge instant on to `following`."""
        self._move(_ADVANCE_NUDGES, ids, following)

    def first_summary_due(self, now: datetime) -> tuple[str, str, int] | None:
        """The reminder time, zone and day start of the earliest due weekly summary, if any."""
        row = self.session.execute(_FIRST_SUMMARY, {"now": now}).first()
        if row is None or row[0] is None:
            return None
        return str(row[0]), str(row[1]), int(row[2])

    def summary_batch(self, *, now: datetime, at: str, zone: str, day_start: int,
                      limit: int) -> list[int]:
        """The people whose weekly summary is due (as `batch`)."""
        return self._ids(_SUMMARY_BATCH, {"now": now, "at": at, "zone": zone,
                                          "day_start": day_start, "limit": limit})

    def queue_summaries(self, ids: list[int], *, now: datetime, latest: datetime, day: date,
                        expires: datetime) -> int:
        """Queue these people's weekly summaries for the Monday `day`, unless paused that
        day, for those due by `latest`; how many were new."""
        if not ids:
            return 0
        statement = _QUEUE_SUMMARIES.get(self.session.get_bind().dialect.name,
                                         _QUEUE_SUMMARIES["sqlite"])
        return self._count(statement, {
            "ids": ids, "now": now, "latest": latest, "day": day,
            "occurrence": day.isoformat(), "expires": expires})

    def advance_summaries(self, ids: list[int], following: datetime) -> None:
        """Move these people's next weekly summary instant on to `following`."""
        self._move(_ADVANCE_SUMMARIES, ids, following)
