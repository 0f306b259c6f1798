"""The commerce repository: promotions, stock, sold-out items, loyalty and tenders."""

from __future__ import annotations

import abc
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from hub.domain.loyalty import LoyaltyProgram, Member
from hub.domain.promotions import Promotion
from hub.domain.stock import StockLevel
from hub.domain.tenders import Tender


class CommerceRepository(abc.ABC):
    """Where the commerce core keeps its state, inside the caller's unit of work."""

    @abc.abstractmethod
    def promotions(self) -> tuple[list[Promotion], dict[str, int]]:
        """Return every promotion (on or off) and how often each was used."""

    @abc.abstractmethod
    def set_promotion_active(self, promo_id: str, active: bool) -> bool:
        """Switch a promotion on or off; return False when there is no such promotion."""

    @abc.abstractmethod
    def count_uses(self, promo_ids: Iterable[str], delta: int) -> None:
        """Add to the usage count of promotions (negative when an order is cancelled)."""

    @abc.abstractmethod
    def stock(self, skus: Iterable[str] | None = None) -> dict[tuple[str, str], StockLevel]:
        """Return stock levels by (sku, location); every tracked item when skus is None."""

    @abc.abstractmethod
    def save_stock(self, level: StockLevel) -> None:
        """Store a changed stock level."""

    @abc.abstractmethod
    def add_move(self, sku: str, location: str, kind: str, qty: int, order_id: str | None,
                 serials: list[str] | None, at: datetime) -> None:
        """Record a stock movement."""

    @abc.abstractmethod
    def moves_for(self, order_id: str) -> list[dict[str, Any]]:
        """Return an order's stock movements in order: sku, location, kind, qty, serials."""

    @abc.abstractmethod
    def serials(self, sku: str, location: str, status: str, limit: int | None = None,
                order_id: str | None = None) -> list[str]:
        """Return serials of an item in a status (for an order), lowest first."""

    @abc.abstractmethod
    def set_serials(self, sku: str, serials: Iterable[str], status: str, order_id: str | None) -> None:
        """Move serials to a status (in_stock, reserved, sold)."""

    @abc.abstractmethod
    def sold_out(self) -> set[str]:
        """Return the SKUs staff marked sold out."""

    @abc.abstractmethod
    def mark_sold_out(self, sku: str, sold_out: bool, by: str, at: datetime) -> None:
        """86 an item by hand, or bring it back."""

    @abc.abstractmethod
    def setting(self, key: str, default: Any) -> Any:
        """Return a commerce setting (safety stock, loyalty programme)."""

    @abc.abstractmethod
    def member(self, member_id: str) -> Member | None:
        """Return a loyalty member, or None."""

    @abc.abstractmethod
    def members_with_phone(self, number: str) -> list[str]:
        """Return the ids of the members whose phone is this number, however it was written (see `phone_key`)."""

    @abc.abstractmethod
    def save_member(self, member: Member, order_id: str | None, kind: str, points: int, at: datetime) -> None:
        """Store a member's balance and the entry that changed it."""

    @abc.abstractmethod
    def redeemed_since(self, member_id: str, since: datetime) -> int:
        """Return the points a member redeemed here since a moment (a positive number)."""

    @abc.abstractmethod
    def points_entries(self, order_id: str) -> list[tuple[str, str, int]]:
        """Return an order's loyalty entries as (member_id, kind, points)."""

    @abc.abstractmethod
    def tenders(self, order_id: str) -> list[Tender]:
        """Return an order's tenders in the order they were taken."""

    @abc.abstractmethod
    def save_tender(self, tender: Tender, at: datetime, new: bool) -> None:
        """Store a new or changed tender."""

    @abc.abstractmethod
    def gift_card(self, code: str) -> tuple[int, str] | None:
        """Return (balance, currency) of a gift card, or None."""

    @abc.abstractmethod
    def save_gift_card(self, code: str, balance: int, currency: str) -> None:
        """Store a gift card's balance (the code itself is never stored)."""

    @abc.abstractmethod
    def gift_card_reference(self, code: str) -> str:
        """Return what a tender keeps to find the card again: its last 4 and a hash, never the code."""

    @abc.abstractmethod
    def credit_gift_card(self, reference: str, amount: int) -> None:
        """Put an amount back on the gift card a tender reference names."""

    @abc.abstractmethod
    def refunded_lines(self, order_id: str) -> dict[int, int]:
        """Return how many units of each order line were refunded."""

    @abc.abstractmethod
    def add_refund(self, refund_id: str, order_id: str, amount: int, currency: str,
                   lines: dict[int, int], at: datetime) -> None:
        """Record a refund."""


def loyalty_program(repo: CommerceRepository) -> LoyaltyProgram:
    """Return the loyalty programme from the settings."""
    from hub.domain.loyalty import Tier

    raw = repo.setting("loyalty", {})
    tiers = {t["code"]: Tier(t["code"], t["name"], t.get("multiplier_bp", 10_000)) for t in raw.get("tiers", [])}
    return LoyaltyProgram(raw.get("points_per_unit", 1), raw.get("point_value", 1), tiers)
