"""The commerce API: price a basket, availability and 86, promotions, tenders, refunds, loyalty."""

from __future__ import annotations

import uuid

from flask import Blueprint, jsonify, request

from hub.bootstrap import utc_now
from hub.contracts.bounds import MAX_UNITS
from hub.contracts.errors import ErrorCode
from hub.contracts.pricing import BasketIn, GiftCardIn, RefundIn, SoldOutIn, TenderIn
from hub.domain import commands
from hub.domain.commands import LineRequest, ManualDiscount
from hub.domain.errors import OrderRefused, Refused
from hub.domain.till import TakeTender
from hub.entrypoints.web.context import current_hub
from hub.entrypoints.web.menu_api import language
from hub.entrypoints.web.replies import body_of as _body
from hub.entrypoints.web.replies import error as _error
from hub.entrypoints.web.replies import run as _run
from hub.services.commerce import availability_snapshot, prepare_sale
from hub.services.staff import RunApproved
from hub.domain.access import Permission, Role
from hub.services.commerce_actions import require_member_proof
from hub.entrypoints.web.access import acting_staff, current_identity, requires

blueprint = Blueprint("commerce_api", __name__, url_prefix="/api/v1")


def manual_discounts(discounts) -> tuple[ManualDiscount, ...]:
    """Turn `discounts` of a basket or an order into the pricing engine's manual discounts."""
    return tuple(ManualDiscount(d.reason.strip(), d.line, d.percent, d.amount) for d in discounts)


@blueprint.post("/baskets/price")
@requires(Permission.BASKET_PRICE)
def price_basket():
    """Price a basket exactly as order intake would: lines, discounts, taxes by rate, total, hints."""
    basket, error = _body(BasketIn)
    if error:
        return error
    hub = current_hub()
    lines = [LineRequest(line.sku, line.qty, tuple(line.modifiers), line.note) for line in basket.lines]
    member = basket.customer.loyalty_id if basket.customer else None
    try:
        with hub.uow_factory() as uow:
            sale = prepare_sale(uow, lines, basket.channel.value, basket.at or utc_now(), hub.settings.zone,
                                member, basket.tax_exempt, basket.redeem_points, manual_discounts(basket.discounts),
                                hub.frontdesk.discount_limit_percent if hub.frontdesk else None)
            catalog = uow.catalog()
    except OrderRefused as refusal:
        return _error(422, refusal.code, refusal.message, refusal.field)
    # The page's language (`?lang=de`) for the catalog's words: item, tax, promotion names; the amounts are the same.
    items = {line.item.sku: line.item for line in sale.priced.lines}
    items |= {part.item.sku: part.item for line in sale.priced.lines for part in line.parts}
    return jsonify(catalog.texts.priced(sale.priced.to_dict(), items, language()))


@blueprint.get("/availability")
@requires(Permission.MENU_READ)
def get_availability():
    """Return what is sold out and how many units each channel may still sell."""
    with current_hub().uow_factory() as uow:
        return jsonify(availability_snapshot(uow))


@blueprint.put("/items/<sku>/sold-out")
@requires(Permission.SOLD_OUT)
def put_sold_out(sku: str):
    """86 an item by hand (or bring it back); every device hears it at once."""
    body, error = _body(SoldOutIn)
    if error:
        return error
    _, error = _run(commands.MarkSoldOut(sku, body.sold_out, body.by))
    if error:
        return error
    return get_availability()


@blueprint.get("/stock")
@requires(Permission.MENU_READ)
def get_stock():
    """Return every stock-tracked item's on hand, reserved and in transit, per location."""
    with current_hub().uow_factory() as uow:
        levels = sorted(uow.commerce.stock().values(), key=lambda lvl: (lvl.sku, lvl.location))
    return jsonify({"stock": [{"sku": lvl.sku, "location": lvl.location, "on_hand": lvl.on_hand,
                               "reserved": lvl.reserved, "in_transit": lvl.in_transit} for lvl in levels]})


@blueprint.post("/stock/<sku>/receive")
@requires(Permission.STOCK_RECEIVE)
def post_receive(sku: str):
    """Book a delivery: `{"qty": 12}`; in transit becomes on hand."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("qty"), int) or isinstance(body.get("qty"), bool):
        return _error(422, ErrorCode.INVALID_PAYLOAD.value, "qty must be a whole number", "qty")
    if abs(body["qty"]) > MAX_UNITS:
        return _error(422, ErrorCode.INVALID_PAYLOAD.value, f"qty must be at most {MAX_UNITS} units", "qty")
    level, error = _run(commands.ReceiveStock(sku, body["qty"], body.get("location")))
    return error or jsonify({"sku": sku, "location": level.location, "on_hand": level.on_hand,
                             "reserved": level.reserved, "in_transit": level.in_transit})


@blueprint.get("/promotions")
@requires(Permission.MENU_READ)
def get_promotions():
    """Return every promotion, whether it is on, and how often it was used."""
    with current_hub().uow_factory() as uow:
        promos, uses = uow.commerce.promotions()  # uses are counted for usage-limited promotions
    return jsonify({"promotions": [{"id": p.promo_id, "name": p.name, "kind": p.kind, "active": p.active,
                                    "stackable": p.stackable, "usage_limit": p.usage_limit,
                                    "uses": uses.get(p.promo_id, 0)} for p in promos]})


@blueprint.put("/promotions/<promo_id>")
@requires(Permission.PROMOTIONS_MANAGE)
def put_promotion(promo_id: str):
    """Switch a promotion on or off: `{"active": false}`; the next basket sees it, no restart."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("active"), bool):
        return _error(422, ErrorCode.INVALID_PAYLOAD.value, "active must be true or false", "active")
    _, error = _run(commands.SetPromotionActive(promo_id, body["active"]))
    return error or jsonify({"id": promo_id, "active": body["active"]})


