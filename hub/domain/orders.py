"""Orders, their lines and tickets, and the lifecycle of DESIGN.md §4."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from hub.domain.catalog import Catalog
from hub.domain.errors import InvalidTransition
from hub.domain.money import Money, tax_included
from hub.domain.order_messages import OrderAccepted, OrderStatusChanged, SubmitOrder
from hub.domain.pricing import PricedBasket, PricingRequest, price_basket


class OrderStatus(str, enum.Enum):
    """Where an order is in its life."""

    RECEIVED = "received"  # stored, not yet checked against the kitchen
    ACCEPTED = "accepted"  # the store will make it; tickets are queued
    IN_PROGRESS = "in_progress"  # a station has started on it
    READY = "ready"  # every ticket is done; waiting for the customer or courier
    COMPLETED = "completed"  # handed over
    CANCELLED = "cancelled"  # will not be made


ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.RECEIVED: frozenset({OrderStatus.ACCEPTED, OrderStatus.CANCELLED}),
    OrderStatus.ACCEPTED: frozenset({OrderStatus.IN_PROGRESS, OrderStatus.READY, OrderStatus.CANCELLED}),
    OrderStatus.IN_PROGRESS: frozenset({OrderStatus.READY, OrderStatus.CANCELLED}),
    OrderStatus.READY: frozenset({OrderStatus.COMPLETED, OrderStatus.IN_PROGRESS}),
    OrderStatus.COMPLETED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


class TicketStatus(str, enum.Enum):
    """Where a station's ticket is."""

    QUEUED = "queued"  # waiting to be fired to the station
    FIRED = "fired"  # on the station's screen
    STARTED = "started"  # a cook is on it
    DONE = "done"  # bumped
    CANCELLED = "cancelled"  # its order was cancelled


TICKET_TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    TicketStatus.QUEUED: frozenset({TicketStatus.FIRED, TicketStatus.CANCELLED}),
    TicketStatus.FIRED: frozenset({TicketStatus.STARTED, TicketStatus.DONE, TicketStatus.CANCELLED}),
    TicketStatus.STARTED: frozenset({TicketStatus.DONE, TicketStatus.CANCELLED}),
    TicketStatus.DONE: frozenset({TicketStatus.STARTED}),  # a recall puts it back on the screen
    TicketStatus.CANCELLED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One priced line of an order."""

    sku: str
    name: str
    qty: int
    modifiers: tuple[str, ...]
    note: str | None
    unit_price: Money
    tax_rate_bp: int
    station: str
    prep_seconds: int
    bundle: str | None = None  # the bundle SKU this line is a part of, priced with it

    @property
    def total(self) -> Money:
        """Return the line's price: unit price (with modifiers) times quantity."""
        return self.unit_price.times(self.qty)


@dataclass(slots=True)
class Ticket:
    """The part of an order one station must act on."""

    ticket_id: str
    station: str
    status: TicketStatus = TicketStatus.QUEUED
    version: int = 0  # +1 on every change; a screen's action names the version it saw
    held: bool = False  # a course kept back until expo or the counter fires it
    fire_at: datetime | None = None  # when it goes to the station so the order's items finish together
    accepted_at: datetime | None = None
    fired_at: datetime | None = None
    started_at: datetime | None = None
    done_at: datetime | None = None
    handed_over_at: datetime | None = None
    bumped_lines: tuple[int, ...] = ()  # order line numbers bumped one by one
    dismissed: bool = False  # a cancelled ticket the cook has acknowledged

    def move_to(self, target: TicketStatus) -> None:
        """Change status, or refuse a change the lifecycle does not allow."""
        if target not in TICKET_TRANSITIONS[self.status]:
            raise InvalidTransition(f"ticket {self.ticket_id}", self.status.value, target.value)
        self.status = target
        self.version += 1


