"""Send device jobs after their commit, and again until each is answered."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from hub.contracts import topics
from hub.contracts.envelope import envelope
from hub.contracts.jobs import JOB, JobOut
from hub.domain.device_jobs import JobDelivery, SweepDeviceJobs
from hub.services.messagebus import MessageBus

logger = logging.getLogger(__name__)

SWEEP_S = 1.0  # how often unanswered jobs are checked; a new job wakes the relay at once


class DeviceRelay:
    """Publish due jobs to `device/<id>/in/<kind>` from one background thread."""

    def __init__(self, bus: MessageBus, store: str, publish: Callable[[str, dict[str, Any]], None], bell: threading.Event) -> None:
        self._bus = bus
        self._store = store
        self._publish = publish
        self._bell = bell
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.sent = 0

    def start(self) -> None:
        """Start sweeping in the background."""
        self._thread = threading.Thread(target=self._run, name="passline-device-relay", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the sweep in hand."""
        self._stopping.set()
        self._bell.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def sweep(self) -> int:
        """Expire overdue jobs, publish the due ones, and return how many went out."""
        deliveries: list[JobDelivery] = self._bus.handle(SweepDeviceJobs())
        for delivery in deliveries:
            job = JobOut(
                job_id=delivery.job_id,
                kind=delivery.kind,
                hardware=delivery.hardware,
                expires_at=delivery.expires_at,
                payload=delivery.payload,
            )
            self._publish(
                topics.device_in(self._store, delivery.device_id, delivery.kind),
                envelope(JOB, job.model_dump(mode="json")),
            )
            logger.debug("sent %s job %s to %s", delivery.kind, delivery.job_id, delivery.device_id)
        self.sent += len(deliveries)
        return len(deliveries)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._bell.wait(SWEEP_S)
            self._bell.clear()
            if self._stopping.is_set():
                return
            try:
                self.sweep()
            except Exception:  # noqa: BLE001 - the next sweep tries again; jobs stay stored
                logger.exception("sending device jobs failed; retrying in %.0f s", SWEEP_S)
