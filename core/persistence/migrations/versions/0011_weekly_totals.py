"""The weekly board's kept totals: one row per (chat, week, member who walked that week) with
capped points, active days, the latest day walked and each day's points, so the board is read by index order
instead of summing every member's walks on each request.

A plain CREATE TABLE (no batch mode). Backfilled for every week of every member's walks, not
only the current and last: `/leaderboard last` and the weekly post may be asked about any week
the coach still counts, rows exist only for weeks someone walked, and the backfill reads each
member's walks once either way.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 01:00:00
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from alembic import op

from core.domain.challenges import DAILY_CAP_MINUTES
from core.domain.days import week_start

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BATCH = 5000
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def upgrade() -> None:
    totals = op.create_table(
        "weekly_totals",
        sa.Column("chat_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=True),
        *(sa.Column(day, sa.Integer(), nullable=False) for day in WEEKDAYS),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("chat_id", "week_start", "person_id"),
    )
    op.create_index("ix_weekly_totals_board", "weekly_totals",
                    ["chat_id", "week_start", "points", "days"], unique=False)
    op.create_index("ix_weekly_totals_ahead", "weekly_totals",
                    ["chat_id", "week_start", "last_day"], unique=False)
    op.create_index("ix_weekly_totals_person", "weekly_totals",
                    ["person_id", "week_start"], unique=False)
    assert totals is not None
    backfill(op.get_bind(), totals)


def backfill(connection: sa.Connection, totals: sa.Table) -> None:
    """Every member's weeks, from their walks, on each board they are on."""
    chats: dict[int, list[int]] = defaultdict(list)
    for chat_id, person_id in connection.execute(sa.text(
            "SELECT chat_id, person_id FROM challenge_members")):
        chats[person_id].append(chat_id)
    weeks: dict[tuple[int, date], dict[date, int]] = defaultdict(dict)
    for person_id, day, minutes in connection.execute(sa.text(
            "SELECT person_id, day, SUM(minutes) FROM walks WHERE person_id IN "
            "(SELECT person_id FROM challenge_members) GROUP BY person_id, day")):
        day = day if isinstance(day, date) else date.fromisoformat(day)
        weeks[(person_id, week_start(day))][day] = int(minutes)
    rows = []
    for (person_id, week), by_day in weeks.items():
        each = {name: 0 for name in WEEKDAYS}
        for day, minutes in by_day.items():
            each[WEEKDAYS[day.weekday()]] = min(minutes, DAILY_CAP_MINUTES)
        rows += [{"chat_id": chat_id, "week_start": week, "person_id": person_id,
                  "points": sum(each.values()), "days": len(by_day), "last_day": max(by_day),
                  **each} for chat_id in chats[person_id]]
    for first in range(0, len(rows), BATCH):
        connection.execute(totals.insert(), rows[first:first + BATCH])


def downgrade() -> None:
    for name in ("ix_weekly_totals_person", "ix_weekly_totals_ahead", "ix_weekly_totals_board"):
        op.drop_index(name, "weekly_totals")
    op.drop_table("weekly_totals")
