"""print holds: a print no printer can take now waits as `held` and prints when one is ready (issue 15)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('print_requests') as batch:
        batch.add_column(sa.Column('held_since', sa.DateTime(timezone=True), nullable=True,
                                   comment='first held: how long the kitchen has waited for it'))
        batch.add_column(sa.Column('held_at', sa.DateTime(timezone=True), nullable=True,
                                   comment='held this time, after its latest job'))
    op.create_index('ix_print_requests_state', 'print_requests', ['state'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_print_requests_state', table_name='print_requests')
    with op.batch_alter_table('print_requests') as batch:
        batch.drop_column('held_at')
        batch.drop_column('held_since')
