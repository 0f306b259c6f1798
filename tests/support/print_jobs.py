"""A print job as the hub sends it (JobOut with a PrintPayload), for tests that need any valid one."""

from __future__ import annotations

import uuid

from hub.contracts.envelope import envelope
from hub.contracts.jobs import JOB


def print_payload(text: str) -> dict:
    """A print job's payload: a one-item kitchen ticket naming `text`."""
    ticket = {"document": "kitchen_ticket", "order_id": "o-1", "order_number": "A001", "station": "bar",
              "origin": "kiosk", "fulfilment": "takeaway", "placed_at": "2026-11-22T12:00:00Z",
              "items": [{"qty": 1, "name": text}]}
    return {"document": ticket}


def print_job(text: str) -> dict:
    """A whole `job` envelope printing `text`."""
    return envelope(JOB, {"job_id": str(uuid.uuid4()), "kind": "print", "payload": print_payload(text)})