@dataclass(slots=True)
class Order:
    """An order from any origin, with its lines, tickets and status."""

    order_id: str
    number: str
    business_day: str
    origin: str
    fulfilment: str
    lines: list[OrderLine]
    tickets: list[Ticket]
    received_at: datetime
    deadline: datetime
    fingerprint: str
    loyalty_id: str | None = None
    promised_at: datetime | None = None
    rush: bool = False
    status: OrderStatus = OrderStatus.RECEIVED
    source: str = "http"  # the device id that sent it over MQTT, or "http"
    pricing: dict | None = None  # the priced basket (hub.domain.pricing) it was accepted at
    hold: str | None = None  # while `received`: what it waits for (payment, confirmation); kept after it ends
    hold_until: datetime | None = None  # an unpaid payment hold is cancelled after this
    customer_name: str | None = None
    customer_phone: str | None = None
    quoted_at: datetime | None = None  # when a cashier confirmed a remote order's promised time
    closed_reason: str | None = None  # why a held order was cancelled or rejected
    events: list[object] = field(default_factory=list, compare=False, repr=False)
    lines_changed: bool = field(default=False, compare=False, repr=False)  # lines edited (short pick): save rewrites them

    @property
    def changes(self) -> list[str]:
        """Return what staff changed on the order after it was accepted (short picks), oldest first."""
        return list((self.pricing or {}).get("changes", []))

    @property
    def total(self) -> Money:
        """Return what the customer pays: the priced basket's total, or the sum of the lines."""
        if self.pricing is not None:
            return Money(self.pricing["total"]["amount"], self.pricing["total"]["currency"])
        total = Money.zero(self.lines[0].unit_price.currency)
        for line in self.lines:
            total = total + line.total
        return total

    @property
    def tax(self) -> Money:
        """Return the tax in the total: the priced basket's, or included per line."""
        if self.pricing is not None:
            return Money(self.pricing["tax"]["amount"], self.pricing["tax"]["currency"])
        tax = Money.zero(self.total.currency)
        for line in self.lines:
            tax = tax + tax_included(line.total, line.tax_rate_bp)
        return tax

    def move_to(self, target: OrderStatus) -> None:
        """Change status, or refuse a change the lifecycle does not allow."""
        if target not in ORDER_TRANSITIONS[self.status]:
            raise InvalidTransition(f"order {self.number}", self.status.value, target.value)
        previous, self.status = self.status, target
        if target is OrderStatus.CANCELLED:
            for ticket in self.tickets:
                if ticket.status is not TicketStatus.DONE:
                    ticket.move_to(TicketStatus.CANCELLED)
        self.events.append(OrderStatusChanged(self.order_id, previous.value, target.value))

    def accept(self) -> None:
        """Take the order on: its tickets wait in the queue."""
        self.move_to(OrderStatus.ACCEPTED)
        self.events.append(OrderAccepted(self.order_id, self.number))

    @property
    def waiting(self) -> str | None:
        """Return what the order still waits for before the kitchen sees it, or None."""
        return self.hold if self.status is OrderStatus.RECEIVED else None

    def release(self, deadline: datetime, promised_at: datetime | None = None, quoted_at: datetime | None = None) -> None:
        """Send a held order to the kitchen now, queued by its new deadline, as if it had just been accepted."""
        if self.waiting is None:
            raise InvalidTransition(f"order {self.number}", self.status.value, OrderStatus.ACCEPTED.value)
        if promised_at is not None:
            self.promised_at = promised_at
        self.quoted_at = quoted_at or self.quoted_at
        self.deadline = deadline
        self.hold_until = None
        self.accept()

    def cancel_held(self, reason: str) -> None:
        """Cancel an order that still waits; the kitchen never saw its tickets, so none waits to be acknowledged."""
        if self.waiting is None:
            raise InvalidTransition(f"order {self.number}", self.status.value, OrderStatus.CANCELLED.value)
        self.closed_reason = reason
        self.hold_until = None
        self.move_to(OrderStatus.CANCELLED)
        for ticket in self.tickets:
            ticket.dismissed = True

    def ticket_moved(self) -> None:
        """Follow the tickets: in progress once one starts, ready when all are done."""
        live = [t for t in self.tickets if t.status is not TicketStatus.CANCELLED]
        if live and all(t.status is TicketStatus.DONE for t in live):
            if self.status in (OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS):
                self.move_to(OrderStatus.READY)
        elif any(t.status in (TicketStatus.STARTED, TicketStatus.DONE) for t in live):
            if self.status in (OrderStatus.ACCEPTED, OrderStatus.READY):
                self.move_to(OrderStatus.IN_PROGRESS)


def price_lines(command: SubmitOrder | None, catalog: Catalog, priced: PricedBasket | None = None) -> list[OrderLine]:
    """Check and price every line with the pricing engine; a bundle becomes one line per part."""
    if priced is None:
        # No promotions, so the time does not matter: list prices for the order's channel.
        priced = price_basket(catalog, command.lines, PricingRequest(command.origin, datetime.min))
    lines = []
    for line in priced.lines:
        item = line.item
        if not item.is_bundle:
            lines.append(OrderLine(item.sku, item.name, line.qty, line.modifiers, line.note,
                                   Money(line.unit_amount, priced.currency), item.tax_rate_bp, item.station,
                                   item.prep_seconds))
            continue
        # The engine's shares of one bundle (by the parts' own channel prices) are what it taxed.
        parts = [(part.item, bundle_part.qty) for part, bundle_part in zip(line.parts, item.parts)]
        shares = [part.unit_share for part in line.parts]
        # A part's unit price is its share of one bundle, so part lines add up to the bundle's price;
        # cents a multi-unit part cannot carry evenly move to the first single-unit part.
        spare = sum(share % qty for share, (_, qty) in zip(shares, parts))
        shares = [share - share % qty for share, (_, qty) in zip(shares, parts)]
        carrier = next((i for i, (_, qty) in enumerate(parts) if qty == 1), 0)
        shares[carrier] += spare
        for position, ((part, qty), share) in enumerate(zip(parts, shares)):
            lines.append(OrderLine(part.sku, f"{item.name}: {part.name}", line.qty * qty,
                                   line.modifiers if position == 0 else (), line.note if position == 0 else None,
                                   Money(share // qty, priced.currency), part.tax_rate_bp, part.station,
                                   part.prep_seconds, bundle=item.sku))
    return lines


def tickets_for(lines: list[OrderLine], new_id: Callable[[], str] = lambda: str(uuid.uuid4())) -> list[Ticket]:
    """Return one ticket per station that must act, in the order stations first appear."""
    stations = list(dict.fromkeys(line.station for line in lines))
    return [Ticket(ticket_id=new_id(), station=station) for station in stations]
