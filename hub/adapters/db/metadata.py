"""The hub's one MetaData: every *_tables module defines its tables on it. Alembic migrations create them."""

from __future__ import annotations

from passline_shared.tables import named_metadata

metadata = named_metadata()
