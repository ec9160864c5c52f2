"""People: whether the weekly goal was chosen, the last few tips shown; last_pain goes.

- `goal_chosen`: set by /goal. Until then a person follows the beginner plan's weekly target,
  and the weekly goal applies once the plan has built the base.
- `recent_tips`: the keys of the last tips shown after logs, newest first, comma-separated, so
  no tip repeats within three logs (seeded from `last_tip`).
- `last_pain` is dropped: the pain line now reads the latest walk, so undo clears it; two
  indexes find the latest walk and the latest rated one without reading a whole history.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, never batch mode: on SQLite a batch rebuild drops and recreates `people`,
# and with foreign keys on that cascades into every walk, account and delivery.
def upgrade() -> None:
    op.add_column('people', sa.Column('goal_chosen', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.add_column('people', sa.Column('recent_tips', sa.String(), nullable=False,
                                      server_default=''))
    op.execute("UPDATE people SET recent_tips = last_tip WHERE last_tip IS NOT NULL")
    # Anyone who moved the goal away from the default chose it.
    op.execute("UPDATE people SET goal_chosen = true WHERE weekly_goal <> 150")
    op.drop_column('people', 'last_pain')
    op.create_index('ix_walks_person_latest', 'walks', ['person_id', 'id'], unique=False)
    op.create_index('ix_walks_person_rated', 'walks', ['person_id', 'id'], unique=False,
                    sqlite_where=sa.text('pain IS NOT NULL'),
                    postgresql_where=sa.text('pain IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('ix_walks_person_rated', 'walks')
    op.drop_index('ix_walks_person_latest', 'walks')
    op.add_column('people', sa.Column('last_pain', sa.Integer(), nullable=True))
    op.drop_column('people', 'recent_tips')
    op.drop_column('people', 'goal_chosen')
