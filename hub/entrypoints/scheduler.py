"""The hub's timed work: lost card results are asked about again, unpaid kiosk orders expire, held prints go out."""

from __future__ import annotations

import logging
import threading

from hub.domain.end_of_day import CloseDueDay
from hub.domain.order_holds import ExpireUnpaidHolds
from hub.domain.payments import RetryPaymentChecks
from hub.domain.printing import ReleaseHeldPrints
from hub.services.messagebus import MessageBus

logger = logging.getLogger(__name__)

EVERY_S = 1.0  # each command decides itself what is due; a second is the finest step any of them needs
TIMED_COMMANDS = (
    RetryPaymentChecks,  # a payment stuck in `checking` asks its terminal again, on a backoff
    ExpireUnpaidHolds,  # a kiosk order nobody paid for within the store's limit is cancelled
    ReleaseHeldPrints,  # a ticket no printer could take goes out once its printer says ready
    CloseDueDay,  # at the business-day boundary, the day that ended closes by itself when the store wants it
)


class Scheduler:
    """Run each timed command every second from one background thread."""

    def __init__(self, bus: MessageBus, every_s: float = EVERY_S) -> None:
        self._bus = bus
        self._every_s = every_s
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> None:
        """Run every timed command once; one that fails is logged and the others still run."""
        for command in TIMED_COMMANDS:
            try:
                self._bus.handle(command())
            except Exception:  # noqa: BLE001 - tried again on the next tick; nothing is lost
                logger.exception("%s failed; trying again in %.0f s", command.__name__, self._every_s)

    def start(self) -> None:
        """Start ticking in the background."""
        self._thread = threading.Thread(target=self._run, name="passline-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the tick in hand."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stopping.wait(self._every_s):
            self.tick()
