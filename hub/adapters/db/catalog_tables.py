"""The catalog's tables (items and their modifiers), and hub_state: the version counters the hub's caches read."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Table

from hub.adapters.db.metadata import metadata


catalog_items = Table(
    "catalog_items",
    metadata,
    Column("sku", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("price_amount", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("tax_rate_bp", Integer, nullable=False),
    Column("station", String(64), nullable=False),
    Column("prep_seconds", Integer, nullable=False),
    Column("available", Boolean, nullable=False, default=True),
    Column("details", JSON, comment="variants, modifier groups, prices, bundle parts, tags (0002)"),
)

catalog_modifiers = Table(
    "catalog_modifiers",
    metadata,
    Column("sku", String(64), ForeignKey("catalog_items.sku", ondelete="CASCADE"), primary_key=True),
    Column("code", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("price_delta", Integer, nullable=False),
)

# Version counters (catalog, promotions, sold out, print routes): a cache reads again when its counter moved.
settings_kv = Table(
    "hub_state",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(200), nullable=False),
)
