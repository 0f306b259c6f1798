"""The catalog file `passline catalog import` reads and `export` writes (JSON; CSV carries items only)."""

from __future__ import annotations

import enum
import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator, model_validator

from hub.contracts.bounds import MAX_AMOUNT, MAX_COUNT, MAX_POINTS, MAX_UNITS
from hub.contracts.orders import Code


class Strict(BaseModel):
    """A part of the file: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class Channel(str, enum.Enum):
    """Where a price or promotion applies; phone orders sell at counter prices."""

    KIOSK = "kiosk"
    COUNTER = "counter"
    APP = "app"
    WEB = "web"
    MARKETPLACE = "marketplace"


class ModifierIn(Strict):
    """An option an item allows."""

    code: Code
    name: str = Field(min_length=1, max_length=200)
    price_delta: StrictInt = Field(default=0, ge=-MAX_AMOUNT, le=MAX_AMOUNT, description="Added to the item's price, in minor units.")
    group: Code | None = Field(default=None, description="The modifier group it belongs to, e.g. `milk`.")
    parent: Code | None = Field(default=None, description="Nested one level: allowed only with this modifier.")


class ModifierGroupIn(Strict):
    """How many modifiers of a group a line may choose."""

    code: Code
    name: str = Field(min_length=1, max_length=200)
    min: StrictInt = Field(default=0, ge=0, le=MAX_COUNT)
    max: StrictInt | None = Field(default=None, ge=1, le=MAX_COUNT)
    default: Code | None = Field(default=None, description="Chosen when a required group is left empty.")


class PriceIn(Strict):
    """A price for a location and/or a channel."""

    amount: StrictInt = Field(ge=0, le=MAX_AMOUNT)
    location: Code | None = None
    channel: Channel | None = None


class PartIn(Strict):
    """One part of a bundle, made at its own station."""

    sku: Code
    qty: StrictInt = Field(default=1, ge=1, le=20)


def gtin_ok(value: str) -> bool:
    """Return whether a GTIN-8/12/13/14 has a correct check digit."""
    if not re.fullmatch(r"\d{8}|\d{12,14}", value):
        return False
    digits = [int(d) for d in value]
    body = digits[:-1][::-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(body))
    return (10 - total % 10) % 10 == digits[-1]


class CatalogItemIn(Strict):
    """One item in the catalog file."""

    sku: Code
    name: str = Field(min_length=1, max_length=200)
    price: StrictInt = Field(ge=0, le=MAX_AMOUNT, description="Base price in minor units (tax included in inclusive stores).")
    tax_rate_bp: StrictInt = Field(default=0, ge=0, le=10_000, description="Single tax rate in basis points: 1900 is 19 %.")
    tax_category: Code | None = Field(default=None, description="A category of `taxes.categories`; wins over tax_rate_bp.")
    station: Code = Field(description="The station that makes or picks it: `bar`, `grill`, `pick-a` ...")
    prep_seconds: StrictInt = Field(ge=0, le=24 * 3600)
    category: Code = Field(default="general", description="For menus and promotions: `coffee`, `pastry` ...")
    modifiers: list[ModifierIn] = Field(default_factory=list)
    modifier_groups: list[ModifierGroupIn] = Field(default_factory=list)
    prices: list[PriceIn] = Field(default_factory=list, description="Prices per location and channel.")
    parts: list[PartIn] = Field(default_factory=list, description="A bundle's parts, priced as one.")
    variant_of: Code | None = Field(default=None, description="The product this is a variant of (`LATTE`).")
    variant: dict[str, str] = Field(default_factory=dict, description="What differs: {\"size\": \"M\"}.")
    allergens: list[str] = Field(default_factory=list)
    dietary: list[str] = Field(default_factory=list)
    image: str | None = Field(default=None, max_length=500)
    description: str | None = Field(default=None, min_length=1, max_length=500, description="Shown on the item's page.")
    gtin: str | None = Field(default=None, description="Barcode, GTIN-8/12/13/14 with a valid check digit.")
    serial_tracked: StrictBool = False
    available: StrictBool = True
    bin: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,19}$",
                            description="Shelf location the item is picked from, e.g. `A-03`; pick lists walk bins in order.")
    pairs_with: list[Code] = Field(default_factory=list, max_length=20,
                                   description="SKUs a kiosk suggests with this item until orders show what sells together.")

    @field_validator("gtin")
    @classmethod
    def _gtin(cls, value: str | None) -> str | None:
        if value is not None and not gtin_ok(value):
            raise ValueError(f"{value} is not a GTIN with a valid check digit")
        return value


class TaxRateIn(Strict):
    """One rate of a tax category."""

    code: Code
    name: str = Field(min_length=1, max_length=100)
    rate_bp: StrictInt = Field(ge=0, le=10_000)


class TaxesIn(Strict):
    """The store's tax policy."""

    inclusive: StrictBool = Field(default=True, description="Prices include tax (Europe) or not (North America).")
    rounding: str = Field(default="line", pattern="^(line|order)$", description="Round tax per line or once per order.")
    categories: dict[str, list[TaxRateIn]] = Field(default_factory=dict)


