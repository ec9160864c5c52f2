"""Repositories: every query the services need, and the only place SQL is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from core.persistence.tables import (
    Account,
    ChallengeMember,
    Chat,
    Pause,
    Person,
    StreakEventRow,
    Walk,
)


@dataclass(frozen=True)
class Totals:
    """Sums over a span of walks."""

    minutes: int
    walks: int
    active_days: int
    first_day: date | None


class People:
    """People and their platform accounts."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def by_account(self, platform: str, external_id: str) -> tuple[Person, Account] | None:
        """The person behind a platform account, with the account."""
        row = self.session.exec(
            select(Person, Account)
            .join(Account, col(Account.person_id) == col(Person.id))
            .where(Account.platform == platform, Account.external_id == external_id)
        ).first()
        return (row[0], row[1]) if row else None

    def add(self, person: Person, account: Account) -> None:
        """Store a new person with their first account."""
        self.session.add(person)
        self.session.flush()
        assert person.id is not None
        account.person_id = person.id
        self.session.add(account)
        self.session.flush()

    def get(self, person_id: int) -> Person | None:
        """A person by id."""
        return self.session.get(Person, person_id)

    def accounts(self, person_id: int) -> list[Account]:
        """Every platform account of a person."""
        return list(self.session.exec(select(Account).where(Account.person_id == person_id)))

    def delete(self, person_id: int) -> None:
        """Delete a person and, explicitly, every row that refers to them."""
        for table in (Walk, Pause, StreakEventRow, ChallengeMember, Account):
            self.session.execute(delete(table).where(col(table.person_id) == person_id))
        self.session.execute(delete(Person).where(col(Person.id) == person_id))


class Walks:
    """Walks, and sums over them by local day."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, walk: Walk) -> Walk:
        """Store a walk and give it an id."""
        self.session.add(walk)
        self.session.flush()
        return walk

    def by_source(self, source_key: str) -> Walk | None:
        """The walk recorded from a given platform message, if any."""
        return self.session.exec(select(Walk).where(Walk.source_key == source_key)).first()

    def get(self, person_id: int, walk_id: int) -> Walk | None:
        """One of a person's walks by id."""
        walk = self.session.get(Walk, walk_id)
        return walk if walk and walk.person_id == person_id else None

    def latest(self, person_id: int) -> Walk | None:
        """The walk the person logged most recently."""
        return self.session.exec(
            select(Walk).where(Walk.person_id == person_id).order_by(col(Walk.id).desc()).limit(1)
        ).first()

    def remove(self, walk: Walk) -> None:
        """Delete one walk."""
        self.session.delete(walk)
        self.session.flush()

    def minutes_by_day(self, person_id: int, first: date, last: date) -> dict[date, int]:
        """Minutes walked on each day from `first` to `last` (days without walks are absent)."""
        rows = self.session.exec(
            select(col(Walk.day), func.sum(Walk.minutes))
            .where(Walk.person_id == person_id, col(Walk.day) >= first, col(Walk.day) <= last)
            .group_by(col(Walk.day))
        )
        return {day: int(minutes) for day, minutes in rows}

    def first_day_after(self, person_id: int, after: date | None) -> date | None:
        """The earliest day with a walk, after `after` if given."""
        query = select(func.min(Walk.day)).where(Walk.person_id == person_id)
        if after is not None:
            query = query.where(col(Walk.day) > after)
        return self.session.exec(query).first()

    def totals(self, person_id: int, first: date | None = None, last: date | None = None) -> Totals:
        """Minutes, walks, active days and first day over a span (all time by default)."""
        query = select(
            func.coalesce(func.sum(Walk.minutes), 0),
            func.count(col(Walk.id)),
            func.count(func.distinct(Walk.day)),
            func.min(Walk.day),
        ).where(Walk.person_id == person_id)
        if first is not None:
            query = query.where(col(Walk.day) >= first)
        if last is not None:
            query = query.where(col(Walk.day) <= last)
        minutes, walks, days, first_day = self.session.exec(query).one()
        return Totals(int(minutes), int(walks), int(days), first_day)

    def count_up_to(self, person_id: int, limit: int) -> int:
        """How many walks a person has logged, counting no further than `limit` (cheap)."""
        ids = self.session.exec(select(Walk.id).where(Walk.person_id == person_id).limit(limit))
        return len(list(ids))

    def all(self, person_id: int) -> list[Walk]:
        """Every walk of a person, oldest day first."""
        return list(
            self.session.exec(
                select(Walk)
                .where(Walk.person_id == person_id)
                .order_by(col(Walk.day), col(Walk.id))
            )
        )


