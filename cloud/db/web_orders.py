"""The web shop's orders for pickup at a store: placed at HQ, sent on the store's feed, moved on by the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update

from cloud.contracts import WebOrder
from cloud.db.feeds import Kind, append_change
from cloud.db.tables import events, web_orders
from cloud.domain import Audience, body_fingerprint, pickup_may_become

WEB_ORDER = Kind("web_order", WebOrder, "web_orders")


@dataclass(frozen=True)
class Placed:
    """What placing a web order did: created it, or found the same one (or another one) under its id."""

    created: bool
    same: bool


def place_web_order(conn: Connection, order: WebOrder, at: datetime) -> Placed:
    """Keep a new web order and put it on its store's feed; the same order again changes nothing."""
    body = order.model_dump(mode="json")
    fingerprint = body_fingerprint(body)
    existing = conn.execute(select(web_orders.c.fingerprint).where(web_orders.c.order_id == order.order_id)).scalar()
    if existing is not None:
        return Placed(created=False, same=existing == fingerprint)
    conn.execute(web_orders.insert().values(order_id=order.order_id, store=order.store, status=order.status.value,
                                            fingerprint=fingerprint, body=body, placed_at=order.placed_at,
                                            updated_at=at))
    append_change(conn, WEB_ORDER, order.order_id, body, Audience(order.store), at)
    return Placed(created=True, same=True)


def web_order_status(conn: Connection, order_id: str, store: str | None = None) -> str | None:
    """Return a web order's status (only if it is this store's, when a store is given), or None."""
    # Locked to the end of the transaction, so two status moves at once are checked one after the other.
    query = select(web_orders.c.status).where(web_orders.c.order_id == order_id).with_for_update()
    if store is not None:
        query = query.where(web_orders.c.store == store)
    return conn.execute(query).scalar()


def move_web_order(conn: Connection, order_id: str, status: str, at: datetime, *, publish: bool) -> bool:
    """Set a web order's status if it may follow the current one; publish it to the store when HQ made the change."""
    row = conn.execute(select(web_orders.c.status, web_orders.c.store, web_orders.c.body)
                       .where(web_orders.c.order_id == order_id)).first()
    if row is None or not pickup_may_become(row.status, status):
        return False
    if status == row.status:
        return True
    body = {**row.body, "status": status}
    conn.execute(update(web_orders).where(web_orders.c.order_id == order_id)
                 .values(status=status, body=body, updated_at=at))
    if publish:
        append_change(conn, WEB_ORDER, order_id, body, Audience(row.store), at)
    return True


def web_order_view(conn: Connection, order_id: str) -> dict | None:
    """Return a web order with its status and the store's status events, oldest first, or None."""
    row = conn.execute(select(web_orders).where(web_orders.c.order_id == order_id)).first()
    if row is None:
        return None
    history = conn.execute(select(events.c.body).where(events.c.store == row.store, events.c.order_id == order_id,
                                                       events.c.kind == "pickup_status")
                           ).scalars()
    ordered = sorted(history, key=lambda event: event["at"])  # times in UTC ISO text sort as times
    return {**row.body, "history": [{"status": h["status"], "at": h["at"], "event_id": h["id"]} for h in ordered]}
