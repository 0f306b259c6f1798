"""Orders that wait: for their payment, or for a cashier to confirm a remote order; and finding orders."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from hub.domain.errors import OrderRefused
from hub.domain.orders import Order

RELEASE_CHOICES = ("now", "when_paid", "at_counter")  # to the kitchen at once / once paid / as the store's setting says
PAYMENT = "payment"  # held until tenders or card payments cover the total
CONFIRMATION = "confirmation"  # a remote order held until a cashier accepts it with a quoted time
REMOTE_ORIGINS = frozenset({"app", "web", "phone", "marketplace"})


class HoldRefused(OrderRefused):
    """An order (or an action on a held order) the hub will not take; `status` is the HTTP status."""

    def __init__(self, code: str, message: str, field: str | None = None, status: int = 409) -> None:
        super().__init__(message, field)
        self.code = code
        self.status = status


def hold_for(origin: str, release: str, total: int, pay_at_counter: str, remote_orders: str) -> str | None:
    """Return what a new order waits for (None: it goes to the kitchen at once), or refuse it."""
    if release == "at_counter":
        if pay_at_counter == "off":
            raise HoldRefused("pay_at_counter_off", "release: this store does not take pay-at-counter orders; "
                              "pay here or ask staff", "release", 422)
        release = "when_paid" if pay_at_counter == "hold" else "now"
    if origin in REMOTE_ORIGINS and remote_orders == "confirm":
        return CONFIRMATION
    if release == "when_paid" and total > 0:  # nothing to pay: nothing to wait for
        return PAYMENT
    return None


def hold_deadline(received_at: datetime, hold: str | None, unpaid_hold_minutes: int) -> datetime | None:
    """Return when an unpaid hold is cancelled; a confirmation waits for the cashier."""
    return received_at + timedelta(minutes=unpaid_hold_minutes) if hold == PAYMENT else None


def suggested_minutes(station_load_s: Mapping[str, int], own_prep_s: Mapping[str, int], step_minutes: int) -> int:
    """Return the minutes to quote: the busiest touched station's queue plus this order's prep there, rounded up."""
    longest = max((station_load_s.get(station, 0) + prep for station, prep in own_prep_s.items()), default=0)
    step = max(step_minutes, 1)
    return max(step, math.ceil(longest / 60 / step) * step)


def quote(now: datetime, ready_at: datetime | None, minutes: int | None) -> datetime:
    """Return the promised time a cashier quoted: a time, or minutes from now; refuse what cannot be."""
    if (ready_at is None) == (minutes is None):
        raise HoldRefused("invalid_quote", "give exactly one of ready_at (a time) or minutes", "ready_at", 422)
    if minutes is not None:
        if not 0 <= minutes <= 24 * 60:
            raise HoldRefused("invalid_quote", f"minutes must be between 0 and 1440, got {minutes}", "minutes", 422)
        return now + timedelta(minutes=minutes)
    if ready_at.tzinfo is None:
        raise HoldRefused("invalid_quote", "ready_at must carry its offset, e.g. 2026-11-22T18:30:00Z", "ready_at", 422)
    if ready_at < now - timedelta(minutes=1):
        raise HoldRefused("invalid_quote", "ready_at is in the past", "ready_at", 422)
    return ready_at


def phone_digits(phone: str | None) -> str | None:
    """Return a phone number's digits only (what search compares), or None."""
    digits = re.sub(r"\D", "", phone or "")
    return digits or None


@dataclass(frozen=True, slots=True)
class OrderQuery:
    """What `GET /api/v1/orders?q=` looks for: a number, a name, phone digits or a loyalty id."""

    text: str
    number: str | None  # "A12" or "a012" -> A012: that number exactly
    number_tail: str | None  # "12" -> 012: A012, B012 ... (the letter is often not said)
    digits: str | None  # at least 3 digits: a phone number or part of one

    @classmethod
    def parse(cls, text: str) -> OrderQuery:
        """Read a cashier's search text."""
        text = " ".join(text.split())[:80]
        number = tail = None
        match = re.fullmatch(r"#?([A-Za-z]{0,2})\s*0*(\d{1,3})", text)
        if match and int(match.group(2)):
            letters, digits = match.group(1).upper(), f"{int(match.group(2)):03d}"
            number, tail = (f"{letters}{digits}", None) if letters else (None, digits)
        phone = phone_digits(text)
        return cls(text, number, tail, phone if phone and len(phone) >= 3 else None)


def station_prep(lines: Iterable, station: str | None = None) -> dict[str, int]:
    """Return each station's prep seconds for lines: its longest item, as the kitchen times them."""
    prep: dict[str, int] = {}
    for line in lines:
        if station is None or line.station == station:
            prep[line.station] = max(prep.get(line.station, 0), line.prep_seconds)
    return prep


@dataclass(frozen=True, slots=True)
class CancelHeldOrder:
    """Cancel an order that still waits (nothing paid): the customer gave up or changed the cart."""

    order_id: str
    reason: str
    by: str = "staff"


@dataclass(frozen=True, slots=True)
class ConfirmOrder:
    """Accept a remote order that waits for a cashier, with the time quoted to the customer."""

    order_id: str
    ready_at: datetime | None = None
    minutes: int | None = None


@dataclass(frozen=True, slots=True)
class RejectOrder:
    """Turn down a remote order that waits for a cashier, telling the sender why."""

    order_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class ExpireUnpaidHolds:
    """Cancel orders whose payment hold ran out with nothing paid (the device relay's sweep)."""

    limit: int = 50


@dataclass(frozen=True, slots=True)
class TenderTaken:
    """Money was taken for an order (a cash, gift card or points tender): a payment hold may be covered."""

    order_id: str


@dataclass(frozen=True, slots=True)
class IncomingChanged:
    """The list of remote orders waiting for a cashier changed."""

    order_id: str


@dataclass(frozen=True, slots=True)
class SenderAnswered:
    """A held remote order was confirmed or rejected: its sender is told after the commit."""

    source: str
    type: str  # order.accepted | order.rejected
    order: Order  # as it stands at the commit; the message is built from it on the way out
