"""The end of the day over HTTP: opening floats, paid in/out, drawer counts, carry-overs, the close."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from hub.contracts.bounds import MAX_AMOUNT
from hub.contracts.printing import DeviceId

Reason = Field(min_length=1, max_length=200, description="In words, for the Z report.")
Approval = Field(default=None, max_length=200, description="A manager's one-use approval for the action `day_close` "
                                                           "(POST /api/v1/staff/approvals); an owner signed in needs none.")


class FloatIn(BaseModel):
    """Body of `PUT /api/v1/drawers/{drawer_id}/float`: the cash put in the drawer at the start of the day."""

    model_config = ConfigDict(extra="forbid")

    amount: StrictInt = Field(ge=0, le=MAX_AMOUNT, description="Minor units (cents).")


class CashMoveIn(BaseModel):
    """Body of `POST /api/v1/drawers/{drawer_id}/moves`: money in or out of a drawer that is no sale."""

    model_config = ConfigDict(extra="forbid")

    move_id: uuid.UUID | None = Field(default=None, description="Sent twice, kept once.")
    kind: Literal["paid_in", "paid_out"]
    amount: StrictInt = Field(gt=0, le=MAX_AMOUNT, description="Minor units (cents).")
    reason: str = Reason


class CountIn(BaseModel):
    """Body of `POST /api/v1/days/{day}/drawers/{drawer_id}/count`: the drawer counted by denomination."""

    model_config = ConfigDict(extra="forbid")

    counts: dict[str, StrictInt] = Field(description="Denomination in cents -> pieces, e.g. `{\"5000\": 2, \"200\": 7}`; "
                                                     "a negative or unknown denomination is refused naming it.")
    reason: str | None = Field(default=None, max_length=200, description="Why the count differs; required when it does.")
    approval: str | None = Approval


class CarryOverIn(BaseModel):
    """Body of `POST /api/v1/days/{day}/carry-overs`: move an open or unpaid order to the next day."""

    model_config = ConfigDict(extra="forbid")

    order_id: uuid.UUID
    reason: str = Reason


class CloseIn(BaseModel):
    """Body of `POST /api/v1/days/{day}/close`."""

    model_config = ConfigDict(extra="forbid")

    approval: str | None = Approval


class PrintZIn(BaseModel):
    """Body of `POST /api/v1/days/{day}/z-report/print`: the till whose receipt printer prints it."""

    model_config = ConfigDict(extra="forbid")

    device_id: DeviceId
