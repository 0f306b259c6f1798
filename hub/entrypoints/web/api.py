"""The JSON API under /api/v1."""

from __future__ import annotations

import logging
import uuid

from flask import Blueprint, current_app, jsonify, request
from pydantic import ValidationError

from hub.contracts.errors import ErrorCode
from hub.contracts.orders import OrderSubmit
from hub.contracts.validation import all_errors
from hub.domain.errors import OrderConflict, OrderRefused
from hub.entrypoints.intake import order_view, to_command
from hub.entrypoints.web.app import hub_of
from hub.entrypoints.web.health import health
from hub.services.payments import payment_summary

logger = logging.getLogger(__name__)

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")


def _error(status: int, code: str, message: str, field: str | None = None, **extra):
    return jsonify({"code": code, "message": message, "field": field, **extra}), status


@blueprint.post("/orders")
def submit_order():
    """Take an order over HTTP: the same body as an `order.submit` envelope's data."""
    body = request.get_json(silent=True)
    if body is None:
        return _error(400, ErrorCode.INVALID_JSON.value, "the request body must be a JSON object (Content-Type: application/json)")
    try:
        submit = OrderSubmit.model_validate(body)
    except ValidationError as exc:
        problems = all_errors(exc)
        first = problems[0]
        return _error(422, ErrorCode.INVALID_PAYLOAD.value, first["message"], first["field"], errors=problems)
    hub = hub_of(current_app)
    try:
        result = hub.bus.handle(to_command(submit, source="http"))
    except OrderConflict as refusal:
        return _error(409, refusal.code, refusal.message, refusal.field)
    except OrderRefused as refusal:
        return _error(422, refusal.code, refusal.message, refusal.field)
    return jsonify(order_view(result.order)), 201 if result.created else 200


@blueprint.errorhandler(Exception)
def _unexpected(error: Exception):
    """Answer in JSON when the hub itself fails; the order was not stored, so it may be sent again."""
    from werkzeug.exceptions import HTTPException

    if isinstance(error, HTTPException):
        return _error(error.code or 500, "http_error", error.description or error.name)
    logger.exception("request %s %s failed", request.method, request.path)
    return _error(503, ErrorCode.INTERNAL.value, "the hub could not do this right now; nothing was stored, try again")


@blueprint.get("/orders/<order_id>")
def get_order(order_id: str):
    """Return an order with its status and tickets."""
    try:
        order_id = str(uuid.UUID(order_id))
    except ValueError:
        return _error(404, "not_found", f"no order {order_id}: order ids are UUIDs")
    with hub_of(current_app).uow_factory() as uow:
        order = uow.orders.get(order_id)
        payment = payment_summary(uow, order) if order is not None else None
    if order is None:
        return _error(404, "not_found", f"no order {order_id}")
    return jsonify({**order_view(order), "payment": payment})


@blueprint.get("/queue")
def get_queue():
    """Return open orders in the order the kitchen should finish them."""
    with hub_of(current_app).uow_factory() as uow:
        orders = uow.orders.open_orders()
    return jsonify({"orders": [order_view(order) for order in orders]})


@blueprint.get("/devices")
def get_devices():
    """Return every device the hub has heard of, and whether it is online."""
    devices = hub_of(current_app).presence.devices()
    return jsonify(
        {
            "devices": [
                {
                    "device_id": d.device_id,
                    "online": d.online,
                    "kind": d.kind,
                    "health": d.health,
                    "error": d.error,
                    "since": d.since.isoformat(),
                }
                for d in devices
            ]
        }
    )


@blueprint.get("/health")
def get_health():
    """Return the hub's health; 503 when something needs attention."""
    report = health(hub_of(current_app))
    return jsonify(report), 200 if report["ok"] else 503
