"""Order submission and its replies: `order.submit`, `order.accepted`, `order.rejected`."""

from __future__ import annotations

import enum
import uuid
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, StrictInt

from hub.contracts.bounds import MAX_POINTS, Moment, Plain
from hub.contracts.discounts import MAX_DISCOUNTS, DiscountIn
from hub.contracts.sent import Sent

MAX_QTY = 99
MAX_LINES = 200


class Origin(str, enum.Enum):
    """Where an order came from."""

    KIOSK = "kiosk"
    COUNTER = "counter"
    APP = "app"
    WEB = "web"
    PHONE = "phone"
    MARKETPLACE = "marketplace"


class Release(str, enum.Enum):
    """When an order goes to the kitchen."""

    NOW = "now"
    WHEN_PAID = "when_paid"
    AT_COUNTER = "at_counter"


class Fulfilment(str, enum.Enum):
    """How the customer gets the order."""

    DINE_IN = "dine_in"
    TAKEAWAY = "takeaway"
    PICKUP = "pickup"
    DELIVERY = "delivery"
    SHIP = "ship"


def _qty_in_range(qty: int) -> int:
    if not 1 <= qty <= MAX_QTY:
        raise ValueError(f"must be between 1 and {MAX_QTY}")
    return qty


Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


class OrderLineIn(BaseModel):
    """One line of a submitted order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sku: Code = Field(description="Catalog SKU, e.g. `LATTE-M`.")
    qty: Annotated[StrictInt, AfterValidator(_qty_in_range)] = Field(
        description=f"Quantity, an integer from 1 to {MAX_QTY}."
    )
    modifiers: list[Code] = Field(default_factory=list, max_length=20, description="Modifier codes allowed for the SKU, e.g. `OAT`.")
    note: Annotated[str, Plain] | None = Field(default=None, max_length=200, description="Free text for the kitchen; control characters are dropped.")


class CustomerIn(BaseModel):
    """The customer, when known."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    loyalty_id: str | None = Field(default=None, max_length=64, description="Loyalty member id.")
    name: Annotated[str, Plain] | None = Field(default=None, max_length=80, description="Name to call out or find the order by.")
    phone: Annotated[str, Plain] | None = Field(default=None, max_length=32, description="Phone number to find the order by.")


class OrderSubmit(BaseModel):
    """`data` of `order.submit`, and the body of `POST /api/v1/orders`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    order_id: uuid.UUID = Field(description="Chosen by the sender; the same id sent again is the same order.")
    origin: Origin
    fulfilment: Fulfilment
    lines: list[OrderLineIn] = Field(min_length=1, max_length=MAX_LINES)
    customer: CustomerIn | None = None
    promised_at: Moment | None = Field(default=None, description="When the customer expects it; null means as soon as possible.")
    rush: StrictBool = Field(default=False, description="Pull the order forward in the queue.")
    tax_exempt: StrictBool = Field(default=False, description=(
        "Sell without tax (a tax-exempt customer): needs `tax_exempt_reason` and `tax_exempt_approval`, "
        "else 403 `approval_required`."))
    tax_exempt_reason: str | None = Field(default=None, max_length=200, description=(
        "Why the customer pays no tax, e.g. the exemption certificate's number."))
    tax_exempt_approval: str | None = Field(default=None, max_length=128, description=(
        "A manager's one-use approval token (`POST /api/v1/staff/approvals`, action `tax_exempt`), spent by this order."))
    redeem_points: StrictInt = Field(default=0, ge=0, le=MAX_POINTS, description=(
        "Loyalty points the customer spends as a discount: needs `member_proof` or a staff session."))
    member_proof: str | None = Field(default=None, max_length=128, description=(
        "The value of the member's card QR code, when the member spends points without staff."))
    release: Release = Field(default=Release.NOW, description=(
        "When the kitchen gets it: `now`; `when_paid` (held as `received` until tenders or card payments cover "
        "the total); `at_counter` (the store's `pay_at_counter` setting decides: refused, held, or sent now)."))
    discounts: list[DiscountIn] = Field(default_factory=list, max_length=MAX_DISCOUNTS, description=(
        "Discounts staff give by hand (counter), applied after promotions; one over the store's "
        "`discount_limit_percent` needs `approval`."))
    approval: str | None = Field(default=None, max_length=128, description=(
        "A manager's one-use approval token (`POST /api/v1/staff/approvals`, action `discount`), spent by this order."))


class Money(Sent):
    """An amount in minor units (cents) with its ISO 4217 currency."""

    amount: int
    currency: str = Field(min_length=3, max_length=3)


class TicketRef(Sent):
    """A station's ticket for an order."""

    station: str
    ticket_id: uuid.UUID


class OrderAccepted(Sent):
    """`data` of `order.accepted`: the reply to an order that the hub holds."""

    order_id: uuid.UUID
    number: str = Field(description="Short number shown to the customer, unique per business day, e.g. `A012`.")
    status: str = Field(description="Current status: received, accepted, in_progress, ready, completed or cancelled.")
    total: Money
    tickets: list[TicketRef]
    hold: str | None = Field(default=None, description=(
        "While status is `received`: what the order waits for before the kitchen gets it: `payment` "
        "(paid at the counter or the kiosk's terminal) or `confirmation` (a cashier accepts it with a quoted time)."))
    promised_at: AwareDatetime | None = Field(default=None, description="When the order will be ready, as promised or quoted.")


class OrderRejected(Sent):
    """`data` of `order.rejected`: the store turned down an order that waited for confirmation (stock released)."""

    order_id: uuid.UUID
    number: str = Field(description="The number the order had.")
    reason: str = Field(description="Why, in the cashier's words, for the customer.")
