"""The tables of orders: orders, their lines, their kitchen tickets, and the numbers given per business day."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from hub.adapters.db.metadata import metadata
from passline_shared.tables import UtcDateTime


orders = Table(
    "orders",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True, comment="arrival order"),
    Column("order_id", String(36), nullable=False, unique=True),
    Column("number", String(8), nullable=False),
    Column("business_day", String(10), nullable=False),
    Column("origin", String(16), nullable=False),
    Column("fulfilment", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("total_amount", Integer, nullable=False),
    Column("tax_amount", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("loyalty_id", String(64)),
    Column("promised_at", UtcDateTime()),
    Column("rush", Boolean, nullable=False, default=False),
    Column("received_at", UtcDateTime(), nullable=False),
    Column("deadline", UtcDateTime(), nullable=False),
    Column("queue_at", UtcDateTime(), nullable=False, comment="deadline pulled forward by rush"),
    Column("fingerprint", String(64), nullable=False),
    Column("source", String(64), nullable=False),
    Column("pricing", JSON, comment="the priced basket: lines, discounts, taxes by rate, total (0002)"),
    # Added by 0008_order_holds: what a `received` order waits for, who the customer is, and why it closed.
    Column("hold", String(16), comment="payment | confirmation while the order waits; null otherwise"),
    Column("hold_until", UtcDateTime(), comment="an unpaid hold is cancelled after this"),
    Column("customer_name", String(80)),
    Column("customer_phone", String(32)),
    Column("phone_digits", String(32), comment="the phone's digits only, for search"),
    Column("quoted_at", UtcDateTime(), comment="when a cashier confirmed a remote order's promised time"),
    Column("closed_reason", String(200), comment="why a held order was cancelled or rejected"),
    Index("ix_orders_business_day_number", "business_day", "number", unique=True),
    Index("ix_orders_status_queue", "status", "queue_at", "seq"),
    Index("ix_orders_hold_received_at", "hold", "received_at"),
    Index("ix_orders_phone_digits", "phone_digits"),
    Index("ix_orders_loyalty_id", "loyalty_id"),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column("order_id", String(36), ForeignKey("orders.order_id", ondelete="CASCADE"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("sku", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("qty", Integer, nullable=False),
    Column("modifiers", JSON, nullable=False),
    Column("note", Text),
    Column("unit_amount", Integer, nullable=False),
    Column("tax_rate_bp", Integer, nullable=False),
    Column("station", String(64), nullable=False),
    Column("prep_seconds", Integer, nullable=False),
)

tickets = Table(
    "tickets",
    metadata,
    Column("ticket_id", String(36), primary_key=True),
    Column("order_id", String(36), ForeignKey("orders.order_id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("station", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    # Added by 0006_kitchen: the ticket's version for displays, its course hold, and its times for reports.
    Column("version", Integer, nullable=False, server_default="0"),
    Column("held", Boolean, nullable=False, server_default="0"),
    Column("dismissed", Boolean, nullable=False, server_default="0"),
    Column("bumped_lines", JSON),
    Column("fire_at", UtcDateTime()),
    Column("accepted_at", UtcDateTime()),
    Column("fired_at", UtcDateTime()),
    Column("started_at", UtcDateTime()),
    Column("done_at", UtcDateTime()),
    Column("handed_over_at", UtcDateTime()),
    Index("ix_tickets_station_done_at", "station", "done_at"),  # 0006: a station's recently bumped tickets
)

order_numbers = Table(
    "order_numbers",
    metadata,
    Column("business_day", String(10), primary_key=True),
    Column("last_sequence", Integer, nullable=False),
)
