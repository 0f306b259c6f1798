"""The hub's answers on MQTT: `ack` and `error` replies, and the `deadletter` copy (hub.contracts.jobs, errors)."""

from __future__ import annotations

import base64
from typing import Any


def ack_data(event_id: str | None) -> dict[str, Any]:
    """Return the `data` of an `ack` of a device event (EventAck)."""
    return {"event_id": event_id}


def error_data(code: str, message: str, field: str | None) -> dict[str, Any]:
    """Return the `data` of an `error` reply (ErrorReply)."""
    return {"code": code, "message": message, "field": field}


def deadletter_data(topic: str, error: dict[str, Any], payload: bytes) -> dict[str, Any]:
    """Return the `data` of a `deadletter` copy of a refused message (DeadLetter): its text, or base64 when not UTF-8."""
    try:
        sent: object = payload.decode()
    except UnicodeDecodeError:
        sent = {"base64": base64.b64encode(payload).decode()}
    return {"topic": topic, "error": error, "payload": sent}
