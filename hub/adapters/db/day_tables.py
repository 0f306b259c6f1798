"""Tables of the end of the day: business days and their Z reports, floats, paid in/out, counts, carry-overs (0015)."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Index, Integer, String, Table

from hub.adapters.db.metadata import metadata
from passline_shared.tables import UtcDateTime

business_days = Table(
    "business_days",
    metadata,
    Column("day", String(10), primary_key=True, comment="ISO date of the business day"),
    Column("closed_at", UtcDateTime(), nullable=False),
    Column("z_number", Integer, nullable=False, unique=True, comment="consecutive: 1, 2, 3 ... with no gaps"),
    Column("closed_by", String(80), nullable=False, comment="the name of the manager who signed the close off"),
    Column("report", JSON, nullable=False, comment="the Z report, frozen at the close"),
)

drawer_floats = Table(
    "drawer_floats",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("drawer_id", String(64), primary_key=True, comment="the till (counter) the drawer belongs to"),
    Column("amount", Integer, nullable=False, comment="minor units put in at the start of the day"),
    Column("staff_id", String(36)),
    Column("at", UtcDateTime(), nullable=False),
)

cash_moves = Table(
    "cash_moves",
    metadata,
    Column("move_id", String(36), primary_key=True),
    Column("day", String(10), nullable=False),
    Column("drawer_id", String(64), nullable=False),
    Column("kind", String(8), nullable=False, comment="paid_in | paid_out"),
    Column("amount", Integer, nullable=False),
    Column("reason", String(200), nullable=False),
    Column("staff_id", String(36)),
    Column("at", UtcDateTime(), nullable=False),
    Index("ix_cash_moves_day", "day"),
)

drawer_counts = Table(
    "drawer_counts",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("drawer_id", String(64), primary_key=True),
    Column("counts", JSON, nullable=False, comment="denomination in minor units -> pieces"),
    Column("counted", Integer, nullable=False),
    Column("expected", Integer, nullable=False),
    Column("reason", String(200), comment="why the count differs from the expected cash"),
    Column("counted_by", String(80)),
    Column("signed_off_by", String(80), nullable=False, comment="the manager whose approval signed the count off"),
    Column("at", UtcDateTime(), nullable=False),
)

carried_orders = Table(
    "carried_orders",
    metadata,
    Column("order_id", String(36), primary_key=True),
    Column("from_day", String(10), primary_key=True),
    Column("to_day", String(10), nullable=False),
    Column("reason", String(200), nullable=False),
    Column("staff", String(80)),
    Column("at", UtcDateTime(), nullable=False),
)

terminal_totals = Table(
    "terminal_totals",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("terminal", String(130), primary_key=True, comment="agent device id, /hardware when it drives several"),
    Column("job_id", String(36), nullable=False, unique=True),
    Column("ok", Boolean),
    Column("amount", Integer, comment="the batch total the terminal reported"),
    Column("count", Integer),
    Column("message", String(500)),
    Column("at", UtcDateTime(), nullable=False),
)
