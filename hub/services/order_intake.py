"""Order intake: take an order once (SubmitOrder), and tell live screens it was accepted or changed status."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub.domain.errors import OrderConflict
from hub.domain.frontdesk_settings import FrontdeskSettings
from hub.domain.numbering import StoreDay, format_number
from hub.domain.order_holds import CONFIRMATION, IncomingChanged, hold_deadline, hold_for
from hub.domain.order_messages import OrderAccepted, OrderStatusChanged, SubmitOrder
from hub.domain.orders import Order, price_lines, tickets_for
from hub.domain.queueing import deadline_for
from hub.domain.tenders import RecordOnlinePayment
from hub.services.commerce import commit_sale, prepare_sale
from hub.services.day_guard import today
from hub.services.ports import Clock, Notify, UnitOfWork
from hub.services.staff import authorize_sale
from hub.services.tenders import allow_offline_redemption

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SubmitResult:
    """An order the hub holds, and whether this submission created it."""

    order: Order
    created: bool


def submit_order(command: SubmitOrder, uow: UnitOfWork, clock: Clock, store_day: StoreDay,
                 frontdesk: FrontdeskSettings, handle_within: Callable[[object], Any],
                 hq_offline_since: Callable[[], datetime | None] = lambda: None) -> SubmitResult:
    """Take an order once: the same id again returns it, other content under that id is a conflict.

    An order that must wait (for its payment, or for a cashier to confirm a remote order) is kept
    `received`: numbered, priced and its stock reserved, but the kitchen gets it only when released.
    """
    existing = uow.orders.get(command.order_id)
    if existing is not None:
        if existing.fingerprint != command.fingerprint:
            raise OrderConflict(
                f"order_id {command.order_id} was already used for a different order ({existing.number})",
                "order_id",
            )
        return SubmitResult(existing, created=False)
    now = clock()
    # The same engine as POST /api/v1/baskets/price; stock is checked before anything is written.
    sale = prepare_sale(uow, command.lines, command.origin, now, store_day.tz, command.loyalty_id,
                        command.tax_exempt, command.redeem_points, command.discounts,
                        frontdesk.discount_limit_percent)
    lines = price_lines(command, sale.catalog, sale.priced)
    hold = hold_for(command.origin, command.release, sale.priced.total, frontdesk.pay_at_counter,
                    frontdesk.remote_orders)
    # The last check before the first write: discounts by hand need staff (and over the limit a manager's approval).
    authorize_sale(uow, command, sale.priced, frontdesk, now)
    if command.redeem_points and command.loyalty_id:  # with HQ unreachable, the counter's points tender takes more
        allow_offline_redemption(uow, command.loyalty_id, command.redeem_points, now, hq_offline_since(), frontdesk, None)
    day = today(uow, now, store_day.tz, store_day.starts_at_hour)  # after a closed day: the next open one
    order = Order(
        order_id=command.order_id,
        number=format_number(uow.orders.next_number(day)),
        business_day=day.isoformat(),
        origin=command.origin,
        fulfilment=command.fulfilment,
        lines=lines,
        tickets=tickets_for(lines),
        received_at=now,
        # A wall clock that stepped back must not put this customer ahead of those already waiting.
        deadline=deadline_for(max(now, uow.orders.latest_arrival() or now), command.promised_at,
                              (line.prep_seconds for line in lines)),
        fingerprint=command.fingerprint,
        loyalty_id=command.loyalty_id,
        promised_at=command.promised_at,
        rush=command.rush,
        source=command.source,
        pricing=sale.priced.to_dict(),
        hold=hold,
        hold_until=hold_deadline(now, hold, frontdesk.unpaid_hold_minutes),
        customer_name=command.customer_name,
        customer_phone=command.customer_phone,
    )
    if hold is None:
        order.accept()
    else:
        logger.info("order %s (%s) waits for %s", order.number, order.order_id, hold)
        if hold == CONFIRMATION:
            uow.raise_event(IncomingChanged(order.order_id))
    commit_sale(uow, sale, order.order_id, now)
    uow.orders.add(order)
    if command.paid_online:  # a web shop order paid at HQ: paid with the order, in its transaction
        handle_within(RecordOnlinePayment(order.order_id, command.paid_online, command.paid_online_reference))
    return SubmitResult(order, created=True)


def announce_order(event: OrderAccepted, notify: Notify) -> None:
    """Tell live screens that an order was accepted."""
    notify("order.accepted", {"order_id": event.order_id, "number": event.number})


def announce_status(event: OrderStatusChanged, notify: Notify) -> None:
    """Tell live screens that an order changed status."""
    notify("order.status", {"order_id": event.order_id, "previous": event.previous, "status": event.current})


def preload_orders(batch: list[SubmitOrder], uow: UnitOfWork) -> None:
    """Look a batch's order ids up in one read; each submit_order's duplicate check then needs none."""
    uow.orders.preload([command.order_id for command in batch])
