"""dead letters: device messages the hub could not handle, parked with their reason (issue 15)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dead_letters',
    sa.Column('letter_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('topic', sa.String(length=300), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=True),
    sa.Column('message_id', sa.String(length=36), nullable=True, comment='the envelope id, when the payload had one'),
    sa.Column('payload', sa.Text(), nullable=False, comment='as received, with approvals, proofs and codes removed'),
    sa.Column('reason', sa.Text(), nullable=False, comment='why handling failed, in words'),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('parked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('dismissed_at', sa.DateTime(timezone=True), nullable=True, comment='store IT has seen it; kept, no longer shown'),
    sa.Column('dismissed_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('letter_id', name=op.f('pk_dead_letters'))
    )
    op.create_index(op.f('ix_dead_letters_parked_at'), 'dead_letters', ['parked_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_dead_letters_parked_at'), table_name='dead_letters')
    op.drop_table('dead_letters')
