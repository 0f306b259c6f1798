"""Card payments: the `pay` job's payload, what a terminal reports back, and the HTTP bodies.

The hub sends a `job` of kind `pay` to the agent that drives the terminal; the agent
answers with `job.result` whose `detail` is a `PayDetail`. No card number ever crosses
this boundary: only a masked number showing at most the last four digits.
"""

from __future__ import annotations

import enum
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from hub.contracts.bounds import MAX_AMOUNT

PAY = "pay"

class PayOperation(str, enum.Enum):
    """What the terminal is asked to do."""

    AUTHORISE = "authorise"  # take a card payment
    REVERSE = "reverse"  # cancel an approved payment of the open batch, by receipt number
    REFUND = "refund"  # give an amount back to a card
    END_OF_DAY = "end_of_day"  # close the terminal's batch
    STATUS = "status"  # ask whether the terminal is ready and what its last transaction was


class PayJob(BaseModel):
    """`payload` of a `pay` job."""

    model_config = ConfigDict(extra="forbid")

    operation: PayOperation
    payment_id: uuid.UUID | None = Field(default=None, description="The hub's payment this job belongs to.")
    order_id: uuid.UUID | None = None
    amount: StrictInt | None = Field(default=None, gt=0, le=MAX_AMOUNT, description="Minor units (cents); for authorise, refund and status.")
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. `EUR`.")
    receipt_no: str | None = Field(default=None, pattern=r"^[0-9]{1,4}$", description="The terminal's receipt number of the payment to reverse.")

    @model_validator(mode="after")
    def _needs(self) -> PayJob:
        if self.operation in (PayOperation.AUTHORISE, PayOperation.REFUND) and self.amount is None:
            raise ValueError(f"{self.operation.value} needs an amount")
        if self.operation is PayOperation.REVERSE and self.receipt_no is None:
            raise ValueError("reverse needs the receipt_no of the payment")
        return self


class PayResultKind(str, enum.Enum):
    """How a terminal transaction ended, as the agent saw it."""

    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"  # the customer or the ECR aborted
    FAILED = "failed"  # the terminal could not do it; nothing was charged
    UNKNOWN = "unknown"  # the result was lost and the terminal could not be asked; check again


class CardFacts(BaseModel):
    """What a receipt may show about a card transaction."""

    model_config = ConfigDict(extra="ignore")

    result: PayResultKind
    amount: int | None = None
    currency: str | None = None
    masked_pan: str | None = Field(default=None, pattern=r"^\**[0-9]{0,4}$", description="At most the last four digits.")
    brand: str | None = None
    auth_code: str | None = None
    receipt_no: str | None = None
    trace_no: str | None = None
    terminal_id: str | None = None
    card_token: str | None = Field(default=None, description="A token for the card when the terminal provides one.")
    unreported: bool | None = Field(default=None, description="For `last`: the agent never reported this transaction's result.")


class PayDetail(CardFacts):
    """`detail` of the `job.result` of a `pay` job."""

    operation: PayOperation
    result_code: int | None = Field(default=None, description="The terminal's ZVT result code.")
    recovered: bool = Field(default=False, description="The result was lost and read back from the terminal afterwards.")
    last: CardFacts | None = Field(default=None, description="For `status`: the terminal's last transaction.")
    ready: bool | None = Field(default=None, description="For `status`: whether the terminal is ready.")
    receipt: list[str] = Field(default_factory=list, description="Receipt lines from the terminal.")


class PaymentRequest(BaseModel):
    """Body of `POST /api/v1/orders/<order_id>/payments`."""

    model_config = ConfigDict(extra="forbid")

    device_id: str = Field(min_length=1, max_length=64, description="The kiosk or counter the customer pays at.")
    amount: StrictInt | None = Field(default=None, gt=0, le=MAX_AMOUNT, description="Minor units; default: what is still to pay on the order.")
    payment_id: uuid.UUID | None = Field(default=None, description="Chosen by the caller to make a retry safe; the same id twice is one payment.")


class RefundRequest(BaseModel):
    """Body of `POST /api/v1/payments/<payment_id>/refund`."""

    model_config = ConfigDict(extra="forbid")

    amount: StrictInt | None = Field(default=None, gt=0, le=MAX_AMOUNT, description="Minor units; default: all that is not refunded yet.")


class TerminalAssignment(BaseModel):
    """Body of `PUT /api/v1/payment-terminals/<device_id>`: which terminal serves a kiosk or counter."""

    model_config = ConfigDict(extra="forbid")

    agent_device_id: str = Field(min_length=1, max_length=64, description="The device id of the agent driving the terminal.")
    hardware: str | None = Field(default=None, max_length=64, description="The terminal's name in the agent's config; none = the agent's only terminal.")


def pay_detail(data: dict[str, Any]) -> PayDetail | None:
    """Return a job result's detail as a PayDetail, or None when it is not one."""
    try:
        return PayDetail.model_validate(data)
    except ValueError:
        return None
