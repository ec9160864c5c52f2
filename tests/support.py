"""Test helpers shared by every layer: a clock to move by hand and a chat with the coach."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text

from core.api import LogFields, Message
from core.coach import Coach
from core.errors import CoachError
from core.identity import ChatKind, ChatRef, Platform, UserRef, private_chat
from core.persistence.engine import make_engine
from core.persistence.migrate import upgrade
from core.persistence.uow import UnitOfWorkFactory
from core.replies import Reply


class ManualClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set_local(self, zone: str, year: int, month: int, day: int, hour: int = 12,
                  minute: int = 0) -> None:
        """Move to a wall-clock time in a zone."""
        self.now = datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)

    def advance(self, **delta: float) -> None:
        """Move forward."""
        self.now += timedelta(**delta)


def sqlite_engine(path: Path) -> Engine:
    """A migrated SQLite file."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine


@dataclass
class Person:
    """Someone chatting with the coach through the synchronous entry points."""

    coach: Coach
    user: UserRef
    chat: ChatRef
    is_admin: bool = False
    channel: str | None = None
    errors: list[str] = field(default_factory=list)
    sent: int = 0

    def message(self, text: str = "", key: str | None = None) -> Message:
        """A message from this person in their chat."""
        return Message(self.user, self.chat, text, key=key, is_admin=self.is_admin,
                       channel=self.channel)

    def say(self, text: str, key: str | None = None) -> Reply:
        """Send text and return the reply; a CoachError must not happen."""
        return self.coach.handle(self.message(text, key))

    def fail(self, text: str, key: str | None = None) -> str:
        """Send text that must be refused; returns the refusal."""
        try:
            reply = self.coach.handle(self.message(text, key))
        except CoachError as error:
            return str(error)
        raise AssertionError(f"{text!r} was accepted: {reply.text}")

    def press(self, action: str, key: str | None = None) -> Reply:
        """Press a button."""
        return self.coach.press(self.message(key=key), action)

    def fail_press(self, action: str) -> str:
        """Press a button that must be refused; returns the refusal."""
        try:
            reply = self.coach.press(self.message(), action)
        except CoachError as error:
            return str(error)
        raise AssertionError(f"{action!r} was accepted: {reply.text}")

    def log(self, fields: LogFields, key: str | None = None) -> Reply:
        """/log with typed options."""
        return self.coach.log(self.message(key=key), fields)


def person(coach: Coach, name: str = "ada", platform: Platform = Platform.CONSOLE) -> Person:
    """Someone in a private chat."""
    user = UserRef(platform, name, name.title())
    return Person(coach, user, private_chat(user))


def in_group(someone: Person, group_id: str = "g1", title: str = "Walkers",
             admin: bool = False, channel: str | None = None) -> Person:
    """The same someone, writing in a group (in one of its channels or topics)."""
    chat = ChatRef(someone.user.platform, group_id, ChatKind.GROUP, title)
    return Person(someone.coach, someone.user, chat, is_admin=admin, channel=channel)


def make_coach(engine: Engine, clock: ManualClock) -> Coach:
    """A coach on an engine with a manual clock."""
    return Coach(UnitOfWorkFactory(engine), clock)


def table_rows(engine: Engine) -> dict[str, list[dict[str, object]]]:
    """Every row of every table, read with plain SQL (independent of the coach's own queries)."""
    from sqlalchemy import inspect

    with engine.connect() as connection:
        names = [n for n in inspect(connection).get_table_names() if n != "alembic_version"]
        return {name: [dict(row._mapping) for row in connection.execute(
                    text(f'SELECT * FROM "{name}" ORDER BY 1'))]
                for name in names}


def walk_minutes(source: Engine | Path) -> list[int]:
    """Minutes of every stored walk, in the order they were recorded (from an engine, or a
    SQLite file read with the plain sqlite3 module)."""
    if isinstance(source, Path):
        import sqlite3

        with sqlite3.connect(source) as conn:
            return [r[0] for r in conn.execute("SELECT minutes FROM walks ORDER BY id")]
    with source.connect() as connection:
        return [r[0] for r in connection.execute(text("SELECT minutes FROM walks ORDER BY id"))]
