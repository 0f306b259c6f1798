"""Kitchen handlers: display actions on tickets, firing on time, and numbering every display change."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub.domain import kitchen, kitchen_pick
from hub.domain import kitchen_messages as km
from hub.domain.device_jobs import DeviceEventReceived
from hub.domain.kitchen import ActionRefused, KitchenSettings
from hub.domain.kitchen_messages import DisplayChanged
from hub.domain.kitchen_views import EXPO, card, kds_view, shelf_of, views_for
from hub.domain.numbering import StoreDay
from hub.domain.order_messages import OrderAccepted
from hub.domain.orders import Order, price_lines
from hub.domain.tenders import ONLINE
from hub.services import commerce
from hub.services.ports import Clock, UnitOfWork

logger = logging.getLogger(__name__)

DisplayFeed = Callable[[str, dict[str, Any]], None]


@dataclass(frozen=True, slots=True)
class ActionDone:
    """An action applied now, or found applied before (`repeated`)."""

    action_id: str
    repeated: bool = False


def apply_action(command: Any, uow: UnitOfWork, clock: Clock, kitchen_settings: KitchenSettings) -> ActionDone:
    """Apply a display action once: a repeated action id changes nothing; a stale version is refused."""
    if uow.displays.applied(command.action_id):
        return ActionDone(command.action_id, repeated=True)
    order = uow.orders.get(command.order_id)
    if order is None:
        raise ActionRefused(f"no order {command.order_id}", "order_id", words=("no_order", {}))
    now = clock()
    if isinstance(command, km.CancelOrder):
        kitchen.cancel(order, *_money_on(uow, order))
    else:
        _ACTIONS[type(command)](command, order, now, kitchen_settings)
    uow.orders.save(order)
    uow.displays.record(command.action_id, type(command).__name__, order.order_id, now)
    return ActionDone(command.action_id)


SETTLED_ELSEWHERE = ("gift_card", "points", ONLINE)  # tenders a cancel needs no refund at the counter for


def _money_on(uow: UnitOfWork, order: Order) -> tuple[int, bool]:
    """Return (cash and card money kept for the order, whether a card payment is running).

    Gift card and points tenders are not counted: a cancel credits them back by itself (return_stored_value);
    nor is a web order's online payment: HQ gives it back when it hears the order was cancelled.
    """
    payments = uow.payments.for_order(order.order_id)
    kept = sum(t.refundable for t in uow.commerce.tenders(order.order_id) if t.kind not in SETTLED_ELSEWHERE)
    return max(kept, sum(p.net_charged for p in payments)), any(p.open for p in payments)


def _on_ticket(command: Any, order: Order) -> kitchen.Ticket:
    ticket = kitchen.ticket_of(order, command.ticket_id)
    kitchen.check_version(order, ticket, command.version)
    return ticket


_ACTIONS: dict[type, Callable[[Any, Order, datetime, KitchenSettings], None]] = {
    km.StartTicket: lambda c, o, now, s: kitchen.start(o, _on_ticket(c, o), now, s),
    km.BumpTicket: lambda c, o, now, s: kitchen.bump(o, _on_ticket(c, o), now, s),
    km.BumpItem: lambda c, o, now, s: kitchen.bump_line(o, _on_ticket(c, o), c.line_no, now, s),
    km.RecallTicket: lambda c, o, now, s: kitchen.recall(o, _on_ticket(c, o), now),
    km.HoldTicket: lambda c, o, now, s: kitchen.hold(o, _on_ticket(c, o)),
    km.FireTicket: lambda c, o, now, s: kitchen.fire(o, _on_ticket(c, o), now),
    km.RushOrder: lambda c, o, now, s: kitchen.rush(o),
    km.BumpExpo: lambda c, o, now, s: kitchen.expo_bump(o),
    km.HandOverOrder: lambda c, o, now, s: kitchen.hand_over(o, now),
    km.PickItem: lambda c, o, now, s: kitchen_pick.pick(o, _picking(c, o), c.line_no, c.sku, now, s),
    km.PackTicket: lambda c, o, now, s: kitchen_pick.pack(o, _on_ticket(c, o), now, s),
}


def _picking(command: km.PickItem, order: Order) -> kitchen.Ticket:
    # A pick names the line's SKU instead: scans come faster than the screen redraws a new version.
    ticket = kitchen.ticket_of(order, command.ticket_id)
    if command.version is not None:
        kitchen.check_version(order, ticket, command.version)
    return ticket


def short_pick_line(command: km.ShortPickLine, uow: UnitOfWork, clock: Clock, kitchen_settings: KitchenSettings,
                    store_day: StoreDay) -> ActionDone:
    """Remove a line's missing units or replace them: reprice the order and move the stock, once per action id."""
    if uow.displays.applied(command.action_id):
        return ActionDone(command.action_id, repeated=True)
    order = uow.orders.get(command.order_id)
    if order is None:
        raise ActionRefused(f"no order {command.order_id}", "order_id", words=("no_order", {}))
    now = clock()
    ticket = kitchen.ticket_of(order, command.ticket_id)
    catalog = uow.catalog()
    substitute = None
    if command.remedy == "substitute" and command.substitute:
        found = catalog.find(command.substitute)
        if found is None:
            raise ActionRefused(f"no item with SKU or barcode {command.substitute.strip()}", "substitute",
                                words=("no_item", {"code": command.substitute.strip()}))
        substitute = catalog.with_sold_out(uow.commerce.sold_out()).item(found.sku, "substitute")
    plan = kitchen_pick.plan_short(order, ticket, command.line_no, command.remedy, substitute, command.version,
                                   catalog, now)
    if plan.substitute is not None:
        # A refusal returns as the action's answer and the rest of the batch commits, so refuse before any write.
        commerce.ensure_reservable(uow, catalog, plan.substitute.sku, plan.missing,
                                   (order.pricing or {}).get("channel") or order.origin)
    catalog, priced = commerce.reprice(uow, order, plan.requests, store_day.tz)
    lines = price_lines(None, catalog, priced)
    commerce.release_units(uow, catalog, plan.line.sku, plan.missing, order.order_id, now)
    if plan.substitute is not None:
        commerce.reserve_units(uow, catalog, plan.substitute.sku, plan.missing, order.order_id, priced.channel, now)
    text = kitchen_pick.apply_short(order, ticket, plan, lines, priced.to_dict(), now, kitchen_settings)
    uow.orders.save(order)
    uow.displays.record(command.action_id, "ShortPickLine", order.order_id, now)
    logger.info("order %s changed by a short pick: %s", order.number, text)
    return ActionDone(command.action_id)


