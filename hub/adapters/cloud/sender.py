"""Send the outbox to headquarters in order, counting an event as sent only when HQ committed it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from hub.adapters.cloud.client import HqClient, HqRefused, HqUnreachable
from hub.adapters.cloud.outbox import Waiting, due, mark_sent, park, retry_later

logger = logging.getLogger(__name__)

MAX_BATCH = 200  # HQ takes up to 500; a batch costs HQ about the same whatever its size (docs/cloud.md, Measured)
MAX_RETRIES_ASKED = 50  # HQ said "send it later" this often (an order that never arrives): park it with HQ's reason
BACKOFF_FIRST_S = 2.0
BACKOFF_MAX_S = 300.0
PERMANENT_STATUSES = (400, 403, 404, 409, 413, 422)  # a whole request HQ will never take as it is


def backoff_s(attempts: int) -> float:
    """Return how long an event waits after its n-th failed attempt: 2 s doubling to 5 minutes."""
    return min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** min(attempts, 16))


@dataclass
class SendResult:
    """What one round of sending did."""

    sent: int = 0
    retried: int = 0
    parked: int = 0
    reached_hq: bool = True
    error: str | None = None  # why HQ was not reached, in words


class OutboxSender:
    """Send waiting events in batches; a batch HQ cannot take is halved until the one to blame stands alone."""

    def __init__(self, engine: Engine, client: HqClient, clock) -> None:
        self._engine = engine
        self._client = client
        self._clock = clock
        self.batch_size = MAX_BATCH

    def send_waiting(self) -> SendResult:
        """Send every event due now; stop at the first sign HQ is unreachable."""
        total = SendResult()
        while True:
            batch = due(self._engine, self._clock(), self.batch_size)
            if not batch:
                return total
            result = self._send(batch)
            total.sent += result.sent
            total.retried += result.retried
            total.parked += result.parked
            if not result.reached_hq:
                total.reached_hq, total.error = False, result.error
                return total
            if result.sent == 0 and result.parked == 0 and self.batch_size == MAX_BATCH and len(batch) < MAX_BATCH:
                return total  # everything left is waiting out a backoff

    def _send(self, batch: list[Waiting]) -> SendResult:
        try:
            results = self._client.send_events([entry.body for entry in batch])
        except HqUnreachable as exc:
            if exc.status is not None and len(batch) > 1:
                self.batch_size = max(1, len(batch) // 2)  # one event may break HQ: split until it stands alone
                logger.warning("HQ failed a batch of %d events; sending %d at a time", len(batch), self.batch_size)
                return SendResult()
            if exc.status is not None:
                retried = self._retry_one(batch[0], str(exc))
                retried.reached_hq, retried.error = False, str(exc)  # HQ fails even one event: try next round
                return retried
            logger.info("HQ unreachable, %d events wait: %s", len(batch), exc)
            return SendResult(reached_hq=False, error=str(exc))
        except HqRefused as exc:
            if exc.status in (401,) or exc.status not in PERMANENT_STATUSES:
                logger.warning("HQ refused the store's requests: %s", exc)  # a revoked token: nothing is parked
                return SendResult(reached_hq=False, error=f"HQ refused the store: {exc.message}")
            if len(batch) > 1:
                self.batch_size = max(1, len(batch) // 2)
                return SendResult()
            with self._engine.begin() as connection:
                park(connection, batch[0], f"HQ refused it: {exc.message} ({exc.code})", self._clock())
            return SendResult(parked=1)
        self.batch_size = min(MAX_BATCH, self.batch_size * 2)
        return self._record(batch, results)

    def _retry_one(self, entry: Waiting, reason: str) -> SendResult:
        with self._engine.begin() as connection:
            retry_later(connection, entry, reason, self._clock(), backoff_s(entry.attempts))
        return SendResult(retried=1)

    def _record(self, batch: list[Waiting], results: list[dict]) -> SendResult:
        outcome = SendResult()
        now = self._clock()
        sent: list[int] = []
        with self._engine.begin() as connection:
            for entry, result in zip(batch, results):
                if result.get("outcome") in ("committed", "already_committed"):
                    sent.append(entry.seq)
                    continue
                reason = f"HQ refused it: {result.get('message') or result.get('code')} ({result.get('code')})"
                if result.get("retry") and entry.attempts < MAX_RETRIES_ASKED:
                    retry_later(connection, entry, reason, now, backoff_s(entry.attempts))
                    outcome.retried += 1
                else:
                    park(connection, entry, reason, now)
                    outcome.parked += 1
                    logger.warning("outbox event %s parked: %s", entry.event_id, reason)
            mark_sent(connection, sent, now)
        outcome.sent = len(sent)
        return outcome
