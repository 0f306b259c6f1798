"""Where the hub's messages leave it: to live screens (once the web layer plugs in a sender) and over the broker."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from hub.adapters.read_models.orders import sender_answer
from hub.contracts import topics
from hub.contracts.envelope import envelope
from hub.domain.orders import Order

logger = logging.getLogger(__name__)


class Notifier:
    """Forward events to live screens once the web layer has plugged in a sender."""

    def __init__(self) -> None:
        self.send: Callable[[str, dict[str, Any]], None] | None = None

    def __call__(self, event: str, data: dict[str, Any]) -> None:
        if self.send is not None:
            self.send(event, data)


class Broadcaster:
    """Publish to `passline/<store>/broadcast/<kind>` once the hub is connected to its broker.

    Retained broadcasts (availability) are also kept here and published again on every
    start, so a broker that lost its retained messages (a fresh data folder) hears the truth.
    """

    def __init__(self, store: str) -> None:
        self._store = store
        self._retained: dict[str, dict[str, Any]] = {}
        self.connection: Any = None

    def __call__(self, kind: str, data: dict[str, Any], *, retain: bool = False) -> None:
        message = envelope(kind, data)
        if retain:
            self._retained[kind] = message
        if self.connection is not None:
            self.connection.publish(topics.broadcast(self._store, kind), message, retain=retain)

    def attach(self, connection: Any) -> None:
        """Publish through this connection from now on, starting with the retained messages."""
        self.connection = connection
        for kind, message in self._retained.items():
            connection.publish(topics.broadcast(self._store, kind), message, retain=True)


class DeviceReplier:
    """Tell a held order's sender its answer on `passline/<store>/device/<id>/in/reply`, once connected."""

    def __init__(self, store: str, broadcaster: Broadcaster) -> None:
        self._store = store
        self._broadcaster = broadcaster

    def __call__(self, device_id: str, kind: str, order: Order) -> None:
        connection = self._broadcaster.connection
        if connection is None:
            logger.warning("no broker connection: %s for device %s not sent (the order's state is in the API)",
                           kind, device_id)
            return
        connection.publish(topics.device_in(self._store, device_id, "reply"), envelope(kind, sender_answer(kind, order)))
