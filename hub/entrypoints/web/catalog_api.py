"""What the store sells right now, under /api/v1: availability and sold-out (86), stock, promotions."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from hub.contracts.bounds import MAX_UNITS
from hub.contracts.errors import ErrorCode
from hub.contracts.pricing import SoldOutIn
from hub.domain.access import Permission
from hub.domain.promotions import SetPromotionActive
from hub.domain.stock import MarkSoldOut, ReceiveStock
from hub.entrypoints.web.access import current_identity, requires
from hub.entrypoints.web.context import current_hub
from hub.entrypoints.web.replies import ApiProblem, body_of, run
from hub.services.commerce import availability_snapshot

blueprint = Blueprint("catalog", __name__, url_prefix="/api/v1")


@blueprint.get("/availability")
@requires(Permission.MENU_READ)
def get_availability():
    """Return what is sold out and how many units each channel may still sell."""
    with current_hub().uow_factory() as uow:
        return jsonify(availability_snapshot(uow))


@blueprint.put("/items/<sku>/sold-out")
@requires(Permission.SOLD_OUT)
def put_sold_out(sku: str):
    """86 an item by hand (or bring it back); every device hears it at once. The record names who did it."""
    body = body_of(SoldOutIn)
    run(MarkSoldOut(sku, body.sold_out, current_identity().who))
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
        raise ApiProblem(422, ErrorCode.INVALID_PAYLOAD.value, "qty must be a whole number", "qty")
    if abs(body["qty"]) > MAX_UNITS:
        raise ApiProblem(422, ErrorCode.INVALID_PAYLOAD.value, f"qty must be at most {MAX_UNITS} units", "qty")
    level = run(ReceiveStock(sku, body["qty"], body.get("location")))
    return jsonify({"sku": sku, "location": level.location, "on_hand": level.on_hand,
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
        raise ApiProblem(422, ErrorCode.INVALID_PAYLOAD.value, "active must be true or false", "active")
    run(SetPromotionActive(promo_id, body["active"]))
    return jsonify({"id": promo_id, "active": body["active"]})
