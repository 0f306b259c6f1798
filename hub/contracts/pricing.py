"""Basket pricing, availability, tenders and refunds: `POST /api/v1/baskets/price` and friends."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from hub.contracts.bounds import MAX_AMOUNT, MAX_POINTS, Moment
from hub.contracts.discounts import MAX_DISCOUNTS, DiscountIn
from hub.contracts.money import format_money
from hub.contracts.orders import MAX_LINES, MAX_QTY, Code, CustomerIn, Money, OrderLineIn, Origin
from hub.contracts.sent import Sent


class BasketIn(BaseModel):
    """The body of `POST /api/v1/baskets/price`: an order's lines, its channel and customer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lines: list[OrderLineIn] = Field(min_length=1, max_length=MAX_LINES)
    channel: Origin = Field(description="Where the basket is sold; `phone` prices as `counter`.")
    customer: CustomerIn | None = None
    # A preview, on purpose: the cashier shows the customer the net price while the manager comes over;
    # pricing writes nothing and takes no money, so the gate is the order (approval and reason there).
    tax_exempt: StrictBool = Field(default=False, description=(
        "Price without tax, as a preview: an order with `tax_exempt` needs a manager's approval and a reason."))
    redeem_points: StrictInt = Field(default=0, ge=0, le=MAX_POINTS, description="Loyalty points to spend as a discount.")
    at: Moment | None = Field(default=None, description="Price as at this time (promotion windows); now if null.")
    discounts: list[DiscountIn] = Field(default_factory=list, max_length=MAX_DISCOUNTS,
                                        description="Discounts by hand, applied after promotions, each with its reason.")
    approval: str | None = Field(default=None, max_length=128,
                                 description="Accepted for symmetry with orders; pricing never spends it.")


class PricedPartOut(BaseModel):
    """A bundle part's share of its line, taxed at the part's own rates."""

    sku: str
    name: str
    qty: int = Field(description="Units of the part in the line: the line's qty times the units in one bundle.")
    list_price: Money = Field(description="The part's own unit price for the channel and location: its weight in the split.")
    amount: Money = Field(description="Its share of the line before discounts, in proportion to its list price.")
    discount: Money = Field(description="Its share of the line's discounts, in proportion to its amount.")
    net: Money = Field(description="What is taxed at the part's rates; the parts' nets add up to the line's.")
    tax_codes: list[str] = Field(description="The part's tax rates (`taxes[].code`).")


class PricedLineOut(BaseModel):
    """A line with its price before and after discounts."""

    index: int
    sku: str
    name: str
    qty: int
    modifiers: list[str] = Field(description="Chosen modifiers, including defaults of required groups.")
    unit_price: Money
    amount: Money
    discount: Money
    net: Money
    parts: list[PricedPartOut] = Field(default_factory=list, description="A bundle's price and discounts shared over its parts; empty for other lines.")


class DiscountLineOut(BaseModel):
    """How much of a discount one line carries."""

    index: int
    amount: int


class DiscountOut(BaseModel):
    """A discount and the promotion that gave it."""

    promotion: str = Field(description="The promotion's id; `loyalty-reward`; or `manual-<n>` for `discounts[n]`.")
    name: str
    amount: Money
    lines: list[DiscountLineOut]
    reason: str | None = Field(default=None, description="A manual discount's reason (absent for promotions).")
    approval_required: bool | None = Field(default=None, description="A manual discount over the store's limit.")
    line: int | None = Field(default=None, description="A manual discount's line as asked; null = the whole order.")
    percent: int | None = Field(default=None, description="A manual discount asked as a percent (null: as an amount).")


class TaxOut(BaseModel):
    """Tax of one rate over the basket."""

    code: str
    name: str
    rate_bp: int
    taxable: Money = Field(description="Net amount the rate applied to.")
    amount: Money


class HintOut(BaseModel):
    """A promotion that almost applied, and what is missing."""

    promotion: str
    message: str = Field(description="e.g. `add 1 more pastry to get 3 pastries for the price of 2`.")
    kind: str | None = Field(default=None, description="`add_slot`, `add_more` or `spend_more`: for saying it in another language.")
    name: str | None = Field(default=None, description="The promotion's name.")
    count: int = Field(default=0, description="How many to add (`add_slot`, `add_more`).")
    noun: str = Field(default="", description="What to add, e.g. `pastry`.")
    amount: int = Field(default=0, description="How much more to spend, minor units (`spend_more`).")


API_LANGUAGE = "en"  # a hint's `message` is for integrators; the pages say the same parts in their reader's language
_HINT_SENTENCES = {
    "add_slot": "add a {noun} to get {name}",
    "add_more": "add {count} more {noun} to get {name}",
    "spend_more": "spend {amount} more to get {name}",
}


