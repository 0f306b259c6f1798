"""Baskets under /api/v1: price one as order intake would, park it at a till and recall it later."""

from __future__ import annotations

import uuid

from flask import Blueprint, jsonify, request

from hub.adapters.clock import utc_now
from hub.contracts.pricing import BasketIn, with_hint_messages
from hub.contracts.staff import HeldBasketIn
from hub.domain.access import Permission
from hub.domain.order_messages import LineRequest, ManualDiscount
from hub.domain.errors import OrderRefused
from hub.domain.staff import StaffMember
from hub.domain.till import HoldBasket, RecallBasket
from hub.entrypoints.web.access import requires
from hub.entrypoints.web.context import current_hub
from hub.entrypoints.web.menu_api import language
from hub.domain.moments import iso_time
from hub.entrypoints.web.replies import ApiProblem, body_of, run
from hub.entrypoints.web.staff_api import signed_in
from hub.services.commerce import prepare_sale

blueprint = Blueprint("baskets", __name__, url_prefix="/api/v1")


@blueprint.post("/baskets/price")
@requires(Permission.BASKET_PRICE)
def price_basket():
    """Price a basket exactly as order intake would: lines, discounts, taxes by rate, total, hints."""
    basket = body_of(BasketIn)
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
        raise ApiProblem(422, refusal.code, refusal.message, refusal.field) from None
    # The page's language (`?lang=de`) for the catalog's words: item, tax, promotion names; the amounts are the same.
    items = {line.item.sku: line.item for line in sale.priced.lines}
    items |= {part.item.sku: part.item for line in sale.priced.lines for part in line.parts}
    return jsonify(catalog.texts.priced(with_hint_messages(sale.priced.to_dict()), items, language()))


def manual_discounts(discounts) -> tuple[ManualDiscount, ...]:
    """Turn `discounts` of a basket or an order into the pricing engine's manual discounts."""
    return tuple(ManualDiscount(d.reason.strip(), d.line, d.percent, d.amount) for d in discounts)


@blueprint.post("/held-baskets")
@requires(Permission.BASKET_HOLD)
def post_held_basket():
    """Park the basket the counter is building; recall it once later."""
    body = body_of(HeldBasketIn)
    held_id = run(HoldBasket(str(uuid.uuid4()), body.device_id, body.label, body.basket, _member_id(signed_in())))
    return jsonify({"held_id": held_id}), 201


@blueprint.get("/held-baskets")
@requires(Permission.BASKET_HOLD)
def list_held_baskets():
    """Return the baskets waiting to be recalled (one till's with `?device_id=`), oldest first."""
    with current_hub().uow_factory() as uow:
        held = uow.staff.held_baskets(request.args.get("device_id") or None)
    return jsonify({"held": [{**row, "held_at": iso_time(row["held_at"])} for row in held]})


@blueprint.post("/held-baskets/<held_id>/recall")
@requires(Permission.BASKET_HOLD)
def recall_held_basket(held_id: str):
    """Take a held basket back: 200 with the basket, and it is gone (a second recall is 404)."""
    row = run(RecallBasket(held_id, _member_id(signed_in())))
    return jsonify({"held_id": row["held_id"], "device_id": row["device_id"], "label": row["label"],
                    "basket": row["basket"], "held_at": iso_time(row["held_at"])})


def _member_id(member: StaffMember | None) -> str | None:
    return member.staff_id if member else None
