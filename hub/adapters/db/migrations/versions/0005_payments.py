"""payments (devices issue, ZVT)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('payments',
    sa.Column('payment_id', sa.String(length=36), nullable=False),
    sa.Column('order_id', sa.String(length=36), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False, comment='minor units'),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('pos_device_id', sa.String(length=64), nullable=False, comment='the kiosk or counter'),
    sa.Column('terminal_device_id', sa.String(length=64), nullable=False, comment='the agent driving the terminal'),
    sa.Column('terminal_hardware', sa.String(length=64), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('job_id', sa.String(length=36), nullable=True),
    sa.Column('masked_pan', sa.String(length=24), nullable=True, comment='at most the last four digits; never a card number'),
    sa.Column('brand', sa.String(length=40), nullable=True),
    sa.Column('auth_code', sa.String(length=16), nullable=True),
    sa.Column('receipt_no', sa.String(length=8), nullable=True),
    sa.Column('trace_no', sa.String(length=8), nullable=True),
    sa.Column('terminal_id', sa.String(length=16), nullable=True),
    sa.Column('card_token', sa.String(length=64), nullable=True),
    sa.Column('refunded_amount', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=64), nullable=True),
    sa.Column('message', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('payment_id', name=op.f('pk_payments'))
    )
    op.create_index(op.f('ix_payments_order_id'), 'payments', ['order_id'], unique=False)
    op.create_index('ix_payments_terminal_receipt', 'payments', ['terminal_id', 'receipt_no'], unique=False)
    op.create_table('payment_jobs',
    sa.Column('job_id', sa.String(length=36), nullable=False),
    sa.Column('payment_id', sa.String(length=36), nullable=False),
    sa.Column('operation', sa.String(length=16), nullable=False, comment='authorise, reverse, refund, status'),
    sa.Column('amount', sa.Integer(), nullable=True, comment='for refunds: how much'),
    sa.PrimaryKeyConstraint('job_id', name=op.f('pk_payment_jobs'))
    )
    op.create_index(op.f('ix_payment_jobs_payment_id'), 'payment_jobs', ['payment_id'], unique=False)
    op.create_table('payment_terminals',
    sa.Column('pos_device_id', sa.String(length=64), nullable=False, comment='a kiosk or counter'),
    sa.Column('agent_device_id', sa.String(length=64), nullable=False),
    sa.Column('hardware', sa.String(length=64), nullable=True, comment='the terminal\'s name in the agent config; null = its only terminal'),
    sa.PrimaryKeyConstraint('pos_device_id', name=op.f('pk_payment_terminals'))
    )


def downgrade() -> None:
    op.drop_table('payment_terminals')
    op.drop_index(op.f('ix_payment_jobs_payment_id'), table_name='payment_jobs')
    op.drop_table('payment_jobs')
    op.drop_index('ix_payments_terminal_receipt', table_name='payments')
    op.drop_index(op.f('ix_payments_order_id'), table_name='payments')
    op.drop_table('payments')
