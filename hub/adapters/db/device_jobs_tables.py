"""Tables for device jobs and the device events the hub has taken."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, String, Table

from hub.adapters.db.metadata import metadata
from passline_shared.tables import UtcDateTime

device_jobs = Table(
    "device_jobs",
    metadata,
    Column("job_id", String(36), primary_key=True),
    Column("device_id", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("hardware", String(64)),
    Column("order_id", String(36), index=True),
    Column("payload", JSON, nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("answer_by", UtcDateTime()),
    Column("sent_at", UtcDateTime()),
    Column("finished_at", UtcDateTime()),
    Column("result", JSON),
    Index("ix_device_jobs_state_created_at", "state", "created_at"),
)

device_events = Table(
    "device_events",
    metadata,
    Column("event_id", String(36), primary_key=True, comment="the envelope id the device chose"),
    Column("device_id", String(64), nullable=False),
    Column("type", String(64), nullable=False),
    Column("received_at", UtcDateTime(), nullable=False),
)
