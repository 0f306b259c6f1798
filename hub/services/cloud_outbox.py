"""Queue the store's sales for headquarters in the same transaction as the sale (issue 13).

Each handler runs inside the command's unit of work, so an order, a payment or a stock move is
in the outbox exactly when it is in the books. Nothing is queued while the store is not linked
(`uow.outbox` is None). Sending is the cloud adapter's job (hub.adapters.cloud.sender).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hub.domain.order_holds import TenderTaken
from hub.domain.order_messages import OrderAccepted, OrderStatusChanged
from hub.domain.moments import iso_time
from hub.domain.orders import Order, OrderStatus
from hub.domain.payment_events import CardPaymentApproved
from hub.domain.stock import StockChanged
from hub.domain.tenders import OrderRefunded
from hub.services.ports import Clock, UnitOfWork

WEB_ORIGIN = "web"  # orders placed at HQ's web shop for pickup here; their status flows back
HQ_SOURCE = "hq:"  # the source of an order pulled from HQ's web_orders feed, followed by HQ's id for it
PICKUP_STATUS = {  # the hub's order status -> HQ's pickup status
    OrderStatus.ACCEPTED.value: "accepted",
    OrderStatus.READY.value: "ready",
    OrderStatus.COMPLETED.value: "collected",
    OrderStatus.CANCELLED.value: "cancelled",
}


def _iso(moment: datetime) -> str:
    return iso_time(moment, utc_as_z=False)  # HQ's feed has always said +00:00


def order_event(order: Order) -> dict[str, Any]:
    """Return the order as HQ takes it, at the prices it was sold for."""
    total = order.total
    return {
        "kind": "order", "id": order.order_id, "number": order.number, "origin": order.origin,
        "placed_at": _iso(order.received_at),
        "lines": [{"sku": line.sku, "qty": line.qty, "modifiers": list(line.modifiers),
                   "unit_price": {"amount": line.unit_price.amount, "currency": line.unit_price.currency}}
                  for line in order.lines],
        "total": {"amount": total.amount, "currency": total.currency},
        **({"loyalty_id": order.loyalty_id} if order.loyalty_id else {}),
    }


def queue_order(event: OrderAccepted, uow: UnitOfWork, clock: Clock) -> None:
    """Queue an accepted order, then any money already taken for it (a held order paid first)."""
    if uow.outbox is None:
        return
    order = uow.orders.get(event.order_id)
    if order is None:
        return
    if order.origin == WEB_ORIGIN:
        _queue_pickup_status(uow, order, "accepted", clock)  # the order is HQ's already; its status goes back
        return
    uow.outbox.add(order.order_id, f"order:{order.order_id}", order_event(order))
    _queue_tenders(uow, order.order_id, clock)
    uow.outbox.capture_ledgers()


def queue_payments(event: TenderTaken | CardPaymentApproved, uow: UnitOfWork, clock: Clock) -> None:
    """Queue the money taken for an order once the order itself is queued (or is HQ's web order)."""
    if uow.outbox is None:
        return
    order = uow.orders.get(event.order_id)
    if order is not None and order.status is not OrderStatus.RECEIVED and order.origin != WEB_ORIGIN:
        _queue_tenders(uow, order.order_id, clock)
    uow.outbox.capture_ledgers()


def _queue_tenders(uow: UnitOfWork, order_id: str, clock: Clock) -> None:
    now = clock()
    for tender in uow.commerce.tenders(order_id):
        uow.outbox.add(tender.tender_id, f"order:{order_id}", {
            "kind": "payment", "id": tender.tender_id, "order_id": order_id, "method": tender.kind,
            "amount": {"amount": tender.amount, "currency": tender.currency}, "paid_at": _iso(now)})


def queue_refund(event: OrderRefunded, uow: UnitOfWork, clock: Clock) -> None:
    """Queue money given back for an order, after the order."""
    if uow.outbox is None:
        return
    uow.outbox.add(event.refund_id, f"order:{event.order_id}", {
        "kind": "refund", "id": event.refund_id, "order_id": event.order_id,
        "amount": {"amount": event.amount, "currency": event.currency}, "refunded_at": _iso(clock())})
    uow.outbox.capture_ledgers()


def queue_status(event: OrderStatusChanged, uow: UnitOfWork, clock: Clock) -> None:
    """Queue what the new status moved (stock, points), and a web order's pickup status for HQ."""
    if uow.outbox is None:
        return
    uow.outbox.capture_ledgers()
    status = PICKUP_STATUS.get(event.current)
    if status is None:
        return
    order = uow.orders.get(event.order_id)
    if order is not None and order.origin == WEB_ORIGIN:
        _queue_pickup_status(uow, order, status, clock)


def _queue_pickup_status(uow: UnitOfWork, order: Order, status: str, clock: Clock) -> None:
    """Queue a web order's new status under HQ's own id for it (the order's source, `hq:<id>`)."""
    if not order.source.startswith(HQ_SOURCE):
        return  # a web order that came another way (a gateway over MQTT): HQ does not hold it
    web_order_id = order.source[len(HQ_SOURCE):]
    event_id = f"{order.order_id}:{status}"
    uow.outbox.add(event_id, f"order:{order.order_id}", {
        "kind": "pickup_status", "id": event_id, "order_id": web_order_id, "status": status, "at": _iso(clock())})


def queue_ledgers(event: StockChanged, uow: UnitOfWork) -> None:
    """Queue stock moves written by a delivery, an 86 or a restock."""
    if uow.outbox is not None:
        uow.outbox.capture_ledgers()

