"""Tables of the commerce core: settings, promotions, stock, loyalty and tenders (migration 0002)."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Index, Integer, String, Table

from hub.adapters.db.metadata import metadata
from passline_shared.tables import UtcDateTime

commerce_settings = Table(
    "commerce_settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", JSON, nullable=False),
)

promotions = Table(
    "promotions",
    metadata,
    Column("promo_id", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("definition", JSON, nullable=False),
    Column("uses", Integer, nullable=False, default=0),
)

stock_levels = Table(
    "stock_levels",
    metadata,
    Column("sku", String(64), primary_key=True),
    Column("location", String(64), primary_key=True),
    Column("on_hand", Integer, nullable=False),
    Column("reserved", Integer, nullable=False),
    Column("in_transit", Integer, nullable=False),
)

stock_serials = Table(
    "stock_serials",
    metadata,
    Column("sku", String(64), primary_key=True),
    Column("serial", String(64), primary_key=True),
    Column("location", String(64), nullable=False),
    Column("status", String(16), nullable=False, comment="in_stock, reserved or sold"),
    Column("order_id", String(36)),
)

stock_moves = Table(
    "stock_moves",
    metadata,
    Column("move_id", Integer, primary_key=True, autoincrement=True),
    Column("sku", String(64), nullable=False),
    Column("location", String(64), nullable=False),
    Column("kind", String(16), nullable=False, comment="receive, reserve, release, consume, restock, adjust"),
    Column("qty", Integer, nullable=False),
    Column("order_id", String(36)),
    Column("serials", JSON),
    Column("at", UtcDateTime(), nullable=False),
    Index("ix_stock_moves_order", "order_id"),
)

sold_out = Table(
    "sold_out",
    metadata,
    Column("sku", String(64), primary_key=True),
    Column("since", UtcDateTime(), nullable=False),
    Column("by", String(64), nullable=False),
)

loyalty_members = Table(
    "loyalty_members",
    metadata,
    Column("member_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("tier", String(32), nullable=False),
    Column("points", Integer, nullable=False),
    Column("phone", String(32), index=True, comment="digits, + first when international: sign-in by phone (0010)"),
)

loyalty_entries = Table(
    "loyalty_entries",
    metadata,
    Column("entry_id", Integer, primary_key=True, autoincrement=True),
    Column("member_id", String(64), nullable=False, index=True),
    Column("order_id", String(36)),
    Column("kind", String(16), nullable=False, comment="earn, reverse, redeem, refund, adjust"),
    Column("points", Integer, nullable=False),
    Column("at", UtcDateTime(), nullable=False),
)

tenders = Table(
    "tenders",
    metadata,
    Column("tender_id", String(36), primary_key=True),
    Column("order_id", String(36), nullable=False, index=True),
    Column("position", Integer, nullable=False, comment="the order's tenders in the order they were taken"),
    Column("kind", String(16), nullable=False, comment="cash, card, gift_card, points"),
    Column("amount", Integer, nullable=False, comment="applied to the order, minor units"),
    Column("currency", String(3), nullable=False),
    Column("refunded", Integer, nullable=False),
    Column("reference", String(64), comment="card payment id, gift card last 4, member id; never a card number"),
    Column("at", UtcDateTime(), nullable=False),
)

gift_cards = Table(
    "gift_cards",
    metadata,
    Column("code_hash", String(64), primary_key=True, comment="sha256 of the code: the code itself is never stored"),
    Column("last4", String(4), nullable=False),
    Column("balance", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
)

refunds = Table(
    "refunds",
    metadata,
    Column("refund_id", String(36), primary_key=True),
    Column("order_id", String(36), nullable=False, index=True),
    Column("amount", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("lines", JSON, nullable=False),
    Column("at", UtcDateTime(), nullable=False),
)
