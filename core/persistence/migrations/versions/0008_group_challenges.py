"""Group challenges people join (capped minutes, goal days, team total), their entrants, and
when each chat's weekly board is next posted.

Plain CREATE TABLE and ALTER TABLE ADD COLUMN only, never batch mode (a batch rebuild on SQLite
cascades into every row that refers to the table). The weekly post's instant is filled in for
every existing chat.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 11:00:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from core.domain.schedule import next_season_post
from core.persistence.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("start_day", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("cap", sa.Integer(), nullable=True),
        sa.Column("target", sa.Integer(), nullable=True),
        sa.Column("min_minutes", sa.Integer(), nullable=True),
        sa.Column("min_days", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("next_post", sa.String(), nullable=True),
        sa.Column("next_post_at", UTCDateTime(), nullable=True),
        sa.Column("start_message", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["people.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_challenges_chat_id", "challenges", ["chat_id"], unique=False)
    op.create_index("ix_challenges_next_post_at", "challenges", ["next_post_at"], unique=False)
    op.create_table(
        "challenge_entries",
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(), nullable=False),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.Column("points", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("minutes", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("goal_days", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("challenge_id", "person_id"),
    )
    op.create_index("ix_challenge_entries_person_id", "challenge_entries", ["person_id"],
                    unique=False)
    op.add_column("chats", sa.Column("season_next", UTCDateTime(), nullable=True))
    op.create_index("ix_chats_season_next", "chats", ["season_next"], unique=False)
    chats = sa.table("chats", sa.column("id"), sa.column("timezone"),
                     sa.column("challenge_time"), sa.column("season_next", UTCDateTime()))
    connection = op.get_bind()
    now = datetime.now(UTC)
    for key, zone, at in connection.execute(
            sa.select(chats.c.id, chats.c.timezone, chats.c.challenge_time)).all():
        connection.execute(chats.update().where(chats.c.id == key)
                           .values(season_next=next_season_post(now, at, zone)))


def downgrade() -> None:
    op.drop_index("ix_chats_season_next", "chats")
    op.drop_column("chats", "season_next")
    op.drop_index("ix_challenge_entries_person_id", "challenge_entries")
    op.drop_table("challenge_entries")
    op.drop_index("ix_challenges_next_post_at", "challenges")
    op.drop_index("ix_challenges_chat_id", "challenges")
    op.drop_table("challenges")
