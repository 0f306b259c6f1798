"""Retained presence messages: `hub/status` and `device/<id>/status`."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hub.contracts.sent import Sent


class HubStatus(Sent):
    """`data` of `hub.status`, retained on `passline/<store>/hub/status`."""

    state: Literal["online", "offline"]
    version: str
    store: str


class DeviceStatus(BaseModel):
    """`data` of `device.status`, retained on `passline/<store>/device/<id>/status`."""

    model_config = ConfigDict(extra="allow")

    state: Literal["online", "offline"]
    kind: str | None = Field(default=None, description="printer, terminal, kiosk, gateway, ...")
    health: dict[str, Any] = Field(default_factory=dict, description="Driver-specific health, e.g. paper_low.")
    error: str | None = Field(default=None, description="Last error in words a store manager understands.")
