"""device jobs outbox (hub to device agents)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('device_jobs',
    sa.Column('job_id', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('hardware', sa.String(length=64), nullable=True),
    sa.Column('order_id', sa.String(length=36), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer_by', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('job_id', name=op.f('pk_device_jobs'))
    )
    op.create_index('ix_device_jobs_state_created_at', 'device_jobs', ['state', 'created_at'], unique=False)
    op.create_index(op.f('ix_device_jobs_order_id'), 'device_jobs', ['order_id'], unique=False)
    op.create_table('device_events',
    sa.Column('event_id', sa.String(length=36), nullable=False, comment='the envelope id the device chose'),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_device_events'))
    )


def downgrade() -> None:
    op.drop_table('device_events')
    op.drop_index(op.f('ix_device_jobs_order_id'), table_name='device_jobs')
    op.drop_index('ix_device_jobs_state_created_at', table_name='device_jobs')
    op.drop_table('device_jobs')
