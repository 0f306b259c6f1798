"""The `error` reply and its codes."""

from __future__ import annotations

import enum

from pydantic import BaseModel, Field


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


class ErrorReply(BaseModel):
    """`data` of an `error` reply."""

    code: ErrorCode
    message: str = Field(description="What is wrong, in words, naming the field.")
    field: str | None = Field(default=None, description="Path of the offending field, e.g. `lines[0].qty`.")