def _tender_view(tender) -> dict:
    return {"tender_id": tender.tender_id, "kind": tender.kind, "amount": tender.amount, "currency": tender.currency,
            "refunded": tender.refunded,
            # a gift card tender keeps "last4/hash": show only the last 4
            "reference": tender.reference.split("/")[0] if tender.reference and tender.kind == "gift_card" else tender.reference}


@blueprint.post("/orders/<order_id>/tenders")
@requires(Permission.TENDER_ADD)
def post_tender(order_id: str):
    """Pay part or all of an order; cash over what is due gives change, and opens the till's drawer (`device_id`)."""
    body, error = _body(TenderIn)
    if error:
        return error
    tender = commands.AddTender(str(uuid.uuid4()), order_id, body.kind, body.amount, body.code,
                                member_proof=body.member_proof, staff=acting_staff())
    taken, error = _run(TakeTender(tender, body.device_id))
    if error:
        return error
    result = taken.result
    return jsonify({"tender": _tender_view(result.tender), "change": result.change, "due": result.due,
                    "drawer": taken.drawer, "drawer_job_id": taken.drawer_job_id,
                    "drawer_message": taken.drawer_message}), 201


@blueprint.get("/orders/<order_id>/tenders")
@requires(Permission.PAYMENT_READ)
def get_tenders(order_id: str):
    """Return an order's tenders and what is still due."""
    with current_hub().uow_factory() as uow:
        order = uow.orders.get(order_id)
        if order is None:
            return _error(404, "not_found", f"no order {order_id}")
        tenders = uow.commerce.tenders(order_id)
        refunded = uow.commerce.refunded_lines(order_id)
    due = order.total.amount - sum(t.amount - t.refunded for t in tenders)
    return jsonify({"tenders": [_tender_view(t) for t in tenders], "total": order.total.amount, "due": due,
                    # units refunded so far per priced line: a till offers only the rest
                    "refunded_lines": [{"index": index, "qty": qty} for index, qty in sorted(refunded.items()) if qty]})


@blueprint.post("/orders/<order_id>/refunds")
@requires(Permission.REFUND)
def post_refund(order_id: str):
    """Refund units of a completed order to its original tenders, with a manager's approval; stock and points go back."""
    body, error = _body(RefundIn)
    if error:
        return error
    lines = tuple((line.index, line.qty) for line in body.lines)
    refund = commands.RefundOrder(str(uuid.uuid4()), order_id, lines)
    result, error = _run(RunApproved(body.approval, "refund", refund, order_id))
    if error:
        return error
    return jsonify({"refund_id": result.refund_id, "amount": {"amount": result.amount, "currency": result.currency},
                    "to_tenders": [{"tender_id": t, "kind": k, "amount": a, "pending": k == "card"}
                                   for t, k, a in result.to_tenders],
                    # Card parts go back at the card's terminal once the customer presents it; follow these payments.
                    "card_refunds": list(result.card_refunds)}), 201


@blueprint.get("/loyalty/<member_id>")
@requires(Permission.LOYALTY_LOOKUP)
def get_member(member_id: str):
    """Return a loyalty member's tier and points: to staff, or with the member's card proof (`?proof=`)."""
    hub = current_hub()
    try:
        require_member_proof(hub.frontdesk, member_id, request.args.get("proof"), staff=acting_staff())
    except Refused as refusal:
        return _error(refusal.status, refusal.code, refusal.message, refusal.field)
    with hub.uow_factory() as uow:
        member = uow.commerce.member(member_id)
    if member is None:
        return _error(404, "not_found", f"no loyalty member {member_id}")
    return jsonify({"member_id": member.member_id, "name": member.name, "tier": member.tier, "points": member.points})


@blueprint.post("/gift-cards")
@requires(Permission.GIFT_CARD_ISSUE)
def post_gift_card():
    """Load a gift card; the code is kept only as a hash."""
    body, error = _body(GiftCardIn)
    if error:
        return error
    issue = commands.IssueGiftCard(body.code, body.amount, body.currency)
    if current_identity().role is not Role.OWNER:  # staff load a card with a manager's one-use approval
        issue = RunApproved(body.approval, "gift_card", issue, f"gift card {body.code[-4:]}")
    balance, error = _run(issue)
    return error or (jsonify({"last4": body.code[-4:], "balance": balance, "currency": body.currency}), 201)
