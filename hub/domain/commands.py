"""Commands: what someone asks the hub to do, named as orders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class LineRequest:
    """A requested order line, before it is checked against the catalog."""

    sku: str
    qty: int
    modifiers: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ManualDiscount:
    """A discount staff give by hand, with the reason: a percent or an amount off one line or the whole order."""

    reason: str
    line: int | None = None  # the line's index; None = the whole order
    percent: int | None = None  # whole percent, 1 to 100
    amount: int | None = None  # minor units


@dataclass(frozen=True, slots=True)
class SubmitOrder:
    """Take an order from any origin; the same order id twice is one order."""

    order_id: str
    origin: str
    fulfilment: str
    lines: tuple[LineRequest, ...]
    fingerprint: str
    loyalty_id: str | None = None
    promised_at: datetime | None = None
    rush: bool = False
    source: str = "http"  # the device id for MQTT, "http" for the web API
    tax_exempt: bool = False
    redeem_points: int = 0  # loyalty points the customer spends as a discount
    release: str = "now"  # now | when_paid | at_counter (hub.domain.order_holds)
    customer_name: str | None = None
    customer_phone: str | None = None
    discounts: tuple[ManualDiscount, ...] = ()  # by hand at the counter (hub.services.staff.authorize_sale)
    approval: str | None = field(default=None, repr=False)  # a manager's one-use approval token; never logged
    tax_exempt_reason: str | None = None  # why this customer pays no tax (a certificate, a diplomat's card)
    tax_exempt_approval: str | None = field(default=None, repr=False)  # a manager's `tax_exempt` approval token
    member_proof: str | None = field(default=None, repr=False)  # redeem_points: the member's card QR value
    staff_token: str | None = field(default=None, repr=False)  # the counter session's bearer token; never logged


@dataclass(frozen=True, slots=True)
class MarkSoldOut:
    """86 an item by hand (sold_out=True), or bring it back."""

    sku: str
    sold_out: bool
    by: str = "staff"


@dataclass(frozen=True, slots=True)
class SetPromotionActive:
    """Switch a promotion on or off, effective for the next basket."""

    promo_id: str
    active: bool


@dataclass(frozen=True, slots=True)
class AddTender:
    """Pay part or all of an order: cash, card, gift card or loyalty points."""

    tender_id: str
    order_id: str
    kind: str
    amount: int
    code: str | None = None  # gift card code or member id; card payments come from the terminal
    reference: str | None = None
    member_proof: str | None = field(default=None, repr=False)  # points: the member's card QR value
    staff: bool = False  # points: a signed-in staff member takes the tender (they checked the member)


@dataclass(frozen=True, slots=True)
class RefundOrder:
    """Give back some or all units of an order's lines, to the original tenders, restocking them."""

    refund_id: str
    order_id: str
    lines: tuple[tuple[int, int], ...] = ()  # (line number, units); empty means everything left


@dataclass(frozen=True, slots=True)
class IssueGiftCard:
    """Load a gift card with a balance, up to the store's limit per card."""

    code: str = field(repr=False)  # spendable as it is: never logged
    amount: int
    currency: str


@dataclass(frozen=True, slots=True)
class ReceiveStock:
    """Units arrived at a location: in transit (as far as expected) becomes on hand."""

    sku: str
    qty: int
    location: str | None = None  # the store itself
