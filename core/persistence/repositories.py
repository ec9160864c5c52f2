"""Repositories: every query the services need, and the only place SQL is written.

They hand out the table objects of `models.py`, tracked by the unit of work's session: a service
changes an attribute and the session writes that column at commit. Inserts that may race with
another coach (first contact, a settled day, a message seen twice) use INSERT ... ON CONFLICT DO
NOTHING and then read back what is there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlmodel import SQLModel, col, select

from core.persistence.models import (
    Account,
    Chat,
    Delivery,
    Entry,
    LinkCode,
    LinkFailure,
    Member,
    Pause,
    Person,
    ProcessedMessage,
    StreakEvent,
    Walk,
    WeekTotal,
)


@dataclass(frozen=True)
class Totals:
    """Sums over a span of walks."""

    minutes: int
    walks: int
    active_days: int
    first_day: date | None


# The statements of every request are built once, here: building one costs several times
# more than SQLAlchemy's cached compilation and SQLite's execution of it (see bench/core.py).
_LAST_DAY = (
    select(func.max(Walk.day)).where(col(Walk.person_id) == col(Person.id))
    .correlate(Person).scalar_subquery()
)
_BY_ACCOUNT = (
    select(Person, Account, _LAST_DAY).join(Account, col(Account.person_id) == col(Person.id))
    .where(col(Account.platform) == bindparam("platform"),
           col(Account.external_id) == bindparam("external_id"))
)
# FOR UPDATE OF people (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers).
_BY_ACCOUNT_LOCKED = _BY_ACCOUNT.with_for_update(of=Person)
_MINUTES_BY_DAY = (
    select(col(Walk.day), func.sum(Walk.minutes))
    .where(col(Walk.person_id) == bindparam("person"), col(Walk.day) >= bindparam("first"),
           col(Walk.day) <= bindparam("last"))
    .group_by(col(Walk.day))
)
_LATEST_PAIN = (
    select(col(Walk.pain)).where(col(Walk.person_id) == bindparam("person"))
    .order_by(col(Walk.id).desc()).limit(1)
)
_LAST_RATED_PAIN = (
    select(col(Walk.pain)).where(col(Walk.person_id) == bindparam("person"),
                                 col(Walk.pain).is_not(None))
    .order_by(col(Walk.id).desc()).limit(1)
)
_PAUSES_OVERLAPPING = select(Pause).where(
    col(Pause.person_id) == bindparam("person"), col(Pause.start_day) <= bindparam("last"),
    col(Pause.end_day).is_(None) | (col(Pause.end_day) >= bindparam("first")))


_INSERT_WALK = insert(Walk.__table__).returning(Walk.__table__.c.id)  # type: ignore[attr-defined]


def _insert_once(dialect: Any, model: type[SQLModel]) -> Any:
    table = model.__table__  # type: ignore[attr-defined]
    return dialect.insert(table).on_conflict_do_nothing().returning(literal(1))


_INSERT_ONCE: dict[tuple[str, type[SQLModel]], Any] = {
    (name, model): _insert_once(dialect, model)
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
    for model in (Account, StreakEvent, ProcessedMessage, Chat, Member, Entry, Delivery)
}


def insert_new(session: Session, model: type[SQLModel], rows: Sequence[dict[str, Any]]) -> int:
    """Insert rows, skipping any that would break a unique constraint; how many were new.
    (RETURNING tells which were inserted: drivers differ on the row count of a skipped row.)"""
    dialect = session.get_bind().dialect.name
    statement = _INSERT_ONCE.get((dialect, model))
    if statement is None:
        statement = _insert_once(postgresql if dialect == "postgresql" else sqlite, model)
    return sum(len(session.execute(statement, row).all()) for row in rows)


def insert_many_new(session: Session, model: type[SQLModel],
                    rows: Sequence[dict[str, Any]]) -> int:
    """`insert_new` for thousands of rows: SQLAlchemy sends them as a few multi-row INSERTs
    ("insertmanyvalues") instead of one statement each."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    statement = _INSERT_ONCE.get((dialect, model))
    if statement is None:
        statement = _insert_once(postgresql if dialect == "postgresql" else sqlite, model)
    return len(session.execute(statement, list(rows)).all())


class Repository:
    """Base: the unit of work's session."""

    def __init__(self, session: Session) -> None:
        self.session = session


