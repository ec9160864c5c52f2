"""Repositories: every query the services need, and the only place SQL is written.

Statements are built once at import with bound parameters: on SQLite, building a statement costs
several times more than running it. Rows come back as the plain records of `records.py`; records
handed out are watched, and what changed is written back when the unit of work commits.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, bindparam, delete, func, insert, select, update

from core.persistence import records
from core.persistence.tables import (
    AccountRow,
    ChatRow,
    DeliveryRow,
    MemberRow,
    PauseRow,
    PersonRow,
    StreakEventRow,
    WalkRow,
)

R = TypeVar("R")

PEOPLE: Table = PersonRow.__table__  # type: ignore[attr-defined]
ACCOUNTS: Table = AccountRow.__table__  # type: ignore[attr-defined]
WALKS: Table = WalkRow.__table__  # type: ignore[attr-defined]
PAUSES: Table = PauseRow.__table__  # type: ignore[attr-defined]
EVENTS: Table = StreakEventRow.__table__  # type: ignore[attr-defined]
CHATS: Table = ChatRow.__table__  # type: ignore[attr-defined]
MEMBERS: Table = MemberRow.__table__  # type: ignore[attr-defined]
DELIVERIES: Table = DeliveryRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Totals:
    """Sums over a span of walks."""

    minutes: int
    walks: int
    active_days: int
    first_day: date | None


class Tracker:
    """Remembers the records handed out and writes back, at commit, those that changed."""

    def __init__(self) -> None:
        self._watched: list[tuple[Table, Any, dict[str, Any]]] = []

    def watch(self, table: Table, record: R) -> R:
        """Hand out `record`, remembering how it looked."""
        self._watched.append((table, record, dict(vars(record))))
        return record

    def clear(self) -> None:
        """Stop watching everything (the rows are gone)."""
        self._watched.clear()

    def forget(self, record: object) -> None:
        """Stop watching a record (it was deleted)."""
        self._watched = [w for w in self._watched if w[1] is not record]

    def write_back(self, connection: Connection) -> None:
        """Update every watched row whose record changed."""
        for table, record, before in self._watched:
            now = vars(record)
            if now != before:
                # Only the other columns are set: rewriting the key would make SQLite check every
                # row that refers to it.
                values = {k: v for k, v in now.items() if k != "id"}
                connection.execute(_UPDATE_BY_ID[table.name], dict(values, _id=record.id))
                before.update(now)


def _update_by_id(table: Table) -> Any:
    return (update(table).where(table.c.id == bindparam("_id"))
            .values({c.name: bindparam(c.name) for c in table.c if c.name != "id"}))


_UPDATE_BY_ID = {t.name: _update_by_id(t) for t in (PEOPLE, ACCOUNTS, PAUSES, CHATS)}


def record_of(kind: type[R], row: Any, prefix: str = "") -> R:
    """A record from a row whose columns (after `prefix`) are named like its fields."""
    mapping = row._mapping
    return kind(**{f.name: mapping[prefix + f.name] for f in fields(kind)})  # type: ignore[arg-type]


def labelled(table: Table, prefix: str) -> list[Any]:
    """All columns of a table, renamed with a prefix so a join keeps them apart."""
    return [column.label(prefix + column.name) for column in table.c]


def _values(record: object, table: Table) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k in table.c and k != "id"}


_BY_ACCOUNT = (
    select(*labelled(PEOPLE, "p_"), *labelled(ACCOUNTS, "a_"))
    .join_from(ACCOUNTS, PEOPLE, ACCOUNTS.c.person_id == PEOPLE.c.id)
    .where(ACCOUNTS.c.platform == bindparam("platform"),
           ACCOUNTS.c.external_id == bindparam("external_id"))
)
_ACCOUNTS_OF = select(ACCOUNTS).where(ACCOUNTS.c.person_id == bindparam("person"))
_INSERT = {t.name: insert(t) for t in (PEOPLE, ACCOUNTS, WALKS, PAUSES, EVENTS, CHATS, MEMBERS)}
_WALK_BY_SOURCE = select(WALKS).where(WALKS.c.source_key == bindparam("key"))
_WALK_BY_ID = select(WALKS).where(WALKS.c.id == bindparam("id"),
                                  WALKS.c.person_id == bindparam("person"))
_LATEST_WALK = (select(WALKS).where(WALKS.c.person_id == bindparam("person"))
                .order_by(WALKS.c.id.desc()).limit(1))
_DELETE_WALK = delete(WALKS).where(WALKS.c.id == bindparam("id"))
_MINUTES_BY_DAY = (
    select(WALKS.c.day, func.sum(WALKS.c.minutes))
    .where(WALKS.c.person_id == bindparam("person"), WALKS.c.day >= bindparam("first"),
           WALKS.c.day <= bindparam("last"))
    .group_by(WALKS.c.day)
)
_ALL_WALKS = (select(WALKS).where(WALKS.c.person_id == bindparam("person"))
              .order_by(WALKS.c.day, WALKS.c.id))
_PAUSES_OVERLAPPING = select(PAUSES).where(
    PAUSES.c.person_id == bindparam("person"),
    PAUSES.c.start_day <= bindparam("last"),
    PAUSES.c.end_day.is_(None) | (PAUSES.c.end_day >= bindparam("first")),
)
_ALL_PAUSES = (select(PAUSES).where(PAUSES.c.person_id == bindparam("person"))
               .order_by(PAUSES.c.start_day))
_DELETE_PAUSE = delete(PAUSES).where(PAUSES.c.id == bindparam("id"))
_CHAT_BY_EXTERNAL = select(CHATS).where(CHATS.c.platform == bindparam("platform"),
                                        CHATS.c.external_id == bindparam("external_id"))
_MEMBER = select(MEMBERS).where(MEMBERS.c.chat_id == bindparam("chat"),
                                MEMBERS.c.person_id == bindparam("person"))
_MEMBERS = select(MEMBERS).where(MEMBERS.c.chat_id == bindparam("chat"))
_DELETE_MEMBER = delete(MEMBERS).where(MEMBERS.c.chat_id == bindparam("chat"),
                                       MEMBERS.c.person_id == bindparam("person"))
_MEMBERSHIPS = (
    select(*labelled(MEMBERS, "m_"), *labelled(CHATS, "c_"))
    .join_from(MEMBERS, CHATS, MEMBERS.c.chat_id == CHATS.c.id)
    .where(MEMBERS.c.person_id == bindparam("person"))
)
_MINUTES_BY_MEMBER = (
    select(WALKS.c.person_id, WALKS.c.day, func.sum(WALKS.c.minutes))
    .join_from(WALKS, MEMBERS, MEMBERS.c.person_id == WALKS.c.person_id)
    .where(MEMBERS.c.chat_id == bindparam("chat"), WALKS.c.day >= bindparam("first"),
           WALKS.c.day <= bindparam("last"))
    .group_by(WALKS.c.person_id, WALKS.c.day)
)


class Repository:
    """Base: a connection inside the unit of work's transaction, and the change tracker."""

    def __init__(self, connection: Connection, tracker: Tracker) -> None:
        self.connection = connection
        self.tracker = tracker

    def _insert(self, table: Table, record: R) -> R:
        result = self.connection.execute(_INSERT[table.name], _values(record, table))
        if "id" in table.c and result.inserted_primary_key:
            record.id = result.inserted_primary_key[0]  # type: ignore[attr-defined]
        return record


