"""Take a store's events once each: orders, payments, refunds, stock moves and loyalty entries."""

from __future__ import annotations

from datetime import datetime

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError

from cloud.contracts import (
    EventResult,
    LoyaltyEntryEvent,
    Outcome,
    PaymentEvent,
    PickupStatusEvent,
    RefundEvent,
    StockMoveEvent,
    StoreEvent,
    field_path,
)
from cloud.db.loyalty import publish_balance
from cloud.db.tables import events, ledger, members, stock_moves
from cloud.db.web_orders import move_web_order, web_order_status
from cloud.domain import body_fingerprint, owns_location, pickup_may_become

EVENT = TypeAdapter(StoreEvent)
KINDS = ("order", "payment", "refund", "stock_move", "loyalty_entry", "pickup_status")


class Refusal(Exception):
    """An event that cannot be stored, with the code, words and whether sending it later may succeed."""

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None, retry: bool = False):
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.retry = status, code, message, field, retry


def ingest(conn: Connection, store: str, raw_events: list[dict], at: datetime) -> list[EventResult]:
    """Take every event in order, each in its own savepoint, and answer for each one."""
    results = []
    for index, raw in enumerate(raw_events):
        event_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
        try:
            event = _valid(raw, index)
            event_id = event.id
            results.append(_take(conn, store, event, at))
        except Refusal as refusal:
            results.append(EventResult(id=event_id, outcome=Outcome.refused, status=refusal.status, code=refusal.code,
                                       message=refusal.message, field=refusal.field, retry=refusal.retry))
    return results


def _valid(raw: object, index: int):
    try:
        return EVENT.validate_python(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = tuple(first["loc"])
        if first["type"] in ("union_tag_invalid", "union_tag_not_found"):
            location = ("kind",)
        elif location and location[0] in KINDS:
            location = location[1:]  # pydantic names the union's member first; the field is what matters
        field = field_path(location, f"events[{index}]")
        problem = first["msg"][0].lower() + first["msg"][1:]
        raise Refusal(422, "invalid_event", f"{field}: {problem}", field=field) from None


def _take(conn: Connection, store: str, event, at: datetime) -> EventResult:
    body = event.model_dump(mode="json")
    fingerprint = body_fingerprint(body)
    seen = _seen(conn, store, event.id, fingerprint)
    if seen is not None:
        return seen
    try:
        with conn.begin_nested():
            _check(conn, store, event)
            conn.execute(events.insert().values(
                store=store, id=event.id, kind=event.kind, fingerprint=fingerprint, body=body,
                order_id=getattr(event, "order_id", None),
                received_at=at))
            _apply(conn, store, event, at)
    except IntegrityError:
        # Another request took the same id between our look and our insert: answer as if we had seen it.
        seen = _seen(conn, store, event.id, fingerprint)
        if seen is None:
            raise
        return seen
    return EventResult(id=event.id, outcome=Outcome.committed, status=201)


def _seen(conn: Connection, store: str, event_id: str, fingerprint: str) -> EventResult | None:
    stored = conn.execute(select(events.c.fingerprint).where(events.c.store == store, events.c.id == event_id)).scalar()
    if stored is None:
        return None
    if stored == fingerprint:
        return EventResult(id=event_id, outcome=Outcome.already_committed, status=200)
    raise Refusal(409, "conflict", f"{event_id} was committed before with other content; a changed event needs a new id",
                  field="id")


def _check(conn: Connection, store: str, event) -> None:
    if isinstance(event, (PaymentEvent, RefundEvent)):
        order = conn.execute(select(events.c.id).where(events.c.store == store, events.c.id == event.order_id,
                                                       events.c.kind == "order")).first()
        if order is None:
            raise Refusal(422, "order_unknown", f"order {event.order_id} is not at HQ yet: send the order first",
                          field="order_id", retry=True)
    elif isinstance(event, StockMoveEvent):
        if not owns_location(store, event.location):
            raise Refusal(403, "not_your_location",
                          f"location {event.location} is not store {store}'s (use {store} or {store}/<place>)",
                          field="location")
        if not (event.on_hand or event.reserved or event.in_transit):
            raise Refusal(422, "empty_move", "a stock move must change on_hand, reserved or in_transit", field="on_hand")
    elif isinstance(event, PickupStatusEvent):
        current = web_order_status(conn, event.order_id, store)
        if current is None:
            raise Refusal(422, "web_order_unknown", f"web order {event.order_id} is not one of store {store}'s",
                          field="order_id")
        if not pickup_may_become(current, event.status.value):
            raise Refusal(422, "status_not_allowed", f"web order {event.order_id} is {current}: it cannot become "
                          f"{event.status.value}", field="status")
    elif isinstance(event, LoyaltyEntryEvent):
        if conn.execute(select(members.c.member_id).where(members.c.member_id == event.member_id)).first() is None:
            raise Refusal(422, "member_unknown", f"member {event.member_id} is not a member of the chain",
                          field="member_id")


def _apply(conn: Connection, store: str, event, at: datetime) -> None:
    if isinstance(event, PickupStatusEvent):
        move_web_order(conn, event.order_id, event.status.value, at, publish=False)  # the store knows; no echo
    elif isinstance(event, StockMoveEvent):
        conn.execute(stock_moves.insert().values(store=store, id=event.id, location=event.location, sku=event.sku,
                                                 on_hand=event.on_hand, reserved=event.reserved,
                                                 in_transit=event.in_transit, moved_at=event.moved_at))
    elif isinstance(event, LoyaltyEntryEvent):
        conn.execute(ledger.insert().values(source=store, id=event.id, member_id=event.member_id, points=event.points,
                                            order_id=event.order_id, channel=event.channel.value, at=event.at))
        publish_balance(conn, event.member_id, at)
