"""The kitchen's side of an order: firing, starting, bumping, recalling and handing over tickets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hub.domain.errors import OrderRefused
from hub.domain.kitchen_messages import OrderHandedOver, OrderReady, OrderRushed, TicketChanged
from hub.domain.orders import Order, OrderStatus, Ticket, TicketStatus

DEFAULT_YELLOW_AFTER_S = 5 * 60
DEFAULT_RED_AFTER_S = 8 * 60
RECALL_WINDOW = timedelta(minutes=15)
RECALL_LIMIT = 50
OPEN_ORDER = (OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS)


@dataclass(frozen=True, kw_only=True)
class KitchenSettings:
    """How the kitchen works: expo's own bump, timer colours per station, bump bars."""

    expo_required: bool = True  # the order is ready only once expo bumps it
    yellow_after_s: int = DEFAULT_YELLOW_AFTER_S
    red_after_s: int = DEFAULT_RED_AFTER_S
    thresholds: dict[str, tuple[int, int]] = field(default_factory=dict)  # station -> (yellow, red) seconds
    bump_bars: dict[str, str] = field(default_factory=dict)  # bump bar device id -> station
    scanners: dict[str, str] = field(default_factory=dict)  # barcode scanner device id -> pick zone

    def colours_for(self, station: str) -> tuple[int, int]:
        """Return the (yellow, red) ages in seconds for a station."""
        return self.thresholds.get(station, (self.yellow_after_s, self.red_after_s))


class ActionRefused(OrderRefused):
    """A display's action the kitchen will not do; the message is shown on the screen.

    `words` says the same for the screens, in every language: a key of the displays' strings (`refused_<key>` in
    displays/display_strings.py) and the values for its holes. Every refusal has them: a screen never shows the
    English message."""

    code = "refused"

    def __init__(self, message: str, field: str | None = None, *, words: tuple[str, dict]) -> None:
        super().__init__(message, field)
        self.words = words


class PaidOrder(ActionRefused):
    """A display tried to cancel an order that holds the customer's money."""

    code = "paid_order"
    status = 409


def ticket_of(order: Order, ticket_id: str) -> Ticket:
    """Return an order's ticket, or refuse naming it."""
    for ticket in order.tickets:
        if ticket.ticket_id == ticket_id:
            return ticket
    raise ActionRefused(f"order {order.number} has no ticket {ticket_id}", "ticket_id",
                        words=("no_ticket", {"number": order.number}))


def check_version(order: Order, ticket: Ticket, version: int | None) -> None:
    """Refuse an action decided on a ticket that has changed since the screen drew it."""
    if version is not None and version != ticket.version:
        cancelled = order.status is OrderStatus.CANCELLED
        raise ActionRefused(
            f"order {order.number} changed at {ticket.station} meanwhile ({_describe(order, ticket)}); look again",
            "version",
            words=("changed_cancelled", {"number": order.number, "station": ticket.station}) if cancelled else
            ("changed_now", {"number": order.number, "station": ticket.station, "status": ticket.status.value}),
        )


def _ticket_words(order: Order, ticket: Ticket) -> dict:
    return {"number": order.number, "station": ticket.station, "status": ticket.status.value}


def _order_words(order: Order) -> dict:
    return {"number": order.number, "order_status": order.status.value}


def _describe(order: Order, ticket: Ticket) -> str:
    if order.status is OrderStatus.CANCELLED:
        return "it was cancelled"
    return f"it is now {ticket.status.value}"


def prep_seconds(order: Order, station: str) -> int:
    """Return the longest prep time of a station's lines in an order."""
    return max((line.prep_seconds for line in order.lines if line.station == station), default=0)


def plan(order: Order, now: datetime) -> None:
    """Give each ticket a fire time so the order finishes together; the firing tick sends them."""
    longest = max((prep_seconds(order, t.station) for t in order.tickets), default=0)
    for ticket in order.tickets:
        ticket.accepted_at = now
        ticket.fire_at = now + timedelta(seconds=longest - prep_seconds(order, ticket.station))


def fire_due(order: Order, now: datetime) -> bool:
    """Fire the order's held-back (later-starting), unheld tickets whose time has come; say whether any fired.

    A ticket due at acceptance is on its station's screen from then on and is fired when the
    station first acts on it: firing it in a transaction of its own doubled the hub's work per order.
    """
    fired = False
    for ticket in order.tickets:
        if (ticket.status is TicketStatus.QUEUED and not ticket.held and ticket.fire_at and ticket.fire_at <= now
                and ticket.accepted_at and ticket.fire_at > ticket.accepted_at):
            fire(order, ticket, now)
            fired = True
    return fired