class People(Repository):
    """People and their platform accounts."""

    def by_account(
        self, platform: str, external_id: str
    ) -> tuple[records.Person, records.Account] | None:
        """The person behind a platform account, with the account."""
        row = self.connection.execute(
            _BY_ACCOUNT, {"platform": platform, "external_id": external_id}).first()
        if row is None:
            return None
        person = self.tracker.watch(PEOPLE, record_of(records.Person, row, "p_"))
        return person, self.tracker.watch(ACCOUNTS, record_of(records.Account, row, "a_"))

    def add(self, person: records.Person, account: records.Account) -> None:
        """Store a new person with their first account; both get their ids."""
        self.tracker.watch(PEOPLE, self._insert(PEOPLE, person))
        account.person_id = person.id
        self.tracker.watch(ACCOUNTS, self._insert(ACCOUNTS, account))

    def accounts(self, person_id: int) -> list[records.Account]:
        """Every platform account of a person."""
        rows = self.connection.execute(_ACCOUNTS_OF, {"person": person_id})
        return [record_of(records.Account, row) for row in rows]

    def delete(self, person_id: int) -> None:
        """Delete a person and, explicitly, every row that refers to them."""
        for table in (WALKS, PAUSES, EVENTS, MEMBERS, DELIVERIES, ACCOUNTS):
            self.connection.execute(delete(table).where(table.c.person_id == person_id))
        self.connection.execute(delete(PEOPLE).where(PEOPLE.c.id == person_id))
        self.tracker.clear()


