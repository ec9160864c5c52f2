"""Due instants for reminders and daily posts; deliveries expire and carry their lease owner.

- `people.remind_next`, `chats.post_next`: the next UTC instant a reminder or a daily post is
  due, indexed, so planning reads only what is due instead of every person and chat. Filled in
  here for everyone who has a reminder or a daily post on.
- `deliveries.expires_at`: past it a queued message is marked missed, never sent late (existing
  rows: three hours after they became due, the late window they were planned with).
- `deliveries.lease_owner`: the dispatcher holding a claim; only it may record the outcome.
- `ix_deliveries_created`: old finished rows are purged by age.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 01:00:00
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from core.domain.schedule import next_due, parse_hhmm
from core.persistence.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LATE_WINDOW = timedelta(hours=3)


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("remind_next", UTCDateTime(), nullable=True))
        batch.create_index("ix_people_remind_next", ["remind_next"], unique=False)
    with op.batch_alter_table("chats") as batch:
        batch.add_column(sa.Column("post_next", UTCDateTime(), nullable=True))
        batch.create_index("ix_chats_post_next", ["post_next"], unique=False)
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("expires_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("lease_owner", sa.String(), nullable=True))
        batch.create_index("ix_deliveries_created", ["created_at"], unique=False)
    _fill_in(datetime.now(UTC))
    with op.batch_alter_table("deliveries") as batch:
        batch.alter_column("expires_at", existing_type=UTCDateTime(), nullable=False)


def _fill_in(now: datetime) -> None:
    connection = op.get_bind()
    people = sa.table("people", sa.column("id"), sa.column("remind_at"), sa.column("timezone"),
                      sa.column("day_start_hour"), sa.column("remind_next", UTCDateTime()))
    rows = connection.execute(sa.select(people.c.id, people.c.remind_at, people.c.timezone,
                                        people.c.day_start_hour)
                              .where(people.c.remind_at.is_not(None))).all()
    for key, at, zone, day_start in rows:
        _, due = next_due(now, parse_hhmm(at), zone, day_start)
        connection.execute(people.update().where(people.c.id == key).values(remind_next=due))
    chats = sa.table("chats", sa.column("id"), sa.column("challenge_on"),
                     sa.column("challenge_time"), sa.column("timezone"),
                     sa.column("post_next", UTCDateTime()))
    posts = connection.execute(sa.select(chats.c.id, chats.c.challenge_time, chats.c.timezone)
                               .where(chats.c.challenge_on.is_(True))).all()
    for key, at, zone in posts:
        _, due = next_due(now, parse_hhmm(at), zone)
        connection.execute(chats.update().where(chats.c.id == key).values(post_next=due))
    deliveries = sa.table("deliveries", sa.column("id"),
                          sa.column("not_before", UTCDateTime()),
                          sa.column("expires_at", UTCDateTime()))
    for key, not_before in connection.execute(
            sa.select(deliveries.c.id, deliveries.c.not_before)).all():
        connection.execute(deliveries.update().where(deliveries.c.id == key)
                           .values(expires_at=not_before + LATE_WINDOW))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_index("ix_deliveries_created")
        batch.drop_column("lease_owner")
        batch.drop_column("expires_at")
    with op.batch_alter_table("chats") as batch:
        batch.drop_index("ix_chats_post_next")
        batch.drop_column("post_next")
    with op.batch_alter_table("people") as batch:
        batch.drop_index("ix_people_remind_next")
        batch.drop_column("remind_next")
