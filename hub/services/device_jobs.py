"""Device jobs: queued with their cause, relayed until answered, finished exactly once."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from hub.domain.device_jobs import (
    DeviceEventReceived,
    DeviceJobAnsweredLate,
    DeviceJob,
    DeviceJobQueued,
    JobDelivery,
    RecordDeviceEvent,
    SweepDeviceJobs,
)
from hub.services.ports import Clock, UnitOfWork

logger = logging.getLogger(__name__)

JOB_RESULT = "job.result"


def queue_job(
    uow: UnitOfWork,
    clock: Clock,
    *,
    device_id: str,
    kind: str,
    payload: dict[str, Any],
    hardware: str | None = None,
    order_id: str | None = None,
    answer_within_s: float | None = None,
    job_id: str | None = None,
) -> DeviceJob:
    """Store a job for a device in the caller's transaction; the relay sends it after the commit."""
    now = clock()
    job = DeviceJob(
        job_id=job_id or str(uuid.uuid4()),
        device_id=device_id,
        kind=kind,
        payload=payload,
        created_at=now,
        hardware=hardware,
        order_id=order_id,
        answer_by=now + timedelta(seconds=answer_within_s) if answer_within_s is not None else None,
    )
    uow.device_jobs.add(job)
    uow.raise_event(DeviceJobQueued(job.job_id, device_id, kind))
    return job


def record_device_event(command: RecordDeviceEvent, uow: UnitOfWork, clock: Clock) -> bool:
    """Take a device event once: a job result finishes its job, anything else is passed on.

    Returns False for an event taken before (the device did not get our ack and sent it again).
    """
    now = clock()
    if not uow.device_jobs.remember_event(command.event_id, command.device_id, command.type, now):
        return False
    if command.type != JOB_RESULT:
        uow.raise_event(DeviceEventReceived(command.device_id, command.type, dict(command.data), command.event_id))
        return True
    job = uow.device_jobs.get(str(command.data["job_id"]))
    if job is None:
        logger.warning("%s reported a result for job %s, which the hub does not know", command.device_id, command.data["job_id"])
        return True
    if job.device_id != command.device_id:
        logger.warning("%s reported a result for job %s of %s; ignored", command.device_id, job.job_id, job.device_id)
        return True
    finished = job.finish(
        bool(command.data["ok"]), command.data.get("error"), command.data.get("message"),
        dict(command.data.get("detail") or {}), now,
    )
    if finished is None:
        logger.info("late result for %s job %s from %s (already %s); the job stays as it was",
                    job.kind, job.job_id, job.device_id, job.state.value)
        uow.raise_event(DeviceJobAnsweredLate(job.job_id, job.device_id, job.kind, job.hardware,
                                              bool(command.data["ok"])))
        return True
    uow.device_jobs.save(job)
    uow.raise_event(finished)
    if not finished.ok:
        logger.warning("%s job %s on %s failed: %s (%s)", job.kind, job.job_id, job.device_id, finished.error, finished.message)
    return True


def sweep_device_jobs(command: SweepDeviceJobs, uow: UnitOfWork, clock: Clock) -> list[JobDelivery]:
    """Expire jobs that ran out of time; mark the due ones sent and return them for publishing."""
    now = clock()
    deliveries = []
    for job in uow.device_jobs.unfinished(command.limit):
        step = job.fit_clock(now)
        if step is not None:
            logger.warning("the clock went back %s behind %s job %s for %s; its times move back with it",
                           step, job.kind, job.job_id, job.device_id)
            uow.device_jobs.save(job)
        if job.overdue(now):
            logger.warning("%s job %s for %s got no answer by %s; giving up on it",
                           job.kind, job.job_id, job.device_id, job.answer_by)
            uow.raise_event(job.expire(now))
            uow.device_jobs.save(job)
        elif job.due(now):
            job.mark_sent(now)
            uow.device_jobs.save(job)
            deliveries.append(
                JobDelivery(job.job_id, job.device_id, job.kind, job.hardware, job.expires_at(), dict(job.payload))
            )
    return deliveries


def wake_relay(_event: DeviceJobQueued, wake_relay: Callable[[], None]) -> None:
    """Let the relay send a new job now rather than at its next sweep."""
    wake_relay()
