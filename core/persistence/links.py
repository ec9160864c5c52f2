"""Link codes and the moves that join two people into one walker (or part them again).

Every statement of /link and /unlink lives here; the service decides what moves where.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from core.persistence.models import (
    Account,
    Chat,
    Contest,
    Delivery,
    Entry,
    LinkCode,
    LinkFailure,
    Member,
    Pause,
    ProcessedMessage,
    StreakEvent,
    Walk,
)
from core.persistence.repositories import Repository

# Rows that belong to a person and simply follow them when two people become one.
_FOLLOW = (Walk, Pause, ProcessedMessage)
# Deliveries that speak for a person (not a group post): the ones a link or unlink may cancel.
PERSONAL_KINDS = ("reminder", "snooze", "nudge")


class Links(Repository):
    """Link codes, wrong guesses, and moving a person's rows to another person."""

    def add_code(self, code: LinkCode) -> None:
        """Store a new code (its hash)."""
        self.session.add(code)
        self.session.flush()

    def code_by_hash(self, code_hash: str) -> LinkCode | None:
        """The newest code with this hash, if any, its row held until commit (PostgreSQL), so
        two accounts entering one code at once cannot both use it."""
        return self.session.scalars(
            select(LinkCode).where(LinkCode.code_hash == code_hash)
            .order_by(col(LinkCode.id).desc()).limit(1).with_for_update()).first()

    def code(self, code_id: int) -> LinkCode | None:
        """A code by id, its row held until commit (PostgreSQL)."""
        return self.session.get(LinkCode, code_id, with_for_update=True)

    def retire_codes(self, person_id: int, now: datetime, forget_before: datetime) -> None:
        """End the person's unused codes now (a new one replaces them), and delete their codes
        that ended before `forget_before` (nobody can use those any more)."""
        self.session.execute(
            update(LinkCode).where(col(LinkCode.person_id) == person_id,
                                   col(LinkCode.used_at).is_(None),
                                   col(LinkCode.expires_at) > now)
            .values(expires_at=now).execution_options(synchronize_session=False))
        self.session.execute(
            delete(LinkCode).where(col(LinkCode.person_id) == person_id,
                                   col(LinkCode.expires_at) < forget_before)
            .execution_options(synchronize_session=False))

    def add_failure(self, person_id: int, at: datetime) -> None:
        """Record a wrong code entered by this person."""
        self.session.add(LinkFailure(person_id=person_id, at=at))
        self.session.flush()

    def failures_after(self, person_id: int, since: datetime) -> list[datetime]:
        """When this person entered wrong codes after `since`, oldest first; the others are
        deleted (they no longer count)."""
        self.session.execute(
            delete(LinkFailure).where(col(LinkFailure.person_id) == person_id,
                                      col(LinkFailure.at) <= since)
            .execution_options(synchronize_session=False))
        return list(self.session.scalars(
            select(LinkFailure.at).where(LinkFailure.person_id == person_id)
            .order_by(col(LinkFailure.at))))

    def move_rows(self, source: int, target: int) -> None:
        """Walks, pauses and processed messages of `source` become `target`'s; `source`'s
        settled streak events, codes and wrong guesses are dropped (the streak is folded
        again; the codes belong to a person who is going)."""
        for model in _FOLLOW:
            self.session.execute(
                update(model).where(col(model.person_id) == source).values(person_id=target)
                .execution_options(synchronize_session=False))
        for gone in (StreakEvent, LinkCode, LinkFailure):
            self.session.execute(delete(gone).where(col(gone.person_id) == source)
                                 .execution_options(synchronize_session=False))

    def move_memberships(self, source: int, target: int, platform: str | None = None) -> None:
        """`source`'s challenge memberships (only in chats of `platform`, if given) become
        `target`'s; where both were members of the same chat, one membership stays."""
        shared = sa_select(col(Member.chat_id)).where(col(Member.person_id) == target)
        chats = sa_select(col(Chat.id))
        if platform is not None:
            chats = chats.where(col(Chat.platform) == platform)
        self.session.execute(
            update(Member).where(col(Member.person_id) == source,
                                 col(Member.chat_id).in_(chats.scalar_subquery()),
                                 col(Member.chat_id).not_in(shared.scalar_subquery()))
            .values(person_id=target).execution_options(synchronize_session=False))
        if platform is None:
            self.session.execute(delete(Member).where(col(Member.person_id) == source)
                                 .execution_options(synchronize_session=False))

    def move_entries(self, source: int, target: int, platform: str | None = None) -> None:
        """`source`'s group challenge entries (only in chats of `platform`, if given) become
        `target`'s; where both had entered the same challenge, `target`'s entry stays."""
        shared = sa_select(col(Entry.challenge_id)).where(col(Entry.person_id) == target)
        contests = sa_select(col(Contest.id)).join(Chat, col(Chat.id) == col(Contest.chat_id))
        if platform is not None:
            contests = contests.where(col(Chat.platform) == platform)
        self.session.execute(
            update(Entry).where(col(Entry.person_id) == source,
                                col(Entry.challenge_id).in_(contests.scalar_subquery()),
                                col(Entry.challenge_id).not_in(shared.scalar_subquery()))
            .values(person_id=target).execution_options(synchronize_session=False))
        if platform is None:
            self.session.execute(delete(Entry).where(col(Entry.person_id) == source)
                                 .execution_options(synchronize_session=False))

    def skip_personal(self, account_ids: list[int], *,
                      duplicating: list[int] | None = None) -> int:
        """Mark reminders and nudges still waiting for these accounts skipped; with
        `duplicating`, only those whose kind and occurrence also wait for one of those
        accounts (a second copy). How many."""
        if not account_ids:
            return 0
        query = update(Delivery).where(col(Delivery.account_id).in_(account_ids),
                                       col(Delivery.status) == "pending",
                                       col(Delivery.kind).in_(PERSONAL_KINDS))
        if duplicating is not None:
            other = Delivery.__table__.alias("other")  # type: ignore[attr-defined]
            twin = (sa_select(func.count()).select_from(other)
                    .where(other.c.account_id.in_(duplicating),
                           other.c.status == "pending", other.c.kind == col(Delivery.kind),
                           other.c.occurrence == col(Delivery.occurrence))
                    .scalar_subquery())
            query = query.where(twin > 0)
        result = self.session.execute(query.values(status="skipped")
                                      .execution_options(synchronize_session=False))
        return int(getattr(result, "rowcount", 0) or 0)

    def accounts_on(self, person_id: int) -> list[Account]:
        """A person's accounts, oldest first."""
        return list(self.session.scalars(select(Account).where(Account.person_id == person_id)
                                         .order_by(col(Account.id))))