def hint_message(hint: Mapping[str, Any], currency: str) -> str:
    """Return a hint's English `message` from its parts, e.g. `spend €5.20 more to get 2.00 off`."""
    amount = format_money(hint.get("amount", 0), currency, API_LANGUAGE)
    return _HINT_SENTENCES[hint["kind"]].format(count=hint.get("count", 0), noun=hint.get("noun", ""),
                                                name=hint.get("name", ""), amount=amount)


def with_hint_messages(pricing: Mapping[str, Any]) -> dict[str, Any]:
    """Return a priced basket whose hints carry their English `message` (the pricing engine returns the parts only)."""
    currency = pricing["total"]["currency"]
    return {**pricing, "hints": [{**hint, "message": hint_message(hint, currency)} if hint.get("kind") in _HINT_SENTENCES
                                 else hint for hint in pricing.get("hints", [])]}


class PricedBasketOut(BaseModel):
    """The reply of `POST /api/v1/baskets/price`; an accepted order keeps the same object as `pricing`."""

    channel: str
    tax_inclusive: bool
    tax_exempt: bool
    lines: list[PricedLineOut]
    discounts: list[DiscountOut]
    taxes: list[TaxOut]
    subtotal: Money
    discount: Money
    tax: Money
    total: Money = Field(description="What the customer pays; equals the accepted order's total.")
    hints: list[HintOut]
    approval_required: bool = Field(default=False, description=(
        "Its manual discounts go over `discount_limit_percent`: submitting it needs a manager's `approval`."))


class Availability(Sent):
    """`data` of the retained `passline/<store>/broadcast/availability` message, and of the `/hub` event of that name."""

    sold_out: list[str] = Field(description="SKUs nobody can order now: by hand, out of stock, or a part of a bundle is.")
    by_hand: list[str] = Field(description="SKUs staff marked sold out (86).")
    stock: dict[str, dict[str, int]] = Field(description="Stock-tracked SKU -> channel -> units that channel may still sell.")
    catalog_version: int | None = Field(default=None, description=(
        "`/hub` only, after a catalog pull from HQ: the new catalog's version; pages read the menu again."))


class SoldOutIn(BaseModel):
    """The body of `PUT /api/v1/items/<sku>/sold-out`."""

    model_config = ConfigDict(extra="forbid")

    sold_out: StrictBool
    by: str = Field(default="staff", max_length=64, description="Ignored: the hub records who is signed in (kept for old clients).")


class TenderIn(BaseModel):
    """The body of `POST /api/v1/orders/<id>/tenders`."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(pattern="^(cash|gift_card|points)$", description="Cards are recorded from the payment terminal.")
    amount: StrictInt = Field(gt=0, le=MAX_AMOUNT, description="Offered, minor units; cash above what is due gives change.")
    code: str | None = Field(default=None, max_length=64, description="Gift card code, or member id for points.")
    member_proof: str | None = Field(default=None, max_length=128, description=(
        "Points: the value of the member's card QR code; not needed from a signed-in member of staff."))
    device_id: str | None = Field(default=None, max_length=64, description=(
        "The till taking the money: a cash tender opens its drawer (`PUT /api/v1/cash-drawers/<device_id>`)."))
    approval: str | None = Field(default=None, max_length=128, description=(
        "Points while headquarters cannot be reached, above the store's `counter.offline_points_limit`: "
        "a manager's one-use `points_offline` approval token."))


class RefundLineIn(BaseModel):
    """Units of one priced line to refund."""

    model_config = ConfigDict(extra="forbid")

    index: StrictInt = Field(ge=0, lt=MAX_LINES)
    qty: StrictInt = Field(ge=1, le=MAX_QTY)


class RefundIn(BaseModel):
    """The body of `POST /api/v1/orders/<id>/refunds`; no lines refunds everything left."""

    model_config = ConfigDict(extra="forbid")

    lines: list[RefundLineIn] = Field(default_factory=list, max_length=MAX_LINES)
    approval: str | None = Field(default=None, max_length=128,
                                 description="A manager's one-use approval (action `refund`); required.")


class GiftCardIn(BaseModel):
    """The body of `POST /api/v1/gift-cards`."""

    model_config = ConfigDict(extra="forbid")

    code: Code
    amount: StrictInt = Field(gt=0, le=MAX_AMOUNT, description="Minor units; a card holds at most the store's `counter.gift_card_max`.")
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    approval: str | None = Field(default=None, max_length=128, description=(
        "A manager's one-use approval (action `gift_card`); an owner's session needs none."))
