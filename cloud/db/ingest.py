"""Take a store's events once each: orders, payments, refunds, stock moves, loyalty entries and pickup statuses.

A batch is taken with a handful of statements whatever its size (look up what is known, insert what is new), since a
round trip to PostgreSQL on a busy machine costs milliseconds. When two requests race with the same id, the insert
fails on the primary key; the batch is then taken again one event at a time, each in its own savepoint.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError

from cloud.contracts import (
    EventResult,
    LoyaltyEntryEvent,
    OrderEvent,
    Outcome,
    PaymentEvent,
    PickupStatusEvent,
    RefundEvent,
    StockMoveEvent,
    StoreEvent,
    field_path,
    nul_location,
)
from cloud.db.loyalty import publish_balances
from cloud.db.tables import events, ledger, members, stock_moves
from cloud.db.web_orders import move_web_order, web_order_status
from cloud.domain import body_fingerprint, owns_location, pickup_may_become

EVENT = TypeAdapter(StoreEvent)
KINDS = ("order", "payment", "refund", "stock_move", "loyalty_entry", "pickup_status", "day_close")


class Refusal(Exception):
    """An event that cannot be stored, with the code, words and whether sending it later may succeed."""

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None, retry: bool = False):
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.retry = status, code, message, field, retry

    def result(self, event_id: str | None) -> EventResult:
        """Return the answer for the refused event."""
        return EventResult(id=event_id, outcome=Outcome.refused, status=self.status, code=self.code,
                           message=self.message, field=self.field, retry=self.retry)


def ingest(conn: Connection, store: str, raw_events: list[dict], at: datetime) -> list[EventResult]:
    """Take every event in order and answer for each one; one refused event never stops the others."""
    parsed = [_parse(raw, index) for index, raw in enumerate(raw_events)]
    if not any(isinstance(item, PickupStatusEvent) for item in parsed):  # web order statuses lock their order: slow path
        try:
            with conn.begin_nested():
                return _all_at_once(conn, store, parsed, at)
        except IntegrityError:
            pass  # a racing request stored one of these ids first: take them one by one below
    return _one_by_one(conn, store, parsed, at)


def _parse(raw: object, index: int):
    """Return the valid event, or (its id if readable, the refusal)."""
    event_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
    nul = nul_location(raw)
    if nul is not None:
        field = field_path(nul, f"events[{index}]")
        return event_id, Refusal(422, "invalid_event", f"{field}: must not contain a NUL character", field=field)
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
        return event_id, Refusal(422, "invalid_event", f"{field}: {problem}", field=field)


def _all_at_once(conn: Connection, store: str, parsed: list, at: datetime) -> list[EventResult]:
    valid = [item for item in parsed if not isinstance(item, tuple)]
    stored = dict(conn.execute(select(events.c.id, events.c.fingerprint).where(
        events.c.store == store, events.c.id.in_({event.id for event in valid}))).all()) if valid else {}
    wanted_orders = {e.order_id for e in valid if isinstance(e, (PaymentEvent, RefundEvent))}
    orders = set(conn.execute(select(events.c.id).where(
        events.c.store == store, events.c.kind == "order", events.c.id.in_(wanted_orders))).scalars()) if wanted_orders else set()
    wanted_members = {e.member_id for e in valid if isinstance(e, LoyaltyEntryEvent)}
    known_members = set(conn.execute(select(members.c.member_id).where(
        members.c.member_id.in_(wanted_members))).scalars()) if wanted_members else set()

    results: list[EventResult] = []
    rows: dict[str, list[dict]] = {"events": [], "stock_moves": [], "ledger": []}
    for item in parsed:
        if isinstance(item, tuple):
            results.append(item[1].result(item[0]))
            continue
        body = item.model_dump(mode="json")
        fingerprint = body_fingerprint(body)
        try:
            if item.id in stored:
                results.append(_repeat(item.id, stored[item.id], fingerprint))
                continue
            _check(store, item, has_order=orders.__contains__, has_member=known_members.__contains__)
        except Refusal as refusal:
            results.append(refusal.result(item.id))
            continue
        stored[item.id] = fingerprint
        if isinstance(item, OrderEvent):
            orders.add(item.id)
        _rows(store, item, body, fingerprint, at, rows)
        results.append(EventResult(id=item.id, outcome=Outcome.committed, status=201))
    for table, new in ((events, rows["events"]), (stock_moves, rows["stock_moves"]), (ledger, rows["ledger"])):
        if new:
            conn.execute(table.insert(), new)
    publish_balances(conn, [row["member_id"] for row in rows["ledger"]], at)  # last: it takes the feed's lock
    return results


def _one_by_one(conn: Connection, store: str, parsed: list, at: datetime) -> list[EventResult]:
    results = []
    for item in parsed:
        if isinstance(item, tuple):
            results.append(item[1].result(item[0]))
            continue
        try:
            results.append(_take(conn, store, item, at))
        except Refusal as refusal:
            results.append(refusal.result(item.id))
    return results


def _take(conn: Connection, store: str, event, at: datetime) -> EventResult:
    body = event.model_dump(mode="json")
    fingerprint = body_fingerprint(body)
    seen = _seen(conn, store, event.id, fingerprint)
    if seen is not None:
        return seen
    try:
        with conn.begin_nested():
            if isinstance(event, PickupStatusEvent):
                _check_pickup(conn, store, event)
            else:
                _check(store, event, has_order=lambda order_id: _has_order(conn, store, order_id),
                       has_member=lambda member_id: _has_member(conn, member_id))
            rows: dict[str, list[dict]] = {"events": [], "stock_moves": [], "ledger": []}
            _rows(store, event, body, fingerprint, at, rows)
            conn.execute(events.insert(), rows["events"])
            if rows["stock_moves"]:
                conn.execute(stock_moves.insert(), rows["stock_moves"])
            if rows["ledger"]:
                conn.execute(ledger.insert(), rows["ledger"])
                publish_balances(conn, [event.member_id], at)
            if isinstance(event, PickupStatusEvent):
                move_web_order(conn, event.order_id, event.status.value, at, publish=False)  # the store knows
    except IntegrityError:
        # Another request took the same id between our look and our insert: answer as if we had seen it.
        seen = _seen(conn, store, event.id, fingerprint)
        if seen is None:
            raise
        return seen
    return EventResult(id=event.id, outcome=Outcome.committed, status=201)


def _seen(conn: Connection, store: str, event_id: str, fingerprint: str) -> EventResult | None:
    stored = conn.execute(select(events.c.fingerprint).where(events.c.store == store, events.c.id == event_id)).scalar()
    return None if stored is None else _repeat(event_id, stored, fingerprint)


def _repeat(event_id: str, stored: str, fingerprint: str) -> EventResult:
    if stored == fingerprint:
        return EventResult(id=event_id, outcome=Outcome.already_committed, status=200)
    raise Refusal(409, "conflict", f"{event_id} was committed before with other content; a changed event needs a new id",
                  field="id")


def _check(store: str, event, *, has_order: Callable[[str], bool], has_member: Callable[[str], bool]) -> None:
    if isinstance(event, (PaymentEvent, RefundEvent)):
        if not has_order(event.order_id):
            raise Refusal(422, "order_unknown", f"order {event.order_id} is not at HQ yet: send the order first",
                          field="order_id", retry=True)
    elif isinstance(event, StockMoveEvent):
        if not owns_location(store, event.location):
            raise Refusal(403, "not_your_location",
                          f"location {event.location} is not store {store}'s (use {store} or {store}/<place>)",
                          field="location")
        if not (event.on_hand or event.reserved or event.in_transit):
            raise Refusal(422, "empty_move", "a stock move must change on_hand, reserved or in_transit", field="on_hand")
    elif isinstance(event, LoyaltyEntryEvent):
        if not has_member(event.member_id):
            raise Refusal(422, "member_unknown", f"member {event.member_id} is not a member of the chain",
                          field="member_id")


def _check_pickup(conn: Connection, store: str, event: PickupStatusEvent) -> None:
    current = web_order_status(conn, event.order_id, store)
    if current is None:
        raise Refusal(422, "web_order_unknown", f"web order {event.order_id} is not one of store {store}'s",
                      field="order_id")
    if not pickup_may_become(current, event.status.value):
        raise Refusal(422, "status_not_allowed", f"web order {event.order_id} is {current}: it cannot become "
                      f"{event.status.value}", field="status")


def _has_order(conn: Connection, store: str, order_id: str) -> bool:
    return conn.execute(select(events.c.id).where(events.c.store == store, events.c.id == order_id,
                                                  events.c.kind == "order")).first() is not None


def _has_member(conn: Connection, member_id: str) -> bool:
    return conn.execute(select(members.c.member_id).where(members.c.member_id == member_id)).first() is not None


def _rows(store: str, event, body: dict, fingerprint: str, at: datetime, rows: dict[str, list[dict]]) -> None:
    rows["events"].append({"store": store, "id": event.id, "kind": event.kind, "fingerprint": fingerprint, "body": body,
                           "order_id": getattr(event, "order_id", None), "received_at": at})
    if isinstance(event, StockMoveEvent):
        rows["stock_moves"].append({"store": store, "id": event.id, "location": event.location, "sku": event.sku,
                                    "on_hand": event.on_hand, "reserved": event.reserved,
                                    "in_transit": event.in_transit, "moved_at": event.moved_at})
    elif isinstance(event, LoyaltyEntryEvent):
        rows["ledger"].append({"source": store, "id": event.id, "member_id": event.member_id, "points": event.points,
                               "order_id": event.order_id, "channel": event.channel.value if event.channel else None,
                               "at": event.at})
