"""Staff and till actions: 86 an item, switch promotions, take tenders, refund, earn points."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub.domain import commands, events
from hub.domain.errors import CommerceRefused, Refused
from hub.domain.frontdesk_settings import FrontdeskSettings
from hub.domain.loyalty import MemberProofRequired, proof_ok
from hub.domain.order_holds import TenderTaken
from hub.domain.orders import Order
from hub.domain.pricing import split_by_weight
from hub.domain.stock import StockLevel
from hub.domain.tenders import Tender, apply_tender, refund_split
from hub.domain.payments import RefundPayment
from hub.services.commerce import StockChanged
from hub.services.commerce_ports import loyalty_program
from hub.services.day_guard import refuse_if_day_closed
from hub.services.ports import UnitOfWork

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class TenderResult:
    """A tender taken: what it paid, change due for cash, and what is still due."""

    tender: Tender
    change: int
    due: int


@dataclass(frozen=True, slots=True)
class RefundResult:
    """A refund: how much, and how much went back to each original tender."""

    refund_id: str
    amount: int
    currency: str
    to_tenders: tuple[tuple[str, str, int], ...]  # (tender id, kind, amount)
    card_refunds: tuple[str, ...] = ()  # payments whose part was sent to their terminal: the customer presents the card


def mark_sold_out(command: commands.MarkSoldOut, uow: UnitOfWork, clock: Clock) -> bool:
    """86 an item by hand or bring it back; availability goes out at once."""
    if uow.catalog().get(command.sku) is None:
        raise CommerceRefused("unknown_sku", f"sku: unknown SKU {command.sku}")
    uow.commerce.mark_sold_out(command.sku, command.sold_out, command.by, clock())
    uow.raise_event(StockChanged((command.sku,)))
    return command.sold_out


def receive_stock(command: commands.ReceiveStock, uow: UnitOfWork, clock: Clock) -> StockLevel:
    """Book a delivery of a stock-tracked item; availability goes out at once."""
    location = command.location or uow.catalog().location or "store"
    level = uow.commerce.stock([command.sku]).get((command.sku, location))
    if level is None:
        raise CommerceRefused("not_found", f"sku: {command.sku} is not stock-tracked at {location}")
    if command.qty < 1:
        raise CommerceRefused("invalid_payload", "qty must be at least 1")
    level.receive(command.qty)
    uow.commerce.save_stock(level)
    uow.commerce.add_move(command.sku, location, "receive", command.qty, None, None, clock())
    uow.raise_event(StockChanged((command.sku,)))
    return level


def set_promotion_active(command: commands.SetPromotionActive, uow: UnitOfWork) -> bool:
    """Switch a promotion on or off; the next basket priced sees it."""
    if not uow.commerce.set_promotion_active(command.promo_id, command.active):
        raise CommerceRefused("not_found", f"no promotion {command.promo_id}")
    return command.active


def _order(uow: UnitOfWork, order_id: str) -> Order:
    order = uow.orders.get(order_id)
    if order is None:
        raise CommerceRefused("not_found", f"no order {order_id}")
    return order


def due_of(uow: UnitOfWork, order: Order) -> int:
    """Return what is still to pay on an order."""
    # A reversed card payment is owed again; so is what a refund gave back (but refunds need a completed order).
    return order.total.amount - sum(t.amount - t.refunded for t in uow.commerce.tenders(order.order_id))


def require_member_proof(frontdesk: FrontdeskSettings | None, member_id: str, proof: str | None, staff: bool) -> None:
    """Let a member's points or details be used only by staff or with the member's own card proof."""
    if staff or proof_ok(frontdesk.member_secret if frontdesk is not None else None, member_id, proof):
        return
    why = "is not this member's card" if proof else "is missing"
    raise MemberProofRequired(f"member_proof: the member's card (its QR code) {why}: scan the card, "
                              "or ask a signed-in member of staff", "member_proof")


def add_tender(command: commands.AddTender, uow: UnitOfWork, clock: Clock,
               frontdesk: FrontdeskSettings | None = None) -> TenderResult:
    """Take a cash, gift card or points tender (cards come from the terminal's events)."""
    order = _order(uow, command.order_id)
    refuse_if_day_closed(uow, order.order_id, order.business_day, f"a tender on order {order.number}")
    repo = uow.commerce
    currency = order.total.currency
    due = due_of(uow, order)
    if command.kind == "card":
        raise CommerceRefused("invalid_tender", "card tenders are recorded when the payment terminal approves them")
    applied, change = apply_tender(due, command.kind, command.amount)
    reference = command.reference
    if command.kind == "gift_card":
        card = repo.gift_card(command.code or "")
        if card is None:
            raise CommerceRefused("not_found", "code: no such gift card")
        balance, card_currency = card
        if card_currency != currency or balance < applied:
            raise CommerceRefused("insufficient_balance", f"the gift card holds {balance} {card_currency}")
        repo.save_gift_card(command.code, balance - applied, currency)
        reference = repo.gift_card_reference(command.code)
    if command.kind == "points":
        member = repo.member(command.code or order.loyalty_id or "")
        # Before saying whether the member exists: a guess must learn nothing.
        require_member_proof(frontdesk, command.code or order.loyalty_id or "", command.member_proof, command.staff)
        if member is None:
            raise CommerceRefused("not_found", "code: no such loyalty member")
        program = loyalty_program(repo)
        points = -(-applied // max(program.point_value, 1))
        if member.points < points:
            raise CommerceRefused("insufficient_balance", f"member {member.member_id} has {member.points} points")
        member.points -= points
        repo.save_member(member, order.order_id, "redeem", -points, clock())
        reference = member.member_id
    tender = Tender(command.tender_id, order.order_id, command.kind, applied, currency, 0, reference)
    repo.save_tender(tender, clock(), new=True)
    uow.raise_event(TenderTaken(order.order_id))  # an order held for its payment may now go to the kitchen
    return TenderResult(tender, change, due - applied)


def record_card_payment(event, uow: UnitOfWork, clock: Clock) -> None:
    """Record a card tender the payment terminal approved."""
    tender = Tender(event.payment_id, event.order_id, "card", event.amount, event.currency, 0, event.payment_id)
    existing = {t.tender_id for t in uow.commerce.tenders(event.order_id)}
    if event.payment_id not in existing:
        uow.commerce.save_tender(tender, clock(), new=True)


def reverse_card_payment(event, uow: UnitOfWork, clock: Clock) -> None:
    """Note that a card payment went back to the card."""
    for tender in uow.commerce.tenders(event.order_id):
        if tender.tender_id == event.payment_id:
            tender.refunded = min(tender.amount, tender.refunded + event.amount)
            uow.commerce.save_tender(tender, clock(), new=False)


def earn_points(event: events.OrderStatusChanged, uow: UnitOfWork, clock: Clock) -> None:
    """Credit a member's points when their order is completed; points paid with points earn none."""
    if event.current != "completed":
        return
    order = uow.orders.get(event.order_id)
    member = uow.commerce.member(order.loyalty_id) if order and order.loyalty_id else None
    if member is None:
        return
    paid_with_points = sum(t.amount for t in uow.commerce.tenders(order.order_id) if t.kind == "points")
    points = loyalty_program(uow.commerce).points_for(order.total.amount - paid_with_points, member.tier)
    if points:
        member.points += points
        uow.commerce.save_member(member, order.order_id, "earn", points, clock())


def return_stored_value(event: events.OrderStatusChanged, uow: UnitOfWork, clock: Clock) -> None:
    """Give gift card and points tenders of a cancelled order back; cash and card need staff or the terminal."""
    if event.current != "cancelled":
        return
    now = clock()
    for tender in uow.commerce.tenders(event.order_id):
        if tender.kind not in ("gift_card", "points") or tender.refundable <= 0:
            continue
        part = tender.refundable
        tender.refunded += part
        uow.commerce.save_tender(tender, now, new=False)
        if tender.kind == "gift_card":
            uow.commerce.credit_gift_card(tender.reference, part)
        else:
            _points_back(uow, tender.reference, event.order_id, part, now)


def refund_order(command: commands.RefundOrder, uow: UnitOfWork, clock: Clock,
                 handle_within: Callable[[object], Any]) -> RefundResult:
    """Refund units of a completed order to its tenders, restock them, and take back their points."""
    order = _order(uow, command.order_id)
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
    uow.raise_event(events.OrderRefunded(order.order_id, command.refund_id, amount, order.total.currency))
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


def issue_gift_card(command: commands.IssueGiftCard, uow: UnitOfWork, frontdesk: FrontdeskSettings | None = None) -> int:
    """Load a gift card up to the store's limit per card (`counter.gift_card_max`); return its new balance."""
    limit = frontdesk.gift_card_max if frontdesk is not None else FrontdeskSettings().gift_card_max
    if not 0 < command.amount <= limit:  # before any write: a 20-digit amount must not reach the database
        raise Refused("over_limit", f"amount: a gift card is loaded with 0.01 to {limit / 100:.2f} "
                                    f"({limit} minor units), got {command.amount}", 422, "amount")
    card = uow.commerce.gift_card(command.code)
    balance = (card[0] if card else 0) + command.amount
    if balance > limit:
        raise Refused("over_limit", f"amount: this card would hold {balance} minor units; one card holds at most "
                                    f"{limit} (the store's `counter.gift_card_max`)", 422, "amount")
    uow.commerce.save_gift_card(command.code, balance, command.currency)
    return balance
