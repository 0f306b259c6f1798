"""Wire formats of the headquarters API: validated on the way in, and the source of docs/cloud-api.md."""

from __future__ import annotations

from datetime import date, datetime, timezone
from enum import StrEnum
from typing import Annotated, Literal, Union

from hub.contracts.catalog import Channel, PromotionIn
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")]
EventId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")]
Location = Annotated[str, Field(min_length=1, max_length=129,
                                pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*(/[A-Za-z0-9][A-Za-z0-9._:-]*)?$")]
Language = Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
# A time with its offset, kept in UTC: the same instant is the same content whatever its notation.
Time = Annotated[AwareDatetime, AfterValidator(lambda value: value.astimezone(timezone.utc))]
# Stock deltas and points are kept in 32-bit integer columns (PostgreSQL's INTEGER); far past any real quantity.
Delta = Annotated[int, Field(ge=-1_000_000_000, le=1_000_000_000)]
Texts = Annotated[dict[Language, str], Field(min_length=1, description="words per language, e.g. {\"en\": ..., \"de\": ...}")]


class Contract(BaseModel):
    """A wire object: unknown fields are refused, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Money(Contract):
    """An amount in minor units (cents) and its currency."""

    amount: int
    currency: Currency


# --- catalog -----------------------------------------------------------------------------------------------------


class Image(Contract):
    """A picture of an item, with words for those who cannot see it."""

    url: str = Field(min_length=1, max_length=2000)
    alt: dict[Language, str] = {}


class Variant(Contract):
    """One way an item is sold (size, colour), with its own SKU."""

    sku: Code
    names: Texts
    variant: dict[str, str] = Field({}, description="what differs from the item: {\"size\": \"L\"}")


class Category(Contract):
    """A menu section."""

    code: Code
    names: Texts
    position: int = 0


class Modifier(Contract):
    """One choice in a modifier group."""

    code: Code
    names: Texts
    price_delta: int = Field(0, description="added to the item's price, in minor units")
    parent: Code | None = Field(None, description="nested one level: allowed only with this modifier")


class ModifierGroup(Contract):
    """Choices offered with an item (milk, extras), with how many may be taken."""

    code: Code
    names: Texts
    min_choices: int = Field(0, ge=0)
    max_choices: int = Field(1, ge=1)
    default: Code | None = Field(None, description="chosen when a required group is left empty")
    modifiers: list[Modifier] = Field(min_length=1)


class Item(Contract):
    """A thing the chain sells; prices come from the price lists."""

    sku: Code
    names: Texts
    descriptions: dict[Language, str] = {}
    category: Code
    tax_code: Code = Field(description="the tax class; the store's jurisdiction gives its rate")
    station: Code = Field(description="the station that makes or picks it: bar, grill, pick-a ...")
    prep_seconds: int = Field(ge=0, le=24 * 3600)
    variants: list[Variant] = []
    modifier_groups: list[Code] = []
    images: list[Image] = []
    allergens: list[str] = []
    dietary: list[str] = []
    gtin: str | None = Field(None, pattern=r"^\d{8}(\d{4,6})?$", description="barcode: GTIN-8, 12, 13 or 14")
    serial_tracked: bool = False


class BundlePart(Contract):
    """One item in a bundle."""

    sku: Code
    qty: int = Field(1, ge=1, le=99)


class Bundle(Contract):
    """Items sold together as one (a meal deal)."""

    sku: Code
    names: Texts
    category: Code
    parts: list[BundlePart] = Field(min_length=1)


class Price(Contract):
    """An item's price: chain-wide, or for one store, and for every channel or one."""

    sku: Code
    store: Code | None = Field(None, description="null: every store without its own price")
    channel: Channel | None = Field(None, description="null: every channel without its own price")
    price: Money


class Promotion(Contract):
    """A promotion for some stores between two moments; `rule` is what the hub's pricing engine runs."""

    code: Code
    names: Texts
    stores: list[Code] | None = Field(None, description="null: every store")
    starts_at: Time
    ends_at: Time
    rule: PromotionIn = Field(description="the hub's promotion (docs/pricing.md): kind, value, targets, daily windows, "
                              "channels, tiers ...; its `id` is the promotion's `code`")

    @model_validator(mode="after")
    def _consistent(self) -> Promotion:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if self.rule.id != self.code:
            raise ValueError("rule.id must be the promotion's code")
        return self


class TaxRate(Contract):
    """The rate of one tax class in one jurisdiction; each store has one jurisdiction."""

    jurisdiction: Code
    tax_code: Code
    rate_bp: int = Field(ge=0, le=10000, description="basis points: 1900 = 19 %")
    inclusive: bool = Field(True, description="true: prices include this tax")


# --- loyalty -----------------------------------------------------------------------------------------------------


class Tier(Contract):
    """A loyalty tier, reached from a number of points earned."""

    code: Code
    names: Texts
    threshold: int = Field(ge=0, description="points earned to reach it")
    multiplier_bp: int = Field(10_000, ge=0, description="points per accrual: 10000 = 1x, 15000 = 1.5x")


class Member(Contract):
    """A loyalty member of the chain (the card's id)."""

    member_id: Code
    name: str = Field("", max_length=200)
    tier: Code | None = None
    phone: str | None = Field(None, max_length=32, description="for sign-in at a kiosk")


class MemberBalance(Contract):
    """A member as stores see them: the balance is the sum of the chain's ledger."""

    member_id: Code
    name: str
    tier: Code | None
    phone: str | None = None
    balance: int


# --- feeds -------------------------------------------------------------------------------------------------------


class Feed(StrEnum):
    """What a store reads by cursor."""

    catalog = "catalog"  # categories, items, modifier groups, bundles
    prices = "prices"  # the prices for this store (its own and the chain's)
    promotions = "promotions"  # promotions whose scope includes this store
    taxes = "taxes"  # the rates of this store's jurisdiction
    loyalty = "loyalty"  # tiers, and each member's balance after every ledger change
    web_orders = "web_orders"  # the web shop's orders for pickup at this store, and HQ's cancellations


class Change(Contract):
    """One versioned change in a feed: the newest change of a key is its state."""

    cursor: str = Field(description="opaque; pass the last one read as `after`")
    kind: str = Field(description="category, item, modifier_group, bundle, price, promotion, tax, tier, member or web_order")
    key: str = Field(description="what changed; a later change with the same kind and key replaces it")
    deleted: bool = False
    body: dict | None = Field(description="the object as its model above, or null when deleted")
    at: Time


class FeedPage(Contract):
    """A page of a feed: changes after the cursor given, oldest first."""

    feed: Feed
    changes: list[Change]
    next_cursor: str | None = Field(description="pass as `after` for the next page; equals `after` when nothing is new")
    more: bool = Field(description="true: more changes are waiting, ask again at once")


# --- web pickup orders (BOPIS) -----------------------------------------------------------------------------------


class PickupStatus(StrEnum):
    """Where a web order for pickup stands; the store moves it on, HQ may only cancel before it is collected."""

    placed = "placed"  # at HQ, not yet taken by the store
    accepted = "accepted"  # in the store's queue
    ready = "ready"  # waiting at the pickup point
    collected = "collected"  # handed over (final)
    cancelled = "cancelled"  # by the customer at HQ or by the store (final)


class PaymentState(StrEnum):
    """How a web order is paid when it reaches the store."""

    paid = "paid"  # captured online: hand it over
    authorized = "authorized"  # reserved online, captured at pickup
    unpaid = "unpaid"  # pay at the counter on pickup


class PickupCustomer(Contract):
    """Who collects a web order: what staff call out and check."""

    name: str = Field(min_length=1, max_length=100)
    phone: str | None = Field(None, max_length=32)


class WebOrder(Contract):
    """The web shop's order for pickup at one store: `POST /api/v1/web-orders`, and `body` on the `web_orders` feed."""

    order_id: EventId
    store: Code
    placed_at: Time
    pickup_at: Time | None = Field(None, description="null: as soon as it is ready")
    customer: PickupCustomer
    lines: list["OrderLine"] = Field(min_length=1)
    total: Money
    payment: PaymentState
    loyalty_id: Code | None = None
    status: PickupStatus = Field(PickupStatus.placed, description="set by HQ; a body sent with another is refused")


# --- store events ------------------------------------------------------------------------------------------------


class OrderLine(Contract):
    """One line of a sold order, at the price it was sold for."""

    sku: Code
    qty: int = Field(ge=1, le=9999)
    unit_price: Money
    modifiers: list[Code] = []


class OrderEvent(Contract):
    """An order the store took; `id` is the order id."""

    kind: Literal["order"]
    id: EventId
    number: str = Field(max_length=32)
    origin: str = Field(max_length=32, description="kiosk, counter, web, app, phone, marketplace")
    channel: Channel | None = Field(None, description="the price list it was sold from, when not the origin's")
    placed_at: Time
    lines: list[OrderLine] = Field(min_length=1)
    total: Money
    loyalty_id: Code | None = None


class PaymentEvent(Contract):
    """Money taken for an order; its order must be at HQ first."""

    kind: Literal["payment"]
    id: EventId
    order_id: EventId
    method: str = Field(max_length=32, description="card, cash, gift_card, ...")
    amount: Money
    paid_at: Time


class RefundEvent(Contract):
    """Money given back for an order."""

    kind: Literal["refund"]
    id: EventId
    order_id: EventId
    amount: Money
    reason: str = Field("", max_length=200)
    refunded_at: Time


class StockMoveEvent(Contract):
    """A change to the stock of one SKU at one of the store's locations; quantities are signed deltas."""

    kind: Literal["stock_move"]
    id: EventId
    location: Location = Field(description="the store's code, or `<store>/<place>` for a place inside it")
    sku: Code
    on_hand: Delta = 0
    reserved: Delta = 0
    in_transit: Delta = 0
    reason: str = Field(max_length=32, description="sale, receipt, count, waste, transfer, ...")
    moved_at: Time


class LoyaltyEntryEvent(Contract):
    """Points added (accrual, positive) or taken (redemption, negative) on a member's ledger."""

    kind: Literal["loyalty_entry"]
    id: EventId
    member_id: Code
    points: Delta = Field(description="never 0")
    order_id: EventId | None = None
    channel: Channel | None = None
    at: Time

    @model_validator(mode="after")
    def _not_zero(self) -> LoyaltyEntryEvent:
        if self.points == 0:
            raise ValueError("points must not be 0")
        return self


class PickupStatusEvent(Contract):
    """A web order's new status, from the store that holds it; HQ keeps every one."""

    kind: Literal["pickup_status"]
    id: EventId
    order_id: EventId
    status: PickupStatus
    at: Time


class DayCloseEvent(Contract):
    """A business day the store closed, with its Z report as the store printed it; `id` is `day:<date>`."""

    kind: Literal["day_close"]
    id: EventId
    z_number: int = Field(ge=1, description="the store's consecutive Z report number")
    day: date
    closed_at: Time
    closed_by: str = Field(max_length=80, description="the manager who signed the day off, or `auto`")
    figures: dict = Field(description="orders, gross, tax, net; per channel, tender and tax rate; discounts, voids, refunds")
    drawers: list[dict] = Field(description="per drawer: float, expected, counted, difference and its reason")
    cards: list[dict] = Field(description="per card terminal: its end-of-day total against the store's")
    carried_over: list[dict] = Field([], description="open orders carried to the next day, with the reason")
    cash_difference: int = Field(description="counted less expected over every drawer, minor units")
    card_mismatches: int = Field(ge=0, description="card total lines that did not match the store's")


StoreEvent = Annotated[
    Union[OrderEvent, PaymentEvent, RefundEvent, StockMoveEvent, LoyaltyEntryEvent, PickupStatusEvent, DayCloseEvent],
    Field(discriminator="kind"),
]


class EventBatch(Contract):
    """`POST /api/v1/stores/<store>/events`: up to 500 events, taken one by one in order."""

    events: list[dict] = Field(min_length=1, max_length=500, description="each one of the event models below")


class Outcome(StrEnum):
    """What became of one event."""

    committed = "committed"  # stored now
    already_committed = "already_committed"  # the same id with the same body was stored before: count it as sent
    refused = "refused"  # not stored; see code, message and retry


class EventResult(Contract):
    """The answer for one event, in the batch's order."""

    id: str | None
    outcome: Outcome
    status: int = Field(description="201 committed, 200 already committed, 409 same id other body, 422 invalid or refused")
    code: str | None = None
    message: str | None = None
    field: str | None = None
    retry: bool = Field(False, description="true: send it again later (e.g. its order is not at HQ yet)")


class EventResults(Contract):
    """The answer to a batch."""

    results: list[EventResult]


# --- stock and access --------------------------------------------------------------------------------------------


class StockLevel(Contract):
    """Stock of one SKU at one location, summed from its moves."""

    location: str
    sku: str
    on_hand: int
    reserved: int
    in_transit: int
    available: int = Field(description="on_hand - reserved")


class StockLevels(Contract):
    """`GET .../stock?sku=`: levels per location."""

    levels: list[StockLevel]


class EnrolRequest(Contract):
    """`POST /api/v1/enrol`: a store's one-time enrolment code."""

    code: str = Field(min_length=1, max_length=200)


class EnrolReply(Contract):
    """The store's token; HQ keeps only its hash, the hub keeps it 0600."""

    store: str
    token: str


class SignIn(Contract):
    """`POST /api/v1/session`: an HQ account's name and password."""

    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class SessionReply(Contract):
    """An HQ account's bearer token."""

    token: str
    expires_at: Time


class StoreInfo(Contract):
    """A store of the chain."""

    code: Code
    name: str = Field("", max_length=200)
    jurisdiction: Code


class ErrorReply(Contract):
    """Every error: a code for programs, words for people, and the field when one is to blame."""

    code: str
    message: str
    field: str | None = None


# Every `code` HQ answers with, and what it means; docs/cloud-api.md lists them from here.
ERROR_CODES: dict[str, str] = {
    "invalid_json": "400: the body is not a JSON object",
    "invalid_payload": "422: the body is not valid; `field` names the first problem",
    "invalid_cursor": "400: `after` is not a cursor this feed gave",
    "invalid_limit": "400: `limit` is not a whole number from 1 to 1000",
    "unauthenticated": "401: no token, or a token that is unknown, revoked or expired",
    "invalid_code": "401: the enrolment code is unknown, used, revoked or expired",
    "wrong_password": "401: the HQ account's name or password is wrong",
    "locked": "429: 5 wrong passwords for this account name within 5 minutes; see Retry-After",
    "forbidden": "403: a store token asked for another store, or a store asked for what only HQ may do",
    "unknown_store": "404: no such store (422 when a body names it)",
    "unknown_feed": "404: no such feed",
    "unknown_collection": "404: no such collection of objects",
    "not_found": "404: no such object or address",
    "store_exists": "409: a store with this code exists",
    "member_has_ledger": "409: members are never deleted",
    "internal_error": "500: HQ failed; nothing of the request was stored, send it again",
    "undeclared_route": "500: a route that does not say who may call it (a bug in HQ; nothing is served)",
    # in an event's result:
    "invalid_event": "422: the event is not valid; `field` names it as `events[i].<field>`",
    "conflict": "409: this id was committed before with other content",
    "order_unknown": "422, retry: a payment or refund whose order HQ does not have yet; send the order first",
    "not_your_location": "403: a stock move at a location that is not the store's",
    "empty_move": "422: a stock move that changes nothing",
    "member_unknown": "422: a loyalty entry for someone who is not a member",
    "web_order_unknown": "422: a pickup status for a web order this store does not hold",
    "status_not_allowed": "422: a pickup status that cannot follow the current one (e.g. after collected)",
    "web_order_exists": "409: a web order with this id was placed before with other content",
}


def field_path(location: tuple, prefix: str = "") -> str:
    """Return pydantic's error location as people write it: `lines[0].qty`."""
    path = prefix
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def nul_location(data: object, location: tuple = ()) -> tuple | None:
    """Return where a NUL character hides in JSON data (PostgreSQL cannot store one in text), or None."""
    if isinstance(data, str):
        return location if "\x00" in data else None
    if isinstance(data, dict):
        for key, value in data.items():
            found = nul_location(key, location + (key,)) or nul_location(value, location + (key,))
            if found is not None:
                return found
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found = nul_location(value, location + (index,))
            if found is not None:
                return found
    return None
