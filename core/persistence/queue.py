"""The deliveries table: enqueue once, claim with a lease, record the outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from core.persistence import records
from core.persistence.repositories import (
    ACCOUNTS,
    CHATS,
    DELIVERIES,
    PEOPLE,
    Repository,
    labelled,
    record_of,
)

_INSERT_ONCE = {
    "sqlite": sqlite.insert(DELIVERIES).on_conflict_do_nothing(),
    "postgresql": postgresql.insert(DELIVERIES).on_conflict_do_nothing(),
}
_DUE = (
    select(DELIVERIES.c.id)
    .where(
        DELIVERIES.c.platform == bindparam("platform"),
        or_(
            and_(DELIVERIES.c.status == "pending", DELIVERIES.c.not_before <= bindparam("now")),
            # A sender that crashed mid-send leaves its lease to run out; then it is sent again.
            and_(DELIVERIES.c.status == "sending", DELIVERIES.c.lease_until <= bindparam("now")),
        ),
    )
    .order_by(DELIVERIES.c.not_before, DELIVERIES.c.id)
    .limit(bindparam("limit"))
)
_SET = update(DELIVERIES).where(DELIVERIES.c.id == bindparam("_id"))
_REMINDER_CANDIDATES = (
    select(*labelled(PEOPLE, "p_"), *labelled(ACCOUNTS, "a_"))
    .join_from(ACCOUNTS, PEOPLE, ACCOUNTS.c.person_id == PEOPLE.c.id)
    .where(PEOPLE.c.remind_at.is_not(None), ACCOUNTS.c.unreachable_since.is_(None),
           ACCOUNTS.c.platform.in_(bindparam("platforms", expanding=True)))
)
_CHALLENGE_CHATS = select(CHATS).where(CHATS.c.challenge_on.is_(True),
                                       CHATS.c.platform.in_(bindparam("platforms", expanding=True)))


@dataclass(frozen=True)
class Claimed:
    """A delivery row taken for sending."""

    id: int
    kind: str
    platform: str
    recipient: str
    person_id: int | None
    payload: str
    attempts: int


def _claimed(row: Any) -> Claimed:
    return Claimed(row.id, row.kind, row.platform, row.recipient, row.person_id, row.payload,
                   row.attempts)


class Deliveries(Repository):
    """Queued messages."""

    def enqueue(self, **row: Any) -> bool:
        """Queue a message unless the same (kind, platform, recipient, occurrence) exists."""
        statement = _INSERT_ONCE[self.connection.dialect.name]
        values = {"status": "pending", "attempts": 0, "last_error": "", **row}
        return bool(self.connection.execute(statement, values).rowcount)

    def claim(self, platform: str, now: datetime, limit: int, lease: timedelta) -> list[Claimed]:
        """Take up to `limit` due messages for sending, leased until `now + lease`."""
        query = _DUE
        if self.connection.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = list(self.connection.execute(
            query, {"platform": platform, "now": now, "limit": limit}).scalars())
        if not ids:
            return []
        self.connection.execute(
            update(DELIVERIES).where(DELIVERIES.c.id.in_(ids))
            .values(status="sending", lease_until=now + lease,
                    attempts=DELIVERIES.c.attempts + 1))
        rows = self.connection.execute(
            select(DELIVERIES).where(DELIVERIES.c.id.in_(ids)).order_by(DELIVERIES.c.id))
        return [_claimed(row) for row in rows]

    def get(self, delivery_id: int) -> Claimed | None:
        """One delivery by id."""
        r = self.connection.execute(
            select(DELIVERIES).where(DELIVERIES.c.id == delivery_id)).first()
        return _claimed(r) if r is not None else None

    def sent(self, delivery_id: int, now: datetime) -> None:
        """The platform accepted it."""
        self.connection.execute(_SET, {"_id": delivery_id, "status": "sent", "sent_at": now,
                                       "lease_until": None})

    def retry(self, delivery_id: int, when: datetime, error: str) -> None:
        """Try again at `when`."""
        self.connection.execute(_SET, {"_id": delivery_id, "status": "pending",
                                       "not_before": when, "lease_until": None,
                                       "last_error": error[:500]})

    def dead(self, delivery_id: int, error: str) -> None:
        """Give up: the platform refuses for good, or too many attempts."""
        self.connection.execute(_SET, {"_id": delivery_id, "status": "dead",
                                       "lease_until": None, "last_error": error[:500]})

    def reminder_candidates(
        self, platforms: list[str]
    ) -> list[tuple[records.Person, records.Account]]:
        """People with a reminder time, with each reachable account on these platforms."""
        rows = self.connection.execute(_REMINDER_CANDIDATES, {"platforms": platforms})
        return [(record_of(records.Person, r, "p_"), record_of(records.Account, r, "a_"))
                for r in rows]

    def challenge_chats(self, platforms: list[str]) -> list[records.Chat]:
        """Chats whose daily challenge post is on."""
        rows = self.connection.execute(_CHALLENGE_CHATS, {"platforms": platforms})
        return [record_of(records.Chat, r) for r in rows]

    def statuses(self) -> dict[str, int]:
        """How many deliveries are in each status (for logs and tests)."""
        rows = self.connection.execute(
            select(DELIVERIES.c.status, func.count()).group_by(DELIVERIES.c.status))
        return {status: int(count) for status, count in rows}
