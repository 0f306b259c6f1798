"""report roll-ups: sums per business day kept in the sale's transaction, for the back office's reports (issue 17)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def _sums(*names):
    return [sa.Column(name, sa.Integer(), server_default='0', nullable=False) for name in names]


def _key(*columns):
    return [sa.Column(name, kind, nullable=False, **({'comment': comment} if comment else {}))
            for name, kind, comment in columns]


DAY = ('business_day', sa.String(length=10), None)
ORIGIN = ('origin', sa.String(length=16), None)
SKU = ('sku', sa.String(length=64), None)
STATION = ('station', sa.String(length=64), None)


def upgrade() -> None:
    op.create_table('report_hourly',
                    *_key(DAY, ('hour', sa.Integer(), 'the store\'s clock, 0-23'),
                          ORIGIN, ('station', sa.String(length=64), "'' = whole orders, every station together")),
                    *_sums('orders', 'units', 'gross', 'discount', 'net', 'refunded'),
                    sa.PrimaryKeyConstraint('business_day', 'hour', 'origin', 'station', name=op.f('pk_report_hourly')))
    op.create_table('report_items', *_key(DAY, ORIGIN, SKU, STATION),
                    *_sums('orders', 'units', 'gross', 'discount', 'net', 'refunded_units', 'refunded',
                           'with_units', 'with_net'),
                    sa.PrimaryKeyConstraint('business_day', 'origin', 'sku', 'station', name=op.f('pk_report_items')))
    op.create_table('report_modifiers', *_key(DAY, ORIGIN, SKU, ('code', sa.String(length=64), None), STATION),
                    *_sums('units', 'gross', 'discount', 'refunded_units', 'refunded'),
                    sa.PrimaryKeyConstraint('business_day', 'origin', 'sku', 'code', 'station',
                                            name=op.f('pk_report_modifiers')))
    op.create_table('report_pairs', *_key(DAY, ORIGIN, ('sku_a', sa.String(length=64), None),
                                          ('station_a', sa.String(length=64), None), ('sku_b', sa.String(length=64), None)),
                    *_sums('orders'),
                    sa.PrimaryKeyConstraint('business_day', 'origin', 'sku_a', 'station_a', 'sku_b',
                                            name=op.f('pk_report_pairs')))
    op.create_table('report_pairs_monthly', *_key(('month', sa.String(length=7), 'YYYY-MM of the business day'), ORIGIN,
                                                  ('sku_a', sa.String(length=64), None),
                                                  ('station_a', sa.String(length=64), None),
                                                  ('sku_b', sa.String(length=64), None)),
                    *_sums('orders'),
                    sa.PrimaryKeyConstraint('month', 'origin', 'sku_a', 'station_a', 'sku_b',
                                            name=op.f('pk_report_pairs_monthly')))
    op.create_table('report_promotions', *_key(DAY, ORIGIN, ('promo_id', sa.String(length=64), None),
                                               ('sku', sa.String(length=64), "'' = the row counting orders that used it"),
                                               STATION),
                    *_sums('orders', 'units', 'discount'),
                    sa.PrimaryKeyConstraint('business_day', 'origin', 'promo_id', 'sku', 'station',
                                            name=op.f('pk_report_promotions')))
    op.create_table('report_stock', *_key(SKU, DAY), *_sums('opening', 'received', 'closing'),
                    sa.PrimaryKeyConstraint('sku', 'business_day', name=op.f('pk_report_stock')))
    op.create_table('report_names',
                    *_key(('kind', sa.String(length=16), 'item, modifier, promotion'), ('key', sa.String(length=200), None),
                          ('name', sa.String(length=200), 'the latest name sold under')),
                    sa.PrimaryKeyConstraint('kind', 'key', name=op.f('pk_report_names')))
    op.create_index('ix_stock_moves_sku_at', 'stock_moves', ['sku', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_stock_moves_sku_at', table_name='stock_moves')
    for table in ('report_names', 'report_stock', 'report_promotions', 'report_pairs_monthly', 'report_pairs', 'report_modifiers',
                  'report_items', 'report_hourly'):
        op.drop_table(table)
