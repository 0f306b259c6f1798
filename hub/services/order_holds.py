"""Held orders: released when paid or confirmed, cancelled by the customer, a cashier or the clock."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from hub.domain.frontdesk_settings import FrontdeskSettings
from hub.domain.moments import iso_time
from hub.domain.order_holds import (
    CONFIRMATION,
    PAYMENT,
    CancelHeldOrder,
    ConfirmOrder,
    ExpireUnpaidHolds,
    HoldRefused,
    IncomingChanged,
    RejectOrder,
    SenderAnswered,
    TenderTaken,
    quote,
    station_prep,
    suggested_minutes,
)
from hub.domain.orders import Order, TicketStatus
from hub.domain.payment_events import CardPaymentApproved
from hub.domain.queueing import deadline_for
from hub.services.payments import amount_due
from hub.services.ports import Clock, Notify, UnitOfWork

logger = logging.getLogger(__name__)

ReplyToDevice = Callable[[str, str, Order], None]  # (device id, envelope type, the order it answers for)
MAX_REASON = 200


def release_paid_hold(event: TenderTaken | CardPaymentApproved, uow: UnitOfWork, clock: Clock) -> None:
    """Send an order held for its payment to the kitchen once it is paid in full, in the paying transaction."""
    order = uow.orders.get(event.order_id)
    if order is None or order.waiting != PAYMENT or amount_due(uow, order) > 0:
        return
    now = clock()
    # Queued from now: a kiosk customer who took ten minutes to pay must not jump the kitchen's queue.
    order.release(deadline_for(now, order.promised_at, (line.prep_seconds for line in order.lines)))
    uow.orders.save(order)
    logger.info("order %s (%s) paid: released to the kitchen", order.number, order.order_id)


def cancel_held_order(command: CancelHeldOrder, uow: UnitOfWork, clock: Clock) -> Order:
    """Cancel an order that still waits and has nothing paid: stock released, the kitchen never sees it."""
    order = _held(uow, command.order_id, "cancelled")
    _refuse_if_paid(uow, order)
    _cancel(uow, order, _reason(command.reason or "cancelled before it was paid"), clock())
    logger.info("held order %s (%s) cancelled by %s: %s", order.number, order.order_id, command.by, command.reason)
    return order


def confirm_order(command: ConfirmOrder, uow: UnitOfWork, clock: Clock) -> Order:
    """Accept a remote order with the quoted time: to the kitchen now, and its sender is told."""
    order = _held(uow, command.order_id, "confirmed")
    if order.waiting != CONFIRMATION:
        raise HoldRefused("not_waiting_for_confirmation",
                          f"order {order.number} waits for its payment, not for a cashier: take the payment instead")
    now = clock()
    promised = quote(now, command.ready_at, command.minutes)
    order.release(promised, promised_at=promised, quoted_at=now)
    uow.orders.save(order)
    uow.raise_event(IncomingChanged(order.order_id))
    _tell(uow, order, "order.accepted")
    logger.info("order %s (%s) confirmed for %s", order.number, order.order_id, promised.isoformat())
    return order


def reject_order(command: RejectOrder, uow: UnitOfWork, clock: Clock) -> Order:
    """Turn down a remote order that waits for a cashier: cancelled, stock released, its sender told why."""
    reason = _reason(command.reason)
    order = _held(uow, command.order_id, "rejected")
    if order.waiting != CONFIRMATION:
        raise HoldRefused("not_waiting_for_confirmation",
                          f"order {order.number} waits for its payment, not for a cashier: cancel it instead")
    _cancel(uow, order, reason, clock())
    _tell(uow, order, "order.rejected")
    logger.info("order %s (%s) rejected: %s", order.number, order.order_id, reason)
    return order


def expire_unpaid_holds(command: ExpireUnpaidHolds, uow: UnitOfWork, clock: Clock,
                        frontdesk: FrontdeskSettings) -> int:
    """Cancel orders whose payment hold ran out with nothing paid; return how many."""
    now = clock()
    hold = timedelta(minutes=frontdesk.unpaid_hold_minutes)
    for order in uow.orders.holds_beyond(now + hold, command.limit):
        # Ending later than a hold can last from now: the clock went back. The customer keeps a whole hold from now.
        logger.warning("the clock went back behind held order %s (%s): its hold now ends at %s instead of %s",
                       order.number, order.order_id, now + hold, order.hold_until)
        order.hold_until = now + hold
        uow.orders.save(order)
    cancelled = 0
    for order in uow.orders.holds_run_out(now, command.limit):
        if any(p.open for p in uow.payments.for_order(order.order_id)):
            continue  # a customer is at the PIN pad: the result decides, and the next sweep looks again
        if amount_due(uow, order) < order.total.amount:
            # Part paid: cancelling would owe the customer money back; a cashier settles it.
            logger.warning("held order %s (%s) is part paid and its hold ran out; left for a cashier",
                           order.number, order.order_id)
            order.hold_until = None
            uow.orders.save(order)
            continue
        limit = f"{frontdesk.unpaid_hold_minutes} minute{'' if frontdesk.unpaid_hold_minutes == 1 else 's'}"
        _cancel(uow, order, f"not paid within {limit}", now)
        logger.info("held order %s (%s) cancelled: not paid within %s; its stock is released",
                    order.number, order.order_id, limit)
        cancelled += 1
    return cancelled


def incoming_orders(uow: UnitOfWork, now: datetime, frontdesk: FrontdeskSettings) -> list[dict[str, Any]]:
    """Return remote orders waiting for a cashier, oldest first, each with a quote from the kitchen's load."""
    waiting = uow.orders.waiting(CONFIRMATION)
    load = station_load(uow.orders.open_orders())
    catalog = uow.catalog()
    listed = []
    for order in waiting:
        minutes = suggested_minutes(load, station_prep(order.lines), frontdesk.quote_step_minutes)
        ready = now + timedelta(minutes=minutes)
        if order.promised_at is not None and order.promised_at > ready:
            ready = order.promised_at  # the customer asked for later: quote that
            minutes = max(0, math.ceil((ready - now).total_seconds() / 60))
        listed.append({
            "order_id": order.order_id, "number": order.number, "origin": order.origin,
            "fulfilment": order.fulfilment, "received_at": iso_time(order.received_at),
            "promised_at": iso_time(order.promised_at),
            "total": {"amount": order.total.amount, "currency": order.total.currency},
            "lines": [{"sku": line.sku, "name": line.name, "qty": line.qty, "modifiers": _modifier_names(catalog, line),
                       "modifier_codes": list(line.modifiers), "note": line.note} for line in order.lines],
            "customer": {"loyalty_id": order.loyalty_id, "name": order.customer_name, "phone": order.customer_phone},
            "suggested_ready_at": iso_time(ready), "suggested_minutes": minutes,
        })
    return listed


