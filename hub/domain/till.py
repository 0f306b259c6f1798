"""The till: held baskets, its cash drawer, cash taken with the drawer kick, and its receipts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub.domain.errors import Refused
from hub.domain.printing import PrinterRef
from hub.domain.tenders import AddTender


class TillRefused(Refused):
    """Till work the hub will not do: a wire code, a message naming the problem, an HTTP status."""


@dataclass(frozen=True, slots=True)
class HoldBasket:
    """Park a basket the counter is building (the customer went to fetch a wallet) to recall once later."""

    held_id: str
    device_id: str
    label: str
    basket: Any
    staff_id: str | None = None


@dataclass(frozen=True, slots=True)
class RecallBasket:
    """Take a held basket back; it is gone from the list after this."""

    held_id: str
    staff_id: str | None = None


@dataclass(frozen=True, slots=True)
class SetCashDrawer:
    """Say which receipt printer's drawer port opens a till's cash drawer."""

    device_id: str
    printer: PrinterRef
    pin: int = 2


@dataclass(frozen=True, slots=True)
class TakeTender:
    """Take a tender at a till: cash opens that till's drawer in the same transaction."""

    tender: AddTender
    device_id: str | None = None


@dataclass(frozen=True, slots=True)
class PrintReceipt:
    """Print an order's receipt on a till's receipt printer, with its e-receipt link as a QR code."""

    order_id: str
    device_id: str
    e_receipt_url: str | None = None
