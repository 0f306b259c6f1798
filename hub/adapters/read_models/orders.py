"""Orders as the hub sends them: `order.accepted` and `order.rejected` (hub.contracts.orders), and the web API's view."""

from __future__ import annotations

from typing import Any

from hub.contracts.pricing import with_hint_messages
from hub.domain.moments import iso_time
from hub.domain.order_holds import CONFIRMATION
from hub.domain.orders import Order

ACCEPTED = "order.accepted"
REJECTED = "order.rejected"


def order_accepted(order: Order) -> dict[str, Any]:
    """Return the `data` of an `order.accepted` message for an order (OrderAccepted)."""
    total = order.total
    return {
        "order_id": order.order_id,
        "number": order.number,
        "status": order.status.value,
        "total": {"amount": total.amount, "currency": total.currency},
        "tickets": [{"station": t.station, "ticket_id": t.ticket_id} for t in order.tickets],
        "hold": order.waiting,
        "promised_at": iso_time(order.promised_at),
    }


def order_rejected(order: Order) -> dict[str, Any]:
    """Return the `data` of an `order.rejected` message for an order a cashier turned down (OrderRejected)."""
    return {"order_id": order.order_id, "number": order.number, "reason": order.closed_reason}


def sender_answer(kind: str, order: Order) -> dict[str, Any]:
    """Return the `data` of the answer a held order's sender gets: `order.accepted` or `order.rejected`."""
    return {ACCEPTED: order_accepted, REJECTED: order_rejected}[kind](order)


def order_view(order: Order) -> dict[str, Any]:
    """Return an order as the web API shows it: status, lines, totals and tickets."""
    tax = order.tax
    return {
        **order_accepted(order),
        "origin": order.origin,
        "fulfilment": order.fulfilment,
        "business_day": order.business_day,
        "lines": [
            {
                "sku": line.sku,
                "name": line.name,
                "qty": line.qty,
                "modifiers": list(line.modifiers),
                "note": line.note,
                "unit_price": {"amount": line.unit_price.amount, "currency": line.unit_price.currency},
                "total": {"amount": line.total.amount, "currency": line.total.currency},
                "station": line.station,
            }
            for line in order.lines
        ],
        "tax": {"amount": tax.amount, "currency": tax.currency},
        "tickets": [{"station": t.station, "ticket_id": t.ticket_id, "status": t.status.value} for t in order.tickets],
        "customer": _customer(order),
        "promised_at": iso_time(order.promised_at),
        "rush": order.rush,
        "received_at": iso_time(order.received_at),
        "deadline": iso_time(order.deadline),
        "source": order.source,
        "pricing": with_hint_messages(order.pricing) if order.pricing else order.pricing,
        "quoted_at": iso_time(order.quoted_at),
        "hold_until": iso_time(order.hold_until),
        "rejection": order.closed_reason if _rejected(order) else None,
        "cancel_reason": order.closed_reason if not _rejected(order) else None,
    }


def _customer(order: Order) -> dict[str, Any] | None:
    if not (order.loyalty_id or order.customer_name or order.customer_phone):
        return None
    return {"loyalty_id": order.loyalty_id, "name": order.customer_name, "phone": order.customer_phone}


def _rejected(order: Order) -> bool:
    return order.status.value == "cancelled" and order.hold == CONFIRMATION and order.closed_reason is not None