def fire_due_tickets(command: km.FireDueTickets, uow: UnitOfWork, clock: Clock) -> int:
    """Fire waiting tickets whose time has come; return how many orders changed."""
    now = clock()
    changed = 0
    for order_id in uow.displays.due_orders(now)[: command.limit]:
        order = uow.orders.get(order_id)
        if order is not None and kitchen.fire_due(order, now):
            uow.orders.save(order)
            changed += 1
    return changed


def plan_firing(event: OrderAccepted, uow: UnitOfWork, clock: Clock) -> None:
    """Time an accepted order's tickets so its items finish together."""
    order = uow.orders.get(event.order_id)
    if order is not None:
        kitchen.plan(order, clock())
        uow.orders.save(order)


def number_display_change(event: Any, uow: UnitOfWork) -> None:
    """Give each view the order is on its next change number, once per transaction."""
    order = uow.orders.get(event.order_id)
    if order is None:
        return
    # A ticket's own change shows only on its station and expo; order changes show everywhere.
    views = [kds_view(event.station), EXPO] if isinstance(event, km.TicketChanged) else views_for(order)
    shelf = None
    for view in dict.fromkeys(views):
        if uow.displays.first_change(view, order.order_id):
            if shelf is None:
                shelf = shelf_of(uow.catalog(), order)
            uow.raise_event(DisplayChanged(view, uow.displays.next_seq(view), order, shelf))


def send_display_change(event: DisplayChanged, display_feed: DisplayFeed) -> None:
    """Send a numbered change to the screens on its view, with the order's committed card."""
    display_feed("change", {"view": event.view, "seq": event.seq, "order_id": event.order.order_id,
                            "card": card(event.order, event.view, event.shelf)})


def broadcast_ready(event: km.OrderReady, broadcast: Callable[..., None]) -> None:
    """Tell pagers and lights that an order is ready."""
    broadcast("ready", {"order_id": event.order_id, "number": event.number})


def forward_device_input(event: DeviceEventReceived, display_feed: DisplayFeed, kitchen_settings: KitchenSettings) -> None:
    """Send a serial bump bar's key, or a scanner's barcode, to the screens of the station it serves."""
    if event.type == "key.pressed":
        # The hub's mapping wins; else the station the agent's bump bar config names.
        station = kitchen_settings.bump_bars.get(event.device_id) or event.data.get("station")
        key = event.data.get("key")
        if station and isinstance(key, str) and key:
            display_feed("key", {"view": kds_view(station), "key": key, "device_id": event.device_id})
    elif event.type == "scan":
        zone = kitchen_settings.scanners.get(event.device_id)
        code = event.data.get("code")
        if zone and isinstance(code, str) and code:
            display_feed("scan", {"view": kds_view(zone), "code": code, "device_id": event.device_id})
