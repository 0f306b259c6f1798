"""The port through which sales reach headquarters: the outbox, written in the sale's own transaction (issue 13)."""

from __future__ import annotations

import abc
from typing import Any


class Outbox(abc.ABC):
    """Events for HQ, kept in the same transaction as the change they report, and sent later in order."""

    @abc.abstractmethod
    def add(self, event_id: str, aggregate: str, body: dict[str, Any]) -> bool:
        """Queue one event (body as docs/cloud-api.md); return False when this event id is queued already."""

    @abc.abstractmethod
    def capture_ledgers(self) -> int:
        """Queue the stock moves and loyalty entries written since the last capture; return how many."""
