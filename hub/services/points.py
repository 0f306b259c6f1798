"""Loyalty points: spent only with the member's card or by staff, earned when an order is completed."""

from __future__ import annotations

from hub.domain.frontdesk_settings import FrontdeskSettings
from hub.domain.loyalty import MemberProofRequired, proof_ok
from hub.domain.order_messages import OrderStatusChanged
from hub.services.commerce_ports import loyalty_program
from hub.services.ports import Clock, UnitOfWork


def require_member_proof(frontdesk: FrontdeskSettings | None, member_id: str, proof: str | None, staff: bool) -> None:
    """Let a member's points or details be used only by staff or with the member's own card proof."""
    if staff or proof_ok(frontdesk.member_secret if frontdesk is not None else None, member_id, proof):
        return
    why = "is not this member's card" if proof else "is missing"
    raise MemberProofRequired(f"member_proof: the member's card (its QR code) {why}: scan the card, "
                              "or ask a signed-in member of staff", "member_proof")


def earn_points(event: OrderStatusChanged, uow: UnitOfWork, clock: Clock) -> None:
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
