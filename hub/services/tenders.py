"""Tenders: take cash, gift card and points towards an order; record what the card terminal approved or gave back."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from hub.domain.errors import CommerceRefused
from hub.domain.frontdesk_settings import FrontdeskSettings
from hub.domain.order_holds import TenderTaken
from hub.domain.orders import Order
from hub.domain.staff import ApprovalRequired
from hub.domain.tenders import ONLINE, AddTender, RecordOnlinePayment, Tender, apply_tender
from hub.services.commerce_ports import loyalty_program
from hub.services.day_guard import refuse_if_day_closed
from hub.services.points import require_member_proof
from hub.services.ports import Clock, UnitOfWork
from hub.services.staff import spend_approval

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TenderResult:
    """A tender taken: what it paid, change due for cash, and what is still due."""

    tender: Tender
    change: int
    due: int


def known_order(uow: UnitOfWork, order_id: str) -> Order:
    """Return the order with this id, or refuse naming it."""
    order = uow.orders.get(order_id)
    if order is None:
        raise CommerceRefused("not_found", f"no order {order_id}")
    return order


def due_of(uow: UnitOfWork, order: Order) -> int:
    """Return what is still to pay on an order."""
    # A reversed card payment is owed again; so is what a refund gave back (but refunds need a completed order).
    return order.total.amount - sum(t.amount - t.refunded for t in uow.commerce.tenders(order.order_id))


def allow_offline_redemption(uow: UnitOfWork, member_id: str, points: int, now: datetime,
                             offline_since: datetime | None, frontdesk: FrontdeskSettings | None,
                             approval: str | None) -> None:
    """While HQ cannot be reached, let a member redeem up to the store's limit from the last balance HQ sent;
    above it a manager approves (`points_offline`), since another store may be spending the same points."""
    if offline_since is None:
        return
    limit = (frontdesk or FrontdeskSettings()).offline_points_limit
    already = uow.commerce.redeemed_since(member_id, offline_since)
    if already + points <= limit:
        return
    if approval is None:
        raise ApprovalRequired(
            f"approval: headquarters cannot be reached since {offline_since:%H:%M} UTC, so a member may redeem at most "
            f"{limit} points here until it can ({already} redeemed since then, {points} more asked); "
            "a manager's approval for points_offline lets this through", "approval")
    spend_approval(uow, approval, "points_offline", f"points of {member_id} while HQ is offline", now)


def add_tender(command: AddTender, uow: UnitOfWork, clock: Clock, frontdesk: FrontdeskSettings | None = None,
               hq_offline_since: Callable[[], datetime | None] = lambda: None) -> TenderResult:
    """Take a cash, gift card or points tender (cards come from the terminal's events)."""
    order = known_order(uow, command.order_id)
    refuse_if_day_closed(uow, order.order_id, order.business_day, f"a tender on order {order.number}")
    repo = uow.commerce
    currency = order.total.currency
    due = due_of(uow, order)
    if command.kind == "card":
        raise CommerceRefused("invalid_tender", "card tenders are recorded when the payment terminal approves them")
    if command.kind == ONLINE:
        raise CommerceRefused("invalid_tender", "online payments come with the web order from headquarters")
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
        allow_offline_redemption(uow, member.member_id, points, clock(), hq_offline_since(), frontdesk, command.approval)
        if member.points < points:
            raise CommerceRefused("insufficient_balance", f"member {member.member_id} has {member.points} points")
        member.points -= points
        repo.save_member(member, order.order_id, "redeem", -points, clock())
        reference = member.member_id
    tender = Tender(command.tender_id, order.order_id, command.kind, applied, currency, 0, reference)
    repo.save_tender(tender, clock(), new=True)
    uow.raise_event(TenderTaken(order.order_id))  # an order held for its payment may now go to the kitchen
    return TenderResult(tender, change, due - applied)


def record_online_payment(command: RecordOnlinePayment, uow: UnitOfWork, clock: Clock) -> Tender | None:
    """Record what a web order's customer paid online, once, up to what the order costs here.

    HQ priced the order with the prices it had; a difference is logged for the owner, never refused:
    the customer has paid, and the order must reach the kitchen."""
    order = known_order(uow, command.order_id)
    tender_id = f"online-{order.order_id}"
    if any(t.tender_id == tender_id for t in uow.commerce.tenders(order.order_id)):
        return None
    due = due_of(uow, order)
    applied = min(command.amount, due)
    if command.amount != due:
        logger.warning("web order %s: paid online %s, the store's price is %s still due; %s recorded",
                       order.number, command.amount, due, applied)
    if applied <= 0:
        return None
    tender = Tender(tender_id, order.order_id, ONLINE, applied, order.total.currency, 0, command.reference)
    uow.commerce.save_tender(tender, clock(), new=True)
    uow.raise_event(TenderTaken(order.order_id))
    return tender


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
