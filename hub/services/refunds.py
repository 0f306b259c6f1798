"""Refunds: units of a completed order back to its tenders, restocked; a cancelled order's stored value back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub.domain.errors import CommerceRefused
from hub.domain.order_messages import OrderStatusChanged
from hub.domain.orders import Order
from hub.domain.payments import RefundPayment
from hub.domain.pricing import split_by_weight
from hub.domain.stock import StockChanged
from hub.domain.tenders import ONLINE, OrderRefunded, RefundOrder, refund_split
from hub.services.commerce_ports import loyalty_program
from hub.services.ports import Clock, UnitOfWork
from hub.services.tenders import known_order


@dataclass(frozen=True, slots=True)
class RefundResult:
    """A refund: how much, and how much went back to each original tender."""

    refund_id: str
    amount: int
    currency: str
    to_tenders: tuple[tuple[str, str, int], ...]  # (tender id, kind, amount)
    card_refunds: tuple[str, ...] = ()  # payments whose part was sent to their terminal: the customer presents the card


def return_stored_value(event: OrderStatusChanged, uow: UnitOfWork, clock: Clock) -> None:
    """Give gift card and points tenders of a cancelled order back; cash and card need staff or the terminal.

    A web order's online payment is marked given back too: HQ refunds it when it hears of the cancel."""
    if event.current != "cancelled":
        return
    now = clock()
    for tender in uow.commerce.tenders(event.order_id):
        if tender.kind not in ("gift_card", "points", ONLINE) or tender.refundable <= 0:
            continue
        part = tender.refundable
        tender.refunded += part
        uow.commerce.save_tender(tender, now, new=False)
        if tender.kind == "gift_card":
            uow.commerce.credit_gift_card(tender.reference, part)
        elif tender.kind == "points":
            _points_back(uow, tender.reference, event.order_id, part, now)


def refund_order(command: RefundOrder, uow: UnitOfWork, clock: Clock,
                 handle_within: Callable[[object], Any]) -> RefundResult:
    """Refund units of a completed order to its tenders, restock them, and take back their points."""
    order = known_order(uow, command.order_id)
    if order.status.value != "completed" or not order.pricing:
        raise CommerceRefused("not_completed", f"order {order.number} is {order.status.value}: cancel it instead")
    repo = uow.commerce
    priced = order.pricing["lines"]
    done = repo.refunded_lines(order.order_id)
    wanted = dict(command.lines) or {ln["index"]: ln["qty"] - done.get(ln["index"], 0) for ln in priced}
    payable = split_by_weight(order.total.amount, [ln["net"]["amount"] for ln in priced])
    amount = 0
    for index, units in wanted.items():
        if not 0 <= index < len(priced) or units < 0 or done.get(index, 0) + units > priced[index]["qty"]:
            raise CommerceRefused("invalid_refund", f"lines: line {index} cannot refund {units} more unit(s)")
        qty, before = priced[index]["qty"], done.get(index, 0)
        # Telescoping shares: refunding every unit, in any steps, gives back exactly the line's price.
        amount += payable[index] * (before + units) // qty - payable[index] * before // qty
    now = clock()
    plan = refund_split(amount, repo.tenders(order.order_id))
    # A card's part goes back through its terminal, and counts once the terminal says so; asked first,
    # so a refusal (a refund of that card already on its way) leaves nothing written.
    card_refunds = tuple(handle_within(RefundPayment(tender.reference or tender.tender_id, part)).payment_id
                         for tender, part in plan if tender.kind == "card")
    for tender, part in plan:
        if tender.kind == "card":
            continue
        tender.refunded += part
        repo.save_tender(tender, now, new=False)
        if tender.kind == "points":
            _points_back(uow, tender.reference, order.order_id, part, now)
        if tender.kind == "gift_card":
            repo.credit_gift_card(tender.reference, part)
    _restock(uow, order, wanted, now)
    refunded_before = sum(payable[i] * done.get(i, 0) // priced[i]["qty"] for i in range(len(priced)))
    _reverse_points(uow, order, refunded_before, refunded_before + amount, now)
    repo.add_refund(command.refund_id, order.order_id, amount, order.total.currency,
                    {**done, **{i: done.get(i, 0) + u for i, u in wanted.items()}}, now)
    uow.raise_event(OrderRefunded(order.order_id, command.refund_id, amount, order.total.currency))
    return RefundResult(command.refund_id, amount, order.total.currency,
                        tuple((t.tender_id, t.kind, part) for t, part in plan), card_refunds)


def _points_back(uow: UnitOfWork, member_id: str | None, order_id: str, amount: int, now: datetime) -> None:
    member = uow.commerce.member(member_id or "")
    if member is None:
        return
    redeemed = -sum(p for m, kind, p in uow.commerce.points_entries(order_id) if m == member.member_id and kind == "redeem")
    value = loyalty_program(uow.commerce).point_value or 1
    back = min(redeemed, -(-amount // value))
    member.points += back
    uow.commerce.save_member(member, order_id, "refund", back, now)


def _reverse_points(uow: UnitOfWork, order: Order, before: int, after: int, now: datetime) -> None:
    entries = uow.commerce.points_entries(order.order_id)
    earned = sum(p for _, kind, p in entries if kind == "earn")
    if not earned or not order.loyalty_id:
        return
    total = order.total.amount or 1
    take = earned * min(after, total) // total - earned * before // total
    member = uow.commerce.member(order.loyalty_id)
    if member is not None and take:
        member.points -= take
        uow.commerce.save_member(member, order.order_id, "reverse", -take, now)


def _restock(uow: UnitOfWork, order: Order, wanted: dict[int, int], now: datetime) -> None:
    repo = uow.commerce
    catalog = uow.catalog()
    consumed = {}
    for move in repo.moves_for(order.order_id):
        if move["kind"] == "consume":
            consumed[move["sku"]] = move["location"]
    changed = []
    for index, units in wanted.items():
        line = order.pricing["lines"][index]
        item = catalog.get(line["sku"])
        parts = [(p.sku, p.qty) for p in item.parts] if item else [(line["sku"], 1)]
        for sku, per in parts or [(line["sku"], 1)]:
            if sku not in consumed or units == 0:
                continue
            location = consumed[sku]
            level = repo.stock([sku]).get((sku, location))
            level.restock(units * per)
            repo.save_stock(level)
            serials = None
            part = catalog.get(sku)
            if part is not None and part.serial_tracked:
                serials = repo.serials(sku, location, "sold", limit=units * per, order_id=order.order_id)
                repo.set_serials(sku, serials, "in_stock", None)
            repo.add_move(sku, location, "restock", units * per, order.order_id, serials, now)
            changed.append(sku)
    if changed:
        uow.raise_event(StockChanged(tuple(changed)))