class Walks(Repository):
    """Walks, and sums over them by local day."""

    def add(self, walk: records.Walk) -> records.Walk:
        """Store a walk and give it an id."""
        return self._insert(WALKS, walk)

    def by_source(self, source_key: str) -> records.Walk | None:
        """The walk recorded from a given platform message, if any."""
        row = self.connection.execute(_WALK_BY_SOURCE, {"key": source_key}).first()
        return record_of(records.Walk, row) if row else None

    def get(self, person_id: int, walk_id: int) -> records.Walk | None:
        """One of a person's walks by id."""
        row = self.connection.execute(_WALK_BY_ID, {"id": walk_id, "person": person_id}).first()
        return record_of(records.Walk, row) if row else None

    def latest(self, person_id: int) -> records.Walk | None:
        """The walk the person logged most recently."""
        row = self.connection.execute(_LATEST_WALK, {"person": person_id}).first()
        return record_of(records.Walk, row) if row else None

    def remove(self, walk: records.Walk) -> None:
        """Delete one walk."""
        self.connection.execute(_DELETE_WALK, {"id": walk.id})

    def minutes_by_day(self, person_id: int, first: date, last: date) -> dict[date, int]:
        """Minutes walked on each day from `first` to `last` (days without walks are absent)."""
        rows = self.connection.execute(
            _MINUTES_BY_DAY, {"person": person_id, "first": first, "last": last})
        return {day: int(minutes) for day, minutes in rows}

    def totals(self, person_id: int, first: date | None = None, last: date | None = None) -> Totals:
        """Minutes, walks, active days and first day over a span (all time by default)."""
        query = select(
            func.coalesce(func.sum(WALKS.c.minutes), 0), func.count(WALKS.c.id),
            func.count(func.distinct(WALKS.c.day)), func.min(WALKS.c.day),
        ).where(WALKS.c.person_id == person_id)
        if first is not None:
            query = query.where(WALKS.c.day >= first)
        if last is not None:
            query = query.where(WALKS.c.day <= last)
        minutes, walks, days, first_day = self.connection.execute(query).one()
        return Totals(int(minutes), int(walks), int(days), first_day)

    def all(self, person_id: int) -> list[records.Walk]:
        """Every walk of a person, oldest day first."""
        rows = self.connection.execute(_ALL_WALKS, {"person": person_id})
        return [record_of(records.Walk, row) for row in rows]


