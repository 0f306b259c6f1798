"""Keep the report roll-ups in the same transaction as each sale, refund, cancellation and stock change.

These are `within` reactions (hub.services.handler_table): they run before the commit, so a sale is in
the reports exactly when it is in the books. Nothing is written when the unit of work has no roll-ups
(a test's fake unit of work).
"""

from __future__ import annotations

from typing import Any

from hub.domain.kitchen import KitchenSettings
from hub.domain.kitchen_messages import TicketChanged
from hub.domain.order_messages import OrderAccepted, OrderStatusChanged
from hub.domain.tenders import OrderRefunded
from hub.domain.numbering import business_day
from hub.domain.report_rollups import Rollup, day_start, local_hour, order_rollup, refund_rollup
from hub.domain.speed_of_service import bump_entry
from hub.services.ports import Clock, UnitOfWork

_COUNTED = ("accepted", "in_progress", "ready", "completed")  # statuses of an order already in the roll-ups


def _modifier_lookup(uow: UnitOfWork):
    catalog = uow.catalog()

    def lookup(sku: str, code: str) -> tuple[str, int] | None:
        item = catalog.get(sku)
        modifier = item.modifiers.get(code) if item is not None else None
        return (modifier.name, modifier.price_delta) if modifier is not None else None

    return lookup


def roll_up_order(event: OrderAccepted, uow: UnitOfWork, store_day: Any) -> None:
    """Add an accepted order to the roll-ups, at its business day and the hour it came in."""
    if getattr(uow, "reports", None) is None:
        return
    order = uow.orders.get(event.order_id)
    if order is not None:
        uow.reports.add(order_rollup(order, store_day.tz, _modifier_lookup(uow)))


def take_back_cancelled(event: OrderStatusChanged, uow: UnitOfWork, store_day: Any) -> None:
    """Take a cancelled order back out of the roll-ups (one that never was accepted was never in)."""
    if getattr(uow, "reports", None) is None or event.current != "cancelled" or event.previous not in _COUNTED:
        return
    order = uow.orders.get(event.order_id)
    if order is not None:
        uow.reports.add(order_rollup(order, store_day.tz, _modifier_lookup(uow), sign=-1))


def roll_up_refund(event: OrderRefunded, uow: UnitOfWork, clock: Clock, store_day: Any) -> None:
    """Add a refund's money per item and modifier, on the day and hour it was made."""
    if getattr(uow, "reports", None) is None:
        return
    order = uow.orders.get(event.order_id)
    history = uow.reports.refund_history(event.order_id)
    position = next((i for i, (refund_id, _) in enumerate(history) if refund_id == event.refund_id), None)
    if order is None or position is None:
        return
    before = history[position - 1][1] if position else {}
    now = clock()
    day = business_day(now, store_day.tz, store_day.starts_at_hour).isoformat()
    uow.reports.add(refund_rollup(order, day, local_hour(now, store_day.tz), before, history[position][1],
                                  _modifier_lookup(uow)))


def roll_up_stock(event: Any, uow: UnitOfWork, clock: Clock, store_day: Any) -> None:
    """Write today's stock row (opening, received, closing) of every item whose stock changed."""
    if getattr(uow, "reports", None) is None:
        return
    today = business_day(clock(), store_day.tz, store_day.starts_at_hour)
    began = day_start(today, store_day.tz, store_day.starts_at_hour)
    for sku in dict.fromkeys(event.skus):
        uow.reports.record_stock(sku, today.isoformat(), began)



def roll_up_bump(event: TicketChanged, uow: UnitOfWork, kitchen_settings: KitchenSettings | None, store_day: Any) -> None:
    """Count a bumped ticket's time from fire to bump; a recall takes it back out until the next bump."""
    if getattr(uow, "reports", None) is None or event.what not in ("bumped", "recalled"):
        return
    order = uow.orders.get(event.order_id)
    ticket = next((t for t in order.tickets if t.ticket_id == event.ticket_id), None) if order else None
    if ticket is None:
        return
    roll = Rollup()
    previous = uow.reports.speed_bump(event.ticket_id)
    if previous is not None:
        roll.add("speed", previous[0], tickets=-1, late=-previous[1])
    entry = None
    if event.what == "bumped":
        target = (kitchen_settings or KitchenSettings()).colours_for(ticket.station)[1]
        entry = bump_entry(order, ticket, store_day.tz, target)
        if entry is not None:
            roll.add("speed", entry[0], tickets=1, late=entry[1])
    if previous is not None or entry is not None:
        uow.reports.add(roll)
        uow.reports.record_speed_bump(event.ticket_id, entry)
