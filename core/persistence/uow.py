"""The unit of work: one SQLAlchemy session, one transaction, the repositories inside it.

The session is SQLAlchemy's own unit of work: it tracks every object it hands out and, at
commit, writes only the columns that changed. A unit of work that only reads runs in a
read-only transaction and must leave nothing changed.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.persistence.contests import Contests
from core.persistence.engine import checkpoint, fold_log, read_only
from core.persistence.links import Links
from core.persistence.queue import Deliveries
from core.persistence.reminders import Reminders
from core.persistence.repositories import Chats, Pauses, People, StreakEvents, Walks
from core.persistence.updates import UpdatesSeen
from core.persistence.weekly import Weeks


class ReadOnlyViolation(RuntimeError):
    """A unit of work opened for reading changed something: a bug, never a user's doing."""


class UnitOfWork:
    """`with uow:` opens a transaction; nothing is kept unless `commit()` is called."""

    session: Session

    def __init__(self, engine: Engine, *, write: bool = True) -> None:
        self.engine = engine
        self.write = write

    def __enter__(self) -> UnitOfWork:
        # Objects stay readable after commit: replies are shaped from them afterwards.
        self.session = Session(self.engine, expire_on_commit=False)
        self.people = People(self.session)
        self.walks = Walks(self.session)
        self.pauses = Pauses(self.session)
        self.events = StreakEvents(self.session)
        self.chats = Chats(self.session)
        self.deliveries = Deliveries(self.session)
        self.reminders = Reminders(self.session)
        self.updates = UpdatesSeen(self.session)
        self.links = Links(self.session)
        self.contests = Contests(self.session)
        self.weeks = Weeks(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if exc_type is None and not self.write and self.changed():
                raise ReadOnlyViolation(f"a read-only unit of work changed {self.changed()}")
        finally:
            session.close()  # rolls back whatever was not committed

    def changed(self) -> list[object]:
        """Objects added, changed or deleted and not yet committed."""
        session = self.session
        dirty = [o for o in session.dirty if session.is_modified(o)]
        return [*session.new, *dirty, *session.deleted]

    def commit(self) -> None:
        """Keep everything done in this unit."""
        if not self.write:
            raise ReadOnlyViolation("a read-only unit of work cannot commit")
        self.session.commit()


class UnitOfWorkFactory:
    """Makes units of work on one engine; the services receive this."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._reader = read_only(engine)

    def __call__(self, *, write: bool = True) -> UnitOfWork:
        """A new unit of work: for writing (the default) or for reading only."""
        return UnitOfWork(self.engine if write else self._reader, write=write)

    def fold_log(self) -> None:
        """Fold the write-ahead log into the file in the background (see engine.fold_log)."""
        fold_log(self.engine)

    def compact(self) -> None:
        """After a deletion: fold the write-ahead log into the file so nothing deleted lingers."""
        checkpoint(self.engine)
