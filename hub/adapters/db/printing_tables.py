"""Tables for print routes and the prints sent through them."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Float, Index, String, Table

from hub.adapters.db.metadata import metadata
from passline_shared.tables import UtcDateTime

print_routes = Table(
    "print_routes",
    metadata,
    Column("document", String(32), primary_key=True, comment="kitchen_ticket or receipt"),
    Column("place", String(64), primary_key=True, comment="station (or till) name, * for all"),
    Column("device_id", String(64), nullable=False),
    Column("hardware", String(64)),
    Column("backup_device_id", String(64)),
    Column("backup_hardware", String(64)),
    Column("language", String(8), nullable=False),
    Column("answer_within_s", Float, nullable=False),
)

print_requests = Table(
    "print_requests",
    metadata,
    Column("print_id", String(36), primary_key=True),
    Column("document", String(32), nullable=False),
    Column("place", String(64), nullable=False),
    Column("order_id", String(36), index=True),
    Column("payload", JSON, nullable=False),
    Column("route", JSON, nullable=False, comment="the route as it was when the print was made"),
    Column("state", String(16), nullable=False),
    Column("job_id", String(36)),
    Column("job_ids", JSON, nullable=False),
    Column("on_backup", Boolean, nullable=False),
    Column("reprint", Boolean, nullable=False),
    Column("printed_by", String(64)),
    Column("error", String(64)),
    Column("message", String(500)),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("finished_at", UtcDateTime()),
    Column("held_since", UtcDateTime(), comment="first held: how long the kitchen has waited for it"),
    Column("held_at", UtcDateTime(), comment="held this time, after its latest job"),
    Index("ix_print_requests_created_at", "created_at"),
    Index("ix_print_requests_state", "state"),
)

print_request_jobs = Table(
    "print_request_jobs",
    metadata,
    Column("job_id", String(36), primary_key=True),
    Column("print_id", String(36), nullable=False),
)
