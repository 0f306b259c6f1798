"""The JSON envelope every MQTT payload travels in."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hub.contracts.bounds import Moment

PROTOCOL_VERSION = 1


class Envelope(BaseModel):
    """Carry one message: its id, type, time, the request it answers, and its data."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1] = Field(description="Protocol version; always 1.")
    id: uuid.UUID = Field(description="Message id chosen by the sender (a UUID).")
    type: str = Field(min_length=1, max_length=64, description="Message type, e.g. `order.submit`.")
    at: Moment = Field(description="When the sender created the message (RFC 3339 with offset).")
    re: uuid.UUID | None = Field(default=None, description="Id of the request this message answers.")
    data: dict[str, Any] = Field(description="The message body; its schema depends on `type`.")


def envelope(type_: str, data: dict[str, Any], *, re: str | uuid.UUID | None = None) -> dict[str, Any]:
    """Build an envelope as a JSON-ready dict with a fresh id and the current time."""
    message: dict[str, Any] = {
        "v": PROTOCOL_VERSION,
        "id": str(uuid.uuid4()),
        "type": type_,
        "at": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
    message["re"] = str(re) if re is not None else None
    message["data"] = data
    return message
