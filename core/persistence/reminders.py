"""Planning reminders in the database: a batch of people whose reminder is due, alike in time,
zone and day start, queued and moved on in two set-based statements.

The batch is the same subquery in both: people due now with that reminder time, zone and day
start, earliest first, at most `limit`. Nothing about them travels through Python but the count,
so a batch costs about the same whether it holds 1 person or 200.
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
        .scalar_subquery()
    )


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
        .where(col(Person.id).in_(_batch()),
               col(Person.remind_next) <= bindparam("latest", type_=UTCDateTime()),
               col(Account.unreachable_since).is_(None), _FIRST_REACHABLE, ~walked, ~paused)
    )
    return dialect.insert(_table(Delivery)).from_select(
        ["kind", "platform", "account_id", "occurrence", "payload", "status", "attempts",
         "not_before", "expires_at", "created_at", "last_error"], accounts,
    ).on_conflict_do_nothing().returning(literal(1))


_QUEUE = {"sqlite": _queue(sqlite), "postgresql": _queue(postgresql)}
_ADVANCE = (
    update(_table(Person)).where(col(Person.id).in_(_batch()))
    .values(remind_next=bindparam("following", type_=UTCDateTime()))
    .returning(col(Person.id))
)


def _nudge_batch() -> Any:
    return (
        sa_select(col(Person.id))
        .where(col(Person.nudge_next) <= _NOW,
               col(Person.timezone) == bindparam("zone", type_=String()),
               col(Person.day_start_hour) == bindparam("day_start", type_=Integer()))
        .order_by(col(Person.nudge_next), col(Person.id))
        .limit(bindparam("limit", type_=Integer()))
        .scalar_subquery()
    )


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
        .where(col(Person.id).in_(_nudge_batch()), col(Account.unreachable_since).is_(None),
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
    update(_table(Person)).where(col(Person.id).in_(_nudge_batch()))
    .values(nudge_next=bindparam("following", type_=UTCDateTime()))
    .returning(col(Person.id))
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
        .scalar_subquery()
    )


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
        .where(col(Person.id).in_(_summary_batch()),
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
    update(_table(Person)).where(col(Person.id).in_(_summary_batch()))
    .values(summary_next=bindparam("following", type_=UTCDateTime()))
    .returning(col(Person.id))
)


class Reminders(Repository):
    """Due reminders, a batch at a time."""

    def first_due(self, now: datetime) -> tuple[str, str, int] | None:
        """The reminder time, zone and day start of the earliest due reminder, if any."""
        row = self.session.execute(_FIRST_DUE, {"now": now}).first()
        if row is None or row[0] is None:
            return None
        return str(row[0]), str(row[1]), int(row[2])

    def queue(self, *, kind: str, now: datetime, at: str, zone: str, day_start: int,
              limit: int, latest: datetime, day: date, expires: datetime) -> int:
        """Queue one message for every reachable account of the batch whose reminder was due
        by `latest`, unless they walked or paused on `day`; how many were new."""
        statement = _QUEUE.get(self.session.get_bind().dialect.name, _QUEUE["sqlite"])
        return len(self.session.execute(statement, {
            "kind": kind, "now": now, "at": at, "zone": zone, "day_start": day_start,
            "limit": limit, "latest": latest, "day": day, "occurrence": day.isoformat(),
            "expires": expires}).all())

    def advance(self, *, now: datetime, at: str, zone: str, day_start: int, limit: int,
                following: datetime) -> int:
        """Move the batch's next reminder instant on to `following`; how many people."""
        return len(self.session.execute(_ADVANCE, {
            "now": now, "at": at, "zone": zone, "day_start": day_start, "limit": limit,
            "following": following}).all())

    def first_nudge_due(self, now: datetime) -> tuple[str, int] | None:
        """The zone and day start of the earliest due streak nudge, if any."""
        row = self.session.execute(_FIRST_NUDGE, {"now": now}).first()
        return None if row is None else (str(row[0]), int(row[1]))

    def queue_nudges(self, *, now: datetime, zone: str, day_start: int, limit: int,
                     day: date, nudge_at: str, expires: datetime) -> int:
        """Queue the batch's streak nudges for walk day `day`; how many were new."""
        day_begins = f"{day_start:02d}:00"
        wraps = nudge_at < day_begins
        statement = _QUEUE_NUDGES.get((self.session.get_bind().dialect.name, wraps),
                                      _QUEUE_NUDGES[("sqlite", wraps)])
        return len(self.session.execute(statement, {
            "now": now, "zone": zone, "day_start": day_start, "limit": limit, "day": day,
            "occurrence": day.isoformat(), "expires": expires, "day_begins": day_begins,
            "nudge_at": nudge_at, "back1": day - timedelta(days=1),
            "back2": day - timedelta(days=2), "back3": day - timedelta(days=3)}).all())

    def advance_nudges(self, *, now: datetime, zone: str, day_start: int, limit: int,
                       following: datetime) -> int:
        """Move the batch's next nudge instant on to `following`; how many people."""
        return len(self.session.execute(_ADVANCE_NUDGES, {
            "now": now, "zone": zone, "day_start": day_start, "limit": limit,
            "following": following}).all())

    def first_summary_due(self, now: datetime) -> tuple[str, str, int] | None:
        """The reminder time, zone and day start of the earliest due weekly summary, if any."""
        row = self.session.execute(_FIRST_SUMMARY, {"now": now}).first()
        if row is None or row[0] is None:
            return None
        return str(row[0]), str(row[1]), int(row[2])

    def queue_summaries(self, *, now: datetime, at: str, zone: str, day_start: int, limit: int,
                        latest: datetime, day: date, expires: datetime) -> int:
        """Queue the batch's weekly summaries for the Monday `day`, unless paused that day, for
        those due by `latest`; how many were new."""
        statement = _QUEUE_SUMMARIES.get(self.session.get_bind().dialect.name,
                                         _QUEUE_SUMMARIES["sqlite"])
        return len(self.session.execute(statement, {
            "now": now, "at": at, "zone": zone, "day_start": day_start, "limit": limit,
            "latest": latest, "day": day, "occurrence": day.isoformat(),
            "expires": expires}).all())

    def advance_summaries(self, *, now: datetime, at: str, zone: str, day_start: int,
                          limit: int, following: datetime) -> int:
        """Move the batch's next weekly summary instant on to `following`; how many people."""
        return len(self.session.execute(_ADVANCE_SUMMARIES, {
            "now": now, "at": at, "zone": zone, "day_start": day_start, "limit": limit,
            "following": following}).all())
