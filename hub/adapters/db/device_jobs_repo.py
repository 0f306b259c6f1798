"""Device jobs in SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select, update

from hub.adapters.db.device_jobs_tables import device_events, device_jobs
from hub.domain.device_jobs import FINISHED, DeviceJob, JobState
from hub.services.ports import DeviceJobRepository

_UNFINISHED = tuple(state.value for state in JobState if state not in FINISHED)
_SELECT_UNFINISHED = (
    select(device_jobs)
    .where(device_jobs.c.state.in_(_UNFINISHED))
    .order_by(device_jobs.c.created_at)
    .limit(bindparam("limit"))
)
_UPDATE = (
    update(device_jobs)
    .where(device_jobs.c.job_id == bindparam("key"))
    .values(
        state=bindparam("state"),
        created_at=bindparam("created_at"),
        answer_by=bindparam("answer_by"),
        attempts=bindparam("attempts"),
        sent_at=bindparam("sent_at"),
        finished_at=bindparam("finished_at"),
        result=bindparam("result"),
    )
)


class SqlDeviceJobRepository(DeviceJobRepository):
    """Jobs in `device_jobs`, taken event ids in `device_events`."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, job: DeviceJob) -> None:
        """Store a new job."""
        self._db.execute(
            insert(device_jobs),
            {
                "job_id": job.job_id,
                "device_id": job.device_id,
                "kind": job.kind,
                "hardware": job.hardware,
                "order_id": job.order_id,
                "payload": job.payload,
                "state": job.state.value,
                "attempts": job.attempts,
                "created_at": job.created_at,
                "answer_by": job.answer_by,
                "sent_at": job.sent_at,
                "finished_at": job.finished_at,
                "result": job.result,
            },
        )

    def get(self, job_id: str) -> DeviceJob | None:
        """Return a job by id, or None."""
        row = self._db.execute(select(device_jobs).where(device_jobs.c.job_id == job_id)).mappings().first()
        return _job(row) if row else None

    def save(self, job: DeviceJob) -> None:
        """Store a job's changed delivery state, result and times (moved back with a clock that went back)."""
        self._db.execute(
            _UPDATE,
            {
                "key": job.job_id,
                "state": job.state.value,
                "created_at": job.created_at,
                "answer_by": job.answer_by,
                "attempts": job.attempts,
                "sent_at": job.sent_at,
                "finished_at": job.finished_at,
                "result": job.result,
            },
        )

    def unfinished(self, limit: int) -> list[DeviceJob]:
        """Return jobs without an outcome, oldest first."""
        return [_job(row) for row in self._db.execute(_SELECT_UNFINISHED, {"limit": limit}).mappings()]

    def for_order(self, order_id: str) -> list[DeviceJob]:
        """Return an order's jobs, oldest first."""
        rows = self._db.execute(
            select(device_jobs).where(device_jobs.c.order_id == order_id).order_by(device_jobs.c.created_at)
        ).mappings()
        return [_job(row) for row in rows]

    def remember_event(self, event_id: str, device_id: str, type_: str, at: datetime) -> bool:
        """Note a device event's id; return False when it was taken before."""
        # Writers are serialised (BEGIN IMMEDIATE), so looking first cannot race another insert.
        taken = self._db.execute(select(device_events.c.event_id).where(device_events.c.event_id == event_id)).first()
        if taken is not None:
            return False
        self._db.execute(
            insert(device_events), {"event_id": event_id, "device_id": device_id, "type": type_, "received_at": at}
        )
        return True


def _job(row) -> DeviceJob:
    return DeviceJob(
        job_id=row["job_id"],
        device_id=row["device_id"],
        kind=row["kind"],
        payload=row["payload"],
        created_at=row["created_at"],
        hardware=row["hardware"],
        order_id=row["order_id"],
        answer_by=row["answer_by"],
        state=JobState(row["state"]),
        attempts=row["attempts"],
        sent_at=row["sent_at"],
        finished_at=row["finished_at"],
        result=row["result"],
    )
