"""Running on many machines: webhook updates seen (de-duplicated by update_id across replicas),
and, on PostgreSQL only, procrastinate's job queue in a schema of its own.

Procrastinate's tables live in the `procrastinate` schema, not `public`, so the coach's own tables
stay exactly what the models describe; its connections put that schema on their search path
(bot/cluster.py). Applied only when its table is missing, so running this twice, or on a database
where an operator applied it by hand, does nothing.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.persistence.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

JOBS_SCHEMA = "procrastinate"


def upgrade() -> None:
    op.create_table(
        "updates_seen",
        sa.Column("bot", sa.String(), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("bot", "update_id"),
    )
    op.create_index("ix_updates_seen_seen_at", "updates_seen", ["seen_at"], unique=False)
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    from procrastinate.schema import SchemaManager

    connection.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {JOBS_SCHEMA}")
    present = connection.exec_driver_sql(
        f"SELECT to_regclass('{JOBS_SCHEMA}.procrastinate_jobs')").scalar()
    if present is not None:
        return
    path = connection.exec_driver_sql("SHOW search_path").scalar()
    connection.exec_driver_sql(f"SET LOCAL search_path TO {JOBS_SCHEMA}")
    # The raw driver cursor: the schema is many statements, some with % in them.
    cursor = connection.connection.cursor()
    cursor.execute(SchemaManager.get_schema())
    cursor.close()
    connection.exec_driver_sql(f"SET LOCAL search_path TO {path}")


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {JOBS_SCHEMA} CASCADE")
    op.drop_index("ix_updates_seen_seen_at", "updates_seen")
    op.drop_table("updates_seen")
