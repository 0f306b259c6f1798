"""Tables for card payments, the terminal jobs behind them, and which terminal serves which till."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table

from hub.adapters.db.metadata import metadata
from passline_shared.tables import UtcDateTime

payments = Table(
    "payments",
    metadata,
    Column("payment_id", String(36), primary_key=True),
    Column("order_id", String(36), nullable=False, index=True),
    Column("amount", Integer, nullable=False, comment="minor units"),
    Column("currency", String(3), nullable=False),
    Column("pos_device_id", String(64), nullable=False, comment="the kiosk or counter"),
    Column("terminal_device_id", String(64), nullable=False, comment="the agent driving the terminal"),
    Column("terminal_hardware", String(64)),
    Column("state", String(16), nullable=False),
    Column("job_id", String(36)),
    Column("masked_pan", String(24), comment="at most the last four digits; never a card number"),
    Column("brand", String(40)),
    Column("auth_code", String(16)),
    Column("receipt_no", String(8)),
    Column("trace_no", String(8)),
    Column("terminal_id", String(16)),
    Column("card_token", String(64)),
    Column("refunded_amount", Integer, nullable=False),
    Column("error", String(64)),
    Column("message", String(500)),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime()),
    # Added by 0007_payment_checks: how often the terminal was asked about a lost result, and when next.
    Column("checks", Integer, nullable=False, server_default="0"),
    Column("next_check_at", UtcDateTime()),
    Index("ix_payments_terminal_receipt", "terminal_id", "receipt_no"),
    Index("ix_payments_state", "state"),
)

payment_jobs = Table(
    "payment_jobs",
    metadata,
    Column("job_id", String(36), primary_key=True),
    Column("payment_id", String(36), nullable=False, index=True),
    Column("operation", String(16), nullable=False, comment="authorise, reverse, refund, status"),
    Column("amount", Integer, comment="for refunds: how much"),
)

payment_terminals = Table(
    "payment_terminals",
    metadata,
    Column("pos_device_id", String(64), primary_key=True, comment="a kiosk or counter"),
    Column("agent_device_id", String(64), nullable=False),
    Column("hardware", String(64), comment="the terminal's name in the agent config; null = its only terminal"),
)
