"""speed of service roll-ups: fire-to-bump histograms per day, station and daypart (issue 17)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08
"""

from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def _key(first):
    return [first,
            sa.Column('origin', sa.String(length=16), nullable=False),
            sa.Column('station', sa.String(length=64), nullable=False),
            sa.Column('daypart', sa.String(length=16), nullable=False),
            sa.Column('bucket', sa.Integer(), nullable=False, comment='seconds // 5; 360 = over 30 minutes'),
            sa.Column('tickets', sa.Integer(), server_default='0', nullable=False),
            sa.Column('late', sa.Integer(), server_default='0', nullable=False)]


def upgrade() -> None:
    op.create_table('report_speed', *_key(sa.Column('business_day', sa.String(length=10), nullable=False)),
                    sa.PrimaryKeyConstraint('business_day', 'origin', 'station', 'daypart', 'bucket',
                                            name=op.f('pk_report_speed')))
    op.create_table('report_speed_monthly',
                    *_key(sa.Column('month', sa.String(length=7), nullable=False, comment='YYYY-MM of the business day')),
                    sa.PrimaryKeyConstraint('month', 'origin', 'station', 'daypart', 'bucket',
                                            name=op.f('pk_report_speed_monthly')))
    op.create_table('report_speed_bumps',
                    sa.Column('ticket_id', sa.String(length=64), nullable=False),
                    sa.Column('business_day', sa.String(length=10), nullable=False),
                    sa.Column('origin', sa.String(length=16), nullable=False),
                    sa.Column('station', sa.String(length=64), nullable=False),
                    sa.Column('daypart', sa.String(length=16), nullable=False),
                    sa.Column('bucket', sa.Integer(), nullable=False),
                    sa.Column('late', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_report_speed_bumps')))


def downgrade() -> None:
    for table in ('report_speed_bumps', 'report_speed_monthly', 'report_speed'):
        op.drop_table(table)
