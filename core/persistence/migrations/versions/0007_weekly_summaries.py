"""People: the weekly summary on Monday at the reminder time, on unless turned off, and when the
next one is due.

Plain ALTER TABLE, never batch mode (a batch rebuild of `people` on SQLite cascades into every
row that refers to it). Filled in for everyone who has a reminder.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 11:00:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from core.domain.schedule import next_weekly, parse_hhmm
from core.persistence.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("people", sa.Column("summaries", sa.Boolean(), nullable=False,
                                      server_default=sa.text("true")))
    op.add_column("people", sa.Column("summary_next", UTCDateTime(), nullable=True))
    op.create_index("ix_people_summary_next", "people", ["summary_next"], unique=False)
    people = sa.table("people", sa.column("id"), sa.column("remind_at"), sa.column("timezone"),
                      sa.column("day_start_hour"), sa.column("summary_next", UTCDateTime()))
    connection = op.get_bind()
    now = datetime.now(UTC)
    for key, at, zone, day_start in connection.execute(
            sa.select(people.c.id, people.c.remind_at, people.c.timezone,
                      people.c.day_start_hour)
            .where(people.c.remind_at.is_not(None))).all():
        _, due = next_weekly(now, parse_hhmm(at), zone, day_start)
        connection.execute(people.update().where(people.c.id == key).values(summary_next=due))


def downgrade() -> None:
    op.drop_index("ix_people_summary_next", "people")
    op.drop_column("people", "summary_next")
    op.drop_column("people", "summaries")
