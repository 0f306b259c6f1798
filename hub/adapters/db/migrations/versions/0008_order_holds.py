"""order holds: orders that wait for payment or a cashier, customer name/phone, search (issue 6)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hold', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('hold_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('customer_name', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('customer_phone', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('phone_digits', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('quoted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_reason', sa.String(length=200), nullable=True))
        batch_op.create_index('ix_orders_hold_received_at', ['hold', 'received_at'], unique=False)
        batch_op.create_index('ix_orders_phone_digits', ['phone_digits'], unique=False)
        batch_op.create_index('ix_orders_loyalty_id', ['loyalty_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_loyalty_id')
        batch_op.drop_index('ix_orders_phone_digits')
        batch_op.drop_index('ix_orders_hold_received_at')
        batch_op.drop_column('closed_reason')
        batch_op.drop_column('quoted_at')
        batch_op.drop_column('phone_digits')
        batch_op.drop_column('customer_phone')
        batch_op.drop_column('customer_name')
        batch_op.drop_column('hold_until')
        batch_op.drop_column('hold')
