"""Group challenges in the database: the challenges of a chat, their entrants, their boards
summed in SQL, and which posts are due (through the indexed `next_post_at`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, delete, exists, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from core.domain.contests import Logged
from core.persistence.models import Chat, Contest, Entry, Walk
from core.persistence.repositories import Repository, insert_new
from core.persistence.types import UTCDateTime

_WALKS = (
    sa_select(col(Walk.day), col(Walk.minutes), col(Walk.recorded_at))
    .where(col(Walk.person_id) == bindparam("person"), col(Walk.day) >= bindparam("first"),
           col(Walk.day) <= bindparam("last"))
)
_ENTRIES = Entry.__table__  # type: ignore[attr-defined]
# Minutes the entrant walked on `day` that count for the challenge: logged after joining and
# before it ended.
_COUNTED_THAT_DAY = (
    sa_select(func.coalesce(func.sum(Walk.minutes), 0))
    .where(col(Walk.person_id) == col(Entry.person_id), col(Walk.day) == bindparam("day"),
           col(Walk.recorded_at) >= col(Entry.joined_at),
           col(Walk.recorded_at) < col(Contest.ends_at))
    .correlate(Entry, Contest).scalar_subquery()
)
_ACTIVE = (
    sa_select(col(Entry.challenge_id), col(Entry.joined_at), col(Contest.start_day),
              col(Contest.days), col(Contest.format), col(Contest.cap),
              col(Contest.min_minutes), col(Contest.ends_at), _COUNTED_THAT_DAY)
    .join(Contest, col(Contest.id) == col(Entry.challenge_id))
    .where(col(Entry.person_id) == bindparam("person"), col(Contest.status) == "open",
           col(Contest.ends_at) > bindparam("now", type_=UTCDateTime()),
           col(Contest.start_day) <= bindparam("day"))
)
_ADD_TOTALS = (
    update(_ENTRIES)
    .where(_ENTRIES.c.challenge_id == bindparam("challenge"),
           _ENTRIES.c.person_id == bindparam("person"))
    .values(points=_ENTRIES.c.points + bindparam("points"),
            minutes=_ENTRIES.c.minutes + bindparam("add_minutes"),
            goal_days=_ENTRIES.c.goal_days + bindparam("add_days"))
)
_DUE_AT = bindparam("now", type_=UTCDateTime())
_ANY_DUE = sa_select(or_(exists().where(col(Contest.next_post_at) <= _DUE_AT),
                         exists().where(col(Chat.season_next) <= _DUE_AT)))
_RANKED_BY = {"points": col(Entry.points), "minutes": col(Entry.minutes),
              "goal_days": col(Entry.goal_days)}


@dataclass(frozen=True)
class Active:
    """An entry in a challenge not yet over, with the challenge's rules."""

    challenge_id: int
    joined_at: datetime
    start_day: date
    days: int
    format: str
    cap: int | None
    min_minutes: int | None
    ends_at: datetime
    day_minutes: int  # counted on the day asked about


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

    def every_entry_of(self, person_id: int) -> list[Entry]:
        """The person's entries in every challenge of every chat."""
        return list(self.session.scalars(sa_select(Entry).where(col(Entry.person_id) == person_id)))

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

    def active_on(self, person_id: int, day: date, now: datetime) -> list[Active]:
        """The person's entries in challenges not yet over that have started by `day`, each
        with the minutes counted for it on `day`."""
        rows = self.session.execute(_ACTIVE, {"person": person_id, "day": day, "now": now})
        return [Active(*row) for row in rows]

    def add_totals(self, person_id: int, changes: list[dict[str, int]]) -> None:
        """Add to the person's kept totals: one row per challenge (challenge, points,
        minutes, goal_days)."""
        if changes:
            self.session.execute(_ADD_TOTALS, [{"person": person_id, **c} for c in changes])

    def walks_between(self, person_id: int, first: date, last: date) -> list[Logged]:
        """The person's walks on days `first` to `last`: day, minutes, when logged."""
        rows = self.session.execute(_WALKS, {"person": person_id, "first": first, "last": last})
        return [Logged(day, minutes, at) for day, minutes, at in rows]

    def top(self, contest_id: int, by: str, limit: int) -> list[Totals]:
        """The best `limit` entrants by `by` (points, minutes or goal_days), then by name."""
        column = _RANKED_BY[by]
        rows = self.session.execute(
            sa_select(col(Entry.person_id), col(Entry.display_name), col(Entry.points),
                      col(Entry.minutes), col(Entry.goal_days))
            .where(col(Entry.challenge_id) == contest_id)
            .order_by(column.desc(), col(Entry.display_name), col(Entry.person_id))
            .limit(limit))
        return [Totals(*row) for row in rows]

    def size(self, contest_id: int) -> tuple[int, int]:
        """How many entrants, and their minutes together."""
        count, minutes = self.session.execute(
            sa_select(func.count(), func.coalesce(func.sum(Entry.minutes), 0))
            .where(col(Entry.challenge_id) == contest_id)).one()
        return int(count), int(minutes)

    def better_than(self, contest_id: int, by: str, value: int) -> int:
        """How many entrants have more than `value` of `by`."""
        return int(self.session.scalar(
            sa_select(func.count()).select_from(Entry)
            .where(col(Entry.challenge_id) == contest_id, _RANKED_BY[by] > value)) or 0)

    def reaching(self, contest_id: int, min_days: int, limit: int) -> tuple[list[str], int]:
        """Names of entrants with at least `min_days` goal days (at most `limit`), and how
        many there are."""
        reached = col(Entry.goal_days) >= min_days
        names = list(self.session.scalars(
            sa_select(col(Entry.display_name))
            .where(col(Entry.challenge_id) == contest_id, reached)
            .order_by(col(Entry.display_name)).limit(limit)))
        count = self.session.scalar(sa_select(func.count()).select_from(Entry).where(
            col(Entry.challenge_id) == contest_id, reached))
        return names, int(count or 0)

    def any_due(self, now: datetime) -> bool:
        """Whether a challenge post or a weekly board is due (one cheap indexed look, so a
        planning tick with nothing due costs next to nothing)."""
        return bool(self.session.execute(_ANY_DUE, {"now": now}).scalar())

    def due(self, now: datetime, limit: int) -> list[tuple[Contest, Chat]]:
        """Challenges whose next post is due, earliest first, with their chats."""
        rows = self.session.execute(
            select(Contest, Chat).join(Chat, col(Chat.id) == col(Contest.chat_id))
            .where(col(Contest.next_post_at) <= now)
            .order_by(col(Contest.next_post_at)).limit(limit)
            # Another planner's batch is skipped; a change to one of these waits for this.
            .with_for_update(of=Contest, skip_locked=True))
        return [(contest, chat) for contest, chat in rows]

    def seasons_due(self, now: datetime, limit: int) -> list[Chat]:
        """Chats whose weekly board is due to be posted, earliest first."""
        return list(self.session.scalars(
            select(Chat).where(col(Chat.season_next) <= now)
            .order_by(col(Chat.season_next)).limit(limit).with_for_update(skip_locked=True)))
