"""payment checks: retry a lost result's status enquiry on a backoff (issue 4 follow-up)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checks', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('next_check_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_payments_state', ['state'], unique=False)
    # Payments already stuck in `checking` get their first automatic check right away.
    now = datetime.now(timezone.utc)
    if op.get_context().dialect.name == 'sqlite':
        now = now.replace(tzinfo=None)  # UtcDateTime keeps naive UTC on SQLite
    payments = sa.table('payments', sa.column('state', sa.String()), sa.column('next_check_at', sa.DateTime(timezone=True)))
    op.execute(payments.update().where(payments.c.state == 'checking').values(next_check_at=now))


def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_state')
        batch_op.drop_column('next_check_at')
        batch_op.drop_column('checks')
