"""The rows the coach keeps, as SQLModel table classes: the one definition of each.

Services read and change these objects inside a unit of work (an SQLAlchemy `Session`), which
tracks what changed and writes only the changed columns at commit. Alembic migrations in
`migrations/` create and evolve the tables.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from core.persistence.types import UTCDateTime


def _instant(nullable: bool = False) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable)


class Person(SQLModel, table=True):
    """One human, whatever platforms they use; settings and the settled streak live here."""

    __tablename__ = "people"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(sa_column=_instant())
    timezone: str = "UTC"
    day_start_hour: int = 0
    weekly_goal: int = 150
    goal_chosen: bool = False  # set by /goal; until then the beginner plan sets the week's target
    remind_at: str | None = None
    # When the next reminder is due (UTC), kept in step with remind_at, timezone and
    # day_start_hour; the planner finds due reminders by this indexed instant.
    remind_next: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True))
    # The "streak at risk" nudge, for people with reminders on: on unless turned off, and when
    # the next one is due (three hours before their day ends).
    nudges: bool = Field(default=True, sa_column_kwargs={"server_default": text("true")})
    nudge_next: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True))
    # The weekly summary on Monday at the reminder time, for people with reminders on: on
    # unless turned off (/summary off), and when the next one is due.
    summaries: bool = Field(default=True, sa_column_kwargs={"server_default": text("true")})
    summary_next: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True))
    supported: bool | None = None
    pending: str | None = None
    pending_until: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    last_tip: str | None = None
    recent_tips: str = ""  # keys of the last tips shown after logs, newest first, comma-separated
    plan_start: date | None = None
    streak_through: date | None = None
    streak_current: int = 0
    streak_best: int = 0
    streak_freezes: int = 0
    streak_run: int = 0
    streak_score: float = 0.0

    @property
    def key(self) -> int:
        """The id of a stored person (stored people always have one)."""
        assert self.id is not None
        return self.id


class Account(SQLModel, table=True):
    """A platform user (Telegram user id, Discord user id, console name) belonging to a person."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id", ondelete="CASCADE", index=True)
    platform: str
    external_id: str
    display_name: str = ""
    created_at: datetime = Field(sa_column=_instant())
    unreachable_since: datetime | None = Field(default=None, sa_column=_instant(nullable=True))


class Walk(SQLModel, table=True):
    """One backward walk, counted for the user's local `day`."""

    __tablename__ = "walks"
    __table_args__ = (
        Index("ix_walks_person_day", "person_id", "day"),
        # The latest walk logged, and the latest with a pain rating, found without reading the
        # person's whole history (the log reply and /plan ask on every request).
        Index("ix_walks_person_latest", "person_id", "id"),
        Index("ix_walks_person_rated", "person_id", "id", sqlite_where=text("pain IS NOT NULL"),
              postgresql_where=text("pain IS NOT NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id", ondelete="CASCADE")
    day: date
    minutes: int
    steps: int | None = None
    place: str | None = None
    pain: int | None = None
    note: str = ""
    recorded_at: datetime = Field(sa_column=_instant())


class Pause(SQLModel, table=True):
    """Days the user set aside (injury, travel): `end_day` None means until /resume."""

    __tablename__ = "pauses"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id", ondelete="CASCADE", index=True)
    start_day: date
    end_day: date | None = None

    def covers(self, day: date) -> bool:
        """True if `day` is one of the paused days."""
        return self.start_day <= day and (self.end_day is None or day <= self.end_day)


class StreakEvent(SQLModel, table=True):
    """A freeze earned or spent on a settled day, kept for the streak history."""

    __tablename__ = "streak_events"
    __table_args__ = (UniqueConstraint("person_id", "day", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id", ondelete="CASCADE")
    day: date
    kind: str


class ProcessedMessage(SQLModel, table=True):
    """A platform message (or button press) the coach has acted on: each is acted on once, even
    when the platform delivers it again."""

    __tablename__ = "processed_messages"

    key: str = Field(primary_key=True, max_length=200)
    person_id: int = Field(foreign_key="people.id", ondelete="CASCADE", index=True)
    processed_at: datetime = Field(sa_column=_instant())


class Chat(SQLModel, table=True):
    """A group or server where people walk together; its challenge settings live here.

    `post_channel` is where in this chat the daily post goes: a Telegram forum topic or a
    Discord channel of this server; None means the chat itself (Discord: its system channel)."""

    __tablename__ = "chats"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str
    external_id: str
    kind: str = "group"
    title: str = ""
    created_at: datetime = Field(sa_column=_instant())
    challenge_on: bool = True
    post_channel: str | None = None
    challenge_time: str = "09:00"
    timezone: str = "UTC"
    daily_goal: int = 10
    # When the next daily post is due (UTC), kept in step with challenge_on, challenge_time
    # and timezone; None while the post is off.
    post_next: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True))
    # When the weekly board's final post is due (UTC): Monday at the post time in the chat's
    # time zone; the planner finds due chats by this indexed instant.
    season_next: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True))

    @property
    def key(self) -> int:
        """The id of a stored chat."""
        assert self.id is not None
        return self.id


