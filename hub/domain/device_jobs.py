"""Jobs the hub gives device agents (print, pay, show), and what agents report back.

A job is kept until its result arrives: sent, re-sent while unanswered, and finished
exactly once, by the first result or by running out of time.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

PRINT_START_MARGIN = timedelta(seconds=5)  # a print started closer than this to its deadline would answer after it
RESEND_AFTER = timedelta(seconds=5)  # an agent that was offline gets its job again this soon after it is back


class JobState(str, enum.Enum):
    """Where a device job is."""

    PENDING = "pending"  # stored with its cause, not sent yet
    SENT = "sent"  # on its way or being done; sent again until answered
    DONE = "done"  # the device did it
    FAILED = "failed"  # the device said it could not
    EXPIRED = "expired"  # no answer in time; the hub has moved on and the device must not start it


FINISHED = frozenset({JobState.DONE, JobState.FAILED, JobState.EXPIRED})


@dataclass(slots=True)
class DeviceJob:
    """One piece of work for one device, with its delivery state."""

    job_id: str
    device_id: str
    kind: str
    payload: dict[str, Any]
    created_at: datetime
    hardware: str | None = None
    order_id: str | None = None
    answer_by: datetime | None = None
    state: JobState = JobState.PENDING
    attempts: int = 0
    sent_at: datetime | None = None
    finished_at: datetime | None = None
    result: dict[str, Any] | None = None

    @property
    def finished(self) -> bool:
        """Return True once the job has its outcome."""
        return self.state in FINISHED

    def due(self, now: datetime) -> bool:
        """Return True when the job should go (again) to its device."""
        if self.state is JobState.PENDING:
            return True
        return self.state is JobState.SENT and (self.sent_at is None or now - self.sent_at >= RESEND_AFTER)

    def overdue(self, now: datetime) -> bool:
        """Return True when the job ran out of time without an answer."""
        return not self.finished and self.answer_by is not None and now >= self.answer_by

    def fit_clock(self, now: datetime) -> timedelta | None:
        """Move the job's times back by the step a wall clock went back behind them; return the step, or None.

        A job stamped after `now` means the clock stepped back (NTP, a hand): left alone, its
        resend would wait and its answer window last the whole step longer. Moved back with the
        clock, it keeps exactly the time it had left.
        """
        latest = max(self.created_at, self.sent_at or self.created_at)
        if latest <= now:
            return None
        step = latest - now
        self.created_at -= step
        self.sent_at = self.sent_at - step if self.sent_at is not None else None
        self.answer_by = self.answer_by - step if self.answer_by is not None else None
        return step

    def expires_at(self) -> datetime | None:
        """Return when the device must no longer start the job (None: whenever it can).

        A print's is a little before the hub gives up on it (a quarter of its window at most), so a
        print the printer starts in time also answers in time, and is not sent to the backup as well.
        Other jobs keep the hub's deadline: a terminal reverses a charge that ends after it."""
        if self.answer_by is None or self.kind != "print":
            return self.answer_by
        return self.answer_by - min(PRINT_START_MARGIN, (self.answer_by - self.created_at) / 4)

    def mark_sent(self, now: datetime) -> None:
        """Record one more delivery attempt."""
        self.state = JobState.SENT
        self.sent_at = now
        self.attempts += 1

    def finish(
        self, ok: bool, error: str | None, message: str | None, detail: dict[str, Any], now: datetime
    ) -> DeviceJobFinished | None:
        """Record the job's outcome once; None (and nothing changed) when it already had one."""
        if self.finished:
            return None
        self.state = JobState.DONE if ok else JobState.FAILED
        return self._close(ok, error, message, detail, now)

    def expire(self, now: datetime) -> DeviceJobFinished:
        """Give up on an unanswered job: the device must not start it any more."""
        self.state = JobState.EXPIRED
        return self._close(False, "no_answer", f"{self.device_id} did not answer in time", {}, now)

    def withdraw(self, now: datetime) -> bool:
        """Take back a job not sent yet, because its work got done another way; True when it was still unsent."""
        if self.state is not JobState.PENDING:
            return False
        self.state, self.finished_at = JobState.EXPIRED, now
        self.result = {"ok": False, "error": "withdrawn", "message": "done another way before it was sent", "detail": {}}
        return True

    def _close(
        self, ok: bool, error: str | None, message: str | None, detail: dict[str, Any], now: datetime
    ) -> DeviceJobFinished:
        self.finished_at = now
        self.result = {"ok": ok, "error": error, "message": message, "detail": detail}
        return DeviceJobFinished(
            job_id=self.job_id,
            device_id=self.device_id,
            kind=self.kind,
            hardware=self.hardware,
            order_id=self.order_id,
            ok=ok,
            error=error,
            message=message,
            detail=dict(detail),
        )


@dataclass(frozen=True, slots=True)
class DeviceJobQueued:
    """A job was stored and waits for the relay."""

    job_id: str
    device_id: str
    kind: str


@dataclass(frozen=True, slots=True)
class DeviceJobFinished:
    """A job ended: done, refused by the device, or unanswered in time (`no_answer`)."""

    job_id: str
    device_id: str
    kind: str
    hardware: str | None
    order_id: str | None
    ok: bool
    error: str | None
    message: str | None
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class DeviceJobAnsweredLate:
    """A device answered a job the hub had already given up on (or had its result): the job stays as it was.

    A late "done" still says what happened on the device: a print held after `no_answer` is on paper."""

    job_id: str
    device_id: str
    kind: str
    hardware: str | None
    ok: bool


@dataclass(frozen=True, slots=True)
class DeviceEventReceived:
    """A device reported something other than a job result: a key press, a scan, a drawer opening."""

    device_id: str
    type: str
    data: dict[str, Any]
    event_id: str


@dataclass(frozen=True, slots=True)
class RecordDeviceEvent:
    """Take one event a device sent (a job result or anything else), once."""

    device_id: str
    type: str
    data: dict[str, Any]
    event_id: str


@dataclass(frozen=True, slots=True)
class SweepDeviceJobs:
    """Expire overdue jobs and hand out the ones due for (re)sending."""

    limit: int = 200


@dataclass(frozen=True, slots=True)
class JobDelivery:
    """A job to publish now, as the relay will put it on the wire."""

    job_id: str
    device_id: str
    kind: str
    hardware: str | None
    expires_at: datetime | None
    payload: dict[str, Any]