class Pauses(Repository):
    """Pauses a person set."""

    def overlapping(self, person_id: int, first: date, last: date) -> list[records.Pause]:
        """Pauses touching any day from `first` to `last`."""
        rows = self.connection.execute(
            _PAUSES_OVERLAPPING, {"person": person_id, "first": first, "last": last})
        return [self.tracker.watch(PAUSES, record_of(records.Pause, row)) for row in rows]

    def add(self, pause: records.Pause) -> None:
        """Store a pause."""
        self.tracker.watch(PAUSES, self._insert(PAUSES, pause))

    def remove(self, pause: records.Pause) -> None:
        """Delete a pause that never took effect."""
        self.tracker.forget(pause)
        self.connection.execute(_DELETE_PAUSE, {"id": pause.id})

    def all(self, person_id: int) -> list[records.Pause]:
        """Every pause of a person, oldest first."""
        rows = self.connection.execute(_ALL_PAUSES, {"person": person_id})
        return [record_of(records.Pause, row) for row in rows]


class StreakEvents(Repository):
    """Freezes earned and spent on settled days."""

    def add(self, events: list[records.StreakEvent]) -> None:
        """Store events of newly settled days."""
        for event in events:
            self._insert(EVENTS, event)

    def since(
        self, person_id: int, first: date, kind: str | None = None
    ) -> list[records.StreakEvent]:
        """Events from `first` on, oldest first."""
        query = select(EVENTS).where(EVENTS.c.person_id == person_id, EVENTS.c.day >= first)
        if kind is not None:
            query = query.where(EVENTS.c.kind == kind)
        rows = self.connection.execute(query.order_by(EVENTS.c.day))
        return [record_of(records.StreakEvent, row) for row in rows]

    def clear(self, person_id: int) -> None:
        """Forget every event of a person (their streak will be folded again)."""
        self.connection.execute(delete(EVENTS).where(EVENTS.c.person_id == person_id))


class Chats(Repository):
    """Groups and servers, and who takes part in their challenges."""

    def by_external(self, platform: str, external_id: str) -> records.Chat | None:
        """A chat by its platform id."""
        row = self.connection.execute(
            _CHAT_BY_EXTERNAL, {"platform": platform, "external_id": external_id}).first()
        return self.tracker.watch(CHATS, record_of(records.Chat, row)) if row else None

    def add(self, chat: records.Chat) -> records.Chat:
        """Store a chat and give it an id."""
        return self.tracker.watch(CHATS, self._insert(CHATS, chat))

    def member(self, chat_id: int, person_id: int) -> records.Member | None:
        """A person's membership in a chat's challenge."""
        row = self.connection.execute(_MEMBER, {"chat": chat_id, "person": person_id}).first()
        return record_of(records.Member, row) if row else None

    def add_member(self, member: records.Member) -> None:
        """Add a person to a challenge."""
        self._insert(MEMBERS, member)

    def remove_member(self, member: records.Member) -> None:
        """Take a person out of a challenge."""
        self.connection.execute(_DELETE_MEMBER, {"chat": member.chat_id,
                                                 "person": member.person_id})

    def members(self, chat_id: int) -> list[records.Member]:
        """Everyone in a chat's challenge."""
        rows = self.connection.execute(_MEMBERS, {"chat": chat_id})
        return [record_of(records.Member, row) for row in rows]

    def memberships(self, person_id: int) -> list[tuple[records.Member, records.Chat]]:
        """The challenges a person takes part in, with their chats."""
        rows = self.connection.execute(_MEMBERSHIPS, {"person": person_id})
        return [(record_of(records.Member, r, "m_"), record_of(records.Chat, r, "c_"))
                for r in rows]

    def minutes_by_member(
        self, chat_id: int, first: date, last: date
    ) -> dict[int, dict[date, int]]:
        """Each member's minutes per day over a span."""
        rows = self.connection.execute(
            _MINUTES_BY_MEMBER, {"chat": chat_id, "first": first, "last": last})
        result: dict[int, dict[date, int]] = {}
        for person_id, day, minutes in rows:
            result.setdefault(person_id, {})[day] = int(minutes)
        return result
