"""Commands a display sends (named as orders) and what the kitchen did (in the past tense)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.domain.orders import Order


@dataclass(frozen=True, slots=True)
class StartTicket:
    """A cook starts on a ticket."""

    action_id: str
    order_id: str
    ticket_id: str
    version: int | None = None


@dataclass(frozen=True, slots=True)
class BumpTicket:
    """A station is done with a ticket (or acknowledges a cancelled one)."""

    action_id: str
    order_id: str
    ticket_id: str
    version: int | None = None


@dataclass(frozen=True, slots=True)
class BumpItem:
    """A station is done with one line of a ticket."""

    action_id: str
    order_id: str
    ticket_id: str
    line_no: int
    version: int | None = None


@dataclass(frozen=True, slots=True)
class RecallTicket:
    """Put a bumped ticket back on its station's screen."""

    action_id: str
    order_id: str
    ticket_id: str
    version: int | None = None


@dataclass(frozen=True, slots=True)
class HoldTicket:
    """Keep a ticket (a later course) off the station until it is fired."""

    action_id: str
    order_id: str
    ticket_id: str
    version: int | None = None


@dataclass(frozen=True, slots=True)
class FireTicket:
    """Send a held or waiting ticket to its station now."""

    action_id: str
    order_id: str
    ticket_id: str
    version: int | None = None


@dataclass(frozen=True, slots=True)
class RushOrder:
    """Move an order ahead in every station's queue."""

    action_id: str
    order_id: str


@dataclass(frozen=True, slots=True)
class BumpExpo:
    """Expo checked the order: it is ready for the customer."""

    action_id: str
    order_id: str


@dataclass(frozen=True, slots=True)
class HandOverOrder:
    """The customer or courier has the order."""

    action_id: str
    order_id: str


@dataclass(frozen=True, slots=True)
class CancelOrder:
    """The order will not be made; stations see it highlighted until they acknowledge it."""

    action_id: str
    order_id: str


@dataclass(frozen=True, slots=True)
class PickItem:
    """A picker took one unit of a line off the shelf (scanned or tapped)."""

    action_id: str
    order_id: str
    ticket_id: str
    line_no: int
    sku: str | None = None  # the SKU the screen showed on that line; another one means the order changed
    version: int | None = None


@dataclass(frozen=True, slots=True)
class ShortPickLine:
    """A line's units cannot be found: remove them, or replace them with a substitute SKU or GTIN."""

    action_id: str
    order_id: str
    ticket_id: str
    line_no: int
    remedy: str  # "remove" or "substitute"
    substitute: str | None = None
    version: int | None = None


@dataclass(frozen=True, slots=True)
class PackTicket:
    """Every line of a pick ticket is picked and packed."""

    action_id: str
    order_id: str
    ticket_id: str
    version: int | None = None


@dataclass(frozen=True, slots=True)
class FireDueTickets:
    """Fire waiting tickets whose time has come, for at most `limit` orders (short transactions)."""

    limit: int = 20


ACTIONS = (StartTicket, BumpTicket, BumpItem, RecallTicket, HoldTicket, FireTicket,
           RushOrder, BumpExpo, HandOverOrder, CancelOrder, PickItem, PackTicket)


@dataclass(frozen=True, slots=True)
class TicketChanged:
    """A ticket moved; `what` says how (fired, started, bumped, item_bumped, recalled, held, dismissed)."""

    order_id: str
    ticket_id: str
    station: str
    what: str


@dataclass(frozen=True, slots=True)
class OrderRushed:
    """An order was moved ahead in the queue."""

    order_id: str


@dataclass(frozen=True, slots=True)
class OrderReady:
    """An order is ready for its customer."""

    order_id: str
    number: str


@dataclass(frozen=True, slots=True)
class OrderHandedOver:
    """An order left the store with its customer or courier."""

    order_id: str
    number: str


@dataclass(frozen=True, slots=True)
class OrderChanged:
    """Staff changed an accepted order's lines (a short pick); every screen shows it highlighted."""

    order_id: str
    number: str
    what: str


@dataclass(frozen=True, slots=True)
class DisplayChanged:
    """A view's change got its number; the order is read for its card once committed."""

    view: str
    seq: int
    order: Order
    shelf: dict[str, dict[str, str | None]] = field(default_factory=dict)  # sku -> bin and barcode, for pick lists
