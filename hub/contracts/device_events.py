"""Small peripherals: events agents send (key presses, scans, drawer) and the pole display job."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hub.contracts.bounds import MAX_AMOUNT

KEY_PRESSED = "key.pressed"
SCAN = "scan"
DRAWER_OPENED = "drawer.opened"
DRAWER_CLOSED = "drawer.closed"
DISPLAY = "display"  # job kind for a customer pole display

BUMP_KEYS = ("bump", "recall", "up", "down", "left", "right", "enter", "start", "rush", "clear", "call")


class KeyPressed(BaseModel):
    """`data` of `key.pressed`: a key on a bump bar or bump box."""

    model_config = ConfigDict(extra="forbid")

    hardware: str = Field(max_length=64, description="Name of the bump bar in the agent's config.")
    key: str = Field(max_length=32, description=f"One of {', '.join(BUMP_KEYS)}, or `key<N>` for an unmapped key.")
    station: str | None = Field(default=None, max_length=64, description="Station the bump bar serves (from its config).")


class Scanned(BaseModel):
    """`data` of `scan`: one barcode read."""

    model_config = ConfigDict(extra="forbid")

    hardware: str = Field(max_length=64)
    code: str = Field(min_length=1, max_length=200)


class DrawerEvent(BaseModel):
    """`data` of `drawer.opened` and `drawer.closed`."""

    model_config = ConfigDict(extra="forbid")

    hardware: str = Field(max_length=64)
    job_id: str | None = Field(default=None, description="The job that opened it, if any.")


class PoleDisplayShow(BaseModel):
    """`payload` of a job of kind `display`: the line just added and the running total."""

    model_config = ConfigDict(extra="forbid")

    line: str | None = Field(default=None, max_length=200, description="Item just added; null shows only the total.")
    amount: int | None = Field(default=None, ge=-MAX_AMOUNT, le=MAX_AMOUNT, description="Its price in minor units.")
    total: int = Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, description="Basket total in minor units.")
    currency: str = Field(default="EUR", min_length=3, max_length=3)
    language: Literal["en", "de"] = "en"
