"""Discounts staff give by hand, with a reason: part of a basket to price and of an order to submit."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from hub.contracts.bounds import MAX_AMOUNT, MAX_COUNT

MAX_DISCOUNTS = 20


class DiscountIn(BaseModel):
    """A percent or an amount off one line (`line`) or the whole order (`line: null`), and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    line: StrictInt | None = Field(default=None, ge=0, le=MAX_COUNT, description="Index of the line in `lines`; null = the whole order.")
    percent: StrictInt | None = Field(default=None, ge=1, le=100, description="Whole percent off what is left after promotions.")
    amount: StrictInt | None = Field(default=None, ge=1, le=MAX_AMOUNT, description="Minor units off (at most what is left).")
    reason: str = Field(min_length=1, max_length=80, description="Why, e.g. `damaged packaging`; shown on the basket and receipt.")

    @model_validator(mode="after")
    def _one_kind(self) -> DiscountIn:
        if (self.percent is None) == (self.amount is None):
            raise ValueError("give exactly one of percent or amount")
        if not self.reason.strip():
            raise ValueError("reason must say why")
        return self
