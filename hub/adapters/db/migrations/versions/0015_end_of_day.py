"""end of the day: business days and Z reports, drawer floats, paid in/out, counts, carry-overs, terminal totals (issue 17)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('business_days',
    sa.Column('day', sa.String(length=10), nullable=False, comment='ISO date of the business day'),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('z_number', sa.Integer(), nullable=False, comment='consecutive: 1, 2, 3 ... with no gaps'),
    sa.Column('closed_by', sa.String(length=80), nullable=False, comment='the name of the manager who signed the close off'),
    sa.Column('report', sa.JSON(), nullable=False, comment='the Z report, frozen at the close'),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_business_days')),
    sa.UniqueConstraint('z_number', name=op.f('uq_business_days_z_number'))
    )
    op.create_table('drawer_floats',
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('drawer_id', sa.String(length=64), nullable=False, comment='the till (counter) the drawer belongs to'),
    sa.Column('amount', sa.Integer(), nullable=False, comment='minor units put in at the start of the day'),
    sa.Column('staff_id', sa.String(length=36), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('day', 'drawer_id', name=op.f('pk_drawer_floats'))
    )
    op.create_table('cash_moves',
    sa.Column('move_id', sa.String(length=36), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('drawer_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False, comment='paid_in | paid_out'),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('staff_id', sa.String(length=36), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('move_id', name=op.f('pk_cash_moves'))
    )
    op.create_index('ix_cash_moves_day', 'cash_moves', ['day'], unique=False)
    op.create_table('drawer_counts',
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('drawer_id', sa.String(length=64), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False, comment='denomination in minor units -> pieces'),
    sa.Column('counted', sa.Integer(), nullable=False),
    sa.Column('expected', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=True, comment='why the count differs from the expected cash'),
    sa.Column('counted_by', sa.String(length=80), nullable=True),
    sa.Column('signed_off_by', sa.String(length=80), nullable=False, comment='the manager whose approval signed the count off'),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('day', 'drawer_id', name=op.f('pk_drawer_counts'))
    )
    op.create_table('carried_orders',
    sa.Column('order_id', sa.String(length=36), nullable=False),
    sa.Column('from_day', sa.String(length=10), nullable=False),
    sa.Column('to_day', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('staff', sa.String(length=80), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('order_id', 'from_day', name=op.f('pk_carried_orders'))
    )
    op.create_table('terminal_totals',
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('terminal', sa.String(length=130), nullable=False, comment='agent device id, /hardware when it drives several'),
    sa.Column('job_id', sa.String(length=36), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=True),
    sa.Column('amount', sa.Integer(), nullable=True, comment='the batch total the terminal reported'),
    sa.Column('count', sa.Integer(), nullable=True),
    sa.Column('message', sa.String(length=500), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('day', 'terminal', name=op.f('pk_terminal_totals')),
    sa.UniqueConstraint('job_id', name=op.f('uq_terminal_totals_job_id'))
    )
    # Which till's drawer took a cash tender: its cash-up counts it.
    with op.batch_alter_table('cash_given') as batch:
        batch.add_column(sa.Column('device_id', sa.String(length=64), nullable=True,
                                   comment='the till whose drawer took the cash (0015)'))


def downgrade() -> None:
    with op.batch_alter_table('cash_given') as batch:
        batch.drop_column('device_id')
    op.drop_table('terminal_totals')
    op.drop_table('carried_orders')
    op.drop_table('drawer_counts')
    op.drop_index('ix_cash_moves_day', table_name='cash_moves')
    op.drop_table('cash_moves')
    op.drop_table('drawer_floats')
    op.drop_table('business_days')