def fire(order: Order, ticket: Ticket, now: datetime) -> None:
    """Send a ticket to its station now."""
    _refuse_unless_open(order)
    if ticket.status is not TicketStatus.QUEUED:
        raise ActionRefused(f"ticket {order.number} at {ticket.station} is already {ticket.status.value}", "ticket_id",
                            words=("cannot_fire", _ticket_words(order, ticket)))
    ticket.held = False
    ticket.move_to(TicketStatus.FIRED)
    ticket.fired_at = now
    _changed(order, ticket, "fired")


def hold(order: Order, ticket: Ticket) -> None:
    """Keep a waiting ticket (a later course) off the station until it is fired."""
    _refuse_unless_open(order)
    if ticket.status is not TicketStatus.QUEUED:
        raise ActionRefused(f"ticket {order.number} at {ticket.station} is {ticket.status.value}; only a waiting ticket can be held", "ticket_id",
                            words=("cannot_hold", _ticket_words(order, ticket)))
    ticket.version += 1
    ticket.held = True
    _changed(order, ticket, "held")


def start(order: Order, ticket: Ticket, now: datetime, settings: KitchenSettings) -> None:
    """Mark a fired ticket as being made."""
    _refuse_unless_open(order)
    _fire_if_waiting(order, ticket, now)
    if ticket.status is not TicketStatus.FIRED:
        raise ActionRefused(f"ticket {order.number} at {ticket.station} is {ticket.status.value}; only a fired ticket can be started", "ticket_id",
                            words=("cannot_start", _ticket_words(order, ticket)))
    ticket.move_to(TicketStatus.STARTED)
    ticket.started_at = now
    _changed(order, ticket, "started")
    follow(order, settings)


def bump(order: Order, ticket: Ticket, now: datetime, settings: KitchenSettings) -> None:
    """Finish a ticket; on a cancelled one, acknowledge it so it leaves the screen."""
    if ticket.status is TicketStatus.CANCELLED:
        if not ticket.dismissed:
            ticket.dismissed = True
            ticket.version += 1
            _changed(order, ticket, "dismissed")
        return
    _refuse_unless_open(order)
    _fire_if_waiting(order, ticket, now)
    if ticket.status not in (TicketStatus.FIRED, TicketStatus.STARTED):
        raise ActionRefused(f"ticket {order.number} at {ticket.station} is {ticket.status.value}; it cannot be bumped", "ticket_id",
                            words=("cannot_bump", _ticket_words(order, ticket)))
    ticket.move_to(TicketStatus.DONE)
    ticket.done_at = now
    ticket.started_at = ticket.started_at or now
    _changed(order, ticket, "bumped")
    follow(order, settings)


def bump_line(order: Order, ticket: Ticket, line_no: int, now: datetime, settings: KitchenSettings) -> None:
    """Finish one line; the ticket is bumped with its last line."""
    lines = station_lines(order, ticket.station)
    if line_no not in lines:
        raise ActionRefused(f"ticket {order.number} at {ticket.station} has no line {line_no}", "line_no",
                            words=("no_line", {"number": order.number, "station": ticket.station}))
    _refuse_unless_open(order)
    _fire_if_waiting(order, ticket, now)
    if ticket.status not in (TicketStatus.FIRED, TicketStatus.STARTED):
        raise ActionRefused(f"ticket {order.number} at {ticket.station} is {ticket.status.value}; it cannot be bumped", "ticket_id",
                            words=("cannot_bump", _ticket_words(order, ticket)))
    if line_no not in ticket.bumped_lines:
        ticket.bumped_lines = tuple(sorted({*ticket.bumped_lines, line_no}))
        ticket.version += 1
        _changed(order, ticket, "item_bumped")
    if set(lines) <= set(ticket.bumped_lines):
        bump(order, ticket, now, settings)


