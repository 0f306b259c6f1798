"""A clock a test moves by hand, handed to bootstrap() as the hub's clock."""

from __future__ import annotations

from datetime import datetime, timezone


class Clock:
    """A clock the test moves by hand: set `now`, and the hub sees that time."""

    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.now
