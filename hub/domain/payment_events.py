"""Events of card payments that other parts of the hub (commerce: tenders) and live screens react to."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CardPaymentApproved:
    """A payment terminal approved a card payment for an order."""

    order_id: str
    payment_id: str
    amount: int  # minor units
    currency: str
    brand: str | None
    masked_pan: str | None  # e.g. "************0119"; never the card number
    terminal_id: str | None


@dataclass(frozen=True, slots=True)
class CardPaymentRefunded:
    """An approved card payment was given back (refund or reversal)."""

    order_id: str
    payment_id: str
    amount: int  # minor units
    currency: str


@dataclass(frozen=True, slots=True)
class PaymentChanged:
    """A payment moved to another state (for live screens)."""

    payment_id: str
    order_id: str
    state: str
