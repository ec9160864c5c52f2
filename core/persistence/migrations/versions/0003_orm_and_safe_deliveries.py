"""Processed messages; deliveries keyed by stored account or chat; walks lose source_key.

- `processed_messages`: every platform message acted on, so a redelivered one is acted on once
  (it replaces `walks.source_key`, which protected only /log).
- `deliveries`: a reminder refers to an account, a challenge post to a chat, instead of a typed
  recipient string. Queued rows are carried over where their recipient maps to a stored account
  or chat; the rest were transient and are dropped.
- `chats.post_channel` of Telegram chats is cleared: it held any typed chat id and now means a
  forum topic of that same chat.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from core.persistence.types import UTCDateTime
from alembic import op


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_COPY = """
INSERT INTO deliveries (kind, platform, occurrence, account_id, chat_id, payload, status,
                        attempts, not_before, lease_until, created_at, sent_at, last_error)
SELECT d.kind, d.platform, d.occurrence, {account}, {chat}, d.payload, d.status, d.attempts,
       d.not_before, d.lease_until, d.created_at, d.sent_at, d.last_error
FROM deliveries_old d JOIN {table} t ON t.platform = d.platform AND t.external_id = d.recipient
WHERE d.kind = '{kind}'
"""


def upgrade() -> None:
    op.create_table('processed_messages',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('processed_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('processed_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_processed_messages_person_id'), ['person_id'], unique=False)

    with op.batch_alter_table('walks', schema=None) as batch_op:
        batch_op.drop_column('source_key')

    op.execute("UPDATE chats SET post_channel = NULL WHERE platform = 'telegram'")

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_due')
        batch_op.drop_index(batch_op.f('ix_deliveries_person_id'))
    op.rename_table('deliveries', 'deliveries_old')
    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('platform', sa.String(), nullable=False),
    sa.Column('occurrence', sa.String(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('chat_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('not_before', UTCDateTime(), nullable=False),
    sa.Column('lease_until', UTCDateTime(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('sent_at', UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['chat_id'], ['chats.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_deliveries_due', ['platform', 'status', 'not_before'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliveries_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliveries_chat_id'), ['chat_id'], unique=False)
        batch_op.create_index('ux_deliveries_account_once', ['kind', 'account_id', 'occurrence'], unique=True, sqlite_where=sa.text('account_id IS NOT NULL'), postgresql_where=sa.text('account_id IS NOT NULL'))
        batch_op.create_index('ux_deliveries_chat_once', ['kind', 'chat_id', 'occurrence'], unique=True, sqlite_where=sa.text('chat_id IS NOT NULL'), postgresql_where=sa.text('chat_id IS NOT NULL'))
    op.execute(_COPY.format(account="t.id", chat="NULL", table="accounts", kind="reminder"))
    op.execute(_COPY.format(account="NULL", chat="t.id", table="chats", kind="challenge"))
    op.drop_table('deliveries_old')


def downgrade() -> None:
    raise NotImplementedError("0003 keys deliveries by stored ids; there is no way back to typed "
                              "recipients that is safe")
