"""One queue for every origin, ordered by deadline."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

RUSH_ADVANCE = timedelta(minutes=10)  # a rush order jumps ahead of anything due within the next 10 minutes


def deadline_for(received_at: datetime, promised_at: datetime | None, prep_seconds: Iterable[int]) -> datetime:
    """Return when an order must be ready: the promised time, or arrival plus the longest prep."""
    if promised_at is not None:
        return promised_at
    return received_at + timedelta(seconds=max(prep_seconds, default=0))


def queue_key(deadline: datetime, rush: bool, arrival: int) -> tuple[datetime, int]:
    """Return the sort key of an order in the queue: deadline, pulled forward by rush, then arrival."""
    return (deadline - RUSH_ADVANCE if rush else deadline, arrival)
