"""Commands: what someone asks the hub to do, named as orders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class LineRequest:
    """A requested order line, before it is checked against the catalog."""

    sku: str
    qty: int
    modifiers: tuple[str, ...] = ()
    note: str | None = None


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
