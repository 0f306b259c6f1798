"""Turn device events (`out/event`) into the command that records them."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from hub.contracts.errors import ErrorCode
from hub.contracts.jobs import JOB_RESULT, JobResult
from hub.contracts.validation import first_error
from hub.domain.device_jobs import RecordDeviceEvent
from hub.entrypoints.intake import Refusal, read_envelope


def parse_device_event(payload: bytes, device_id: str) -> RecordDeviceEvent | Refusal:
    """Parse an event a device sent, or say what is wrong with it."""
    message = read_envelope(payload)
    if isinstance(message, Refusal):
        return message
    data: dict[str, Any] = message.data
    if message.type == JOB_RESULT:
        try:
            data = JobResult.model_validate(message.data).model_dump(mode="json")
        except ValidationError as exc:
            field, text = first_error(exc)
            return Refusal(ErrorCode.INVALID_PAYLOAD.value, text, field, str(message.id))
    return RecordDeviceEvent(device_id=device_id, type=message.type, data=data, event_id=str(message.id))

