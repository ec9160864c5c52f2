"""The unit of work: one transaction, the repositories inside it, commit or roll back as a whole."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine

from core.persistence.engine import checkpoint
from core.persistence.queue import Deliveries
from core.persistence.repositories import Chats, Pauses, People, StreakEvents, Tracker, Walks


class UnitOfWork:
    """`with uow:` opens a transaction; nothing is kept unless `commit()` is called.

    Records handed out by the repositories are plain objects; the ones that changed are written
    back by `commit()`."""

    connection: Connection

    def __init__(self, engine: Engine, *, write: bool = True) -> None:
        self.engine = engine
        self.write = write

    def __enter__(self) -> UnitOfWork:
        connection = self.engine.connect()
        if self.engine.dialect.name == "sqlite":
            # Reads take a deferred BEGIN so they never wait on a writer; writes take IMMEDIATE.
            mode = "IMMEDIATE" if self.write else "DEFERRED"
            connection = connection.execution_options(sqlite_begin=mode)
        self.connection = connection
        self._transaction = connection.begin()
        self.tracker = Tracker()
        self.people = People(connection, self.tracker)
        self.walks = Walks(connection, self.tracker)
        self.pauses = Pauses(connection, self.tracker)
        self.events = StreakEvents(connection, self.tracker)
        self.chats = Chats(connection, self.tracker)
        self.deliveries = Deliveries(connection, self.tracker)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._transaction.is_active:
            self._transaction.rollback()
        self.connection.close()

    def commit(self) -> None:
        """Write back changed records and keep everything done in this unit."""
        self.tracker.write_back(self.connection)
        self._transaction.commit()


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