class People(Repository):
    """People and their platform accounts."""

    def by_account(
        self, platform: str, external_id: str, *, lock: bool = False
    ) -> tuple[Person, Account] | None:
        """The person behind a platform account, with the account. `lock` holds the person's
        row until commit (PostgreSQL), so two requests of one person never interleave."""
        found = self.by_account_with_last_day(platform, external_id, lock=lock)
        return (found[0], found[1]) if found is not None else None

    def by_account_with_last_day(
        self, platform: str, external_id: str, *, lock: bool = False
    ) -> tuple[Person, Account, date | None] | None:
        """`by_account`, with the latest day the person logged a walk for (in the same
        statement: every request needs it)."""
        query = _BY_ACCOUNT_LOCKED if lock else _BY_ACCOUNT
        row = self.session.execute(
            query, {"platform": platform, "external_id": external_id}).first()
        return (row[0], row[1], row[2]) if row is not None else None

    def create(self, platform: str, external_id: str, name: str,
               now: datetime) -> tuple[Person, Account]:
        """A new person with their first account, or whoever another request created first."""
        person = Person(created_at=now)
        self.session.add(person)
        self.session.flush()
        new = insert_new(self.session, Account, [{
            "person_id": person.id, "platform": platform, "external_id": external_id,
            "display_name": name, "created_at": now}])
        if not new:  # someone else's first message won the race: theirs is the person
            self.session.delete(person)
            self.session.flush()
        found = self.by_account(platform, external_id, lock=True)
        assert found is not None
        return found

    def person(self, person_id: int) -> Person | None:
        """A person by their id."""
        return self.session.get(Person, person_id)

    def account(self, account_id: int) -> Account | None:
        """An account by its id."""
        return self.session.get(Account, account_id)

    def accounts(self, person_id: int) -> list[Account]:
        """Every platform account of a person."""
        return list(self.session.scalars(select(Account).where(Account.person_id == person_id)))

    def delete(self, person: Person) -> None:
        """Delete a person and, explicitly, every row that refers to them."""
        for model in (Walk, Pause, StreakEvent, WeekTotal, Member, Entry, ProcessedMessage,
                      LinkCode, LinkFailure, Account):
            self.session.execute(delete(model).where(col(model.person_id) == person.key))
        self.session.delete(person)
        self.session.flush()

    def first_time(self, key: str, person: Person, now: datetime) -> bool:
        """Record that a platform message was acted on; False if it already was."""
        row = {"key": key[:200], "person_id": person.key, "processed_at": now}
        return insert_new(self.session, ProcessedMessage, [row]) == 1


class Walks(Repository):
    """Walks, and sums over them by local day."""

    def add(self, walk: Walk) -> Walk:
        """Store a new walk and give it its id. (A walk is never changed once stored, so it is
        inserted with one INSERT ... RETURNING id, not tracked by the session: that costs a
        third of add() and flush(), and /log is the coach's busiest request.)"""
        values = walk.model_dump(exclude={"id"})
        walk.id = self.session.execute(_INSERT_WALK, values).scalar_one()
        return walk

    def get(self, person_id: int, walk_id: int) -> Walk | None:
        """One of a person's walks by id."""
        walk = self.session.get(Walk, walk_id)
        return walk if walk is not None and walk.person_id == person_id else None

    def latest(self, person_id: int) -> Walk | None:
        """The walk the person logged most recently."""
        return self.session.scalars(select(Walk).where(Walk.person_id == person_id)
                                    .order_by(col(Walk.id).desc()).limit(1)).first()

    def latest_pain(self, person_id: int) -> int | None:
        """The pain rated on the person's most recently logged walk (None: not rated, or no
        walk)."""
        return self.session.execute(_LATEST_PAIN, {"person": person_id}).scalar()

    def last_rated_pain(self, person_id: int) -> int | None:
        """The pain of the most recently logged walk that had a rating."""
        return self.session.execute(_LAST_RATED_PAIN, {"person": person_id}).scalar()

    def last_day(self, person_id: int) -> date | None:
        """The latest day any of the person's walks counts for."""
        return self.session.scalar(select(func.max(Walk.day)).where(Walk.person_id == person_id))

    def remove(self, walk: Walk) -> None:
        """Delete one walk."""
        self.session.delete(walk)
        self.session.flush()

    def minutes_by_day(self, person_id: int, first: date, last: date) -> dict[date, int]:
        """Minutes walked on each day from `first` to `last` (days without walks are absent)."""
        rows = self.session.execute(
            _MINUTES_BY_DAY, {"person": person_id, "first": first, "last": last})
        return {day: int(minutes) for day, minutes in rows}

    def totals(self, person_id: int, first: date | None = None, last: date | None = None) -> Totals:
        """Minutes, walks, active days and first day over a span (all time by default)."""
        query = select(
            func.coalesce(func.sum(Walk.minutes), 0), func.count(col(Walk.id)),
            func.count(func.distinct(Walk.day)), func.min(Walk.day),
        ).where(Walk.person_id == person_id)
        if first is not None:
            query = query.where(Walk.day >= first)
        if last is not None:
            query = query.where(Walk.day <= last)
        row: tuple[Any, ...] = tuple(self.session.execute(query).one())
        minutes, walks, days, first_day = row
        return Totals(int(minutes), int(walks), int(days), first_day)

    def all(self, person_id: int) -> list[Walk]:
        """Every walk of a person, oldest day first."""
        return list(self.session.scalars(select(Walk).where(Walk.person_id == person_id)
                                         .order_by(col(Walk.day), col(Walk.id))))


