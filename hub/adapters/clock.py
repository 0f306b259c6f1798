"""The hub's clock: what time it is, aware, in UTC (tests pass their own)."""

from __future__ import annotations

from datetime import datetime, timezone


def utc_now() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(timezone.utc)
