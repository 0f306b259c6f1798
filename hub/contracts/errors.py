"""The `error` reply and its codes."""

from __future__ import annotations

import enum
from typing import Any

from pydantic import Field

from hub.contracts.sent import Sent


class ErrorCode(str, enum.Enum):
    """Why the hub refused a message."""

    INVALID_JSON = "invalid_json"  # the payload is not JSON (or not UTF-8)
    INVALID_PAYLOAD = "invalid_payload"  # JSON, but not a valid envelope or order
    UNKNOWN_SKU = "unknown_sku"  # a line names a SKU the catalog does not have
    UNKNOWN_MODIFIER = "unknown_modifier"  # a modifier the SKU does not allow
    CONFLICT = "conflict"  # the order id was already used for a different order
    UNAVAILABLE = "unavailable"  # the item is sold out
    INTERNAL = "internal"  # the hub could not store the order; send it again
    PAY_AT_COUNTER_OFF = "pay_at_counter_off"  # release at_counter, but the store's setting is off


class ErrorReply(Sent):
    """`data` of an `error` reply."""

    code: str = Field(description=(
        "Why: one of the error codes above, or the code of the order rule that refused it "
        "(e.g. `approval_required`, `not_permitted`, `not_found`), as the HTTP API says it."))
    message: str = Field(description="What is wrong, in words, naming the field.")
    field: str | None = Field(default=None, description="Path of the offending field, e.g. `lines[0].qty`.")


class DeadLetter(Sent):
    """`data` of a `deadletter` copy on `hub/deadletter`: a refused message and why."""

    topic: str = Field(description="The topic the refused message came on.")
    error: ErrorReply = Field(description="The `error` reply its sender got.")
    payload: str | dict[str, Any] = Field(description="The message as sent: its text, or `{\"base64\": ...}` when it was not UTF-8.")
