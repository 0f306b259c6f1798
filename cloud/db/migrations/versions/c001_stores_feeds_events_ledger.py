"""stores, feeds, events, ledger

Revision ID: c001
Revises: 
Create Date: 2026-12-07 16:08:57.935945
"""

from alembic import op
import sqlalchemy as sa

FEEDS = ("catalog", "prices", "promotions", "taxes", "loyalty")  # as they were at this revision


revision = 'c001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_accounts'))
    )
    op.create_table('changes',
    sa.Column('feed', sa.String(length=16), nullable=False),
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('store', sa.String(length=64), nullable=True, comment='null: every store'),
    sa.Column('jurisdiction', sa.String(length=64), nullable=True, comment='taxes: the jurisdiction whose stores read it'),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('body', sa.JSON(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('feed', 'seq', name=op.f('pk_changes'))
    )
    op.create_table('feed_counters',
    sa.Column('feed', sa.String(length=16), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('feed', name=op.f('pk_feed_counters'))
    )
    op.create_table('members',
    sa.Column('member_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('tier', sa.String(length=64), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_members'))
    )
    op.create_table('objects',
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'key', name=op.f('pk_objects'))
    )
    op.create_table('stock_moves',
    sa.Column('store', sa.String(length=64), nullable=False),
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('location', sa.String(length=129), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('on_hand', sa.Integer(), nullable=False),
    sa.Column('reserved', sa.Integer(), nullable=False),
    sa.Column('in_transit', sa.Integer(), nullable=False),
    sa.Column('moved_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('store', 'id', name=op.f('pk_stock_moves'))
    )
    with op.batch_alter_table('stock_moves', schema=None) as batch_op:
        batch_op.create_index('ix_stock_moves_sku_location', ['sku', 'location'], unique=False)

    op.create_table('stores',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('jurisdiction', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_stores'))
    )
    op.create_table('account_sessions',
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('account', sa.String(length=100), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account'], ['accounts.name'], name=op.f('fk_account_sessions_account_accounts')),
    sa.PrimaryKeyConstraint('hash', name=op.f('pk_account_sessions'))
    )
    with op.batch_alter_table('account_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_sessions_account'), ['account'], unique=False)

    op.create_table('events',
    sa.Column('store', sa.String(length=64), nullable=False),
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('order_id', sa.String(length=64), nullable=True, comment='payments and refunds: their order'),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['store'], ['stores.code'], name=op.f('fk_events_store_stores')),
    sa.PrimaryKeyConstraint('store', 'id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_store_order_id', ['store', 'order_id'], unique=False)

    op.create_table('ledger',
    sa.Column('source', sa.String(length=64), nullable=False, comment='the store that sent it, or hq'),
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('member_id', sa.String(length=64), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.String(length=64), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.member_id'], name=op.f('fk_ledger_member_id_members')),
    sa.PrimaryKeyConstraint('source', 'id', name=op.f('pk_ledger'))
    )
    with op.batch_alter_table('ledger', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_member_id'), ['member_id'], unique=False)

    op.create_table('store_credentials',
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('store', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False, comment='code or token'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['store'], ['stores.code'], name=op.f('fk_store_credentials_store_stores')),
    sa.PrimaryKeyConstraint('hash', name=op.f('pk_store_credentials'))
    )
    with op.batch_alter_table('store_credentials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_store_credentials_store'), ['store'], unique=False)
    feed_counters = sa.table('feed_counters', sa.column('feed', sa.String), sa.column('last', sa.Integer))
    op.bulk_insert(feed_counters, [{"feed": feed, "last": 0} for feed in FEEDS])


def downgrade() -> None:
    with op.batch_alter_table('store_credentials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_store_credentials_store'))

    op.drop_table('store_credentials')
    with op.batch_alter_table('ledger', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_member_id'))

    op.drop_table('ledger')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_store_order_id')

    op.drop_table('events')
    with op.batch_alter_table('account_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_sessions_account'))

    op.drop_table('account_sessions')
    op.drop_table('stores')
    with op.batch_alter_table('stock_moves', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_moves_sku_location')

    op.drop_table('stock_moves')
    op.drop_table('objects')
    op.drop_table('members')
    op.drop_table('feed_counters')
    op.drop_table('changes')
    op.drop_table('accounts')
