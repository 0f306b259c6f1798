"""Hold one client socket of the embedded broker and the state that lives exactly as long as it."""

from __future__ import annotations

import asyncio

from hub.adapters.mqtt.broker_packets import Message
from hub.adapters.mqtt.broker_sessions import Session

# Above this many unsent bytes to one client, QoS 0 messages to it are dropped rather than
# buffered without bound; QoS 1 is already bounded by the in-flight window.
MAX_WRITE_BUFFER = 8 * 1024 * 1024


class Connection:
    """Write to one client, watch its keepalive and remember its will until it leaves."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.transport = writer.transport
        self.peer = writer.get_extra_info("peername")
        self.client_id: str | None = None
        self.username: str | None = None
        self.session: Session | None = None
        self.will: Message | None = None
        self.close_reason: str | None = None
        self._loop = asyncio.get_running_loop()
        self._last_seen = self._loop.time()
        self._keepalive_limit = 0.0
        self._keepalive_timer: asyncio.TimerHandle | None = None

    def send(self, data: bytes) -> None:
        """Write bytes unless the connection is already closing."""
        if not self.transport.is_closing():
            self.transport.write(data)

    def is_congested(self) -> bool:
        """Tell whether the client reads too slowly for QoS 0 messages to be worth sending."""
        return self.transport.get_write_buffer_size() > MAX_WRITE_BUFFER

    def touch(self) -> None:
        """Note that the client just sent a packet."""
        self._last_seen = self._loop.time()

    def watch_keepalive(self, limit: float) -> None:
        """Abort the connection once the client has been silent for limit seconds."""
        self._keepalive_limit = limit
        self._last_seen = self._loop.time()
        self._keepalive_timer = self._loop.call_later(limit, self._check_keepalive)

    def abort(self, reason: str) -> None:
        """Drop the socket at once; the first reason given is the one logged."""
        if self.close_reason is None:
            self.close_reason = reason
        self.transport.abort()

    def close(self) -> None:
        """Close the socket, flushing what is buffered unless that could wait forever."""
        if self._keepalive_timer is not None:
            self._keepalive_timer.cancel()
        # A refusal's CONNACK is flushed; a client that stopped reading is not waited for.
        if self.transport.get_write_buffer_size():
            self.transport.abort()
        else:
            self.transport.close()

    def _check_keepalive(self) -> None:
        # One timer per client, rescheduled from the last packet seen, instead of a timeout per read.
        idle = self._loop.time() - self._last_seen
        if idle >= self._keepalive_limit:
            self.abort("keepalive timeout")
        else:
            self._keepalive_timer = self._loop.call_later(self._keepalive_limit - idle, self._check_keepalive)
