"""The deliveries table: enqueue once, claim with a lease, record the outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, update
from sqlmodel import col, select

from core.persistence.models import Account, Chat, Delivery, Person
from core.persistence.repositories import Repository, insert_new


@dataclass(frozen=True)
class Claimed:
    """A delivery taken for sending, with where it goes: a person's account or a chat (and the
    channel or topic in it)."""

    id: int
    kind: str
    platform: str
    recipient: str
    channel: str | None
    payload: str
    attempts: int


class Deliveries(Repository):
    """Queued messages."""

    def enqueue(self, **row: Any) -> bool:
        """Queue a message unless the same kind for the same account or chat and occurrence
        exists."""
        values = {"status": "pending", "attempts": 0, "last_error": "", **row}
        return insert_new(self.session, Delivery, [values]) == 1

    def claim(self, platform: str, now: datetime, limit: int, lease: timedelta) -> list[Claimed]:
        """Take up to `limit` due messages for sending, leased until `now + lease`."""
        due = (
            select(Delivery.id)
            .where(Delivery.platform == platform, or_(
                and_(col(Delivery.status) == "pending", col(Delivery.not_before) <= now),
                # A sender that crashed mid-send leaves its lease to run out; then it is sent
                # again.
                and_(col(Delivery.status) == "sending", col(Delivery.lease_until) <= now)))
            .order_by(col(Delivery.not_before), col(Delivery.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = list(self.session.scalars(due))
        if not ids:
            return []
        self.session.execute(
            update(Delivery).where(col(Delivery.id).in_(ids))
            .values(status="sending", lease_until=now + lease, attempts=Delivery.attempts + 1))
        rows = self.session.execute(
            select(Delivery, Account.external_id, Chat.external_id, Chat.post_channel)
            .outerjoin(Account, col(Account.id) == col(Delivery.account_id))
            .outerjoin(Chat, col(Chat.id) == col(Delivery.chat_id))
            .where(col(Delivery.id).in_(ids)).order_by(col(Delivery.id))
            .execution_options(populate_existing=True))
        return [
            Claimed(d.id, d.kind, d.platform, user or chat or "", channel if chat else None,
                    d.payload, d.attempts)
            for d, user, chat, channel in rows
        ]

    def get(self, delivery_id: int) -> Delivery | None:
        """One delivery by id."""
        return self.session.get(Delivery, delivery_id)

    def reminder_candidates(self, platforms: list[str]) -> list[tuple[Person, Account]]:
        """People with a reminder time, with each reachable account on these platforms."""
        rows = self.session.execute(
            select(Person, Account).join(Account, col(Account.person_id) == col(Person.id))
            .where(col(Person.remind_at).is_not(None), col(Account.unreachable_since).is_(None),
                   col(Account.platform).in_(platforms)))
        return [(person, account) for person, account in rows]

    def challenge_chats(self, platforms: list[str]) -> list[Chat]:
        """Chats whose daily challenge post is on."""
        return list(self.session.scalars(select(Chat).where(
            col(Chat.challenge_on).is_(True), col(Chat.platform).in_(platforms))))

    def statuses(self) -> dict[str, int]:
        """How many deliveries are in each status (for logs and tests)."""
        rows = self.session.execute(
            select(Delivery.status, func.count()).group_by(col(Delivery.status)))
        return {status: int(count) for status, count in rows}
