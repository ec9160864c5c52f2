"""People: the "streak at risk" nudge, on unless turned off, and when the next one is due.

Plain ALTER TABLE, never batch mode (a batch rebuild of `people` on SQLite cascades into every
row that refers to it). Filled in for everyone who has a reminder.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 02:00:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from core.domain.schedule import next_due, nudge_time
from core.persistence.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("people", sa.Column("nudges", sa.Boolean(), nullable=False,
                                      server_default=sa.text("true")))
    op.add_column("people", sa.Column("nudge_next", UTCDateTime(), nullable=True))
    op.create_index("ix_people_nudge_next", "people", ["nudge_next"], unique=False)
    people = sa.table("people", sa.column("id"), sa.column("remind_at"), sa.column("timezone"),
                      sa.column("day_start_hour"), sa.column("nudge_next", UTCDateTime()))
    connection = op.get_bind()
    now = datetime.now(UTC)
    for key, zone, day_start in connection.execute(
            sa.select(people.c.id, people.c.timezone, people.c.day_start_hour)
            .where(people.c.remind_at.is_not(None))).all():
        _, due = next_due(now, nudge_time(day_start), zone, day_start)
        connection.execute(people.update().where(people.c.id == key).values(nudge_next=due))


def downgrade() -> None:
    op.drop_index("ix_people_nudge_next", "people")
    op.drop_column("people", "nudge_next")
    op.drop_column("people", "nudges")
