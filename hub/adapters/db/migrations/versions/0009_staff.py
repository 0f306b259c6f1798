"""staff, sessions, manager approvals, held baskets, cash drawers per till, who took each order (issue 6)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff',
    sa.Column('staff_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False, comment='cashier | manager (hub.domain.staff.ROLES)'),
    sa.Column('pin_hash', sa.String(length=200), nullable=False, comment='pbkdf2_sha256$rounds$salt$hash; never the PIN'),
    sa.Column('active', sa.Boolean(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('staff_id', name=op.f('pk_staff'))
    )
    op.create_table('staff_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False, comment='sha256 of the bearer token; never the token'),
    sa.Column('staff_id', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_staff_sessions'))
    )
    op.create_index(op.f('ix_staff_sessions_staff_id'), 'staff_sessions', ['staff_id'], unique=False)
    op.create_table('staff_approvals',
    sa.Column('token_hash', sa.String(length=64), nullable=False, comment='sha256 of the approval token'),
    sa.Column('staff_id', sa.String(length=36), nullable=False, comment='the manager who approved'),
    sa.Column('action', sa.String(length=16), nullable=False, comment='discount | refund | void'),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_for', sa.String(length=64), nullable=True, comment='the order or payment it was spent on'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_staff_approvals'))
    )
    op.create_table('staff_pin_failures',
    sa.Column('failure_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('failure_id', name=op.f('pk_staff_pin_failures'))
    )
    op.create_index(op.f('ix_staff_pin_failures_device_id'), 'staff_pin_failures', ['device_id'], unique=False)
    op.create_table('order_staff',
    sa.Column('order_id', sa.String(length=36), nullable=False),
    sa.Column('staff_id', sa.String(length=36), nullable=True, comment='who took the order at the counter; null = no session'),
    sa.Column('approved_by', sa.String(length=36), nullable=True, comment='the manager whose approval its discounts used'),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_order_staff'))
    )
    op.create_table('held_baskets',
    sa.Column('held_id', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('basket', sa.JSON(), nullable=False, comment='whatever the counter page keeps; returned as is'),
    sa.Column('staff_id', sa.String(length=36), nullable=True),
    sa.Column('held_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recalled_at', sa.DateTime(timezone=True), nullable=True, comment='set on the one recall; a recalled basket is not listed'),
    sa.Column('recalled_by', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('held_id', name=op.f('pk_held_baskets'))
    )
    op.create_index('ix_held_baskets_device_id_recalled_at', 'held_baskets', ['device_id', 'recalled_at'], unique=False)
    op.create_table('cash_drawers',
    sa.Column('device_id', sa.String(length=64), nullable=False, comment='the till (counter) the drawer belongs to'),
    sa.Column('printer_device_id', sa.String(length=64), nullable=False, comment='the agent whose receipt printer kicks it'),
    sa.Column('printer_hardware', sa.String(length=64), nullable=True),
    sa.Column('pin', sa.Integer(), server_default='2', nullable=False),
    sa.PrimaryKeyConstraint('device_id', name=op.f('pk_cash_drawers'))
    )
    op.create_table('cash_given',
    sa.Column('tender_id', sa.String(length=36), nullable=False),
    sa.Column('order_id', sa.String(length=36), nullable=False),
    sa.Column('offered', sa.Integer(), nullable=False, comment='what the customer handed over, minor units'),
    sa.Column('change', sa.Integer(), nullable=False, comment='what went back; the tender keeps what was applied'),
    sa.PrimaryKeyConstraint('tender_id', name=op.f('pk_cash_given'))
    )
    op.create_index(op.f('ix_cash_given_order_id'), 'cash_given', ['order_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_cash_given_order_id'), table_name='cash_given')
    op.drop_table('cash_given')
    op.drop_table('cash_drawers')
    op.drop_index('ix_held_baskets_device_id_recalled_at', table_name='held_baskets')
    op.drop_table('held_baskets')
    op.drop_table('order_staff')
    op.drop_index(op.f('ix_staff_pin_failures_device_id'), table_name='staff_pin_failures')
    op.drop_table('staff_pin_failures')
    op.drop_table('staff_approvals')
    op.drop_index(op.f('ix_staff_sessions_staff_id'), table_name='staff_sessions')
    op.drop_table('staff_sessions')
    op.drop_table('staff')
