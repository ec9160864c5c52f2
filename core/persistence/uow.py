"""The unit of work: one transaction, the repositories inside it, commit or roll back as a whole."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlmodel import Session

from core.persistence.engine import checkpoint
from core.persistence.repositories import Chats, Pauses, People, StreakEvents, Walks


class UnitOfWork:
    """`with uow:` opens a transaction; nothing is kept unless `commit()` is called."""

    def __init__(self, engine: Engine, *, write: bool = True) -> None:
        self.engine = engine
        self.write = write

    def __enter__(self) -> UnitOfWork:
        self.session = Session(self.engine, expire_on_commit=False)
        if self.engine.dialect.name == "sqlite":
            # Reads take a deferred BEGIN so they never wait on a writer; writes take IMMEDIATE.
            mode = "IMMEDIATE" if self.write else "DEFERRED"
            self.session.connection(execution_options={"sqlite_begin": mode})
        self.people = People(self.session)
        self.walks = Walks(self.session)
        self.pauses = Pauses(self.session)
        self.events = StreakEvents(self.session)
        self.chats = Chats(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        """Keep everything done in this unit."""
        self.session.commit()


class UnitOfWorkFactory:
    """Makes units of work on one engine; the services receive this."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self, *, write: bool = True) -> UnitOfWork:
        """A new unit of work."""
        return UnitOfWork(self.engine, write=write)

    def compact(self) -> None:
        """After a deletion: fold the write-ahead log into the file so nothing deleted lingers."""
        checkpoint(self.engine)