def _modifier_names(catalog, line) -> list[str]:
    item = catalog.get(line.sku)
    return [item.modifiers[code].name if item and code in item.modifiers else code for code in line.modifiers]


def station_load(orders: list[Order]) -> dict[str, int]:
    """Return each station's queued prep seconds: the tickets of open orders it has not finished."""
    load: dict[str, int] = {}
    for order in orders:
        prep = station_prep(order.lines)
        for ticket in order.tickets:
            if ticket.status in (TicketStatus.QUEUED, TicketStatus.FIRED, TicketStatus.STARTED):
                load[ticket.station] = load.get(ticket.station, 0) + prep.get(ticket.station, 0)
    return load


def announce_incoming(event: IncomingChanged, notify: Notify) -> None:
    """Tell counters that the list of orders waiting for a cashier changed."""
    notify("incoming.changed", {"order_id": event.order_id})


def tell_sender(event: SenderAnswered, reply_to_device: ReplyToDevice) -> None:
    """Send a confirmed or rejected order's answer to the device that sent it, after the commit."""
    reply_to_device(event.source, event.type, event.order)


def _held(uow: UnitOfWork, order_id: str, verb: str) -> Order:
    order = uow.orders.get(order_id)
    if order is None:
        raise HoldRefused("not_found", f"no order {order_id}", "order_id", 404)
    if order.waiting is None:
        raise HoldRefused("not_held", f"order {order.number} is {order.status.value}, so it cannot be {verb} here: "
                          "only an order that still waits (received) can")
    return order


def _refuse_if_paid(uow: UnitOfWork, order: Order) -> None:
    if any(p.open for p in uow.payments.for_order(order.order_id)):
        raise HoldRefused("payment_in_progress", f"a card payment for order {order.number} is running: "
                          "wait for its result (or cancel it at the terminal) first")
    if amount_due(uow, order) < order.total.amount:
        raise HoldRefused("already_paid", f"money was taken for order {order.number}: refund it at the counter, "
                          "or finish paying to send it to the kitchen")


def _reason(reason: str | None) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise HoldRefused("reason_required", "reason: say why, in a few words", "reason", 422)
    if len(reason) > MAX_REASON:
        raise HoldRefused("invalid_payload", f"reason: at most {MAX_REASON} characters, got {len(reason)}", "reason", 422)
    return reason


def _cancel(uow: UnitOfWork, order: Order, reason: str, now: datetime) -> None:
    waited = order.waiting
    order.cancel_held(reason)
    uow.orders.save(order)
    _points_back(uow, order, now)
    if waited == CONFIRMATION:
        uow.raise_event(IncomingChanged(order.order_id))


def _points_back(uow: UnitOfWork, order: Order, now: datetime) -> None:
    """Give back points redeemed as a reward at submit: a held order is cancelled with nothing paid."""
    entries = uow.commerce.points_entries(order.order_id)
    owed = -sum(points for _, kind, points in entries if kind in ("redeem", "refund"))
    member = uow.commerce.member(order.loyalty_id) if order.loyalty_id and owed > 0 else None
    if member is not None:
        member.points += owed
        uow.commerce.save_member(member, order.order_id, "refund", owed, now)


def _tell(uow: UnitOfWork, order: Order, kind: str) -> None:
    if order.source != "http":  # an MQTT sender; HTTP senders ask GET /api/v1/orders/<id>
        uow.raise_event(SenderAnswered(order.source, kind, order))

