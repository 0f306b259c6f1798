"""web pickup orders

Revision ID: c002
Revises: c001
Create Date: 2026-12-07 16:22:57.539192
"""

from alembic import op
import sqlalchemy as sa


revision = 'c002'
down_revision = 'c001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('web_orders',
    sa.Column('order_id', sa.String(length=64), nullable=False),
    sa.Column('store', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('placed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['store'], ['stores.code'], name=op.f('fk_web_orders_store_stores')),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_web_orders'))
    )
    with op.batch_alter_table('web_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_orders_store'), ['store'], unique=False)
    op.execute("INSERT INTO feed_counters (feed, last) VALUES ('web_orders', 0)")


def downgrade() -> None:
    op.execute("DELETE FROM changes WHERE feed = 'web_orders'")
    op.execute("DELETE FROM feed_counters WHERE feed = 'web_orders'")
    with op.batch_alter_table('web_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_orders_store'))

    op.drop_table('web_orders')
