"""Stock per location: on hand, reserved, in transit, what each channel may sell, and the messages that change it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hub.domain.errors import CommerceRefused


@dataclass(slots=True)
class StockLevel:
    """One item's stock at one location."""

    sku: str
    location: str
    on_hand: int
    reserved: int = 0
    in_transit: int = 0

    def available(self, safety: int = 0) -> int:
        """Return what a channel may still sell: on hand - reserved - its safety stock."""
        return max(0, self.on_hand - self.reserved - safety)

    def reserve(self, qty: int) -> None:
        """Hold units for an accepted order."""
        self.reserved += qty

    def release(self, qty: int) -> None:
        """Give back units held for an order that was cancelled."""
        self._check(qty <= self.reserved, f"cannot release {qty} of {self.sku}: only {self.reserved} reserved")
        self.reserved -= qty

    def consume(self, qty: int) -> None:
        """Hand over held units: they leave the shelf."""
        self._check(qty <= self.reserved, f"cannot consume {qty} of {self.sku}: only {self.reserved} reserved")
        self.reserved -= qty
        self.on_hand -= qty

    def receive(self, qty: int) -> None:
        """Take a delivery: what was in transit is now on the shelf."""
        self.in_transit = max(0, self.in_transit - qty)
        self.on_hand += qty

    def restock(self, qty: int) -> None:
        """Put returned units back on the shelf."""
        self.on_hand += qty

    @staticmethod
    def _check(ok: bool, message: str) -> None:
        if not ok:
            raise CommerceRefused("stock", message)


def channel_availability(level: StockLevel, safety: Mapping[str, int], channels: tuple[str, ...]) -> dict[str, int]:
    """Return how many units each channel may sell."""
    return {channel: level.available(safety.get(channel, 0)) for channel in channels}


@dataclass(frozen=True, slots=True)
class MarkSoldOut:
    """86 an item by hand (sold_out=True), or bring it back."""

    sku: str
    sold_out: bool
    by: str = "staff"


@dataclass(frozen=True, slots=True)
class ReceiveStock:
    """Units arrived at a location: in transit (as far as expected) becomes on hand."""

    sku: str
    qty: int
    location: str | None = None  # the store itself


@dataclass(frozen=True, slots=True)
class StockChanged:
    """Stock or a sold-out mark changed; availability must go out again."""

    skus: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AvailabilityChanged:
    """The availability every device should show, computed in the transaction that changed it."""

    data: dict