class WindowIn(Strict):
    """When a promotion runs, in the store's time zone."""

    days: list[str] = Field(min_length=1, description="mon, tue, wed, thu, fri, sat, sun")
    start: str = Field(pattern=r"^\d\d:\d\d$")
    end: str = Field(pattern=r"^\d\d:\d\d$")

    @field_validator("days")
    @classmethod
    def _days(cls, days: list[str]) -> list[str]:
        for day in days:
            if day not in DAYS:
                raise ValueError(f"{day} is not one of {', '.join(DAYS)}")
        return days


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class SlotIn(Strict):
    """One slot of a promotional bundle: any of these SKUs or categories."""

    name: str = Field(min_length=1, max_length=60)
    match: list[str] = Field(min_length=1)


class PromotionIn(Strict):
    """A promotion; `value` is basis points for percent kinds and minor units for the others."""

    id: Code
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(pattern="^(percent|amount|buy_x_get_y|bundle)$")
    value: StrictInt = Field(ge=0, le=MAX_AMOUNT)
    scope: str = Field(default="basket", pattern="^(item|category|basket)$")
    targets: list[str] = Field(default_factory=list)
    buy: StrictInt = Field(default=0, ge=0, le=MAX_COUNT)
    get: StrictInt = Field(default=0, ge=0, le=MAX_COUNT)
    slots: list[SlotIn] = Field(default_factory=list)
    noun: str = Field(default="item", max_length=40)
    min_spend: StrictInt = Field(default=0, ge=0, le=MAX_AMOUNT)
    min_qty: StrictInt = Field(default=0, ge=0, le=MAX_COUNT)
    channels: list[Channel] = Field(default_factory=list)
    tiers: list[Code] = Field(default_factory=list)
    windows: list[WindowIn] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    stackable: StrictBool = True
    usage_limit: StrictInt | None = Field(default=None, ge=0, le=MAX_COUNT)
    active: StrictBool = True

    @model_validator(mode="after")
    def _shape(self) -> PromotionIn:
        if self.kind == "buy_x_get_y" and (self.buy < 1 or self.get < 1):
            raise ValueError("a buy_x_get_y promotion needs buy and get of at least 1")
        if self.kind == "bundle" and len(self.slots) < 2:
            raise ValueError("a bundle promotion needs at least two slots")
        if self.kind == "percent" and self.value > 10_000:
            raise ValueError("a percent promotion's value is basis points, at most 10000")
        return self


class StockIn(Strict):
    """Stock of an item at a location; listing an item here makes it stock-tracked."""

    sku: Code
    on_hand: StrictInt = Field(ge=0, le=MAX_UNITS)
    in_transit: StrictInt = Field(default=0, ge=0, le=MAX_UNITS)
    location: Code | None = Field(default=None, description="Defaults to the store itself.")
    serials: list[Code] = Field(default_factory=list, description="Serial-tracked items: one serial per unit on hand.")


class TierIn(Strict):
    """A loyalty tier and its points multiplier."""

    code: Code
    name: str = Field(min_length=1, max_length=60)
    multiplier_bp: StrictInt = Field(default=10_000, ge=0, le=1_000_000, description="10000 = 1x points, 15000 = 1.5x.")


