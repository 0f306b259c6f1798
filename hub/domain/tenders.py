"""Tenders: how an order is paid (cash, card, gift card, points), change due, refunds, and their commands and events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hub.domain.errors import CommerceRefused

KINDS = ("cash", "card", "gift_card", "points", "online")
ONLINE = "online"  # paid in the chain's web shop before the order reached the store: it comes with the order


@dataclass(slots=True)
class Tender:
    """One payment towards an order."""

    tender_id: str
    order_id: str
    kind: str
    amount: int  # what it paid of the order, minor units
    currency: str
    refunded: int = 0
    reference: str | None = None  # card payment id, gift card last 4, member id

    @property
    def refundable(self) -> int:
        """Return what can still go back to this tender."""
        return self.amount - self.refunded


def apply_tender(due: int, kind: str, offered: int) -> tuple[int, int]:
    """Return (amount applied, change due) for a tender offered against what is still due."""
    if kind not in KINDS:
        raise CommerceRefused("invalid_tender", f"kind must be one of {', '.join(KINDS)}, not {kind}")
    if offered <= 0:
        raise CommerceRefused("invalid_tender", "amount must be more than 0")
    if due <= 0:
        raise CommerceRefused("already_paid", "the order is already paid")
    if offered <= due:
        return offered, 0
    if kind != "cash":
        raise CommerceRefused("overpaid", f"a {kind} tender cannot pay more than the {due} still due")
    return due, offered - due


def refund_split(amount: int, tenders: Sequence[Tender]) -> list[tuple[Tender, int]]:
    """Split a refund over the original tenders, the last paid first; refuse more than was paid."""
    left = amount
    plan = []
    for tender in reversed(tenders):
        take = min(left, tender.refundable)
        if take > 0:
            plan.append((tender, take))
            left -= take
    if left > 0:
        raise CommerceRefused("refund_too_large", f"only {amount - left} of {amount} can be refunded")
    return plan


@dataclass(frozen=True, slots=True)
class AddTender:
    """Pay part or all of an order: cash, card, gift card or loyalty points."""

    tender_id: str
    order_id: str
    kind: str
    amount: int
    code: str | None = None  # gift card code or member id; card payments come from the terminal
    reference: str | None = None
    member_proof: str | None = field(default=None, repr=False)  # points: the member's card QR value
    staff: bool = False  # points: a signed-in staff member takes the tender (they checked the member)
    approval: str | None = field(default=None, repr=False)  # points while HQ is offline, over the limit; never logged


@dataclass(frozen=True, slots=True)
class RecordOnlinePayment:
    """Note what a web order's customer already paid online, with the order, so nobody asks them to pay again."""

    order_id: str
    amount: int  # minor units HQ says the customer paid
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class RefundOrder:
    """Give back some or all units of an order's lines, to the original tenders, restocking them."""

    refund_id: str
    order_id: str
    lines: tuple[tuple[int, int], ...] = ()  # (line number, units); empty means everything left


@dataclass(frozen=True, slots=True)
class OrderRefunded:
    """Money was given back for units of a completed order (issue 13: headquarters hears of it)."""

    order_id: str
    refund_id: str
    amount: int  # minor units
    currency: str


@dataclass(frozen=True, slots=True)
class IssueGiftCard:
    """Load a gift card with a balance, up to the store's limit per card."""

    code: str = field(repr=False)  # spendable as it is: never logged
    amount: int
    currency: str
