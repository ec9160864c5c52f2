"""Engines for SQLite (the embedded default) and PostgreSQL, set up the way each needs."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

DEFAULT_SQLITE_FILE = "retrowalk.db"
BUSY_TIMEOUT_MS = 5_000
# SQLite folds its write-ahead log into the database file (a checkpoint) in whichever connection
# commits past a threshold, so a person's /log would pay for a fan-out's writes (README,
# bench/fanout.py: the /log p99 while planning was lower with the log folded in the background).
# A running coach folds it in the background instead (`fold_log`, every few seconds, off the
# coach's worker); this high threshold is only the safety net for processes that do not
# (one-shot commands, tests).
AUTOCHECKPOINT_PAGES = 20_000


class DatabaseFolderMissing(Exception):
    """A SQLite file was asked for in a folder that does not exist. It is not created: a
    mistyped path, or a volume that is not mounted, would otherwise start an empty database
    that looks as if every walk were lost."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self.folder = folder


def sqlite_url(path: str | Path) -> str:
    """The URL of a SQLite file given as a plain path ('coach.db', '~/walks.db')."""
    return f"sqlite:///{Path(path).expanduser().absolute()}"


def default_database_url(directory: Path | None = None) -> str:
    """The SQLite file in the working directory (or `directory`)."""
    return f"sqlite:///{(directory or Path.cwd()) / DEFAULT_SQLITE_FILE}"


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for `url`; SQLite gets WAL, busy_timeout, foreign keys and BEGIN IMMEDIATE.

    Statement parameters (notes, pain scores) are never shown in errors or logs."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True, hide_parameters=True)
    if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith(
            "file:"):
        folder = Path(parsed.database).expanduser().absolute().parent
        if not folder.is_dir():
            raise DatabaseFolderMissing(folder)
    # isolation_level=None hands transaction control to us, so BEGIN IMMEDIATE can be issued:
    # plain deferred BEGIN fails with "database is locked" under concurrent read-then-write.
    engine = create_engine(
        url, echo=echo, hide_parameters=True,
        connect_args={"isolation_level": None, "check_same_thread": False},
    )
    event.listen(engine, "connect", _configure_sqlite)
    event.listen(engine, "begin", _begin_sqlite)
    return engine


def _configure_sqlite(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        f"busy_timeout={BUSY_TIMEOUT_MS}",
        f"wal_autocheckpoint={AUTOCHECKPOINT_PAGES}",
        "foreign_keys=ON",
        # Deleted rows are overwritten with zeros, so /forget leaves nothing in the file.
        "secure_delete=ON",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _begin_sqlite(connection: Any) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {mode}")


def read_only(engine: Engine) -> Engine:
    """The same engine (same pool) for transactions that only read: SQLite begins them
    deferred, so they never wait on a writer; PostgreSQL refuses any write inside them."""
    if is_sqlite(engine):
        return engine.execution_options(sqlite_begin="DEFERRED")
    return engine.execution_options(postgresql_readonly=True)


def is_sqlite(engine: Engine) -> bool:
    """True for the embedded SQLite backend."""
    return engine.dialect.name == "sqlite"


def checkpoint(engine: Engine) -> None:
    """Fold the write-ahead log into the database file and truncate it (after a deletion)."""
    _checkpoint(engine, "TRUNCATE")


def fold_log(engine: Engine) -> None:
    """Fold what the write-ahead log holds into the database file, as far as readers allow,
    without waiting for or blocking anyone (a passive checkpoint); nothing on PostgreSQL."""
    _checkpoint(engine, "PASSIVE")


def _checkpoint(engine: Engine, mode: str) -> None:
    if not is_sqlite(engine):
        return
    # A raw connection runs outside any transaction, which a checkpoint needs.
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"PRAGMA wal_checkpoint({mode})")
        cursor.close()
    finally:
        raw.close()


def describe(url: str) -> str:
    """The URL with any password hidden, safe for logs."""
    return make_url(url).render_as_string(hide_password=True)
