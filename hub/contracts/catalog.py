"""The catalog file `passline catalog import` reads (JSON)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from hub.contracts.orders import Code


class ModifierIn(BaseModel):
    """An option an item allows."""

    model_config = ConfigDict(extra="forbid")

    code: Code
    name: str = Field(min_length=1, max_length=200)
    price_delta: StrictInt = Field(default=0, description="Added to the item's price, in minor units.")


class CatalogItemIn(BaseModel):
    """One item in the catalog file."""

    model_config = ConfigDict(extra="forbid")

    sku: Code
    name: str = Field(min_length=1, max_length=200)
    price: StrictInt = Field(ge=0, description="Price in minor units, tax included.")
    tax_rate_bp: StrictInt = Field(ge=0, le=10_000, description="Tax rate in basis points: 1900 is 19 %.")
    station: Code = Field(description="The station that makes or picks it: `bar`, `grill`, `pick-a` ...")
    prep_seconds: StrictInt = Field(ge=0, le=24 * 3600)
    modifiers: list[ModifierIn] = Field(default_factory=list)
    available: StrictBool = True


class CatalogFile(BaseModel):
    """A whole catalog: one currency and its items."""

    model_config = ConfigDict(extra="forbid")

    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR.")
    items: list[CatalogItemIn] = Field(min_length=1)
