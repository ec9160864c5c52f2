"""Group challenges in the database: the challenges of a chat, their entrants, their boards
summed in SQL, and which posts are due (through the indexed `next_post_at`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, delete, func
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from core.persistence.models import Chat, Contest, Entry, Member, Walk
from core.persistence.repositories import Repository, insert_new


@dataclass(frozen=True)
class Totals:
    """One entrant's sums over a challenge's days: capped points, all minutes, goal days."""

    person_id: int
    name: str
    points: int
    minutes: int
    goal_days: int


class Contests(Repository):
    """Challenges people join in a group."""

    def add(self, contest: Contest) -> Contest:
        """Store a new challenge and give it its id."""
        self.session.add(contest)
        self.session.flush()
        return contest

    def get(self, contest_id: int) -> Contest | None:
        """A challenge by its id."""
        return self.session.get(Contest, contest_id)

    def remove(self, contest: Contest) -> None:
        """Delete a challenge and its entries (cancelled)."""
        self.session.execute(delete(Entry).where(col(Entry.challenge_id) == contest.key))
        self.session.delete(contest)
        self.session.flush()

    def in_chat(self, chat_id: int, *, open_only: bool = False) -> list[Contest]:
        """The chat's challenges, soonest start first (open ones only, if asked)."""
        query = select(Contest).where(Contest.chat_id == chat_id)
        if open_only:
            query = query.where(Contest.status == "open")
        return list(self.session.scalars(query.order_by(col(Contest.start_day),
                                                        col(Contest.id))))

    def entry(self, contest_id: int, person_id: int) -> Entry | None:
        """A person's entry in a challenge."""
        return self.session.get(Entry, (contest_id, person_id))

    def add_entry(self, entry: Entry) -> bool:
        """Enter a person; False if they already were in."""
        return insert_new(self.session, Entry, [entry.model_dump()]) == 1

    def remove_entry(self, entry: Entry) -> None:
        """Take a person out of a challenge."""
        self.session.delete(entry)
        self.session.flush()

    def entries_of(self, person_id: int, chat_id: int) -> list[Entry]:
        """A person's entries in the chat's challenges."""
        return list(self.session.scalars(
            select(Entry).join(Contest, col(Contest.id) == col(Entry.challenge_id))
            .where(Entry.person_id == person_id, Contest.chat_id == chat_id)))

    def counts(self, contest_ids: list[int]) -> dict[int, int]:
        """How many people are in each challenge."""
        if not contest_ids:
            return {}
        rows = self.session.execute(
            sa_select(col(Entry.challenge_id), func.count())
            .where(col(Entry.challenge_id).in_(contest_ids)).group_by(col(Entry.challenge_id)))
        return {cid: int(n) for cid, n in rows}

    def totals(self, contest: Contest, last_day: date) -> list[Totals]:
        """Every entrant's sums: walks on the challenge's days (through `last_day`), logged
        after they joined and before it ended. Summed in the database: one row per entrant."""
        cap = contest.cap if contest.cap is not None else 10**6
        floor = contest.min_minutes if contest.min_minutes is not None else 10**6
        per_day = (
            sa_select(col(Walk.person_id).label("person_id"),
                      func.sum(Walk.minutes).label("minutes"))
            .join(Entry, col(Entry.person_id) == col(Walk.person_id))
            .where(col(Entry.challenge_id) == contest.key,
                   col(Walk.day) >= contest.start_day, col(Walk.day) <= last_day,
                   col(Walk.recorded_at) >= col(Entry.joined_at),
                   col(Walk.recorded_at) < contest.ends_at)
            .group_by(col(Walk.person_id), col(Walk.day))
            .subquery()
        )
        day_minutes = per_day.c.minutes
        sums = (
            sa_select(per_day.c.person_id,
                      func.sum(case((day_minutes > cap, cap), else_=day_minutes)),
                      func.sum(day_minutes),
                      func.sum(case((day_minutes >= floor, 1), else_=0)))
            .group_by(per_day.c.person_id)
        )
        found = {pid: (int(p), int(m), int(g)) for pid, p, m, g in self.session.execute(sums)}
        names = self.session.execute(
            sa_select(col(Entry.person_id), col(Entry.display_name))
            .where(col(Entry.challenge_id) == contest.key))
        return [Totals(pid, name, *found.get(pid, (0, 0, 0))) for pid, name in names]

    def due(self, now: datetime, limit: int) -> list[tuple[Contest, Chat]]:
        """Challenges whose next post is due, earliest first, with their chats."""
        rows = self.session.execute(
            select(Contest, Chat).join(Chat, col(Chat.id) == col(Contest.chat_id))
            .where(col(Contest.next_post_at) <= now)
            .order_by(col(Contest.next_post_at)).limit(limit))
        return [(contest, chat) for contest, chat in rows]

    def seasons_due(self, now: datetime, limit: int) -> list[Chat]:
        """Chats whose weekly board is due to be posted, earliest first."""
        return list(self.session.scalars(
            select(Chat).where(col(Chat.season_next) <= now)
            .order_by(col(Chat.season_next)).limit(limit)))

    def has_members(self, chat_id: int) -> bool:
        """Whether anyone is on the chat's weekly board."""
        return self.session.scalar(
            sa_select(func.count()).select_from(Member).where(col(Member.chat_id) == chat_id)
        ) != 0
