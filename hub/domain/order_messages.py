"""Taking an order: the command (named as an order) and what happened to the order since (in the past tense)."""

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
    paid_online: int = 0  # minor units the customer paid (or had held on their card) in HQ's web shop
    paid_online_reference: str | None = None  # HQ's id for that payment


@dataclass(frozen=True, slots=True)
class OrderAccepted:
    """An order was taken on and its tickets queued."""

    order_id: str
    number: str


@dataclass(frozen=True, slots=True)
class OrderStatusChanged:
    """An order moved from one status to another."""

    order_id: str
    previous: str
    current: str
