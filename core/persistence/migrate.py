"""Bring a database to the newest schema with Alembic (`retrowalk db upgrade`, and on start
unless RETROWALK_MIGRATE_ON_START=false)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).parent / "migrations"
# The PostgreSQL advisory lock every migration run takes: any fixed 64-bit number that no other
# program on the same server uses ("retrowalk" in ASCII, as an integer).
MIGRATION_LOCK = 0x726574726F77616C


def alembic_config() -> Config:
    """Alembic's configuration, pointing at the migrations shipped in the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration not yet applied; safe to run twice, and on PostgreSQL safe when
    several processes start it at once (they take turns under an advisory lock)."""
    config = alembic_config()
    with engine.begin() as connection:
        _take_turn(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _take_turn(connection: Connection) -> None:
    """On PostgreSQL, wait for any other migration run to commit. The lock is the
    transaction's, so it is released by the commit (or the rollback, or a dropped connection)
    and the next run then reads the version the first one wrote and finds nothing to do.
    SQLite needs none: the migration's BEGIN IMMEDIATE already lets one writer in at a time."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})


def head_revision() -> str | None:
    """The newest revision shipped with this version of the coach."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None before the first migration)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def autogenerate(engine: Engine, message: str) -> None:
    """Write a new migration from the difference between the tables and the database."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
