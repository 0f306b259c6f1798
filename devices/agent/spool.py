"""The agent's durable spool: jobs from the hub and events for the hub, in one SQLite file.

A job is stored before the broker gets its PUBACK, so a crash never loses one; a repeated
job id is recognised here, so it is done once. An event stays until the hub's ack names it.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from hub.contracts.jobs import JobOut

KEEP_DONE_S = 7 * 24 * 3600  # remember finished job ids this long: hub re-sends stop well before

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    target TEXT NOT NULL,           -- the hardware name that runs it ('' = none takes it)
    body TEXT NOT NULL,
    state TEXT NOT NULL,            -- queued | running | done
    result_event TEXT,              -- id of the job.result event
    received_at REAL NOT NULL,
    finished_at REAL
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT UNIQUE NOT NULL,
    payload TEXT NOT NULL,
    acked INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    sent_at REAL
);
"""


class Spool:
    """Jobs and unacknowledged events on disk; safe to use from several threads."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "spool.sqlite"
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a job acknowledged to the broker must survive power loss
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()


    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """Run statements as one transaction: the connection is in autocommit mode, so `with db:` alone is not one."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()

    def add_job(self, job: JobOut, target: str = "") -> bool:
        """Store a job for the hardware named target; return False for a job id seen before (its result is then sent again)."""
        with self._lock, self._transaction():
            row = self._db.execute("SELECT state, result_event FROM jobs WHERE job_id = ?", (str(job.job_id),)).fetchone()
            if row is None:
                self._db.execute("INSERT INTO jobs (job_id, target, body, state, received_at) VALUES (?, ?, ?, 'queued', ?)",
                                 (str(job.job_id), target, job.model_dump_json(), time.time()))
                return True
            if row[1]:
                # The hub asks again: its copy of the result was lost, so send it again, under a
                # new envelope id so that a late ack of the old copy cannot cancel this one.
                stored = self._db.execute("SELECT payload FROM events WHERE event_id = ?", (row[1],)).fetchone()
                if stored is not None:
                    again = json.loads(stored[0])
                    again["id"] = str(uuid.uuid4())
                    self._db.execute("INSERT INTO events (event_id, payload, created_at) VALUES (?, ?, ?)",
                                     (again["id"], json.dumps(again), time.time()))
            return False

    def next_job(self, target: str = "") -> tuple[JobOut, bool] | None:
        """Return target's oldest unfinished job and whether it had been started before (a crash cut it off)."""
        with self._lock:
            row = self._db.execute(
                "SELECT body, state FROM jobs WHERE state != 'done' AND target = ? ORDER BY received_at, rowid LIMIT 1",
                (target,)).fetchone()
        if row is None:
            return None
        return JobOut.model_validate_json(row[0]), row[1] == "running"

    def start_job(self, job_id: str) -> None:
        """Mark a job as handed to the hardware."""
        with self._lock, self._transaction():
            self._db.execute("UPDATE jobs SET state = 'running' WHERE job_id = ?", (job_id,))

    def finish_job(self, job_id: str, result: dict) -> None:
        """Mark a job done and queue its result event, in one transaction."""
        with self._lock, self._transaction():
            self._db.execute("INSERT INTO events (event_id, payload, created_at) VALUES (?, ?, ?)",
                             (result["id"], json.dumps(result), time.time()))
            self._db.execute("UPDATE jobs SET state = 'done', result_event = ?, finished_at = ? WHERE job_id = ?",
                             (result["id"], time.time(), job_id))

    def add_event(self, event: dict) -> None:
        """Queue an event for the hub."""
        with self._lock, self._transaction():
            self._db.execute("INSERT INTO events (event_id, payload, created_at) VALUES (?, ?, ?)",
                             (event["id"], json.dumps(event), time.time()))

    def due_events(self, older_than_s: float) -> list[dict]:
        """Return unacked events never sent or last sent more than older_than_s ago, oldest first."""
        cutoff = time.time() - older_than_s
        with self._lock:
            rows = self._db.execute(
                "SELECT payload FROM events WHERE acked = 0 AND (sent_at IS NULL OR sent_at < ?) ORDER BY seq",
                (cutoff,)).fetchall()
        return [json.loads(row[0]) for row in rows]

    def mark_sent(self, event_id: str) -> None:
        """Record when an event was last published."""
        with self._lock, self._transaction():
            self._db.execute("UPDATE events SET sent_at = ? WHERE event_id = ?", (time.time(), event_id))

    def ack(self, event_id: str) -> bool:
        """Record the hub's ack; return False when no unacked event has that id."""
        with self._lock, self._transaction():
            return self._db.execute("UPDATE events SET acked = 1 WHERE event_id = ? AND acked = 0", (event_id,)).rowcount == 1

    def counts(self) -> dict:
        """Return how many jobs wait and how many events are not yet acked."""
        with self._lock:
            waiting = self._db.execute("SELECT COUNT(*) FROM jobs WHERE state != 'done'").fetchone()[0]
            unacked = self._db.execute("SELECT COUNT(*) FROM events WHERE acked = 0").fetchone()[0]
        return {"jobs_waiting": waiting, "events_unacked": unacked}

    def prune(self) -> None:
        """Forget long-finished jobs and acked events."""
        cutoff = time.time() - KEEP_DONE_S
        with self._lock, self._transaction():
            self._db.execute("DELETE FROM jobs WHERE state = 'done' AND finished_at < ?", (cutoff,))
            self._db.execute("DELETE FROM events WHERE acked = 1 AND created_at < ?", (cutoff,))