class MemberIn(Strict):
    """A loyalty member."""

    member_id: Code
    name: str = Field(min_length=1, max_length=200)
    tier: Code
    points: StrictInt = Field(default=0, ge=0, le=MAX_POINTS)
    phone: str | None = Field(default=None, max_length=32,
                              description="For sign-in at a kiosk; spaces, dashes and brackets are dropped: `+49 170 1234567`.")

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        plain = re.sub(r"[\s()/.-]", "", value)
        if not re.fullmatch(r"\+?\d{6,15}", plain):
            raise ValueError(f"{value!r} is not a phone number (6 to 15 digits, + first when international)")
        return plain


class RewardIn(Strict):
    """A reward a member may redeem at a kiosk or counter: that many points off as a discount."""

    code: Code
    name: str = Field(min_length=1, max_length=100, description="What the member sees, e.g. `2.50 off`.")
    points: StrictInt = Field(ge=1, le=MAX_POINTS, description="Points it costs; the discount is points x point_value.")


class LoyaltyIn(Strict):
    """The loyalty programme: points per currency unit, what a point is worth, tiers, members."""

    points_per_unit: StrictInt = Field(default=1, ge=0, le=MAX_COUNT, description="Points per whole currency unit paid.")
    point_value: StrictInt = Field(default=1, ge=0, le=MAX_AMOUNT, description="Minor units one point is worth when redeemed.")
    tiers: list[TierIn] = Field(default_factory=list)
    members: list[MemberIn] = Field(default_factory=list)
    rewards: list[RewardIn] = Field(default_factory=list, description="What members can redeem (kiosk, counter).")


Word = Annotated[str, Field(min_length=1, max_length=200)]
Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]


class ItemTextsIn(Strict):
    """One item's words in one language; its modifiers and groups here win over the language's shared ones."""

    name: Word | None = None
    description: str | None = Field(default=None, min_length=1, max_length=500)
    modifiers: dict[Code, Word] = Field(default_factory=dict, description="Modifier code -> name on this item.")
    groups: dict[Code, Word] = Field(default_factory=dict, description="Modifier group code -> name on this item.")


class PromotionTextsIn(Strict):
    """A promotion's name, noun and bundle slot names in one language."""

    name: Word | None = None
    noun: Word | None = None
    slots: dict[str, Word] = Field(default_factory=dict, description="A bundle slot's own name -> its name here.")


class LanguageTextsIn(Strict):
    """Every catalog word in one language, by code; anything left out shows the catalog's own word."""

    items: dict[Code, ItemTextsIn] = Field(default_factory=dict, description="SKU -> name and description.")
    modifiers: dict[Code, Word] = Field(default_factory=dict, description="Modifier code -> name, on every item.")
    groups: dict[Code, Word] = Field(default_factory=dict, description="Modifier group code -> name, on every item.")
    allergens: dict[str, Word] = Field(default_factory=dict, description="Allergen code (`milk`) -> word.")
    dietary: dict[str, Word] = Field(default_factory=dict, description="Dietary mark (`vegan`) -> word.")
    taxes: dict[Code, Word] = Field(default_factory=dict, description="Tax rate code (`VAT19`) -> label.")
    categories: dict[Code, Word] = Field(default_factory=dict, description="Menu category code -> name.")
    promotions: dict[str, PromotionTextsIn] = Field(default_factory=dict, description="Promotion id -> words.")
    rewards: dict[Code, Word] = Field(default_factory=dict, description="Loyalty reward code -> name.")


class CatalogFile(Strict):
    """A whole catalog: currency, taxes, items, promotions, stock and loyalty."""

    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR.")
    language: Language = Field(default="en", description="The language of the names in this file.")
    texts: dict[Language, LanguageTextsIn] = Field(
        default_factory=dict, description="Words per language (`de`): names, descriptions, allergens, taxes ...")
    taxes: TaxesIn = Field(default_factory=TaxesIn)
    safety_stock: dict[Channel, Annotated[StrictInt, Field(ge=0, le=MAX_UNITS)]] = Field(default_factory=dict, description="Units held back per channel.")
    items: list[CatalogItemIn] = Field(min_length=1)
    promotions: list[PromotionIn] = Field(default_factory=list)
    stock: list[StockIn] = Field(default_factory=list)
    loyalty: LoyaltyIn = Field(default_factory=LoyaltyIn)
