"""Tables for staff, their sessions and approvals, held baskets, cash drawers and who took each order."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Index, Integer, String, Table

from hub.adapters.db.metadata import metadata
from passline_shared.tables import UtcDateTime

staff = Table(
    "staff",
    metadata,
    Column("staff_id", String(36), primary_key=True),
    Column("name", String(80), nullable=False),
    Column("role", String(16), nullable=False, comment="cashier | manager (hub.domain.staff.ROLES)"),
    Column("pin_hash", String(200), nullable=False, comment="pbkdf2_sha256$rounds$salt$hash; never the PIN"),
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("created_at", UtcDateTime(), nullable=False),
)

staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True, comment="sha256 of the bearer token; never the token"),
    Column("staff_id", String(36), nullable=False, index=True),
    Column("device_id", String(64), nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("ended_at", UtcDateTime()),
)

staff_approvals = Table(
    "staff_approvals",
    metadata,
    Column("token_hash", String(64), primary_key=True, comment="sha256 of the approval token"),
    Column("staff_id", String(36), nullable=False, comment="the manager who approved"),
    Column("action", String(16), nullable=False, comment="discount | refund | void"),
    Column("device_id", String(64), nullable=False),
    Column("granted_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("used_at", UtcDateTime()),
    Column("used_for", String(64), comment="the order or payment it was spent on"),
)

staff_pin_failures = Table(
    "staff_pin_failures",
    metadata,
    Column("failure_id", Integer, primary_key=True, autoincrement=True),
    Column("device_id", String(64), nullable=False, index=True),
    Column("at", UtcDateTime(), nullable=False),
)

order_staff = Table(
    "order_staff",
    metadata,
    Column("order_id", String(36), primary_key=True),
    Column("staff_id", String(36), comment="who took the order at the counter; null = no session"),
    Column("approved_by", String(36), comment="the manager whose approval its discounts used"),
    Column("at", UtcDateTime(), nullable=False),
)

held_baskets = Table(
    "held_baskets",
    metadata,
    Column("held_id", String(36), primary_key=True),
    Column("device_id", String(64), nullable=False),
    Column("label", String(80), nullable=False),
    Column("basket", JSON, nullable=False, comment="whatever the counter page keeps; returned as is"),
    Column("staff_id", String(36)),
    Column("held_at", UtcDateTime(), nullable=False),
    Column("recalled_at", UtcDateTime(), comment="set on the one recall; a recalled basket is not listed"),
    Column("recalled_by", String(36)),
    Index("ix_held_baskets_device_id_recalled_at", "device_id", "recalled_at"),
)

cash_drawers = Table(
    "cash_drawers",
    metadata,
    Column("device_id", String(64), primary_key=True, comment="the till (counter) the drawer belongs to"),
    Column("printer_device_id", String(64), nullable=False, comment="the agent whose receipt printer kicks it"),
    Column("printer_hardware", String(64)),
    Column("pin", Integer, nullable=False, server_default="2"),
)

cash_given = Table(
    "cash_given",
    metadata,
    Column("tender_id", String(36), primary_key=True),
    Column("order_id", String(36), nullable=False, index=True),
    Column("offered", Integer, nullable=False, comment="what the customer handed over, minor units"),
    Column("change", Integer, nullable=False, comment="what went back; the tender keeps what was applied"),
    Column("device_id", String(64), comment="the till whose drawer took the cash (0015)"),
)
