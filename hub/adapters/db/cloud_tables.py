"""Tables of the link to headquarters: the outbox, what was pulled, and the link's own state (issue 13)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, String, Table, Text

from hub.adapters.db.metadata import metadata
from passline_shared.tables import UtcDateTime

cloud_outbox = Table(
    "cloud_outbox",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True, comment="the order entries are sent in"),
    Column("event_id", String(64), nullable=False, unique=True, comment="HQ's idempotency key for the event"),
    Column("aggregate", String(100), nullable=False, comment="order:<id>, member:<id>, sku:<sku>: sent in order"),
    Column("kind", String(20), nullable=False, comment="order, payment, refund, stock_move, loyalty_entry, pickup_status"),
    Column("body", JSON, nullable=False, comment="the event as HQ takes it (docs/cloud-api.md)"),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UtcDateTime(), nullable=False, comment="not sent before this (backoff)"),
    Column("last_error", Text, comment="why the last attempt failed, in words"),
    Column("sent_at", UtcDateTime(), comment="HQ answered committed (or already committed)"),
    Column("parked_at", UtcDateTime(), comment="HQ refused it for good; last_error holds HQ's reason"),
    Index("ix_cloud_outbox_waiting", "sent_at", "parked_at", "seq"),
)

cloud_objects = Table(
    "cloud_objects",
    metadata,
    Column("kind", String(20), primary_key=True, comment="category, item, price, tax, promotion, tier, member ..."),
    Column("key", String(200), primary_key=True),
    Column("body", JSON, nullable=False, comment="HQ's object as its feed sent it"),
)

cloud_state = Table(
    "cloud_state",
    metadata,
    Column("key", String(64), primary_key=True, comment="cursor:<feed>, pulled:<feed>, mark:<table>"),
    Column("value", JSON, nullable=False),
)
