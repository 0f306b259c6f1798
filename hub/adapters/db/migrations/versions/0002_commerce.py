"""catalog, stock, pricing, loyalty and tenders (commerce issue)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pricing', sa.JSON(), nullable=True,
                                      comment='the priced basket: lines, discounts, taxes by rate, total (0002)'))
    with op.batch_alter_table('catalog_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=True,
                                      comment='variants, modifier groups, prices, bundle parts, tags (0002)'))
    op.create_table('commerce_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_commerce_settings'))
    )
    op.create_table('promotions',
    sa.Column('promo_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('promo_id', name=op.f('pk_promotions'))
    )
    op.create_table('stock_levels',
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('location', sa.String(length=64), nullable=False),
    sa.Column('on_hand', sa.Integer(), nullable=False),
    sa.Column('reserved', sa.Integer(), nullable=False),
    sa.Column('in_transit', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('sku', 'location', name=op.f('pk_stock_levels'))
    )
    op.create_table('stock_serials',
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('serial', sa.String(length=64), nullable=False),
    sa.Column('location', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False, comment='in_stock, reserved or sold'),
    sa.Column('order_id', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('sku', 'serial', name=op.f('pk_stock_serials'))
    )
    op.create_table('stock_moves',
    sa.Column('move_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('location', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False, comment='receive, reserve, release, consume, restock, adjust'),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.String(length=36), nullable=True),
    sa.Column('serials', sa.JSON(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('move_id', name=op.f('pk_stock_moves'))
    )
    op.create_index('ix_stock_moves_order', 'stock_moves', ['order_id'], unique=False)
    op.create_table('sold_out',
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('sku', name=op.f('pk_sold_out'))
    )
    op.create_table('loyalty_members',
    sa.Column('member_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('tier', sa.String(length=32), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_loyalty_members'))
    )
    op.create_table('loyalty_entries',
    sa.Column('entry_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('member_id', sa.String(length=64), nullable=False),
    sa.Column('order_id', sa.String(length=36), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False, comment='earn, reverse, redeem, refund, adjust'),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('entry_id', name=op.f('pk_loyalty_entries'))
    )
    op.create_index(op.f('ix_loyalty_entries_member_id'), 'loyalty_entries', ['member_id'], unique=False)
    op.create_table('tenders',
    sa.Column('tender_id', sa.String(length=36), nullable=False),
    sa.Column('order_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False, comment="the order's tenders in the order they were taken"),
    sa.Column('kind', sa.String(length=16), nullable=False, comment='cash, card, gift_card, points'),
    sa.Column('amount', sa.Integer(), nullable=False, comment='applied to the order, minor units'),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('refunded', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=True,
              comment='card payment id, gift card last 4, member id; never a card number'),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('tender_id', name=op.f('pk_tenders'))
    )
    op.create_index(op.f('ix_tenders_order_id'), 'tenders', ['order_id'], unique=False)
    op.create_table('gift_cards',
    sa.Column('code_hash', sa.String(length=64), nullable=False,
              comment='sha256 of the code: the code itself is never stored'),
    sa.Column('last4', sa.String(length=4), nullable=False),
    sa.Column('balance', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.PrimaryKeyConstraint('code_hash', name=op.f('pk_gift_cards'))
    )
    op.create_table('refunds',
    sa.Column('refund_id', sa.String(length=36), nullable=False),
    sa.Column('order_id', sa.String(length=36), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('lines', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('refund_id', name=op.f('pk_refunds'))
    )
    op.create_index(op.f('ix_refunds_order_id'), 'refunds', ['order_id'], unique=False)


def downgrade() -> None:
    for index, table in (('ix_refunds_order_id', 'refunds'), ('ix_tenders_order_id', 'tenders'),
                         ('ix_loyalty_entries_member_id', 'loyalty_entries'), ('ix_stock_moves_order', 'stock_moves')):
        op.drop_index(index, table_name=table)
    for table in ('refunds', 'gift_cards', 'tenders', 'loyalty_entries', 'loyalty_members', 'sold_out',
                  'stock_moves', 'stock_serials', 'stock_levels', 'promotions', 'commerce_settings'):
        op.drop_table(table)
    with op.batch_alter_table('catalog_items', schema=None) as batch_op:
        batch_op.drop_column('details')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('pricing')