class Pauses(Repository):
    """Pauses a person set."""

    def overlapping(self, person_id: int, first: date, last: date) -> list[Pause]:
        """Pauses touching any day from `first` to `last`."""
        return list(self.session.scalars(
            _PAUSES_OVERLAPPING, {"person": person_id, "first": first, "last": last}))

    def add(self, pause: Pause) -> None:
        """Store a pause."""
        self.session.add(pause)

    def remove(self, pause: Pause) -> None:
        """Delete a pause that never took effect."""
        self.session.delete(pause)

    def all(self, person_id: int) -> list[Pause]:
        """Every pause of a person, oldest first."""
        return list(self.session.scalars(select(Pause).where(Pause.person_id == person_id)
                                         .order_by(col(Pause.start_day))))


class StreakEvents(Repository):
    """Freezes earned and spent on settled days."""

    def add(self, person_id: int, events: Sequence[tuple[date, str]]) -> None:
        """Store events of newly settled days (a day settled twice keeps its first events)."""
        insert_new(self.session, StreakEvent,
                   [{"person_id": person_id, "day": day, "kind": kind} for day, kind in events])

    def since(self, person_id: int, first: date, kind: str | None = None) -> list[StreakEvent]:
        """Events from `first` on, oldest first."""
        query = select(StreakEvent).where(StreakEvent.person_id == person_id,
                                          StreakEvent.day >= first)
        if kind is not None:
            query = query.where(StreakEvent.kind == kind)
        return list(self.session.scalars(query.order_by(col(StreakEvent.day))))

    def clear(self, person_id: int) -> None:
        """Forget every event of a person (their streak will be folded again)."""
        self.session.execute(delete(StreakEvent).where(col(StreakEvent.person_id) == person_id))


class Chats(Repository):
    """Groups and servers, and who takes part in their challenges."""

    def by_external(self, platform: str, external_id: str) -> Chat | None:
        """A chat by its platform id."""
        return self.session.scalars(select(Chat).where(
            Chat.platform == platform, Chat.external_id == external_id)).first()

    def get(self, chat_id: int) -> Chat | None:
        """A chat by its id."""
        return self.session.get(Chat, chat_id)

    def create(self, platform: str, external_id: str, kind: str, title: str,
               now: datetime) -> Chat:
        """A new chat, or the one another request created first."""
        insert_new(self.session, Chat, [{
            "platform": platform, "external_id": external_id, "kind": kind, "title": title,
            "created_at": now, "challenge_on": True, "challenge_time": "09:00",
            "timezone": "UTC", "daily_goal": 10}])
        chat = self.by_external(platform, external_id)
        assert chat is not None
        return chat

    def member(self, chat_id: int, person_id: int) -> Member | None:
        """A person's membership in a chat's challenge."""
        return self.session.get(Member, (chat_id, person_id))

    def add_member(self, member: Member) -> bool:
        """Add a person to a challenge; False if they already were in."""
        return insert_new(self.session, Member, [member.model_dump()]) == 1

    def remove_member(self, member: Member) -> None:
        """Take a person out of a challenge."""
        self.session.delete(member)

    def members(self, chat_id: int) -> list[Member]:
        """Everyone in a chat's challenge."""
        return list(self.session.scalars(select(Member).where(Member.chat_id == chat_id)))

    def memberships(self, person_id: int) -> list[tuple[Member, Chat]]:
        """The challenges a person takes part in, with their chats."""
        rows = self.session.execute(
            select(Member, Chat).join(Chat, col(Chat.id) == col(Member.chat_id))
            .where(Member.person_id == person_id))
        return [(member, chat) for member, chat in rows]
