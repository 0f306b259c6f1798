"""Limits on open Socket.IO connections: so many per source address and so many in all, then a refusal in words.

An Engine.IO connection is counted from its first request until it closes (or misses its
pings), whether or not it ever signs in: an idle socket costs the hub as much as a busy one.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

PER_ADDRESS = 20  # a screen holds one; the rest covers reloads whose old socket has not timed out yet
TOTAL = 1000  # every enrolled screen of a big store twice over; the server keeps room for HTTP beyond this


def gevent_running() -> bool:
    """Return whether this process is monkey-patched by gevent (the hub under gunicorn's gevent worker)."""
    try:
        from gevent import monkey
    except ImportError:
        return False
    return monkey.is_module_patched("socket")


class SocketLimits:
    """Count open Engine.IO connections per source address and refuse those over the limits."""

    def __init__(self, per_address: int = PER_ADDRESS, total: int = TOTAL) -> None:
        self.per_address = per_address
        self.total = total
        self._address_of: dict[str, str] = {}  # Engine.IO session id -> source address
        self._open: Counter[str] = Counter()
        self._lock = threading.Lock()

    def install(self, eio: Any) -> SocketLimits:
        """Wrap an Engine.IO server's connect and disconnect handlers (Socket.IO's own) with the count."""
        connect: Callable = eio.handlers["connect"]
        disconnect: Callable = eio.handlers["disconnect"]

        def counted_connect(eio_sid: str, environ: dict) -> Any:
            refusal = self.admit(eio_sid, environ.get("REMOTE_ADDR") or "an unknown address")
            if refusal is not None:
                return refusal
            try:
                accepted = connect(eio_sid, environ)
            except Exception:
                self.release(eio_sid)
                raise
            if accepted is not None and accepted is not True:
                self.release(eio_sid)  # refused further in: Engine.IO sends no disconnect for it
            return accepted

        def counted_disconnect(eio_sid: str, *reason: Any) -> Any:
            self.release(eio_sid)
            return disconnect(eio_sid, *reason)

        eio.on("connect", counted_connect)
        eio.on("disconnect", counted_disconnect)
        return self

    def admit(self, eio_sid: str, address: str) -> dict[str, str] | None:
        """Count a new connection from an address, or return the refusal (code and message) it gets instead."""
        with self._lock:
            if self._open[address] >= self.per_address:
                message = (f"Too many live connections from {address}: it already has {self.per_address} open. "
                           "Close a screen there, or wait a minute for closed ones to time out.")
            elif len(self._address_of) >= self.total:
                message = (f"The hub already serves {self.total} live connections, its limit. "
                           "Close screens that are not in use, then try again.")
            else:
                self._address_of[eio_sid] = address
                self._open[address] += 1
                return None
        logger.warning("refused a live connection: %s", message)
        return {"code": "too_many_connections", "message": message}

    def release(self, eio_sid: str) -> None:
        """Forget a connection that closed."""
        with self._lock:
            address = self._address_of.pop(eio_sid, None)
            if address is not None:
                self._open[address] -= 1
                if not self._open[address]:
                    del self._open[address]

    def open_from(self, address: str) -> int:
        """Return how many connections an address holds open now."""
        with self._lock:
            return self._open[address]
