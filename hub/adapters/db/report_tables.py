"""Roll-ups for the back office's reports, kept in the same transaction as each sale (migration 0015).

One row per business day and key holds running sums; a report over a year adds up a few hundred thousand
of these instead of reading millions of order lines. hub.domain.report_rollups says what each sale adds.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table

from hub.adapters.db import commerce_tables as ct
from hub.adapters.db.metadata import metadata


def _sums(*names: str) -> list[Column]:
    return [Column(name, Integer, nullable=False, server_default="0") for name in names]



report_hourly = Table(
    "report_hourly", metadata,
    Column("business_day", String(10), primary_key=True),
    Column("hour", Integer, primary_key=True, comment="the store's clock, 0-23"),
    Column("origin", String(16), primary_key=True),
    Column("station", String(64), primary_key=True, comment="'' = whole orders, every station together"),
    *_sums("orders", "units", "gross", "discount", "net", "refunded"),
)

report_items = Table(
    "report_items", metadata,
    Column("business_day", String(10), primary_key=True),
    Column("origin", String(16), primary_key=True),
    Column("sku", String(64), primary_key=True),
    Column("station", String(64), primary_key=True),
    *_sums("orders", "units", "gross", "discount", "net", "refunded_units", "refunded", "with_units", "with_net"),
)

report_modifiers = Table(
    "report_modifiers", metadata,
    Column("business_day", String(10), primary_key=True),
    Column("origin", String(16), primary_key=True),
    Column("sku", String(64), primary_key=True),
    Column("code", String(64), primary_key=True),
    Column("station", String(64), primary_key=True),
    *_sums("units", "gross", "discount", "refunded_units", "refunded"),
)

report_pairs = Table(
    "report_pairs", metadata,
    Column("business_day", String(10), primary_key=True),
    Column("origin", String(16), primary_key=True),
    Column("sku_a", String(64), primary_key=True),
    Column("station_a", String(64), primary_key=True),
    Column("sku_b", String(64), primary_key=True),
    *_sums("orders"),
)

# The same pairs summed per calendar month: a year's attachment report reads 12 months of these and the
# days of its partial months from report_pairs, instead of a year of daily rows (~900,000 in a busy store).
report_pairs_monthly = Table(
    "report_pairs_monthly", metadata,
    Column("month", String(7), primary_key=True, comment="YYYY-MM of the business day"),
    Column("origin", String(16), primary_key=True),
    Column("sku_a", String(64), primary_key=True),
    Column("station_a", String(64), primary_key=True),
    Column("sku_b", String(64), primary_key=True),
    *_sums("orders"),
)

report_promotions = Table(
    "report_promotions", metadata,
    Column("business_day", String(10), primary_key=True),
    Column("origin", String(16), primary_key=True),
    Column("promo_id", String(64), primary_key=True),
    Column("sku", String(64), primary_key=True, comment="'' = the row counting orders that used it"),
    Column("station", String(64), primary_key=True),
    *_sums("orders", "units", "discount"),
)

report_stock = Table(
    "report_stock", metadata,
    Column("sku", String(64), primary_key=True),
    Column("business_day", String(10), primary_key=True),
    *_sums("opening", "received", "closing"),
)

# Speed of service (migration 0017): tickets per 5-second bucket of fire-to-bump time, and how many were over
# the station's target; the monthly table serves a year's report like report_pairs_monthly.
def _speed_key() -> list[Column]:
    return [Column("origin", String(16), primary_key=True), Column("station", String(64), primary_key=True),
            Column("daypart", String(16), primary_key=True),
            Column("bucket", Integer, primary_key=True, comment="seconds // 5; 360 = over 30 minutes")]


report_speed = Table(
    "report_speed", metadata,
    Column("business_day", String(10), primary_key=True),
    *_speed_key(),
    *_sums("tickets", "late"),
)

report_speed_monthly = Table(
    "report_speed_monthly", metadata,
    Column("month", String(7), primary_key=True, comment="YYYY-MM of the business day"),
    *_speed_key(),
    *_sums("tickets", "late"),
)

# Where each bumped ticket was counted, so a recall (and the bump after it) takes the earlier count back out.
report_speed_bumps = Table(
    "report_speed_bumps", metadata,
    Column("ticket_id", String(64), primary_key=True),
    Column("business_day", String(10), nullable=False),
    Column("origin", String(16), nullable=False),
    Column("station", String(64), nullable=False),
    Column("daypart", String(16), nullable=False),
    Column("bucket", Integer, nullable=False),
    Column("late", Integer, nullable=False),
)

report_names = Table(
    "report_names", metadata,
    Column("kind", String(16), primary_key=True, comment="item, modifier, promotion"),
    Column("key", String(200), primary_key=True),
    Column("name", String(200), nullable=False, comment="the latest name sold under"),
)


# The stock roll-up reads one item's moves of the day on every stock change.
Index("ix_stock_moves_sku_at", ct.stock_moves.c.sku, ct.stock_moves.c.at)