class Member(SQLModel, table=True):
    """A person taking part in a chat's walk challenge."""

    __tablename__ = "challenge_members"

    chat_id: int = Field(foreign_key="chats.id", ondelete="CASCADE", primary_key=True)
    person_id: int = Field(
        foreign_key="people.id", ondelete="CASCADE", primary_key=True, index=True
    )
    display_name: str = ""
    joined_at: datetime = Field(sa_column=_instant())


class WeekTotal(SQLModel, table=True):
    """A member's kept totals on a chat's weekly board for the week from Monday `week_start`:
    points (each walker-day's minutes counting at most the daily cap), active days, the latest
    day walked and each day's points, `mon` to `sun` (a walker ahead of the group's time zone
    may have walked on a day the group has not reached yet; the board leaves such days out
    until it does). Recounted from the person's walks of that week whenever one changes, so
    the board is read by index."""

    __tablename__ = "weekly_totals"
    __table_args__ = (
        Index("ix_weekly_totals_board", "chat_id", "week_start", "points", "days"),
        Index("ix_weekly_totals_ahead", "chat_id", "week_start", "last_day"),
        Index("ix_weekly_totals_person", "person_id", "week_start"),
    )

    chat_id: int = Field(foreign_key="chats.id", ondelete="CASCADE", primary_key=True)
    week_start: date = Field(primary_key=True)
    person_id: int = Field(foreign_key="people.id", ondelete="CASCADE", primary_key=True)
    points: int = 0
    days: int = 0
    last_day: date | None = None
    mon: int = 0
    tue: int = 0
    wed: int = 0
    thu: int = 0
    fri: int = 0
    sat: int = 0
    sun: int = 0


class Contest(SQLModel, table=True):
    """A group challenge people join: capped minutes, goal days or a team total.

    Walks count when their day lies in `start_day`..`start_day + days - 1` and they were logged
    between the entrant's joining and `ends_at` (midnight after the last day in the chat's time
    zone, or when an admin ended it). `next_post_at` is when the next post (`next_post`: start,
    mid or end) is due, found by the planner through its index."""

    __tablename__ = "challenges"

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(foreign_key="chats.id", ondelete="CASCADE", index=True)
    format: str
    name: str
    start_day: date
    days: int
    cap: int | None = None
    target: int | None = None
    min_minutes: int | None = None
    min_days: int | None = None
    status: str = "open"  # open (upcoming or running), ended
    created_by: int | None = Field(default=None, foreign_key="people.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_column=_instant())
    ends_at: datetime = Field(sa_column=_instant())
    next_post: str | None = None
    next_post_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True))
    # The platform's id of the start post, so the mid-way update can edit it in place.
    start_message: str | None = None

    @property
    def key(self) -> int:
        """The id of a stored challenge."""
        assert self.id is not None
        return self.id


