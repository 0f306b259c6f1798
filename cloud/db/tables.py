"""HQ's tables. Its own Alembic migrations create them (cloud/db/migrations), apart from the hub's."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Integer, String, Table

from passline_shared.tables import UtcDateTime, named_metadata

metadata = named_metadata()


stores = Table(
    "stores", metadata,
    Column("code", String(64), primary_key=True),
    Column("name", String(200), nullable=False, default=""),
    Column("jurisdiction", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

# Enrolment codes (one use) and store tokens, by hash only.
store_credentials = Table(
    "store_credentials", metadata,
    Column("hash", String(64), primary_key=True),
    Column("store", String(64), ForeignKey("stores.code"), nullable=False, index=True),
    Column("kind", String(8), nullable=False, comment="code or token"),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime()),
    Column("used_at", UtcDateTime()),
    Column("revoked_at", UtcDateTime()),
)

accounts = Table(
    "accounts", metadata,
    Column("name", String(100), primary_key=True),
    Column("password_hash", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

account_sessions = Table(
    "account_sessions", metadata,
    Column("hash", String(64), primary_key=True),
    Column("account", String(100), ForeignKey("accounts.name"), nullable=False, index=True),
    Column("expires_at", UtcDateTime(), nullable=False),
)

# Wrong passwords per account name (known or not), kept for the lockout window only.
sign_in_failures = Table(
    "sign_in_failures", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, index=True),
    Column("at", UtcDateTime(), nullable=False),
)

# One row per feed: taking its row lock hands out the next cursor, so cursors grow in commit order and a reader
# never skips a change that a slower transaction committed later with a smaller number.
feed_counters = Table(
    "feed_counters", metadata,
    Column("feed", String(16), primary_key=True),
    Column("last", Integer, nullable=False),
)

changes = Table(
    "changes", metadata,
    Column("feed", String(16), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(32), nullable=False),
    Column("key", String(200), nullable=False),
    Column("store", String(64), comment="null: every store"),
    Column("jurisdiction", String(64), comment="taxes: the jurisdiction whose stores read it"),
    Column("deleted", Boolean, nullable=False),
    Column("body", JSON),
    Column("at", UtcDateTime(), nullable=False),
)

# The newest state of every catalog, price, promotion, tax and loyalty object, for HQ's own reads and scope changes.
objects = Table(
    "objects", metadata,
    Column("kind", String(32), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("body", JSON, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# Every event a store sent, by (store, id): the idempotency record and the copy of orders, payments and refunds.
events = Table(
    "events", metadata,
    Column("store", String(64), ForeignKey("stores.code"), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("body", JSON, nullable=False),
    Column("order_id", String(64), comment="payments and refunds: their order"),
    Column("received_at", UtcDateTime(), nullable=False),
    Index("ix_events_store_order_id", "store", "order_id"),
)

stock_moves = Table(
    "stock_moves", metadata,
    Column("store", String(64), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("location", String(129), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("on_hand", Integer, nullable=False),
    Column("reserved", Integer, nullable=False),
    Column("in_transit", Integer, nullable=False),
    Column("moved_at", UtcDateTime(), nullable=False),
    Index("ix_stock_moves_sku_location", "sku", "location"),
)

members = Table(
    "members", metadata,
    Column("member_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False, default=""),
    Column("tier", String(64)),
    Column("phone", String(32)),
)

# One ledger for the chain: accruals (+) and redemptions (-) from every store and channel; HQ's own use store "hq".
ledger = Table(
    "ledger", metadata,
    Column("source", String(64), primary_key=True, comment="the store that sent it, or hq"),
    Column("id", String(64), primary_key=True),
    Column("member_id", String(64), ForeignKey("members.member_id"), nullable=False, index=True),
    Column("points", Integer, nullable=False),
    Column("order_id", String(64)),
    Column("channel", String(16)),
    Column("at", UtcDateTime(), nullable=False),
)

# The web shop's orders for pickup at a store (BOPIS); their status history is in `events` (kind pickup_status).
web_orders = Table(
    "web_orders", metadata,
    Column("order_id", String(64), primary_key=True),
    Column("store", String(64), ForeignKey("stores.code"), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("body", JSON, nullable=False),
    Column("placed_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

FEEDS = ("catalog", "prices", "promotions", "taxes", "loyalty", "web_orders")
