"""The deliveries table: enqueue once, claim with a lease, record the outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from core.persistence.models import Account, Chat, Delivery, Person
from core.persistence.repositories import Repository, insert_many_new, insert_new

# Statuses a delivery ends in.
FINISHED = ("sent", "dead", "missed", "skipped")


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
    occurrence: str
    person_id: int | None
    chat_id: int | None
    account_id: int | None = None


class Deliveries(Repository):
    """Queued messages."""

    def enqueue(self, **row: Any) -> bool:
        """Queue a message unless the same kind for the same account or chat and occurrence
        exists."""
        values = {"status": "pending", "attempts": 0, "last_error": "", **row}
        return insert_new(self.session, Delivery, [values]) == 1

    def claim(self, platform: str, now: datetime, limit: int, lease: timedelta,
              owner: str) -> list[Claimed]:
        """Take up to `limit` due messages for sending, leased to `owner` until `now + lease`.
        Messages whose time ran out first are marked missed."""
        self.session.execute(
            update(Delivery).where(
                col(Delivery.platform) == platform, col(Delivery.expires_at) <= now,
                or_(col(Delivery.status) == "pending",
                    and_(col(Delivery.status) == "sending", col(Delivery.lease_until) <= now)))
            .values(status="missed", lease_until=None, lease_owner=None)
            .execution_options(synchronize_session=False))
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
            .values(status="sending", lease_until=now + lease, lease_owner=owner,
                    attempts=Delivery.attempts + 1)
            .execution_options(synchronize_session=False))
        rows = self.session.execute(
            sa_select(Delivery, col(Account.external_id), col(Account.person_id),
                      col(Chat.external_id), col(Chat.post_channel))
            .outerjoin(Account, col(Account.id) == col(Delivery.account_id))
            .outerjoin(Chat, col(Chat.id) == col(Delivery.chat_id))
            .where(col(Delivery.id).in_(ids)).order_by(col(Delivery.id))
            .execution_options(populate_existing=True))
        claimed = []
        for d, user, person, chat, channel in rows:
            assert d.id is not None
            claimed.append(Claimed(d.id, d.kind, d.platform, user or chat or "",
                                   channel if chat else None, d.payload, d.attempts,
                                   d.occurrence, person, d.chat_id, d.account_id))
        return claimed

    def held(self, delivery_id: int, owner: str) -> Delivery | None:
        """A delivery this owner holds the lease on (None when the lease ran out and another
        dispatcher took it, or it is gone)."""
        row = self.session.get(Delivery, delivery_id, with_for_update=True)
        if row is None or row.status != "sending" or row.lease_owner != owner:
            return None
        return row

    def enqueue_many(self, rows: list[dict[str, Any]]) -> int:
        """Queue messages, each unless the same kind for the same account or chat and
        occurrence exists; how many were new."""
        values = [{"status": "pending", "attempts": 0, "last_error": "", "payload": "", **row}
                  for row in rows]
        return insert_many_new(self.session, Delivery, values)

    def due_posts(self, now: datetime, limit: int) -> list[Chat]:
        """Chats whose next daily post is due, earliest first; on PostgreSQL locked for this
        unit of work, skipping those another planner holds (and a change of the post's time
        waits for the planner rather than being written over)."""
        return list(self.session.scalars(
            select(Chat).where(col(Chat.post_next) <= now)
            .order_by(col(Chat.post_next)).limit(limit).with_for_update(skip_locked=True)))

    def purge(self, before: datetime) -> int:
        """Delete messages that were sent, missed, skipped or given up before `before`."""
        result = self.session.execute(
            delete(Delivery).where(col(Delivery.status).in_(FINISHED),
                                   col(Delivery.created_at) < before)
            .execution_options(synchronize_session=False))
        return int(getattr(result, "rowcount", 0) or 0)

    def drop_pending(self, kind: str, person_id: int) -> None:
        """Delete the messages of this kind still waiting for any of a person's accounts."""
        accounts = sa_select(col(Account.id)).where(col(Account.person_id) == person_id)
        self.session.execute(
            delete(Delivery).where(col(Delivery.kind) == kind,
                                   col(Delivery.status) == "pending",
                                   col(Delivery.account_id).in_(accounts.scalar_subquery()))
            .execution_options(synchronize_session=False))

    def queued(self, kind: str, account_id: int, occurrence: str) -> Delivery | None:
        """The message of this kind queued for an account and occurrence, if any."""
        return self.session.scalars(select(Delivery).where(
            col(Delivery.kind) == kind, col(Delivery.account_id) == account_id,
            col(Delivery.occurrence) == occurrence)).first()

    def get(self, delivery_id: int) -> Delivery | None:
        """One delivery by id."""
        return self.session.get(Delivery, delivery_id)

    def next_reminders(self, limit: int, *,
                       weekly: bool = False) -> list[tuple[datetime, str, str]]:
        """The soonest reminders (or, `weekly`, weekly summaries): (instant, time zone, the
        person's first account name)."""
        due = col(Person.summary_next) if weekly else col(Person.remind_next)
        first_name = (sa_select(col(Account.display_name))
                      .where(col(Account.person_id) == col(Person.id))
                      .order_by(col(Account.id)).limit(1).scalar_subquery())
        rows = self.session.execute(
            sa_select(due, col(Person.timezone), first_name)
            .where(due.is_not(None)).order_by(due).limit(limit))
        return [(at, zone, name or "") for at, zone, name in rows if at is not None]

    def next_posts(self, limit: int) -> list[tuple[datetime, str, str]]:
        """The soonest daily posts: (instant, time zone, the chat's title)."""
        rows = self.session.execute(
            sa_select(col(Chat.post_next), col(Chat.timezone), col(Chat.title))
            .where(col(Chat.post_next).is_not(None))
            .order_by(col(Chat.post_next)).limit(limit))
        return [(at, zone, title) for at, zone, title in rows if at is not None]

    def statuses(self) -> dict[str, int]:
        """How many deliveries are in each status (for logs and tests)."""
        rows = self.session.execute(
            select(Delivery.status, func.count()).group_by(col(Delivery.status)))
        return {status: int(count) for status, count in rows}
