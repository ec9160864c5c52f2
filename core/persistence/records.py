"""Plain records, one per table row, as the services see them.

Repositories fill them from rows and write back what changed when the unit of work commits.
Field names are the column names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass
class Person:
    """One human, whatever platforms they use; settings and the settled streak live here."""

    id: int
    created_at: datetime
    timezone: str = "UTC"
    day_start_hour: int = 0
    weekly_goal: int = 150
    remind_at: str | None = None
    supported: bool | None = None
    pending: str | None = None
    pending_until: datetime | None = None
    last_tip: str | None = None
    last_pain: int | None = None
    plan_start: date | None = None
    streak_through: date | None = None
    streak_current: int = 0
    streak_best: int = 0
    streak_freezes: int = 0
    streak_run: int = 0
    streak_score: float = 0.0


@dataclass
class Account:
    """A platform user (Telegram user id, Discord user id, console name) of a person."""

    id: int
    person_id: int
    platform: str
    external_id: str
    display_name: str
    created_at: datetime
    unreachable_since: datetime | None = None


@dataclass
class Walk:
    """One backward walk, counted for the user's local `day` (id 0 until stored)."""

    person_id: int
    day: date
    minutes: int
    recorded_at: datetime
    steps: int | None = None
    place: str | None = None
    pain: int | None = None
    note: str = ""
    source_key: str | None = None
    id: int = 0


@dataclass
class Pause:
    """Days the user set aside: `end_day` None means until /resume (id 0 until stored)."""

    person_id: int
    start_day: date
    end_day: date | None = None
    id: int = 0


@dataclass
class StreakEvent:
    """A freeze earned or spent on a settled day."""

    person_id: int
    day: date
    kind: str
    id: int = 0


@dataclass
class Chat:
    """A group or server where people walk together, with its challenge settings."""

    id: int
    platform: str
    external_id: str
    kind: str
    title: str
    created_at: datetime
    challenge_on: bool = True
    post_channel: str | None = None
    challenge_time: str = "09:00"
    timezone: str = "UTC"
    daily_goal: int = 10


@dataclass
class Member:
    """A person taking part in a chat's walk challenge."""

    chat_id: int
    person_id: int
    display_name: str
    joined_at: datetime