class Pauses:
    """Pauses a person set."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def overlapping(self, person_id: int, first: date, last: date) -> list[Pause]:
        """Pauses touching any day from `first` to `last`."""
        return list(
            self.session.exec(
                select(Pause).where(
                    Pause.person_id == person_id,
                    col(Pause.start_day) <= last,
                    (col(Pause.end_day).is_(None)) | (col(Pause.end_day) >= first),
                )
            )
        )

    def add(self, pause: Pause) -> None:
        """Store a pause."""
        self.session.add(pause)

    def remove(self, pause: Pause) -> None:
        """Delete a pause that never took effect."""
        self.session.delete(pause)

    def all(self, person_id: int) -> list[Pause]:
        """Every pause of a person, oldest first."""
        return list(
            self.session.exec(
                select(Pause).where(Pause.person_id == person_id).order_by(col(Pause.start_day))
            )
        )


class StreakEvents:
    """Freezes earned and spent on settled days."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, rows: list[StreakEventRow]) -> None:
        """Store events of newly settled days."""
        self.session.add_all(rows)

    def since(self, person_id: int, first: date, kind: str | None = None) -> list[StreakEventRow]:
        """Events from `first` on, oldest first."""
        query = select(StreakEventRow).where(
            StreakEventRow.person_id == person_id, col(StreakEventRow.day) >= first
        )
        if kind is not None:
            query = query.where(StreakEventRow.kind == kind)
        return list(self.session.exec(query.order_by(col(StreakEventRow.day))))


class Chats:
    """Groups and servers, and who takes part in their challenges."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def by_external(self, platform: str, external_id: str) -> Chat | None:
        """A chat by its platform id."""
        return self.session.exec(
            select(Chat).where(Chat.platform == platform, Chat.external_id == external_id)
        ).first()

    def add(self, chat: Chat) -> Chat:
        """Store a chat and give it an id."""
        self.session.add(chat)
        self.session.flush()
        return chat

    def member(self, chat_id: int, person_id: int) -> ChallengeMember | None:
        """A person's membership in a chat's challenge."""
        return self.session.get(ChallengeMember, (chat_id, person_id))

    def add_member(self, member: ChallengeMember) -> None:
        """Add a person to a challenge."""
        self.session.add(member)

    def remove_member(self, member: ChallengeMember) -> None:
        """Take a person out of a challenge."""
        self.session.delete(member)

    def members(self, chat_id: int) -> list[ChallengeMember]:
        """Everyone in a chat's challenge."""
        return list(
            self.session.exec(select(ChallengeMember).where(ChallengeMember.chat_id == chat_id))
        )

    def memberships(self, person_id: int) -> list[tuple[ChallengeMember, Chat]]:
        """The challenges a person takes part in, with their chats."""
        rows = self.session.exec(
            select(ChallengeMember, Chat)
            .join(Chat, col(Chat.id) == col(ChallengeMember.chat_id))
            .where(ChallengeMember.person_id == person_id)
        )
        return [(member, chat) for member, chat in rows]

    def minutes_by_member(
        self, chat_id: int, first: date, last: date
    ) -> dict[int, dict[date, int]]:
        """Each member's minutes per day over a span."""
        rows = self.session.exec(
            select(col(Walk.person_id), col(Walk.day), func.sum(Walk.minutes))
            .join(ChallengeMember, col(ChallengeMember.person_id) == col(Walk.person_id))
            .where(
                ChallengeMember.chat_id == chat_id, col(Walk.day) >= first, col(Walk.day) <= last
            )
            .group_by(col(Walk.person_id), col(Walk.day))
        )
        result: dict[int, dict[date, int]] = {}
        for person_id, day, minutes in rows:
            result.setdefault(person_id, {})[day] = int(minutes)
        return result
