"""Keep one MQTT client's session: subscriptions, in-flight QoS 1 messages and the queue behind them."""

from __future__ import annotations

import logging
from collections import deque
from typing import Protocol

from hub.adapters.mqtt.broker_codec import encode_publish
from hub.adapters.mqtt.broker_packets import Message

logger = logging.getLogger(__name__)

# Unacknowledged QoS 1 messages per client: enough to keep loopback and LAN links busy,
# small enough that a reconnecting client is not flooded with duplicates.
INFLIGHT_WINDOW = 100
# A full queue logs its first dropped message and then one line per this many, not one per drop.
DROP_LOG_EVERY = 1000


class Outbox(Protocol):
    """Where a session writes packets while its client is connected."""

    def send(self, data: bytes) -> None:
        """Write bytes to the client."""

    def is_congested(self) -> bool:
        """Tell whether the client reads too slowly for QoS 0 messages to be worth sending."""


class Session:
    """Deliver messages to one client in the order received, with at most a window unacknowledged."""

    def __init__(self, client_id: str, *, clean: bool, max_queued: int) -> None:
        self.client_id = client_id
        self.clean = clean
        self.subscriptions: dict[str, int] = {}
        # Inbound QoS 2 packet ids between PUBREC and PUBREL: a resent PUBLISH is not routed twice.
        self.awaiting_release: set[int] = set()
        self.outbox: Outbox | None = None
        self._inflight: dict[int, tuple[Message, bool]] = {}
        self._queue: deque[tuple[Message, int, bool]] = deque()
        self._max_queued = max_queued
        self._last_packet_id = 0
        self._dropped = 0

    @property
    def pending(self) -> int:
        """Count messages sent but unacknowledged plus those waiting to be sent."""
        return len(self._inflight) + len(self._queue)

    def attach(self, outbox: Outbox) -> None:
        """Bind to a new connection: resend unacknowledged messages (DUP, same ids), then the queue."""
        self.outbox = outbox
        for packet_id, (message, retain) in self._inflight.items():
            outbox.send(encode_publish(message.topic, message.payload, 1, retain, True, packet_id))
        self._pump()

    def detach(self) -> None:
        """Forget the connection; QoS 1 messages queue until the next attach."""
        self.outbox = None

    def deliver(self, message: Message, qos: int, retain: bool = False) -> None:
        """Send the message at the given QoS now, or queue it behind earlier ones."""
        outbox = self.outbox
        if outbox is not None and not self._queue:
            if not qos:
                self._send_qos0(outbox, message, retain)
                return
            if len(self._inflight) < INFLIGHT_WINDOW:
                self._send_qos1(outbox, message, retain)
                return
        if outbox is None and not qos:
            return  # QoS 0 promises nothing to a client that is away
        if len(self._queue) >= self._max_queued:
            self._queue.popleft()
            self._dropped += 1
            if self._dropped % DROP_LOG_EVERY == 1:
                logger.warning(
                    "Queue of client %s is full (%s messages): dropped its oldest message (%s so far)",
                    self.client_id, self._max_queued, self._dropped,
                )
        self._queue.append((message, qos, retain))

    def acknowledge(self, packet_id: int) -> None:
        """Free the in-flight slot of a PUBACK'd message and send what waits behind it."""
        # Unknown ids (a late PUBACK from a connection that was taken over) are ignored.
        if self._inflight.pop(packet_id, None) is not None:
            self._pump()

    def _pump(self) -> None:
        queue = self._queue
        while queue and self.outbox is not None:
            message, qos, retain = queue[0]
            if qos and len(self._inflight) >= INFLIGHT_WINDOW:
                return
            queue.popleft()
            if qos:
                self._send_qos1(self.outbox, message, retain)
            else:
                self._send_qos0(self.outbox, message, retain)
        if not queue:
            self._dropped = 0

    def _send_qos0(self, outbox: Outbox, message: Message, retain: bool) -> None:
        if outbox.is_congested():
            logger.debug("Client %s reads too slowly: dropped a QoS 0 message", self.client_id)
            return
        outbox.send(encode_publish(message.topic, message.payload, 0, retain, False, None))

    def _send_qos1(self, outbox: Outbox, message: Message, retain: bool) -> None:
        packet_id = self._next_packet_id()
        self._inflight[packet_id] = (message, retain)
        outbox.send(encode_publish(message.topic, message.payload, 1, retain, False, packet_id))

    def _next_packet_id(self) -> int:
        # The window is far below 65535, so a free id is always found within a few steps.
        while True:
            self._last_packet_id = self._last_packet_id % 0xFFFF + 1
            if self._last_packet_id not in self._inflight:
                return self._last_packet_id
