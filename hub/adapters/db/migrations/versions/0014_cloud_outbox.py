"""cloud outbox: events waiting for headquarters, HQ's objects as pulled, the link's cursors (issue 13)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa



revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cloud_outbox',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False, comment='the order entries are sent in'),
    sa.Column('event_id', sa.String(length=64), nullable=False, comment="HQ's idempotency key for the event"),
    sa.Column('aggregate', sa.String(length=100), nullable=False, comment='order:<id>, member:<id>, sku:<sku>: sent in order'),
    sa.Column('kind', sa.String(length=20), nullable=False, comment='order, payment, refund, stock_move, loyalty_entry, pickup_status'),
    sa.Column('body', sa.JSON(), nullable=False, comment='the event as HQ takes it (docs/cloud-api.md)'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False, comment='not sent before this (backoff)'),
    sa.Column('last_error', sa.Text(), nullable=True, comment='why the last attempt failed, in words'),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True, comment='HQ answered committed (or already committed)'),
    sa.Column('parked_at', sa.DateTime(timezone=True), nullable=True, comment="HQ refused it for good; last_error holds HQ's reason"),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_cloud_outbox')),
    sa.UniqueConstraint('event_id', name=op.f('uq_cloud_outbox_event_id'))
    )
    op.create_index('ix_cloud_outbox_waiting', 'cloud_outbox', ['sent_at', 'parked_at', 'seq'], unique=False)
    op.create_table('cloud_objects',
    sa.Column('kind', sa.String(length=20), nullable=False, comment='category, item, price, tax, promotion, tier, member ...'),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False, comment="HQ's object as its feed sent it"),
    sa.PrimaryKeyConstraint('kind', 'key', name=op.f('pk_cloud_objects'))
    )
    op.create_table('cloud_state',
    sa.Column('key', sa.String(length=64), nullable=False, comment='cursor:<feed>, pulled:<feed>, mark:<table>'),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_cloud_state'))
    )


def downgrade() -> None:
    op.drop_table('cloud_state')
    op.drop_table('cloud_objects')
    op.drop_index('ix_cloud_outbox_waiting', table_name='cloud_outbox')
    op.drop_table('cloud_outbox')
