"""print routing and print jobs (devices issue)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('print_routes',
    sa.Column('document', sa.String(length=32), nullable=False, comment='kitchen_ticket or receipt'),
    sa.Column('place', sa.String(length=64), nullable=False, comment='station (or till) name, * for all'),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('hardware', sa.String(length=64), nullable=True),
    sa.Column('backup_device_id', sa.String(length=64), nullable=True),
    sa.Column('backup_hardware', sa.String(length=64), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('answer_within_s', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('document', 'place', name=op.f('pk_print_routes'))
    )
    op.create_table('print_requests',
    sa.Column('print_id', sa.String(length=36), nullable=False),
    sa.Column('document', sa.String(length=32), nullable=False),
    sa.Column('place', sa.String(length=64), nullable=False),
    sa.Column('order_id', sa.String(length=36), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('route', sa.JSON(), nullable=False, comment='the route as it was when the print was made'),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('job_id', sa.String(length=36), nullable=True),
    sa.Column('job_ids', sa.JSON(), nullable=False),
    sa.Column('on_backup', sa.Boolean(), nullable=False),
    sa.Column('reprint', sa.Boolean(), nullable=False),
    sa.Column('printed_by', sa.String(length=64), nullable=True),
    sa.Column('error', sa.String(length=64), nullable=True),
    sa.Column('message', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('print_id', name=op.f('pk_print_requests'))
    )
    op.create_index('ix_print_requests_created_at', 'print_requests', ['created_at'], unique=False)
    op.create_index(op.f('ix_print_requests_order_id'), 'print_requests', ['order_id'], unique=False)
    op.create_table('print_request_jobs',
    sa.Column('job_id', sa.String(length=36), nullable=False),
    sa.Column('print_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('job_id', name=op.f('pk_print_request_jobs'))
    )


def downgrade() -> None:
    op.drop_table('print_request_jobs')
    op.drop_index(op.f('ix_print_requests_order_id'), table_name='print_requests')
    op.drop_index('ix_print_requests_created_at', table_name='print_requests')
    op.drop_table('print_requests')
    op.drop_table('print_routes')