class Entry(SQLModel, table=True):
    """A person taking part in a group challenge, from `joined_at` on."""

    __tablename__ = "challenge_entries"

    challenge_id: int = Field(foreign_key="challenges.id", ondelete="CASCADE", primary_key=True)
    person_id: int = Field(
        foreign_key="people.id", ondelete="CASCADE", primary_key=True, index=True
    )
    display_name: str = ""
    joined_at: datetime = Field(sa_column=_instant())
    # Totals kept up to date as the person logs and undoes walks, so a board of thousands is
    # read in one indexed query: capped points, all minutes, and days that reached the goal.
    points: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    minutes: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    goal_days: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})


class Delivery(SQLModel, table=True):
    """A message the coach sends on its own (a reminder, a challenge post), queued once.

    A reminder goes to a stored account, a challenge post to a stored chat; each is queued at
    most once per occurrence (a local date), so a job that runs twice, or a restart, never
    queues the same message again."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ux_deliveries_account_once", "kind", "account_id", "occurrence", unique=True,
              sqlite_where=text("account_id IS NOT NULL"),
              postgresql_where=text("account_id IS NOT NULL")),
        Index("ux_deliveries_chat_once", "kind", "chat_id", "occurrence", unique=True,
              sqlite_where=text("chat_id IS NOT NULL"),
              postgresql_where=text("chat_id IS NOT NULL")),
        Index("ix_deliveries_due", "platform", "status", "not_before"),
        Index("ix_deliveries_created", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    platform: str
    occurrence: str
    account_id: int | None = Field(default=None, foreign_key="accounts.id", ondelete="CASCADE",
                                   index=True)
    chat_id: int | None = Field(default=None, foreign_key="chats.id", ondelete="CASCADE",
                                index=True)
    payload: str
    status: str = "pending"
    attempts: int = 0
    not_before: datetime = Field(sa_column=_instant())
    # Past this instant it is marked missed, never sent late.
    expires_at: datetime = Field(sa_column=_instant())
    lease_until: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    # Which dispatcher holds the lease: only it may record the outcome.
    lease_owner: str | None = None
    created_at: datetime = Field(sa_column=_instant())
    sent_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))
    last_error: str = ""


class UpdateSeen(SQLModel, table=True):
    """A platform update already taken by one of the webhook replicas: the same update_id
    arriving again (Telegram retries, or the load balancer hands it to another replica) is
    skipped. Purged after a day."""

    __tablename__ = "updates_seen"
    __table_args__ = (Index("ix_updates_seen_seen_at", "seen_at"),)

    bot: str = Field(primary_key=True)
    update_id: int = Field(sa_column=Column(BigInteger(), primary_key=True, nullable=False))
    seen_at: datetime = Field(sa_column=_instant())


class LinkCode(SQLModel, table=True):
    """A one-time code a person asked for to join an account of another platform to them.

    Only the code's SHA-256 is stored: the code itself is shown once, to the person who asked.
    `account_id` is the account that asked (its platform cannot enter the code)."""

    __tablename__ = "link_codes"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id", ondelete="CASCADE", index=True)
    account_id: int = Field(foreign_key="accounts.id", ondelete="CASCADE", index=True)
    code_hash: str = Field(max_length=64, index=True)
    created_at: datetime = Field(sa_column=_instant())
    expires_at: datetime = Field(sa_column=_instant())
    used_at: datetime | None = Field(default=None, sa_column=_instant(nullable=True))


class LinkFailure(SQLModel, table=True):
    """A wrong link code entered: a few in a row make the coach refuse codes for a while."""

    __tablename__ = "link_failures"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id", ondelete="CASCADE", index=True)
    at: datetime = Field(sa_column=_instant())
