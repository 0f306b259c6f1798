"""ticket times and display actions (displays issue)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

TIMES = ('fire_at', 'accepted_at', 'fired_at', 'started_at', 'done_at', 'handed_over_at')


def upgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('held', sa.Boolean(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('dismissed', sa.Boolean(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('bumped_lines', sa.JSON(), nullable=True))
        for name in TIMES:
            batch_op.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_tickets_station_done_at', ['station', 'done_at'], unique=False)
    op.create_table('display_sequences',
    sa.Column('view', sa.String(length=80), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('view', name=op.f('pk_display_sequences'))
    )
    op.create_table('display_actions',
    sa.Column('action_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('target', sa.String(length=36), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('action_id', name=op.f('pk_display_actions'))
    )


def downgrade() -> None:
    op.drop_table('display_actions')
    op.drop_table('display_sequences')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_station_done_at')
        for name in reversed(TIMES):
            batch_op.drop_column(name)
        batch_op.drop_column('bumped_lines')
        batch_op.drop_column('dismissed')
        batch_op.drop_column('held')
        batch_op.drop_column('version')
