"""Events: what happened, in the past tense."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OrderAccepted:
    """An order was taken on and its tickets queued."""

    order_id: str
    number: str


@dataclass(frozen=True, slots=True)
class OrderStatusChanged:
    """An order moved from one status to another."""

    order_id: str
    previous: str
    current: str


@dataclass(frozen=True, slots=True)
class OrderRefunded:
    """Money was given back for units of a completed order (issue 13: headquarters hears of it)."""

    order_id: str
    refund_id: str
    amount: int  # minor units
    currency: str