def recall(order: Order, ticket: Ticket, now: datetime) -> None:
    """Put a ticket bumped within the recall window back on its screen."""
    if ticket.status is not TicketStatus.DONE:
        raise ActionRefused(f"ticket {order.number} at {ticket.station} is {ticket.status.value}, not bumped", "ticket_id",
                            words=("not_bumped", _ticket_words(order, ticket)))
    if order.status not in (*OPEN_ORDER, OrderStatus.READY):
        raise ActionRefused(f"order {order.number} is {order.status.value}; it can no longer be recalled", "order_id",
                            words=("no_recall", _order_words(order)))
    if ticket.done_at is None or now - ticket.done_at > RECALL_WINDOW:
        raise ActionRefused(f"ticket {order.number} was bumped more than {RECALL_WINDOW.seconds // 60} minutes ago", "ticket_id",
                            words=("too_late", {"number": order.number, "minutes": RECALL_WINDOW.seconds // 60}))
    ticket.move_to(TicketStatus.STARTED)
    ticket.done_at = None
    ticket.bumped_lines = ()
    _changed(order, ticket, "recalled")
    if order.status is OrderStatus.READY:
        order.move_to(OrderStatus.IN_PROGRESS)


def rush(order: Order) -> None:
    """Move an order ahead of everything due in the next minutes."""
    _refuse_unless_open(order)
    if not order.rush:
        order.rush = True
        for ticket in order.tickets:
            ticket.version += 1
        order.events.append(OrderRushed(order.order_id))


def expo_bump(order: Order) -> None:
    """Mark the order ready, refusing while a station still holds it."""
    if order.status is OrderStatus.READY:
        return
    _refuse_unless_open(order)
    waiting = [t.station for t in order.tickets if t.status not in (TicketStatus.DONE, TicketStatus.CANCELLED)]
    if waiting:
        raise ActionRefused(f"order {order.number} is still at {', '.join(waiting)}", "order_id",
                            words=("still_at", {"number": order.number, "stations": ", ".join(waiting)}))
    _make_ready(order)


def hand_over(order: Order, now: datetime) -> None:
    """Complete a ready order; its number leaves the board."""
    if order.status is not OrderStatus.READY:
        raise ActionRefused(f"order {order.number} is {order.status.value}, not ready", "order_id",
                            words=("not_ready", _order_words(order)))
    order.move_to(OrderStatus.COMPLETED)
    for ticket in order.tickets:
        ticket.handed_over_at = now
        ticket.version += 1
    order.events.append(OrderHandedOver(order.order_id, order.number))


def cancel(order: Order, money_taken: int = 0, paying: bool = False) -> None:
    """Cancel an order; its tickets stay on screen, highlighted, until each station acknowledges.

    A display cannot give money back (the kitchen approves no refunds): an order with cash or card
    money on it, or a card payment running, is refused; the counter refunds it with a manager first.
    """
    if order.status in (OrderStatus.COMPLETED, OrderStatus.CANCELLED):
        raise ActionRefused(f"order {order.number} is already {order.status.value}", "order_id",
                            words=("already", _order_words(order)))
    if paying or money_taken > 0:
        raise PaidOrder(f"order {order.number} is paid: refund it at the counter first (a manager approves "
                        "refunds), then cancel it" if money_taken > 0 else
                        f"order {order.number} has a card payment running: wait for it, then refund it at the counter",
                        "order_id", words=("paid" if money_taken > 0 else "paying", {"number": order.number}))
    order.move_to(OrderStatus.CANCELLED)  # every ticket not yet bumped becomes cancelled and stays on screen


def follow(order: Order, settings: KitchenSettings) -> None:
    """Move the order with its tickets: in progress once one starts, ready when all are done (without expo)."""
    live = [t for t in order.tickets if t.status is not TicketStatus.CANCELLED]
    if live and all(t.status is TicketStatus.DONE for t in live) and not settings.expo_required:
        if order.status in OPEN_ORDER:
            _make_ready(order)
    elif any(t.status in (TicketStatus.STARTED, TicketStatus.DONE) for t in live):
        if order.status is OrderStatus.ACCEPTED:
            order.move_to(OrderStatus.IN_PROGRESS)


def station_lines(order: Order, station: str) -> list[int]:
    """Return the numbers of the order's lines made at a station."""
    return [no for no, line in enumerate(order.lines) if line.station == station]


def _make_ready(order: Order) -> None:
    order.move_to(OrderStatus.READY)
    order.events.append(OrderReady(order.order_id, order.number))


def _fire_if_waiting(order: Order, ticket: Ticket, now: datetime) -> None:
    """Let a cook act on a ticket that waits for its fire time (a held one stays refused)."""
    if ticket.status is TicketStatus.QUEUED and not ticket.held:
        fire(order, ticket, min(now, ticket.fire_at or now))  # it was on screen since its fire time


def _refuse_unless_open(order: Order) -> None:
    if order.status not in OPEN_ORDER:
        raise ActionRefused(f"order {order.number} is {order.status.value}", "order_id",
                            words=("not_open", _order_words(order)))


def _changed(order: Order, ticket: Ticket, what: str) -> None:
    order.events.append(TicketChanged(order.order_id, ticket.ticket_id, ticket.station, what))
