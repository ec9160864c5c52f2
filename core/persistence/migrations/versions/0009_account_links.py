"""Link codes: one walker on two platforms (/link, /unlink).

- `link_codes`: a one-time code's SHA-256, the person and account that asked for it, when it
  expires and when it was used.
- `link_failures`: wrong codes entered, so guessing is refused after a few.

New tables only (no batch mode on `people`: on SQLite it cascades deletes).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.persistence.types import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_link_codes_person_id", "link_codes", ["person_id"], unique=False)
    op.create_index("ix_link_codes_account_id", "link_codes", ["account_id"], unique=False)
    op.create_index("ix_link_codes_code_hash", "link_codes", ["code_hash"], unique=False)
    op.create_table(
        "link_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_link_failures_person_id", "link_failures", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_link_failures_person_id", "link_failures")
    op.drop_table("link_failures")
    op.drop_index("ix_link_codes_code_hash", "link_codes")
    op.drop_index("ix_link_codes_account_id", "link_codes")
    op.drop_index("ix_link_codes_person_id", "link_codes")
    op.drop_table("link_codes")
