"""The web shop's pickup orders at HQ: placed by an HQ account (the shop's backend), cancelled, looked up."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from cloud.contracts import PickupStatus, WebOrder
from cloud.db import access as repo
from cloud.db.web_orders import move_web_order, place_web_order, web_order_status, web_order_view
from cloud.web.access import for_hq
from cloud.web.errors import ApiError, parse

web_orders_api = Blueprint("web_orders_api", __name__, url_prefix="/api/v1/web-orders")


def _engine():
    return current_app.config["CLOUD_ENGINE"]


def _now():
    return current_app.config["CLOUD_CLOCK"]()


@web_orders_api.post("")
@for_hq
def place():
    """Place a web order for pickup at a store: 201 new, 200 the same again, 409 other content under its id."""
    order = parse(WebOrder, request.get_json(silent=True))
    if order.status is not PickupStatus.placed:
        raise ApiError(422, "invalid_payload", "status: a new web order is placed; the store moves it on", "status")
    with _engine().begin() as conn:
        if repo.find_store(conn, order.store) is None:
            raise ApiError(422, "unknown_store", f"store: there is no store {order.store}", "store")
        placed = place_web_order(conn, order, _now())
        if not placed.same:
            raise ApiError(409, "web_order_exists", f"web order {order.order_id} was placed before with other content",
                           "order_id")
        view = web_order_view(conn, order.order_id)
    return jsonify(view), 201 if placed.created else 200


@web_orders_api.get("/<order_id>")
@for_hq
def show(order_id: str):
    """Return a web order with its status and the store's status history."""
    with _engine().connect() as conn:
        view = web_order_view(conn, order_id)
    if view is None:
        raise ApiError(404, "not_found", f"there is no web order {order_id}")
    return jsonify(view)


@web_orders_api.post("/<order_id>/cancel")
@for_hq
def cancel(order_id: str):
    """Cancel a web order the customer called off; the store sees it on its feed."""
    with _engine().begin() as conn:
        current = web_order_status(conn, order_id)
        if current is None:
            raise ApiError(404, "not_found", f"there is no web order {order_id}")
        if not move_web_order(conn, order_id, PickupStatus.cancelled.value, _now(), publish=True):
            raise ApiError(422, "status_not_allowed", f"web order {order_id} is {current}: it cannot be cancelled now")
        view = web_order_view(conn, order_id)
    return jsonify(view)
