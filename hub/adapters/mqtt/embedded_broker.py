"""Run the embedded MQTT 3.1.1 broker in a background thread when no external broker is configured.

The broker is split by concern: broker_packets (packet types), broker_codec (bytes),
broker_topics (filters, subscriptions, retained messages), broker_sessions (delivery
windows and queues), broker_connection (one socket) and broker_server (the protocol).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

from hub.adapters.mqtt.broker_server import BrokerServer

logger = logging.getLogger(__name__)

# How long stop() and stats() wait for the broker thread before giving up.
THREAD_TIMEOUT = 5.0


class EmbeddedBroker:
    """Run an MQTT 3.1.1 broker in a background thread of this process.

    authenticate and authorize run on the broker thread for every CONNECT, SUBSCRIBE and
    PUBLISH, so they must be quick and must not block.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 1883,
        authenticate: Callable[[str, str | None, bytes | None], bool] | None = None,
        authorize: Callable[[str | None, str, str, str], bool] | None = None,
        max_queued_messages: int = 100_000,
    ) -> None:
        self._host = host
        self._port = port
        self._server = BrokerServer(
            authenticate=authenticate, authorize=authorize, max_queued_messages=max_queued_messages,
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False

    @property
    def port(self) -> int:
        """Return the bound port (the requested one before start)."""
        return self._port

    @property
    def url(self) -> str:
        """Return the address clients connect to, as mqtt://host:port."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"mqtt://{host}:{self._port}"

    def start(self, timeout: float = 5.0) -> None:
        """Start the broker thread and return once it listens; raise OSError if it cannot bind."""
        if self._thread is not None:
            raise RuntimeError("the embedded broker was already started")
        ready = threading.Event()
        outcome: list[BaseException | None] = []
        self._thread = threading.Thread(
            target=self._run, args=(ready, outcome), name="mqtt-broker", daemon=True,
        )
        self._thread.start()
        if not ready.wait(timeout):
            self.stop()
            raise TimeoutError(f"the embedded MQTT broker did not start within {timeout}s")
        error = outcome[0]
        if error is not None:
            self._thread.join(THREAD_TIMEOUT)
            self._stopped = True
            if isinstance(error, OSError):
                message = f"embedded MQTT broker cannot listen on {self._host}:{self._port}: {error.strerror}"
                raise OSError(error.errno, message) from error
            raise RuntimeError("the embedded MQTT broker failed to start") from error
        logger.info("Embedded MQTT broker listening on %s", self.url)

    def stop(self) -> None:
        """Close all connections and the listener and join the thread; calling it again does nothing."""
        if self._thread is None or self._stopped:
            return
        self._stopped = True
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(loop.stop)
            except RuntimeError:
                pass  # the loop closed between the check and the call
        self._thread.join(THREAD_TIMEOUT)
        if self._thread.is_alive():
            logger.warning("Embedded MQTT broker thread did not stop within %ss", THREAD_TIMEOUT)
        else:
            logger.info("Embedded MQTT broker on %s stopped", self.url)

    def stats(self) -> dict:
        """Return counts of connected clients, sessions, messages waiting and retained messages."""
        loop = self._loop
        if self._thread is not None and self._thread.is_alive() and loop is not None and loop.is_running():
            future = asyncio.run_coroutine_threadsafe(self._snapshot(), loop)
            return future.result(THREAD_TIMEOUT)
        return self._server.stats()

    async def _snapshot(self) -> dict:
        return self._server.stats()

    def _run(self, ready: threading.Event, outcome: list[BaseException | None]) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            try:
                self._port = loop.run_until_complete(self._server.start(self._host, self._port))
            except Exception as exc:  # reported to start() in the caller's thread
                outcome.append(exc)
                return
            outcome.append(None)
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._server.close())
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            ready.set()
            loop.close()
